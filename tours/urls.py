from django.urls import path

from tours import views

app_name = "tours"
urlpatterns = [
    path("tours/<int:pk>/", views.tour_detail, name="detail"),
]
