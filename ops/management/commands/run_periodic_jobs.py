from django.core.management.base import BaseCommand, CommandError

from ops.jobs import JOBS, run_job


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (all, or one with --job) under a lock that holds across "
        "machines: safe to start from cron on every app machine, and to run twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--job", choices=sorted(JOBS), help="run only this job")

    def handle(self, *args, **options) -> None:
        names = [options["job"]] if options["job"] else list(JOBS)
        failed = []
        for name in names:
            try:
                run = run_job(name=name)
            except Exception as error:  # one failing job must not stop the others
                failed.append(name)
                self.stderr.write(f"{name}: failed: {error.__class__.__name__}: {error}")
                continue
            self.stdout.write(f"{name}: {run.output}")
        if failed:
            raise CommandError(f"failed: {', '.join(failed)}")
