from django.urls import path

from network import views, views_manage

app_name = "network"
urlpatterns = [
    path("neighbourhoods/", views.neighbourhood_list, name="neighbourhoods"),
    path("neighbourhoods/<slug:slug>/", views.social_map, name="map"),
    path("partners/<slug:slug>/", views.partner_detail, name="partner"),
    # Coordinator and partner-editor pages
    path("manage/partners/", views_manage.partner_list, name="manage_partners"),
    path("manage/partners/new/", views_manage.partner_create, name="manage_partner_new"),
    path("manage/partners/import/", views_manage.partner_import, name="manage_partner_import"),
    path("manage/partners/export.csv", views_manage.partner_export, name="manage_partner_export"),
    path(
        "manage/partners/template.csv",
        views_manage.partner_template,
        name="manage_partner_template",
    ),
    path("manage/partners/<slug:slug>/", views_manage.partner_edit, name="manage_partner_edit"),
    path(
        "manage/partners/<slug:slug>/deactivate/",
        views_manage.partner_deactivate,
        name="manage_partner_deactivate",
    ),
    path(
        "manage/partners/<slug:slug>/activate/",
        views_manage.partner_activate,
        name="manage_partner_activate",
    ),
    path(
        "manage/partners/<slug:slug>/contacts/",
        views_manage.contact_list,
        name="manage_contacts",
    ),
    path("manage/contacts/<int:pk>/", views_manage.contact_edit, name="manage_contact_edit"),
    path(
        "manage/contacts/<int:pk>/delete/",
        views_manage.contact_delete,
        name="manage_contact_delete",
    ),
    path(
        "manage/neighbourhoods/",
        views_manage.neighbourhood_list,
        name="manage_neighbourhoods",
    ),
    path(
        "manage/neighbourhoods/new/",
        views_manage.neighbourhood_form,
        name="manage_neighbourhood_new",
    ),
    path(
        "manage/neighbourhoods/<slug:slug>/",
        views_manage.neighbourhood_form,
        name="manage_neighbourhood_edit",
    ),
    path("manage/themes/", views_manage.theme_list, name="manage_themes"),
    path("manage/themes/new/", views_manage.theme_form, name="manage_theme_new"),
    path("manage/themes/<slug:slug>/", views_manage.theme_form, name="manage_theme_edit"),
]
