from django.urls import path

from fangkong.outreach import views

urlpatterns = [
    path("", views.overview, name="outreach_overview"),
    path("activities/", views.activities, name="outreach_activities"),
    path("activities/new/", views.activity_create, name="outreach_activity_create"),
    path("media/", views.media, name="outreach_media"),
    path("media/new/", views.media_create, name="outreach_media_create"),
]

# Notices reach every officer, not only party work: mounted at /notices/ (fangkong/urls.py).
notice_urlpatterns = [
    path("", views.notices, name="outreach_notices"),
    path("new/", views.notice_create, name="outreach_notice_create"),
    path("<int:pk>/", views.notice_detail, name="outreach_notice"),
    path("<int:pk>/confirm/", views.notice_confirm, name="outreach_notice_confirm"),
]
