from django.urls import path

from feeds import views

app_name = "feeds"
urlpatterns = [
    path("feeds/activities.ics", views.activities_feed, name="activities"),
    path("feeds/activities/<int:pk>.ics", views.activity_download, name="activity"),
    path("feeds/neighbourhoods/<slug:slug>.ics", views.neighbourhood_feed, name="neighbourhood"),
    path("feeds/partners/<slug:slug>.ics", views.partner_feed, name="partner"),
    path("feeds/themes/<slug:slug>.ics", views.theme_feed, name="theme"),
    path("feeds/personal/<str:token>.ics", views.personal_feed, name="personal"),
    path(
        "manage/partners/<slug:slug>/feed/",
        views.partner_feed_settings,
        name="partner-settings",
    ),
]
