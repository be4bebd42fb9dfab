"""Travel-time providers: straight line (default), local OSM street graph, or an OSRM server.

All providers return durations in seconds and distances in metres.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from routing.geo import EARTH_RADIUS_M, Point, haversine_m_arrays
from routing.osm import StreetGraph


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


class OsmProvider:
    """Shortest (fastest) paths over a local :class:`StreetGraph`.

    Points snap to the nearest usable graph node; the straight hop from the point to that node
    is added at ``access_speed_kmh`` so that a badly snapped point is not free.
    """

    estimated = False

    def __init__(self, graph: StreetGraph, *, access_speed_kmh: float = 15.0) -> None:
        self.graph = graph
        self.access_speed_kmh = access_speed_kmh
        self._node_ids = np.flatnonzero(graph.snappable)
        if self._node_ids.size == 0:
            raise ProviderError("street graph has no usable nodes")
        self._lat0 = float(np.mean(graph.lat[self._node_ids]))
        self._tree = cKDTree(self._project(graph.lat[self._node_ids], graph.lon[self._node_ids]))
        typical_speed = 1.0
        if graph.edge_count:
            typical_speed = float(np.median(graph.lengths.data) / np.median(graph.durations.data))
        self._typical_speed_ms = max(typical_speed, 0.5)

    def _project(self, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.float64]:
        # Equirectangular projection is accurate to well under 1 % within a city.
        x = np.radians(lon) * EARTH_RADIUS_M * np.cos(np.radians(self._lat0))
        y = np.radians(lat) * EARTH_RADIUS_M
        return np.column_stack([x, y])

    def snap(self, points: list[Point]) -> NDArray[np.int64]:
        """Graph node index nearest to each point."""
        lat, lon = _coordinates(points)
        _, nearest = self._tree.query(self._project(lat, lon))
        return self._node_ids[np.asarray(nearest, dtype=np.int64)]

    def _access(self, points: list[Point], nodes: NDArray[np.int64]) -> NDArray[np.float64]:
        lat, lon = _coordinates(points)
        return haversine_m_arrays(lat, lon, self.graph.lat[nodes], self.graph.lon[nodes])

    def _shortest(
        self, sources: NDArray[np.int64], targets: NDArray[np.int64]
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        """Dijkstra from each source; exact for all targets."""
        g = self.graph
        crow = haversine_m_arrays(
            g.lat[sources][:, None], g.lon[sources][:, None], g.lat[targets], g.lon[targets]
        )
        times = np.empty((sources.size, g.node_count), dtype=np.float64)
        preds = np.empty((sources.size, g.node_count), dtype=np.int32)
        for row, source in enumerate(sources):
            # A limited search settles only nodes within the limit but is exact for those. Tour
            # points lie close together, so bounding by a modest detour over the crow-flies
            # distance avoids exploring the whole city; if a target stays unreached, the
            # search is repeated with a wider (finally no) limit.
            reach_s = float(crow[row].max()) / self._typical_speed_ms
            for limit in (1.5 * reach_s + 300.0, 4.0 * reach_s + 900.0, np.inf):
                row_times, row_preds = dijkstra(
                    g.durations,
                    directed=True,
                    indices=int(source),
                    return_predecessors=True,
                    limit=limit,
                )
                if np.isfinite(row_times[targets]).all():
                    break
            times[row], preds[row] = row_times, row_preds
        return times, preds

    def _path(self, preds: NDArray[np.int32], source: int, target: int) -> list[int]:
        path = [target]
        node = target
        while node != source:
            node = int(preds[node])
            if node < 0:
                raise ProviderError(f"node {target} is unreachable from node {source}")
            path.append(node)
        path.reverse()
        return path

    def _path_length(self, path: list[int]) -> float:
        if len(path) < 2:
            return 0.0
        idx = np.asarray(path, dtype=np.int64)
        return float(np.asarray(self.graph.lengths[idx[:-1], idx[1:]]).sum())

    def matrix(self, points: list[Point]) -> TravelMatrix:
        nodes = self.snap(points)
        access_m = self._access(points, nodes)
        access_s = access_m / (self.access_speed_kmh / 3.6)
        unique_nodes, inverse = np.unique(nodes, return_inverse=True)
        times, preds = self._shortest(unique_nodes, unique_nodes)
        n = len(points)
        durations = np.zeros((n, n), dtype=np.float64)
        distances = np.zeros((n, n), dtype=np.float64)
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                si, tj = int(inverse[i]), int(unique_nodes[inverse[j]])
                ride_s = float(times[si, tj])
                if not np.isfinite(ride_s):
                    raise ProviderError(f"point {j} is unreachable from point {i}")
                ride_m = self._path_length(self._path(preds[si], int(unique_nodes[si]), tj))
                durations[i, j] = access_s[i] + ride_s + access_s[j]
                distances[i, j] = access_m[i] + ride_m + access_m[j]
        return TravelMatrix(durations=durations, distances=distances)

    def leg_geometry(self, a: Point, b: Point) -> list[Point]:
        nodes = self.snap([a, b])
        _, preds = self._shortest(nodes[:1], nodes[1:])
        path = self._path(preds[0], int(nodes[0]), int(nodes[1]))
        g = self.graph
        geometry = [Point(float(g.lat[k]), float(g.lon[k])) for k in path]
        # Keep the true end points when they do not sit exactly on a graph node.
        if geometry[0] != a:
            geometry.insert(0, a)
        if geometry[-1] != b:
            geometry.append(b)
        return geometry


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
    * ``"osm"``: option ``graph`` (a StreetGraph) or ``graph_path`` (directory written by
      ``StreetGraph.save``), plus ``access_speed_kmh``.
    * ``"osrm"``: options ``base_url`` (required), ``profile``, ``timeout``.
    """
    if name == "straight":
        return StraightLineProvider(**options)
    if name == "osm":
        graph = options.pop("graph", None)
        graph_path = options.pop("graph_path", None)
        if graph is None:
            if graph_path is None:
                raise ValueError("the osm provider needs 'graph' or 'graph_path'")
            graph = StreetGraph.load(os.fspath(graph_path))
        return OsmProvider(graph, **options)
    if name == "osrm":
        return OsrmProvider(**options)
    raise ValueError(f"unknown travel-time provider {name!r}; use 'straight', 'osm' or 'osrm'")
