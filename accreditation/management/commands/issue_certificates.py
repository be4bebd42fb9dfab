from django.core.management.base import BaseCommand

from accreditation.services import close_due_attendance


class Command(BaseCommand):
    help = (
        "Close the attendance of accredited activities that ended before today and that no "
        "coordinator closed; issues and mails their certificates. Safe to run twice."
    )

    def handle(self, *args, **options) -> None:
        closed = close_due_attendance()
        self.stdout.write(f"attendance closed for {closed} activit{'y' if closed == 1 else 'ies'}")
