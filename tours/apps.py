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


def warm_up() -> None:
    """What a new web worker does once: load the street engine and compose a tiny tour, and
    render a map (folium compiles its templates on first use)."""
    from django.conf import settings as live

    from core.maps import MapPoint, MapSpec, render_map
    from tours import planning

    planning.warm()
    render_map(
        MapSpec(
            centre=(52.37, 4.9),
            tile_url=live.MAP_TILE_URL,
            attribution=live.MAP_TILE_ATTRIBUTION,
            points=[MapPoint(52.37, 4.9, "warm"), MapPoint(52.371, 4.901, "up")],
            lines=[[(52.37, 4.9), (52.371, 4.901)]],
        )
    )


class ToursConfig(AppConfig):
    name = "tours"
    verbose_name = _("Wijktours")

    def ready(self) -> None:
        if settings.ROUTING_WARM_AT_START and serves_requests():
            # The Valhalla Actor and its tiles load in the background while the worker starts,
            # so the first compose after a restart is not the slow one. Each gunicorn worker
            # imports the app after the fork, so each gets its own Actor.
            threading.Thread(target=warm_up, name="valhalla-warm", daemon=True).start()
        from activities.mail_details import register_mail_details
        from tours.mail import tour_mail_details

        register_mail_details(kind="tour", provider=tour_mail_details)
