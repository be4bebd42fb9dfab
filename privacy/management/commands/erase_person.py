from django.core.management.base import BaseCommand, CommandError

from privacy.services import InvalidEmail, erase_person


class Command(BaseCommand):
    help = (
        "Anonymise every registration (all workspaces) of the person with this e-mail address "
        "and clear their rating comments, keeping counts and grades. Writes an audit entry "
        "without the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        try:
            erased = erase_person(email=options["email"], actor=None)
        except InvalidEmail:
            raise CommandError(f"Not a valid e-mail address: {options['email']!r}") from None
        if erased == 0:
            raise CommandError("No registrations found for this address; nothing was changed.")
        self.stdout.write(f"{erased} registration(s) anonymised.")
