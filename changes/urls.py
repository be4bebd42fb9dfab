from django.urls import path

app_name = "changes"
urlpatterns: list = []
