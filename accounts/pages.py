"""Account security, invitations and API-token pages."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/security/", views.security, name="security"),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("manage/invitations/", views.invitations, name="invitations"),
    path(
        "manage/invitations/<int:pk>/withdraw/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("manage/api-tokens/", views.api_tokens, name="api_tokens"),
    path("manage/api-tokens/<int:pk>/revoke/", views.revoke_api_token, name="revoke_api_token"),
]
