from django.urls import path

from fangkong.quarantine import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("export.xlsx", views.case_export, name="case_export"),
    path("verify/", views.verify_queue, name="verify_queue"),
    path("today/", views.today_list, name="followup_today"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<id:pk>/resolve/", views.alert_resolve, name="alert_resolve"),
    path("overdue/", views.overdue_list, name="overdue_list"),
    path("release/", views.release_list, name="release_list"),
    path("<id:pk>/", views.case_detail, name="case_detail"),
    path("<id:pk>/verify/", views.case_verify, name="case_verify"),
    path("<id:pk>/transition/", views.case_transition, name="case_transition"),
    path("<id:pk>/release/", views.case_release, name="case_release"),
    path("<id:pk>/notice.docx", views.case_notice, name="case_notice"),
    path("<id:pk>/followup/", views.followup_create, name="followup_create"),
]
