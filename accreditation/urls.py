from django.urls import path

from accreditation import views

app_name = "accreditation"
urlpatterns = [
    path("certificates/<str:code>/", views.verify, name="verify"),
    path(
        "registrations/<str:token>/certificate.pdf",
        views.registrant_certificate,
        name="registrant_certificate",
    ),
    path("manage/activities/<int:pk>/accreditation/", views.settings_page, name="settings"),
    path("manage/activities/<int:pk>/presence/", views.presence_page, name="presence"),
    path("manage/activities/<int:pk>/presence.pdf", views.presence_pdf, name="presence_pdf"),
    path("manage/activities/<int:pk>/presence.xlsx", views.presence_xlsx, name="presence_xlsx"),
    path("manage/activities/<int:pk>/presence.txt", views.presence_txt, name="presence_txt"),
    path("manage/activities/<int:pk>/presence/close/", views.close, name="close"),
    path("manage/activities/<int:pk>/presence/submitted/", views.submitted, name="submitted"),
    path("manage/activities/<int:pk>/presence/send/", views.send, name="send"),
    path("manage/activities/<int:pk>/departure/", views.departure, name="departure"),
]
