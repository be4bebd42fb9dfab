"""Travel-time providers: straight line (the labelled estimate), Valhalla (routing.valhalla),
or an OSRM server.

All providers return durations in seconds and distances in metres.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from routing.geo import Point, haversine_m_arrays


class ProviderError(RuntimeError):
    """A provider could not produce travel times (unreachable point, server error, ...)."""


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    """Square matrices over a list of points: ``durations[i][j]`` seconds, ``distances`` metres."""

    durations: NDArray[np.float64]
    distances: NDArray[np.float64]

    def __post_init__(self) -> None:
        durations = np.asarray(self.durations, dtype=np.float64)
        distances = np.asarray(self.distances, dtype=np.float64)
        if durations.ndim != 2 or durations.shape[0] != durations.shape[1]:
            raise ValueError(f"durations must be a square matrix, got shape {durations.shape}")
        if distances.shape != durations.shape:
            raise ValueError("durations and distances must have the same shape")
        # Accept lists of lists from callers but always expose numpy arrays.
        object.__setattr__(self, "durations", durations)
        object.__setattr__(self, "distances", distances)

    @property
    def size(self) -> int:
        return int(self.durations.shape[0])

    def take(self, indices: list[int]) -> TravelMatrix:
        """Sub-matrix over the given point indices, in that order."""
        idx = np.asarray(indices, dtype=np.int64)
        return TravelMatrix(
            durations=self.durations[np.ix_(idx, idx)],
            distances=self.distances[np.ix_(idx, idx)],
        )


@runtime_checkable
class TravelTimeProvider(Protocol):
    """What the planner needs from a source of travel times."""

    estimated: bool

    def matrix(self, points: list[Point]) -> TravelMatrix: ...

    def leg_geometry(self, a: Point, b: Point) -> list[Point]: ...


def _coordinates(points: list[Point]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    return (
        np.array([p.lat for p in points], dtype=np.float64),
        np.array([p.lon for p in points], dtype=np.float64),
    )


class StraightLineProvider:
    """Great-circle distance times a detour factor, ridden at a constant speed.

    Needs no data, so it is the default; results are estimates (``estimated`` is True).
    """

    estimated = True

    def __init__(self, *, detour_factor: float = 1.3, speed_kmh: float = 15.0) -> None:
        if detour_factor < 1.0:
            raise ValueError("detour_factor must be at least 1.0")
        if speed_kmh <= 0:
            raise ValueError("speed_kmh must be positive")
        self.detour_factor = detour_factor
        self.speed_kmh = speed_kmh

    def matrix(self, points: list[Point]) -> TravelMatrix:
        lat, lon = _coordinates(points)
        distances = (
            haversine_m_arrays(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
            * self.detour_factor
        )
        return TravelMatrix(durations=distances / (self.speed_kmh / 3.6), distances=distances)

    def leg_geometry(self, a: Point, b: Point) -> list[Point]:
        return [a, b]


class OsrmProvider:
    """Travel times from an OSRM HTTP server (``/table`` and ``/route`` services).

    No network traffic happens until :meth:`matrix` or :meth:`leg_geometry` is called.
    """

    estimated = False

    def __init__(self, *, base_url: str, profile: str = "bike", timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout = timeout

    def _get(self, service: str, points: list[Point], query: dict[str, str]) -> dict[str, Any]:
        coords = ";".join(f"{p.lon:.6f},{p.lat:.6f}" for p in points)
        url = (
            f"{self.base_url}/{service}/v1/{urllib.parse.quote(self.profile)}/{coords}"
            f"?{urllib.parse.urlencode(query)}"
        )
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body: dict[str, Any] = json.load(response)
        except urllib.error.HTTPError as exc:
            # OSRM answers routing failures (NoRoute, InvalidQuery, ...) with 4xx and a JSON body.
            try:
                body = json.load(exc)
            except ValueError:
                raise ProviderError(f"OSRM request failed: {exc}") from exc
        except OSError as exc:
            raise ProviderError(f"OSRM request failed: {exc}") from exc
        except ValueError as exc:
            raise ProviderError(f"OSRM returned invalid JSON: {exc}") from exc
        if body.get("code") != "Ok":
            raise ProviderError(f"OSRM error {body.get('code')}: {body.get('message', '')}")
        return body

    def matrix(self, points: list[Point]) -> TravelMatrix:
        body = self._get("table", points, {"annotations": "duration,distance"})
        durations, distances = body.get("durations"), body.get("distances")
        if durations is None or distances is None:
            raise ProviderError("OSRM table response lacks durations or distances")
        if any(v is None for row in durations for v in row) or any(
            v is None for row in distances for v in row
        ):
            raise ProviderError("OSRM could not route between some of the points")
        return TravelMatrix(durations=np.array(durations), distances=np.array(distances))

    def leg_geometry(self, a: Point, b: Point) -> list[Point]:
        body = self._get("route", [a, b], {"geometries": "geojson", "overview": "full"})
        coordinates = body["routes"][0]["geometry"]["coordinates"]
        return [Point(lat=float(lat), lon=float(lon)) for lon, lat in coordinates]


def build_provider(*, name: str, **options: Any) -> TravelTimeProvider:
    """Create a provider from settings.

    * ``"straight"``: options ``detour_factor``, ``speed_kmh``.
    * ``"valhalla"``: option ``tiles_dir`` (in-process Actor) or ``base_url`` (a
      ``valhalla_service``), plus ``speed_kmh``, ``quiet_streets``, ``max_snap_m``.
    * ``"osrm"``: options ``base_url`` (required), ``profile``, ``timeout``.
    """
    if name == "straight":
        return StraightLineProvider(**options)
    if name == "valhalla":
        from routing import valhalla

        if options.get("base_url"):
            return valhalla.over_http(**options)
        return valhalla.in_process(**options)
    if name == "osrm":
        return OsrmProvider(**options)
    raise ValueError(f"unknown travel-time provider {name!r}; use 'straight', 'valhalla' or 'osrm'")
