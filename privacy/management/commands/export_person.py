from django.core.management.base import BaseCommand, CommandError

from privacy.services import InvalidEmail, export_csv, export_json, export_person


class Command(BaseCommand):
    help = (
        "Print everything held about the person with this e-mail address (all workspaces), "
        "as JSON (default) or CSV. Tokens are left out."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, **options):
        try:
            records = export_person(email=options["email"])
        except InvalidEmail:
            raise CommandError(f"Not a valid e-mail address: {options['email']!r}") from None
        if options["format"] == "csv":
            self.stdout.write(export_csv(records=records), ending="")
        else:
            self.stdout.write(export_json(records=records))
