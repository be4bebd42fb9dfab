"""Valhalla as the street engine: tile building, one in-process Actor per tile set, and the
`valhalla` providers (in-process and over HTTP).

Both providers send the same JSON requests (bicycle costing for a group, per-location
``search_cutoff``) and read the same answers; only the transport differs. No Django here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from routing.geo import Point, haversine_m
from routing.providers import ProviderError, TravelMatrix

# Valhalla's narrative languages for our interface languages.
LANGUAGES = {"nl": "nl-NL", "en": "en-US"}
# Beyond this a point is not "off the street" but outside the loaded street data: the tour
# falls back to the labelled estimate instead of reporting a reachability problem.
COVERAGE_METRES = 1000.0
# Maneuver travel_type/travel_mode for stretches where the group walks the bike.
WALKING_MODES = {"pedestrian"}
GENERATIONS_KEPT = 2


class TilesError(RuntimeError):
    """Tiles could not be built from the given extract."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    nodes: int
    edges: int
    seconds: float
    path: Path


@dataclass(frozen=True, slots=True)
class Maneuver:
    """One turn instruction: where it starts, what to do, how far until the next one."""

    instruction: str
    streets: tuple[str, ...]
    distance_m: float
    duration_s: float
    lat: float
    lon: float
    walking: bool
    kind: int


@dataclass(frozen=True, slots=True)
class StreetLeg:
    """The ridden line of one leg and its instructions per language code ("nl", "en")."""

    geometry: list[Point]
    distance_m: float
    duration_s: float
    maneuvers: dict[str, list[Maneuver]]


@dataclass(frozen=True, slots=True)
class Snap:
    """How far a point lies from the nearest street the group may use (None: no street found)."""

    point: Point
    distance_m: float | None


# --- tiles -----------------------------------------------------------------------------------


def _binary(name: str) -> str:
    import valhalla

    path = Path(valhalla.__file__).parent / "bin" / name
    if not path.is_file():
        raise TilesError(f"pyvalhalla ships no {name} at {path}")
    return str(path)


def engine_config(*, tile_dir: Path | str) -> dict[str, Any]:
    """Valhalla's configuration for a tile directory (defaults of the installed wheel)."""
    import valhalla

    config = valhalla.get_config(tile_extract="", tile_dir=str(tile_dir), verbose=False)
    # No admin or time-zone databases: the group rides in one country at local time.
    config["mjolnir"]["admin"] = ""
    config["mjolnir"]["timezone"] = ""
    return config


def resolve_tiles(tiles_dir: Path | str) -> Path | None:
    """The tile set a tiles directory (a symlink to its current generation) points at now."""
    path = Path(tiles_dir)
    if not path.exists():
        return None
    real = path.resolve()
    return real if any(real.glob("*/*")) else None


