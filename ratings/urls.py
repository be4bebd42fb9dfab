from django.urls import path

from ratings import views

app_name = "ratings"
urlpatterns = [
    path("ratings/<str:token>/", views.rating_form, name="form"),
    path(
        "ratings/activity/<int:activity_id>/device/<str:token>/",
        views.device_form,
        name="device",
    ),
    path("manage/insights/", views.insights_dashboard, name="dashboard"),
    path(
        "manage/insights/activity/<int:activity_id>/device-link/",
        views.device_link,
        name="device_link",
    ),
    path("manage/insights/partner/<slug:slug>/", views.insights_partner, name="partner"),
    path(
        "manage/insights/export/aggregates.csv", views.export_aggregates, name="export_aggregates"
    ),
    path("manage/insights/export/ratings.csv", views.export_ratings, name="export_ratings"),
]
