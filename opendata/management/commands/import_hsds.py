"""manage.py import_hsds FILE [--workspace SLUG] [--dry-run]: import an HSDS 3.0 file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.models import Workspace
from opendata.imports import HsdsImportError, import_document


class Command(BaseCommand):
    help = "Import an Open Referral HSDS 3.0 JSON file into a workspace (all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Path of the HSDS JSON document")
        parser.add_argument("--workspace", help="Workspace slug (needed with several)")
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change; write nothing"
        )

    def handle(self, *args, **options) -> None:
        workspace = self._workspace(options["workspace"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            report = import_document(workspace=workspace, data=data, dry_run=options["dry_run"])
        except HsdsImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem}")
            raise CommandError(f"{len(exc.problems)} problem(s); nothing was imported.") from None
        verb = "would be" if report.dry_run else "were"
        for action, kind, label in report.changes:
            prefix = "would " if report.dry_run else ""
            self.stdout.write(f"{prefix}{action} {kind}: {label}")
        self.stdout.write(
            f"{report.count('create')} partner(s) {verb} created, "
            f"{report.count('update')} {verb} updated in {workspace.slug}."
        )

    def _workspace(self, slug: str | None) -> Workspace:
        if slug:
            workspace = Workspace.objects.filter(slug=slug).first()
            if workspace is None:
                raise CommandError(f"Unknown workspace {slug!r}.")
            return workspace
        workspaces = list(Workspace.objects.all()[:2])
        if len(workspaces) != 1:
            raise CommandError("Name the workspace with --workspace SLUG.")
        return workspaces[0]
