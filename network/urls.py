from django.urls import path

from network import views

app_name = "network"
urlpatterns = [
    path("neighbourhoods/", views.neighbourhood_list, name="neighbourhoods"),
    path("neighbourhoods/<slug:slug>/", views.social_map, name="map"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner"),
]
