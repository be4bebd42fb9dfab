from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        from accreditation.extension import RegistryNumberExtension
        from activities.extensions import register_extension

        register_extension("accreditation", RegistryNumberExtension())
