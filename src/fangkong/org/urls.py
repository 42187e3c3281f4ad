from django.urls import path

from fangkong.org import views, welfare_views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_edit, name="officer_create"),
    path("officers/<id:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("groups/", views.working_group_list, name="working_group_list"),
    path("wartime/", views.wartime, name="wartime"),
    path("wartime/recalls/<id:pk>/report/", views.recall_report_back, name="recall_report_back"),
    path("officers/<id:pk>/", welfare_views.officer_detail, name="officer_detail"),
    path("officers/<id:pk>/reveal/", welfare_views.officer_reveal, name="officer_reveal"),
    path("welfare/", welfare_views.welfare_list, name="welfare_list"),
    path("welfare/new/", welfare_views.welfare_create, name="welfare_create"),
    path("welfare/<id:pk>/", welfare_views.welfare_detail, name="welfare_detail"),
    path("welfare/<id:pk>/act/", welfare_views.welfare_act, name="welfare_act"),
]
