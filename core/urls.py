from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("manage/", views.dashboard, name="dashboard"),
]
