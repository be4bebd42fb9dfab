"""Tours benchmark: composing through tours.planning (the Django-side adapter) against calling
routing.solver directly in the same run, for 8, 12 and 20 stops with visiting windows.

Run: .venv/bin/python bench/bench_tours.py  (no database needed)
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
# The straight-line estimate, as before; street routing: bench_routing_valhalla.py.
os.environ.setdefault("ROUTING_PROVIDER", "straight")

import django

django.setup()

from routing.geo import Point  # noqa: E402
from routing.providers import StraightLineProvider  # noqa: E402
from routing.solver import StopInput  # noqa: E402
from routing.solver import plan_route as solve_route  # noqa: E402
from tours import planning  # noqa: E402

START = planning.Place(52.3625, 4.9390)
START_S = 13 * 3600


def instance(n: int, seed: int) -> list[planning.PlanStop]:
    rng = random.Random(seed)
    stops = []
    for i in range(n):
        opens = rng.choice([9, 10, 13, 13, 14]) * 3600
        windows = None if rng.random() < 0.4 else ((opens, opens + rng.choice([3, 4, 8]) * 3600),)
        stops.append(
            planning.PlanStop(
                key=str(i),
                lat=52.355 + rng.random() * 0.02,
                lon=4.925 + rng.random() * 0.03,
                visit_s=rng.choice([15, 20, 30]) * 60,
                name=f"Partner {i}",
                windows=windows,
            )
        )
    return stops


def timed(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    provider = StraightLineProvider()
    print(f"{'stops':>5} {'solver (baseline)':>18} {'tours.planning':>15} {'ratio':>6}")
    for n, repeat in ((8, 15), (12, 5), (20, 3)):
        stops = instance(n, seed=n)
        raw = [
            StopInput(
                key=s.key,
                point=Point(s.lat, s.lon),
                visit_seconds=s.visit_s,
                windows=s.windows or (),
                name=s.name,
            )
            for s in stops
        ]

        def baseline(raw=raw):
            solve_route(
                start_point=Point(START.lat, START.lon),
                end_point=Point(START.lat, START.lon),
                start_seconds=START_S,
                stops=raw,
                provider=provider,
                leg_buffer_seconds=300,
            )

        def adapter(stops=stops):
            planning.plan_route(start=START, end=START, stops=stops, start_s=START_S, buffer_s=300)

        base = timed(baseline, repeat)
        ours = timed(adapter, repeat)
        print(f"{n:>5} {base * 1000:>15.1f} ms {ours * 1000:>12.1f} ms {ours / base:>6.2f}")


if __name__ == "__main__":
    main()
