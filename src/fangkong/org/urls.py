from django.urls import path

from fangkong.org import views, welfare_views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_edit, name="officer_create"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("groups/", views.working_group_list, name="working_group_list"),
    path("wartime/", views.wartime, name="wartime"),
    path("wartime/recalls/<int:pk>/report/", views.recall_report_back, name="recall_report_back"),
    path("officers/<int:pk>/", welfare_views.officer_detail, name="officer_detail"),
    path("welfare/", welfare_views.welfare_list, name="welfare_list"),
    path("welfare/new/", welfare_views.welfare_create, name="welfare_create"),
    path("welfare/<int:pk>/", welfare_views.welfare_detail, name="welfare_detail"),
    path("welfare/<int:pk>/act/", welfare_views.welfare_act, name="welfare_act"),
]
