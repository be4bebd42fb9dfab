"""Load the demo data. Idempotent: running it twice changes nothing.

It lives in `home`, the top floor, because it reaches into every app; `core` stays below them.

Each app that has demo data provides `<app>/demo.py` with `seed(*, stdout) -> None`; they run
in the order below, inside one transaction, so a failure leaves the database as it was.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

DEMO_MODULES = [
    "home.demo",
    "network.demo",
    "tours.demo",
    "tours.demo_centrum",
    "sessions.demo",
    "activities.demo",
    "ratings.demo",
    "feeds.demo",
    "impact.demo",
    "accreditation.demo",
    "opendata.demo",
]


class Command(BaseCommand):
    help = "Load the demo workspace, neighbourhoods, partners, activities and users."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            for module_name in DEMO_MODULES:
                try:
                    module = import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
