from django.urls import path

from fangkong.outreach import views

urlpatterns = [
    path("", views.overview, name="outreach_overview"),
    path("activities/", views.activities, name="outreach_activities"),
    path("activities/new/", views.activity_create, name="outreach_activity_create"),
    path("media/", views.media, name="outreach_media"),
    path("media/new/", views.media_create, name="outreach_media_create"),
    path("teams/", views.teams, name="outreach_teams"),
    path("teams/new/", views.team_create, name="outreach_team_create"),
    path("teams/<id:pk>/edit/", views.team_edit, name="outreach_team_edit"),
    path("role-models/", views.role_models, name="outreach_role_models"),
    path("role-models/new/", views.role_model_create, name="outreach_role_model_create"),
    path("role-models/<id:pk>/edit/", views.role_model_edit, name="outreach_role_model_edit"),
    path("posts/", views.posts, name="outreach_posts"),
    path("posts/new/", views.post_create, name="outreach_post_create"),
    path("posts/<id:pk>/edit/", views.post_edit, name="outreach_post_edit"),
]

# Notices reach every officer, not only party work: mounted at /notices/ (fangkong/urls.py).
notice_urlpatterns = [
    path("", views.notices, name="outreach_notices"),
    path("new/", views.notice_create, name="outreach_notice_create"),
    path("<id:pk>/", views.notice_detail, name="outreach_notice"),
    path("<id:pk>/confirm/", views.notice_confirm, name="outreach_notice_confirm"),
]
