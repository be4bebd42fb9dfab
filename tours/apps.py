import sys
import threading

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def serves_requests() -> bool:
    """A web server process (gunicorn worker, runserver), not a test run or a command."""
    if "pytest" in sys.modules:
        return False
    return "gunicorn" in sys.modules or sys.argv[1:2] == ["runserver"]


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = _("Wijktours")

    def ready(self) -> None:
        if settings.ROUTING_WARM_AT_START and serves_requests():
            # The Valhalla Actor and its tiles load in the background while the worker starts,
            # so the first compose after a restart is not the slow one. Each gunicorn worker
            # imports the app after the fork, so each gets its own Actor.
            from tours import planning

            threading.Thread(target=planning.warm, name="valhalla-warm", daemon=True).start()
