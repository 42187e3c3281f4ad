from django.urls import path

from fangkong.people import views

urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("new/", views.person_create, name="person_create"),
    path("<id:pk>/", views.person_detail, name="person_detail"),
    path("<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("<id:pk>/reveal/", views.person_reveal, name="person_reveal"),
    path("duplicates/", views.duplicate_list, name="duplicate_list"),
    path("duplicates/<id:first>/<id:second>/", views.duplicate_compare, name="duplicate_compare"),
    path("merges/<id:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("transfers/", views.transfer_list, name="transfer_list"),
    path("transfers/new/", views.transfer_create, name="transfer_create"),
    path("transfers/<id:pk>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<id:pk>/decide/", views.transfer_decide, name="transfer_decide"),
]
