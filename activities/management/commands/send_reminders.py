from django.core.management.base import BaseCommand

from activities.services import send_due_reminders


class Command(BaseCommand):
    help = (
        "Queue reminder mails for confirmed registrants of activities starting within "
        "REGISTRATION_REMINDER_DAYS. Safe to run repeatedly (e.g. hourly): each registrant "
        "gets one reminder."
    )

    def handle(self, *args, **options):
        count = send_due_reminders()
        self.stdout.write(f"{count} reminder(s) queued.")
