from django.core.management.base import BaseCommand

from impact import services


class Command(BaseCommand):
    help = (
        "Create and send the follow-up surveys that are due (T+4 weeks, T+3 months or as the "
        "workspace set it), the one reminder, and partners' monthly counting links. "
        "Idempotent: safe to run as often as you like, also on several machines at once."
    )

    def handle(self, *args, **options) -> None:
        result = services.send_followup_surveys()
        requests = services.send_signal_requests()
        self.stdout.write(
            f"Follow-up surveys created: {result['created']}; sent: {result['sent']}; "
            f"reminders sent: {result['reminders']}; partner counting links sent: {requests}."
        )
