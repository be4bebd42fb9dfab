from django.urls import path

from tours import views

app_name = "tours"
urlpatterns = [
    path("tours/<int:pk>/", views.tour_detail, name="detail"),
    path("tours/<int:pk>/programme/", views.tour_programme, name="programme"),
    path("tours/<int:pk>/route.gpx", views.tour_route_gpx, name="gpx"),
    path("manage/tours/", views.manage_list, name="manage_list"),
    path("manage/tours/new/", views.manage_create, name="manage_create"),
    path("manage/tours/<int:pk>/", views.manage_editor, name="manage_editor"),
    path("manage/tours/<int:pk>/edit/", views.manage_edit, name="manage_edit"),
    path("manage/tours/<int:pk>/stops/", views.manage_stops, name="manage_stops"),
    path("manage/tours/<int:pk>/stops/<int:stop_pk>/", views.manage_stop, name="manage_stop"),
    path("manage/tours/<int:pk>/compose/", views.manage_compose, name="manage_compose"),
    path("manage/tours/<int:pk>/move/", views.manage_move, name="manage_move"),
    path("manage/tours/<int:pk>/suggest/", views.manage_suggest, name="manage_suggest"),
    path("manage/tours/<int:pk>/publish/", views.manage_publish, name="manage_publish"),
    path("manage/tours/<int:pk>/cancel/", views.manage_cancel, name="manage_cancel"),
    path("manage/tours/<int:pk>/duplicate/", views.manage_duplicate, name="manage_duplicate"),
]
