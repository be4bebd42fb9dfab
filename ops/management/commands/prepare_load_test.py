import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from activities.models import Activity
from core.models import Workspace
from network.models import Neighbourhood
from sessions.models import KnowledgeSession

TITLE = "Loadtest: populair kenniscafé"


class Command(BaseCommand):
    help = (
        "Create (or reset) the popular kenniscafé the load test rushes: published, few seats, "
        "no waitlist, no registrations yet. Prints its id. Never run this on a real installation."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--capacity", type=int, default=20)
        parser.add_argument("--workspace", default="ros-amsterdam")

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}: run seed_demo first.")
        starts_at = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(
            days=14
        )
        session, _created = KnowledgeSession.objects.update_or_create(
            workspace=workspace,
            title=TITLE,
            defaults={
                "description": "Een kenniscafé met weinig plaatsen, voor de belastingtest.",
                "neighbourhood": Neighbourhood.objects.filter(workspace=workspace)
                .order_by("pk")
                .first(),
                "starts_at": starts_at,
                "ends_at": starts_at + dt.timedelta(hours=2),
                "registration_deadline": None,
                "venue_name": "Buurthuis De Meeuw",
                "venue_address": "Javaplein 21, Amsterdam",
                "latitude": 52.3631,
                "longitude": 4.9430,
                "capacity": options["capacity"],
                "waitlist_enabled": False,
                "domain_caps": {},
                "status": Activity.Status.PUBLISHED,
            },
        )
        session.registrations.all().delete()
        self.stdout.write(str(session.pk))
