from django.urls import path

from sessions import views

app_name = "knowledge_sessions"
urlpatterns = [
    path("sessions/<int:pk>/", views.session_detail, name="detail"),
]
