from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeSessionsConfig(AppConfig):
    """Kenniscafés. `django.contrib.sessions` owns the label `sessions`."""

    name = "sessions"
    label = "knowledge_sessions"
    verbose_name = _("Kenniscafés")

    def ready(self) -> None:
        from activities.mail_details import register_mail_details
        from sessions.mail import session_mail_details

        register_mail_details(kind="session", provider=session_mail_details)
