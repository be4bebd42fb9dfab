from django.urls import path

from opendata import views_manage

app_name = "opendata"
urlpatterns = [
    path("manage/partners/export-hsds.json", views_manage.export, name="export"),
]
