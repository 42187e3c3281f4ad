from django.urls import path

from fangkong.honors import views

urlpatterns = [
    path("", views.commendation_list, name="honors_list"),
    path("to-review/", views.to_status("reported"), name="honors_to_review"),
    path("to-approve/", views.to_status("reviewed"), name="honors_to_approve"),
    path("new/", views.commendation_report, name="honors_report"),
    path("<id:pk>/", views.commendation_detail, name="honors_detail"),
    path("<id:pk>/act/", views.commendation_act, name="honors_act"),
    path("circulars/", views.circular_list, name="honors_circulars"),
    path("circulars/new/", views.circular_create, name="honors_circular_create"),
    path("circulars/<id:pk>.docx", views.circular_download, name="honors_circular_docx"),
]
