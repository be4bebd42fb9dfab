from django.core.management.base import BaseCommand

from ratings import services


class Command(BaseCommand):
    help = (
        "Invite attendees of ended activities to rate them and send the one reminder. "
        "Idempotent: run it as often as you like (e.g. hourly from cron)."
    )

    def handle(self, *args, **options) -> None:
        invited = services.invite_raters()
        reminded = services.send_rating_reminders()
        self.stdout.write(f"Rating invitations sent: {invited}; reminders sent: {reminded}.")
