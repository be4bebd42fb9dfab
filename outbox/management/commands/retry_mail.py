from django.core.management.base import BaseCommand

from outbox.services import prune_mails, retry_due_mails


class Command(BaseCommand):
    help = "Queue again the mails whose retry is due; forget settled ones (a periodic job)."

    def handle(self, *args, **options) -> None:
        queued = retry_due_mails()
        pruned = prune_mails()
        self.stdout.write(f"{queued} mail(s) queued again, {pruned} settled mail(s) forgotten.")
