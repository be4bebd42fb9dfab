from django.core.management.base import BaseCommand

from privacy.services import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise registrations RETENTION_REGISTRATION_MONTHS after their activity ended and "
        "clear rating comments after RETENTION_RATING_COMMENT_MONTHS, keeping counts and "
        "grades. Safe to run repeatedly; run it daily."
    )

    def handle(self, *args, **options):
        result = apply_retention()
        self.stdout.write(
            f"{result.registrations} registration(s) anonymised, "
            f"{result.rating_comments} rating comment(s) cleared, "
            f"{result.audit_entries_scrubbed} audit entr(y/ies) scrubbed."
        )