def build_tiles(*, sources: list[Path], tiles_dir: Path | str) -> BuildResult:
    """Build Valhalla tiles from .osm.pbf extracts into `tiles_dir`, atomically.

    The tiles go into a fresh generation directory beside `tiles_dir`; `tiles_dir` itself is a
    symlink that is swapped in one rename, so a running server reads either the old or the new
    set, never half of one. The previous generation is kept for processes still reading it.
    """
    target = Path(tiles_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    generations = target.parent / f".{target.name}.generations"
    generations.mkdir(exist_ok=True)
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=time.strftime("%Y%m%d-%H%M%S-"), dir=generations))
    staging.chmod(0o755)  # readable by the web server user, not only by who built it
    try:
        config_path = staging / "valhalla.json"
        config = engine_config(tile_dir=staging)
        config["logging"]["type"] = "std_out"
        config_path.write_text(json.dumps(config))
        result = subprocess.run(
            [_binary("valhalla_build_tiles"), "-c", str(config_path), *map(str, sources)],
            capture_output=True,
            text=True,
            check=False,
        )
        config_path.unlink()
        log = result.stdout + result.stderr
        if result.returncode != 0:
            errors = [line for line in log.splitlines() if "ERROR" in line]
            raise TilesError((errors or log.splitlines() or ["unknown error"])[-1].strip())
        nodes = _count(log, r"Finished with (\d+) graph nodes")
        edges = _count(log, r"Finished with (\d+) graph edges")
        if not edges or not any(staging.glob("*/*")):
            raise TilesError("no streets a bicycle may use were found")
        _swap(target, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _prune(generations, keep=staging)
    return BuildResult(nodes, edges, time.perf_counter() - started, staging)


def _count(log: str, pattern: str) -> int:
    return sum(int(n) for n in re.findall(pattern, log))


def _swap(target: Path, staging: Path) -> None:
    if target.exists() and not target.is_symlink():
        # A plain directory from an older layout: move it aside once.
        target.rename(target.parent / f".{target.name}.generations" / "previous-directory")
    link = target.parent / f".{target.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(staging.relative_to(target.parent))
    os.replace(link, target)


def _prune(generations: Path, *, keep: Path) -> None:
    older = sorted((p for p in generations.iterdir() if p != keep), key=lambda p: p.stat().st_mtime)
    for path in older[: max(0, len(older) - (GENERATIONS_KEPT - 1))]:
        shutil.rmtree(path, ignore_errors=True)


# --- the Actor -------------------------------------------------------------------------------

_actors: dict[Path, Any] = {}
_actors_lock = threading.Lock()
# An Actor is not thread-safe (gis-ops/pyvalhalla#32): gunicorn's threads take turns. A call
# takes milliseconds for a tour, so one Actor per process is still the cheap way.
_calls_lock = threading.Lock()


def actor_for(tile_set: Path) -> Any:
    """The process's one Actor for a tile set, created on first use."""
    actor = _actors.get(tile_set)
    if actor is None:
        with _actors_lock:
            actor = _actors.get(tile_set)
            if actor is None:
                import valhalla

                actor = valhalla.Actor(engine_config(tile_dir=tile_set))
                _actors.clear()  # an older generation is no longer wanted
                _actors[tile_set] = actor
    return actor


# --- requests --------------------------------------------------------------------------------


def decode_polyline6(encoded: str) -> list[Point]:
    """Valhalla's shape: Google's polyline algorithm with six decimals."""
    points: list[Point] = []
    index = lat = lon = 0
    while index < len(encoded):
        values = []
        for _ in range(2):
            shift = result = 0
            while True:
                byte = ord(encoded[index]) - 63
                index += 1
                result |= (byte & 0x1F) << shift
                shift += 5
                if byte < 0x20:
                    break
            values.append(~(result >> 1) if result & 1 else result >> 1)
        lat += values[0]
        lon += values[1]
        points.append(Point(lat / 1e6, lon / 1e6))
    return points


class ValhallaProvider:
    """Bicycle routes, matrices and turn instructions from Valhalla.

    `send(action, request) -> dict` is the transport: the in-process Actor or HTTP.
    """

    estimated = False

    def __init__(
        self,
        *,
        send: Any,
        speed_kmh: float = 15.0,
        quiet_streets: bool = True,
        max_snap_m: float = 150.0,
    ) -> None:
        self._send = send
        self.speed_kmh = speed_kmh
        self.quiet_streets = quiet_streets
        self.max_snap_m = max_snap_m

    @property
    def costing_options(self) -> dict[str, Any]:
        return {
            "bicycle": {
                "bicycle_type": "City",
                "cycling_speed": self.speed_kmh,
                # Low: cycleways and quiet streets over busy roads, for a group of 20.
                "use_roads": 0.1 if self.quiet_streets else 0.5,
                "avoid_bad_surfaces": 0.5,
                "use_living_streets": 0.6,
            }
        }

    def _locations(self, points: list[Point]) -> list[dict[str, Any]]:
        return [
            {"lat": p.lat, "lon": p.lon, "search_cutoff": self.max_snap_m, "type": "break"}
            for p in points
        ]

    def _call(self, action: str, request: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._send(action, request)
        except ProviderError:
            raise
        except Exception as exc:  # ValhallaError from the Actor carries Valhalla's message
            raise ProviderError(f"Valhalla {action}: {exc}") from exc

    def snaps(self, points: list[Point]) -> list[Snap]:
        """Distance from each point to the nearest edge the bicycle costing may use."""
        answer = self._call(
            "locate",
            {
                "locations": [
                    {"lat": p.lat, "lon": p.lon, "search_cutoff": COVERAGE_METRES * 5}
                    for p in points
                ],
                "costing": "bicycle",
                "costing_options": self.costing_options,
                "verbose": False,
            },
        )
        snaps = []
        for point, found in zip(points, answer, strict=True):
            edges = (found or {}).get("edges") or []
            distances = [
                haversine_m(point, Point(e["correlated_lat"], e["correlated_lon"])) for e in edges
            ]
            snaps.append(Snap(point, min(distances) if distances else None))
        return snaps

    def matrix(self, points: list[Point]) -> TravelMatrix:
        locations = self._locations(points)
        answer = self._call(
            "sources_to_targets",
            {
                "sources": locations,
                "targets": locations,
                "costing": "bicycle",
                "costing_options": self.costing_options,
                "units": "kilometers",
            },
        )
        n = len(points)
        durations = np.zeros((n, n))
        distances = np.zeros((n, n))
        for row in answer["sources_to_targets"]:
            for cell in row:
                i, j = cell["from_index"], cell["to_index"]
                if cell.get("time") is None or cell.get("distance") is None:
                    raise ProviderError(f"Valhalla finds no route from point {i} to point {j}")
                durations[i, j] = cell["time"]
                distances[i, j] = cell["distance"] * 1000.0
        return TravelMatrix(durations=durations, distances=distances)

    def street_legs(self, points: list[Point], *, languages: tuple[str, ...]) -> list[StreetLeg]:
        """The route through the points in this order: per leg its line and instructions."""
        per_language = {}
        for code in languages:
            answer = self._call(
                "route",
                {
                    "locations": self._locations(points),
                    "costing": "bicycle",
                    "costing_options": self.costing_options,
                    "units": "kilometers",
                    "language": LANGUAGES.get(code, code),
                },
            )
            per_language[code] = answer["trip"]["legs"]
        first = per_language[languages[0]]
        legs = []
        for index, leg in enumerate(first):
            geometry = decode_polyline6(leg["shape"])
            legs.append(
                StreetLeg(
                    geometry=geometry,
                    distance_m=leg["summary"]["length"] * 1000.0,
                    duration_s=leg["summary"]["time"],
                    maneuvers={
                        code: _maneuvers(per_language[code][index], geometry) for code in languages
                    },
                )
            )
        return legs

    def leg_geometry(self, a: Point, b: Point) -> list[Point]:
        return self.street_legs([a, b], languages=("en",))[0].geometry


def _maneuvers(leg: dict[str, Any], geometry: list[Point]) -> list[Maneuver]:
    result = []
    for m in leg["maneuvers"]:
        at = geometry[min(m["begin_shape_index"], len(geometry) - 1)]
        result.append(
            Maneuver(
                instruction=m["instruction"],
                streets=tuple(m.get("street_names") or ()),
                distance_m=m["length"] * 1000.0,
                duration_s=m["time"],
                lat=at.lat,
                lon=at.lon,
                walking=m.get("travel_mode") in WALKING_MODES,
                kind=int(m["type"]),
            )
        )
    return result


def in_process(
    *, tiles_dir: Path | str, speed_kmh: float, quiet_streets: bool, max_snap_m: float
) -> ValhallaProvider:
    """The provider on the process's Actor for the tile set `tiles_dir` points at now."""
    tile_set = resolve_tiles(tiles_dir)
    if tile_set is None:
        raise ProviderError(
            f"No street tiles at {tiles_dir}; load them with manage.py load_street_network FILE."
        )
    actor = actor_for(tile_set)

    def send(action: str, request: dict[str, Any]) -> Any:
        method = "matrix" if action == "sources_to_targets" else action
        with _calls_lock:
            return getattr(actor, method)(request)

    return ValhallaProvider(
        send=send, speed_kmh=speed_kmh, quiet_streets=quiet_streets, max_snap_m=max_snap_m
    )


def over_http(
    *, base_url: str, speed_kmh: float, quiet_streets: bool, max_snap_m: float, timeout=10.0
) -> ValhallaProvider:
    """The provider on a `valhalla_service` at `base_url` (a shared routing host)."""
    base = base_url.rstrip("/")

    def send(action: str, request: dict[str, Any]) -> Any:
        http = urllib.request.Request(
            f"{base}/{action}",
            data=json.dumps(request).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(http, timeout=timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            try:
                body = json.load(exc)
            except ValueError:
                body = {}
            raise ProviderError(
                f"Valhalla {action}: {body.get('error', exc)} ({body.get('error_code', '')})"
            ) from exc
        except (OSError, ValueError) as exc:
            raise ProviderError(f"Valhalla {action} request failed: {exc}") from exc

    return ValhallaProvider(
        send=send, speed_kmh=speed_kmh, quiet_streets=quiet_streets, max_snap_m=max_snap_m
    )


def tile_centres(tile_set: Path, *, limit: int = 20) -> list[Point]:
    """Centres of the level-2 (local streets) tiles in a tile set: where its streets are."""
    centres = []
    for path in sorted((tile_set / "2").glob("*/*/*.gph"))[:limit]:
        tile_id = int("".join(path.relative_to(tile_set / "2").with_suffix("").parts))
        row, col = divmod(tile_id, 1440)  # level 2 is a 0.25° grid
        centres.append(Point(-90 + row * 0.25 + 0.125, -180 + col * 0.25 + 0.125))
    return centres


def warm(provider: ValhallaProvider, tile_set: Path, *, languages: tuple[str, ...]) -> list[Point]:
    """Load the tiles and the narrative of every language into the Actor, so the first real
    compose is no slower than the next ones. Returns a point on a street of each tile."""
    found = []
    for centre in tile_centres(tile_set):
        try:
            [snap] = provider.snaps([centre])
            if snap.distance_m is None:
                continue
            answer = provider._call(
                "locate",
                {"locations": [{"lat": centre.lat, "lon": centre.lon}], "costing": "bicycle"},
            )
            edge = answer[0]["edges"][0]
            here = Point(edge["correlated_lat"], edge["correlated_lon"])
            there = Point(here.lat + 0.002, here.lon + 0.002)
            found.append(here)
            provider.matrix([here, there])
            provider.street_legs([here, there], languages=languages)
        except (ProviderError, KeyError, IndexError):
            continue
    return found
