from django.urls import path

from fangkong.quarantine.imports import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("upload/", views.import_upload, name="import_upload"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("duplicates/", views.duplicate_list, name="import_duplicates"),
    path("duplicates/<id:pk>/", views.duplicate_decide, name="import_duplicate_decide"),
    path("routed/", views.routed_list, name="import_routed"),
    path("unrouted/", views.unrouted_list, name="import_unrouted"),
    path("unrouted/<id:pk>/", views.case_route, name="import_case_route"),
    path("<id:pk>/", views.import_detail, name="import_detail"),
    path("<id:pk>/progress/", views.import_progress, name="import_progress"),
    path("<id:pk>/report.xlsx", views.import_report, name="import_report"),
    path("<id:pk>/mapping/", views.import_mapping, name="import_mapping"),
]
