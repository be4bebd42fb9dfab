from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeSessionsConfig(AppConfig):
    """Kenniscafés. `django.contrib.sessions` owns the label `sessions`."""

    name = "sessions"
    label = "knowledge_sessions"
    verbose_name = _("Kenniscafés")
