from django.urls import path

from opendata import views, views_manage

app_name = "opendata"
urlpatterns = [
    path("partners/review/<str:token>/", views.review, name="review"),
    path("refer/", views.referral_search, name="refer"),
    path("refer/embed/<slug:workspace>/", views.referral_embed, name="refer_embed"),
    path("manage/open-data/", views_manage.overview, name="overview"),
    path("manage/open-data/import/", views_manage.import_page, name="import"),
    path("manage/open-data/embed/", views_manage.embed_settings, name="embed_settings"),
    path(
        "manage/open-data/proposals/<int:pk>/",
        views_manage.decide_proposal,
        name="decide_proposal",
    ),
    path("manage/partners/export-hsds.json", views_manage.export, name="export"),
]
