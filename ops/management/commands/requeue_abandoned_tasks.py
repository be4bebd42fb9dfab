from django.conf import settings
from django.core.management.base import BaseCommand

from ops.queue import requeue_abandoned_tasks


class Command(BaseCommand):
    help = (
        "Put tasks a killed worker left RUNNING back in the queue: those of --worker-id (run "
        "it before starting that worker again) and those older than --older-than seconds."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--worker-id", default="")
        parser.add_argument("--older-than", type=int, default=None)

    def handle(self, *args, **options) -> None:
        older = options["older_than"]
        if older is None and not options["worker_id"]:
            older = settings.TASK_STALE_SECONDS
        count = requeue_abandoned_tasks(worker_id=options["worker_id"], older_than_seconds=older)
        self.stdout.write(f"{count} abandoned task(s) queued again.")
