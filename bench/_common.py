"""What the bench scripts share: starting Django on a throwaway SQLite database, the median
timer, the seeded workspace and the results table.

Import it first (`python bench/bench_x.py` puts bench/ on the path): `start_django` has to set
DATABASE_URL before Django reads its settings.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Settings for the scripts that measure the site as it runs in production.
PRODUCTION_LIKE = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
}


def start_django(prefix: str, **environ: str | None) -> str:
    """Set Django up on a new SQLite file in a new temporary directory (returned); `environ`
    sets further variables first (None removes one)."""
    sys.path.insert(0, str(ROOT))
    workdir = tempfile.mkdtemp(prefix=prefix)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    for name, value in environ.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    import django

    django.setup()
    return workdir


def timed(function, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds. CPU time shows the cost when the machine is shared
    (wall time then includes waiting for a core)."""
    function()  # warm-up
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls), statistics.median(cpus)


def seed_workspace():
    """The "bench" workspace with its coordinator "bench", 12 neighbourhoods and 60 partners;
    returns (workspace, neighbourhoods, partners)."""
    from django.contrib.auth import get_user_model

    from core.models import Membership, Workspace
    from network.models import Neighbourhood, Partner

    workspace = Workspace.objects.create(name="Bench", slug="bench")
    user = get_user_model().objects.create_user("bench", password="bench-password-123")
    Membership.objects.create(user=user, workspace=workspace)
    areas = [
        Neighbourhood.objects.create(
            workspace=workspace, name=f"Wijk {n}", slug=f"wijk-{n}", latitude=52.36, longitude=4.9
        )
        for n in range(12)
    ]
    partners = Partner.objects.bulk_create(
        Partner(
            workspace=workspace,
            name=f"Partner {n}",
            slug=f"partner-{n}",
            domain="welzijn",
            latitude=52.36,
            longitude=4.9,
        )
        for n in range(60)
    )
    return workspace, areas, partners


def print_results(results: dict[str, tuple[float, float]], *, naive: str, floor: str, goal: str):
    """The table of wall and CPU times with ratios against the naive baseline and the floor,
    then whether `goal` stayed under 500 ms."""
    naive_time = results[naive][0]
    floor_time = results[floor][0]
    print(f"{'':45s} {'wall':>9s} {'cpu':>9s}   {'vs naive':>8s}   {'vs floor':>8s}")
    for name, (seconds, cpu) in results.items():
        print(
            f"{name:45s} {seconds * 1000:6.1f} ms {cpu * 1000:6.1f} ms   "
            f"{seconds / naive_time:7.2f}×   {seconds / floor_time:7.1f}×"
        )
    seconds, cpu = results[goal]
    verdict = "met" if seconds < 0.5 else "MISSED"
    print(f"goal < 500 ms: {verdict} ({seconds * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU)")
