from django.conf import settings
from django.urls import path

from fangkong.checkpoints import views

urlpatterns = [
    path("list/", views.checkpoint_list, name="checkpoint_list"),
    path("list/new/", views.checkpoint_create, name="checkpoint_create"),
    path("list/<id:pk>/edit/", views.checkpoint_edit, name="checkpoint_edit"),
    path("register/", views.register, name="checkpoint_register"),
    path("check-id/", views.check_id, name="checkpoint_check_id"),
    path("scan-check/", views.scan_check, name="checkpoint_scan_check"),
    path("passages/", views.passage_list, name="passage_list"),
    path("passages/<id:pk>/", views.passage_detail, name="passage_detail"),
    path(
        "passages/<id:pk>/trajectory/<id:position>/",
        views.passage_trajectory,
        name="passage_trajectory",
    ),
    path("trajectory/person/<id:pk>/", views.person_trajectory, name="person_trajectory"),
    path("trajectory/plate/<str:plate>/", views.plate_trajectory, name="plate_trajectory"),
    path("roster/", views.roster_week, name="roster_week"),
    path("roster/copy/", views.roster_copy, name="roster_copy"),
    path("roster/<str:code>/<str:day>/<id:slot>/", views.shift_edit, name="shift_edit"),
    path("shifts/<id:pk>/tally/", views.shift_tally, name="shift_tally"),
    path("tallies/", views.tally_list, name="tally_list"),
    path("on-duty/", views.on_duty, name="on_duty"),
    path("<str:code>/poster/", views.poster, name="checkpoint_poster"),
]

# The traveller's pages: public, no login (short URL for the QR code).
public_urlpatterns = [
    path("q/<str:code>/", views.public_register, name="public_register"),
    path("q/r/<str:token>/", views.public_receipt, name="public_receipt"),
    path("q-check-id/", views.check_id, name="public_check_id"),
]

if settings.FANGKONG_BENCH:
    public_urlpatterns += [
        path("bench/constant/", views.bench_constant, name="bench_constant"),
        path("bench/insert/", views.bench_insert, name="bench_insert"),
    ]
