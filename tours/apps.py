from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = _("Wijktours")

    def ready(self) -> None:
        from activities.mail_details import register_mail_details
        from tours.mail import tour_mail_details

        register_mail_details(kind="tour", provider=tour_mail_details)
