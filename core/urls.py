from django.urls import path

from core import health, views

app_name = "core"
urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
    path("health/", health.health, name="health"),
]
