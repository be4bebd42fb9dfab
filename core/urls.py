from django.urls import path

from core import health

app_name = "core"
urlpatterns = [
    path("health/", health.health, name="health"),
]
