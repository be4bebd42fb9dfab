import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ops.queue import requeue_abandoned_tasks


class Command(BaseCommand):
    help = (
        "The task worker under a fixed id: first put back in the queue the tasks this worker "
        "was running when it last died, then run django-tasks-db's db_worker (one start-up)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--worker-id", required=True)
        parser.add_argument("--interval", default="0.5")

    def handle(self, *args, **options) -> None:
        count = requeue_abandoned_tasks(worker_id=options["worker_id"])
        if count:
            self.stderr.write(f"{count} abandoned task(s) queued again.")
        call_command(
            "db_worker",
            "--no-reload",
            "--no-startup-delay",
            f"--interval={options['interval']}",
            f"--worker-id={options['worker_id']}",
            f"--verbosity={options['verbosity']}",
            stdout=sys.stdout,
            stderr=sys.stderr,
        )
