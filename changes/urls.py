from django.urls import path

from changes import views

app_name = "changes"
urlpatterns = [
    path("manage/activities/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/activities/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("manage/activities/<int:pk>/delete/", views.delete_draft, name="delete"),
    path("manage/activities/<int:pk>/changes/", views.history, name="history"),
    path("manage/activities/<int:pk>/messages/", views.message, name="message"),
    path("manage/tours/rechecks/", views.rechecks, name="rechecks"),
]
