"""The medical hand-off's pages (/medical/), a person's contacts (/people/<id>/contacts/)
and the documents issued from a case (/cases/<id>/…docx): one include in fangkong/urls.py."""

from django.urls import path

from fangkong.medical import views

urlpatterns = [
    path("medical/", views.handoff_list, name="handoff_list"),
    path("medical/new/", views.handoff_create, name="handoff_create"),
    path("medical/<id:pk>/", views.handoff_detail, name="handoff_detail"),
    path("medical/<id:pk>/outcome/", views.handoff_outcome, name="handoff_outcome"),
    path("medical/<id:pk>/receipt.docx", views.handoff_receipt, name="handoff_receipt"),
    path("medical/contacts/", views.contact_list, name="contact_list"),
    path("people/<id:pk>/contacts/", views.person_contacts, name="person_contacts"),
    path(
        "people/<id:pk>/contacts/refer/",
        views.person_contacts_refer,
        name="person_contacts_refer",
    ),
    path("people/<id:pk>/contacts/chain/", views.contact_chain, name="contact_chain"),
    path("cases/<id:pk>/home-<str:kind>.docx", views.case_document, name="case_home_document"),
]
