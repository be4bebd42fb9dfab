"""Street routing benchmark: Valhalla (pyvalhalla, in-process) on the shipped Amsterdam Centrum
extract, against the old straight-line compose measured in the same run as the baseline.

Figures (medians of several runs): building the tiles, a 12x12 matrix, composing a 12-stop and
a 20-stop tour end to end through tours.planning (reachability, matrix, exact order / OR-Tools,
street geometry, cue sheet in Dutch and English) plus the folium map, and the first compose in
a fresh process against the next ones, with and without warming the Actor at start.

Run: .venv/bin/python bench/bench_routing_valhalla.py  (no database needed)
"""

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from core.maps import MapSpec, render_map  # noqa: E402
from routing.geo import Point  # noqa: E402
from routing.valhalla import build_tiles, in_process  # noqa: E402
from tours import planning  # noqa: E402

EXTRACT = ROOT / "routing" / "data" / "osm" / "amsterdam_centrum_2026.osm.pbf"
NIEUWMARKT = planning.Place(52.37265, 4.90030, "De Waag")
BOX = (52.3665, 4.8920, 52.3730, 4.9030)
START_S = 10 * 3600


def median(func, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def stops(n: int, seed: int, tiles: Path) -> list[planning.PlanStop]:
    """n partners on streets of the box (reachable), a third with visiting hours."""
    rng = random.Random(seed)
    provider = in_process(tiles_dir=tiles, speed_kmh=15, quiet_streets=True, max_snap_m=150)
    chosen: list[planning.PlanStop] = []
    while len(chosen) < n:
        point = Point(rng.uniform(BOX[0], BOX[2]), rng.uniform(BOX[1], BOX[3]))
        if (provider.snaps([point])[0].distance_m or 1e9) > 60:
            continue
        windows = None if rng.random() < 0.67 else ((9 * 3600, 17 * 3600),)
        chosen.append(
            planning.PlanStop(
                key=str(len(chosen)),
                lat=point.lat,
                lon=point.lon,
                visit_s=rng.choice([10, 15, 20]) * 60,
                name=f"Partner {len(chosen)}",
                windows=windows,
            )
        )
    return chosen


def compose(plan_stops: list[planning.PlanStop]) -> None:
    plan = planning.plan_route(
        start=NIEUWMARKT, end=NIEUWMARKT, stops=plan_stops, start_s=START_S, buffer_s=120
    )
    render_map(
        MapSpec(
            centre=(NIEUWMARKT.lat, NIEUWMARKT.lon),
            tile_url=settings.MAP_TILE_URL,
            attribution=settings.MAP_TILE_ATTRIBUTION,
            lines=[plan.geometry],
            dashed_lines=plan.estimated,
        )
    )


FIRST_COMPOSE = """
import os, sys, time, json
sys.path.insert(0, {root!r})
sys.path.insert(0, {root!r} + "/bench")
os.environ["DJANGO_SETTINGS_MODULE"] = "backend.settings"
os.environ["ROUTING_PROVIDER"] = "valhalla"
os.environ["ROUTING_TILES_DIR"] = {tiles!r}
import django; django.setup()
from bench_routing_valhalla import compose, stops
from tours import planning
from pathlib import Path
plan_stops = stops(12, 7, Path({tiles!r}))
from routing import valhalla
valhalla._actors.clear()  # picking the stops used the Actor: start from none, as after a restart
started = time.perf_counter()
from tours.apps import warm_up
warmed = warm_up() if {warm!r} else False
warm_s = time.perf_counter() - started
samples = []
for _ in range(6):
    started = time.perf_counter()
    compose(plan_stops)
    samples.append(time.perf_counter() - started)
print(json.dumps({{"warm_s": warm_s, "first": samples[0], "next": sorted(samples[1:])[2]}}))
"""


def first_compose(tiles: Path, *, warm: bool) -> dict:
    code = FIRST_COMPOSE.format(root=str(ROOT), tiles=str(tiles), warm=warm)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        tiles = Path(tmp) / "tiles"
        results = []

        def build() -> None:
            results.append(build_tiles(sources=[EXTRACT], tiles_dir=tiles))

        build_s = median(build, 5)
        print("Valhalla street routing on Amsterdam Centrum (pyvalhalla, in-process)")
        print(
            f"  extract {EXTRACT.name}: {EXTRACT.stat().st_size / 1e6:.2f} MB, "
            f"{results[-1].nodes} nodes, {results[-1].edges} edges, tiles "
            f"{sum(f.stat().st_size for f in tiles.resolve().rglob('*') if f.is_file()) / 1e6:.2f}"
            " MB"
        )
        print(f"  {'operation':<44} {'median':>9} {'goal':>8}  {'x straight':>10}")
        print(
            f"  {'build tiles (5 runs)':<44} {build_s:>8.3f}s {'< 5 s':>8}  "
            f"{'met' if build_s < 5 else 'MISSED'}"
        )

        provider = in_process(tiles_dir=tiles, speed_kmh=15, quiet_streets=True, max_snap_m=150)
        twelve = stops(12, 7, tiles)
        twenty = stops(20, 8, tiles)
        points = [Point(NIEUWMARKT.lat, NIEUWMARKT.lon), *(Point(s.lat, s.lon) for s in twelve)]
        matrix_s = median(lambda: provider.matrix(points[:12]), 9)

        with override_settings(ROUTING_PROVIDER="straight"):
            straight_12 = median(lambda: compose(twelve), 7)
            straight_20 = median(lambda: compose(twenty), 5)
            straight_m = median(lambda: planning.provider().matrix(points[:12]), 9)
        with override_settings(ROUTING_PROVIDER="valhalla", ROUTING_TILES_DIR=tiles):
            street_12 = median(lambda: compose(twelve), 7)
            street_20 = median(lambda: compose(twenty), 5)
        rows = [
            ("12x12 matrix (9 runs)", matrix_s, 0.2, straight_m),
            ("compose 12 stops end to end (7 runs)", street_12, 1.0, straight_12),
            ("compose 20 stops end to end (5 runs)", street_20, 2.5, straight_20),
        ]
        for name, took, goal, base in rows:
            verdict = "met" if took < goal else "MISSED"
            print(
                f"  {name:<44} {took:>8.3f}s {'< ' + str(goal) + ' s':>8}  {took / base:>9.1f}x"
                f"  {verdict}"
            )
        print(
            f"  straight-line baseline: matrix {straight_m * 1000:.2f} ms, compose 12 "
            f"{straight_12 * 1000:.1f} ms, compose 20 {straight_20 * 1000:.1f} ms"
        )

        print("  first compose in a fresh process vs the next ones (median of 5 after it):")
        for warm in (False, True):
            figures = first_compose(tiles, warm=warm)
            ratio = figures["first"] / figures["next"]
            label = "warmed at start" if warm else "no warm-up"
            goal = f"<= 2x: {'met' if ratio <= 2 else 'MISSED'}" if warm else ""
            print(
                f"    {label:<16} first {figures['first'] * 1000:7.1f} ms, next "
                f"{figures['next'] * 1000:7.1f} ms, ratio {ratio:4.2f}  "
                f"(warm-up {figures['warm_s'] * 1000:.0f} ms)  {goal}"
            )
    print(f"\ntotal bench time {time.perf_counter() - began:.1f}s")


if __name__ == "__main__":
    main()
