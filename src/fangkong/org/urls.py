from django.urls import path

from fangkong.org import views

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("officers/", views.officer_list, name="officer_list"),
    path("officers/new/", views.officer_edit, name="officer_create"),
    path("officers/<int:pk>/edit/", views.officer_edit, name="officer_edit"),
    path("groups/", views.working_group_list, name="working_group_list"),
    path("wartime/", views.wartime, name="wartime"),
    path("wartime/recalls/<int:pk>/report/", views.recall_report_back, name="recall_report_back"),
]
