from django.urls import path

from activities import views

app_name = "activities"
urlpatterns = [
    path("", views.agenda, name="agenda"),
    path("privacy/", views.privacy, name="privacy"),
    path("activities/<int:pk>/register/", views.register, name="register"),
    path("registrations/<str:token>/", views.registration_page, name="registration"),
    path("registrations/<str:token>/cancel/", views.cancel, name="cancel"),
    path("manage/activities/<int:pk>/attendees/", views.attendees, name="attendees"),
    path("manage/activities/<int:pk>/attendees.csv", views.attendees_csv, name="attendees_csv"),
    path("manage/activities/<int:pk>/attendees/add/", views.add_attendee, name="add_attendee"),
    path(
        "manage/activities/<int:pk>/attendees/<int:registration_pk>/remove/",
        views.remove_attendee,
        name="remove_attendee",
    ),
    path(
        "manage/activities/<int:pk>/attendees/<int:registration_pk>/promote/",
        views.promote_attendee,
        name="promote_attendee",
    ),
    path("manage/activities/<int:pk>/check-in/", views.check_in_page, name="check_in"),
    path("manage/activities/<int:pk>/no-shows/", views.no_shows, name="no_shows"),
]
