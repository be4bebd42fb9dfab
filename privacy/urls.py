from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("manage/audit/", views.audit_log, name="audit"),
    path("manage/privacy/", views.person_lookup, name="person"),
    path("manage/privacy/export.json", views.export_json, name="export_json"),
    path("manage/privacy/export.csv", views.export_csv, name="export_csv"),
    path("manage/privacy/erase/", views.erase, name="erase"),
]
