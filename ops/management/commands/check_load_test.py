from django.core.management.base import BaseCommand, CommandError

from activities.models import Activity, Registration


class Command(BaseCommand):
    help = "After the load test: confirmed registrations must not exceed the capacity."

    def add_arguments(self, parser) -> None:
        parser.add_argument("activity_id", type=int)

    def handle(self, *args, **options) -> None:
        activity = Activity.objects.filter(pk=options["activity_id"]).first()
        if activity is None:
            raise CommandError(f"No activity {options['activity_id']}.")
        confirmed = activity.registrations.filter(status=Registration.Status.CONFIRMED).count()
        total = activity.registrations.count()
        self.stdout.write(
            f"confirmed={confirmed} capacity={activity.capacity} registrations={total}"
        )
        if confirmed > activity.capacity:
            raise CommandError(f"Overbooked: {confirmed} confirmed for {activity.capacity} seats.")
