from django.urls import path

from impact import views

app_name = "impact"
urlpatterns = [
    path("impact/baseline/<str:token>/", views.baseline_form, name="baseline"),
    path("impact/followup/<str:token>/", views.followup_form, name="followup"),
    path("impact/partner-count/<str:token>/", views.signal_link, name="signal_link"),
    path("manage/impact/", views.report, name="report"),
    path("manage/impact/export.csv", views.export_csv, name="export_csv"),
    path("manage/impact/annual/", views.annual_report, name="annual"),
    path("manage/impact/settings/", views.settings_page, name="settings"),
    path("manage/impact/partner/<slug:slug>/", views.partner_signals, name="partner_signals"),
    # Under the neighbourhood it is about (network owns the page above it).
    path("manage/neighbourhoods/<slug:slug>/coverage/", views.coverage_page, name="coverage"),
]
