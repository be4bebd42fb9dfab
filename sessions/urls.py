from django.urls import path

from sessions import views

app_name = "knowledge_sessions"
urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="detail"),
    path("manage/sessions/", views.manage_list, name="manage_list"),
    path("manage/sessions/new/", views.manage_create, name="manage_create"),
    path("manage/sessions/series/new/", views.manage_series, name="manage_series"),
    path("manage/sessions/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/sessions/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/sessions/<int:pk>/cancel/", views.manage_cancel, name="manage_cancel"),
    path(
        "manage/sessions/<int:pk>/publish-series/",
        views.manage_publish_series,
        name="manage_publish_series",
    ),
    path("manage/sessions/<int:pk>/duplicate/", views.manage_duplicate, name="manage_duplicate"),
]
