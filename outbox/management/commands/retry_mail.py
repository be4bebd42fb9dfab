from django.core.management.base import BaseCommand

from outbox.services import retry_due_mails


class Command(BaseCommand):
    help = "Queue again the mails whose retry is due (a periodic job)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{retry_due_mails()} mail(s) queued again.")
