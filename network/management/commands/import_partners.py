"""Import partners from a CSV file into a workspace: every row or nothing.

Bad rows are listed with their line numbers on stderr and the command exits non-zero.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Workspace
from network.services import CSV_COLUMNS, PartnerImportError, import_partners_csv


class Command(BaseCommand):
    help = "Import partners from CSV (columns: " + ", ".join(CSV_COLUMNS) + ")."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="CSV file (UTF-8)")
        parser.add_argument("--workspace", required=True, help="Workspace slug")

    def handle(self, *args, file: Path, workspace: str, **options) -> None:
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            raise CommandError(f"No workspace with slug {workspace!r}.")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file} is not UTF-8 text.") from exc
        try:
            result = import_partners_csv(workspace=target, file=text)
        except PartnerImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Nothing imported: {len(exc.errors)} problems in {file}.") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created + result.updated} partners "
                f"({result.created} new, {result.updated} updated) into {target.slug}."
            )
        )
