from django.urls import path

from fangkong.command import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("screen/", views.bigscreen, name="bigscreen"),
    path("report/daily.docx", views.report_docx, name="report_docx"),
    path("report/daily.xlsx", views.report_xlsx, name="report_xlsx"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<id:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<id:pk>/<str:action>/", views.task_act, name="task_act"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_create, name="inspection_create"),
    path("inspections/<id:pk>/", views.inspection_detail, name="inspection_detail"),
    path("problems/", views.problem_list, name="problem_list"),
    path("problems/<id:pk>/rectify/", views.problem_rectify, name="problem_rectify"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/<id:pk>/", views.incident_detail, name="incident_detail"),
]
