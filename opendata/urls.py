from django.urls import path

from opendata import views, views_manage

app_name = "opendata"
urlpatterns = [
    path("partners/review/<str:token>/", views.review, name="review"),
    path("manage/open-data/", views_manage.overview, name="overview"),
    path("manage/open-data/import/", views_manage.import_page, name="import"),
    path(
        "manage/open-data/proposals/<int:pk>/",
        views_manage.decide_proposal,
        name="decide_proposal",
    ),
    path("manage/partners/export-hsds.json", views_manage.export, name="export"),
]
