"""Bicycle street graph built from OpenStreetMap data, with a fast on-disk cache.

The access rules follow the spirit of OSRM's ``profiles/bicycle.lua`` (simplified):

* the most specific access tag wins: ``bicycle`` over ``vehicle`` over ``access``;
* motorways and trunk roads are only used when explicitly open to bicycles;
* footways, pedestrian areas, paths and steps are only used when ``bicycle`` is
  yes/designated/permissive (optionally, they can be walked with the bike at pushing speed);
* ``oneway`` is respected unless ``oneway:bicycle=no`` or an ``opposite*`` cycleway exists;
  ``junction=roundabout`` implies oneway.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import osmium
import osmium.filter
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

from routing.geo import haversine_m_arrays

BLOCKING_ACCESS = frozenset(
    {"no", "private", "agricultural", "forestry", "delivery", "use_sidepath"}
)
EXPLICIT_BIKE_ACCESS = frozenset({"yes", "designated", "permissive"})
# Highways a bike may use without any bicycle tag.
BIKE_HIGHWAYS = frozenset(
    {
        "cycleway",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "residential",
        "unclassified",
        "living_street",
        "road",
        "service",
        "track",
    }
)
# Highways a bike may only use when bicycle=yes/designated/permissive.
BIKE_ONLY_IF_TAGGED = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "footway",
        "pedestrian",
        "path",
        "steps",
        "bridleway",
    }
)
# Highways that may be walked with the bike when pushing is enabled.
PUSHABLE_HIGHWAYS = frozenset({"footway", "pedestrian", "path", "steps"})
ONEWAY_FORWARD = frozenset({"yes", "1", "true"})
ONEWAY_BACKWARD = frozenset({"-1", "reverse"})
OPPOSITE_CYCLEWAYS = frozenset(
    {"opposite", "opposite_lane", "opposite_track", "opposite_share_busway"}
)
# Durations must be strictly positive: scipy's csgraph treats stored zeros inconsistently.
MIN_EDGE_SECONDS = 1e-3


@dataclass(frozen=True, slots=True)
class BicycleProfile:
    """Speeds used to turn street lengths into riding times."""

    speed_kmh: float = 15.0
    highway_speeds_kmh: Mapping[str, float] = field(default_factory=dict)
    # None: footways without bike access are not used at all (the group stays on its bikes).
    pushing_speed_kmh: float | None = None

    def speed_for(self, highway: str) -> float:
        return float(self.highway_speeds_kmh.get(highway, self.speed_kmh))


@dataclass(frozen=True, slots=True)
class WayRule:
    """How a bike may use one OSM way: speed, and which directions are allowed."""

    speed_kmh: float
    forward: bool
    backward: bool


def classify_way(*, tags: Mapping[str, str], profile: BicycleProfile) -> WayRule | None:
    """Return the bicycle rule for a way's tags, or None when bikes cannot use it."""
    highway = tags.get("highway")
    if highway is None or tags.get("area") == "yes":
        return None
    bicycle = tags.get("bicycle")
    access = bicycle or tags.get("vehicle") or tags.get("access")
    if access in BLOCKING_ACCESS:
        return None
    speed: float
    if highway in BIKE_HIGHWAYS or (
        highway in BIKE_ONLY_IF_TAGGED and bicycle in EXPLICIT_BIKE_ACCESS
    ):
        speed = profile.speed_for(highway)
    elif highway in PUSHABLE_HIGHWAYS and profile.pushing_speed_kmh is not None:
        speed = profile.pushing_speed_kmh
    else:
        return None

    # oneway:bicycle overrides the general oneway tag, in both directions.
    oneway = tags.get("oneway:bicycle") or tags.get("oneway")
    if oneway is None and tags.get("junction") in {"roundabout", "circular"}:
        oneway = "yes"
    forward, backward = True, True
    if oneway in ONEWAY_FORWARD:
        backward = False
    elif oneway in ONEWAY_BACKWARD:
        forward = False
    if not (forward and backward) and tags.get("oneway:bicycle") is None:
        cycleway_tags = (tags.get(k) for k in ("cycleway", "cycleway:left", "cycleway:right"))
        if any(value in OPPOSITE_CYCLEWAYS for value in cycleway_tags):
            forward, backward = True, True
    return WayRule(speed_kmh=speed, forward=forward, backward=backward)


@dataclass(slots=True)
class StreetGraph:
    """A directed street graph: node coordinates plus CSR matrices of durations and lengths.

    ``durations[u, v]`` is the riding time in seconds along the edge u→v, ``lengths[u, v]`` its
    length in metres. ``snappable`` marks nodes of the largest strongly connected component, so
    that points never snap to an island from which the rest of the city is unreachable.
    """

    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    durations: sp.csr_matrix
    lengths: sp.csr_matrix
    snappable: NDArray[np.bool_]

    @property
    def node_count(self) -> int:
        return int(self.lat.shape[0])

    @property
    def edge_count(self) -> int:
        return int(self.durations.nnz)

    @classmethod
    def from_edges(
        cls,
        *,
        lat: NDArray[np.float64],
        lon: NDArray[np.float64],
        sources: NDArray[np.int64],
        targets: NDArray[np.int64],
        lengths_m: NDArray[np.float64],
        durations_s: NDArray[np.float64],
    ) -> StreetGraph:
        """Build a graph from directed edge arrays; parallel edges keep the fastest one."""
        n = int(lat.shape[0])
        sources = np.asarray(sources, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        lengths_m = np.asarray(lengths_m, dtype=np.float64)
        durations_s = np.maximum(np.asarray(durations_s, dtype=np.float64), MIN_EDGE_SECONDS)
        keep = sources != targets
        sources, targets = sources[keep], targets[keep]
        lengths_m, durations_s = lengths_m[keep], durations_s[keep]
        # Sparse constructors add up duplicates, which would double a shared segment's cost.
        order = np.lexsort((durations_s, targets, sources))
        sources, targets = sources[order], targets[order]
        lengths_m, durations_s = lengths_m[order], durations_s[order]
        first = np.ones(sources.shape[0], dtype=bool)
        first[1:] = (sources[1:] != sources[:-1]) | (targets[1:] != targets[:-1])
        sources, targets = sources[first], targets[first]
        lengths_m, durations_s = lengths_m[first], durations_s[first]
        durations = sp.csr_matrix((durations_s, (sources, targets)), shape=(n, n))
        lengths = sp.csr_matrix((lengths_m, (sources, targets)), shape=(n, n))
        snappable = np.zeros(n, dtype=bool)
        if n:
            _, labels = connected_components(durations, directed=True, connection="strong")
            used = np.zeros(n, dtype=bool)
            used[sources] = True
            used[targets] = True
            counts = np.bincount(labels[used], minlength=int(labels.max()) + 1)
            snappable = used & (labels == int(np.argmax(counts)))
        return cls(
            lat=np.asarray(lat, dtype=np.float64),
            lon=np.asarray(lon, dtype=np.float64),
            durations=durations,
            lengths=lengths,
            snappable=snappable,
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the graph to directory ``path`` (created if needed), uncompressed for speed."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "nodes.npz", lat=self.lat, lon=self.lon, snappable=self.snappable)
        sp.save_npz(directory / "durations.npz", self.durations, compressed=False)
        sp.save_npz(directory / "lengths.npz", self.lengths, compressed=False)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> StreetGraph:
        """Read a graph written by :meth:`save`."""
        directory = Path(path)
        with np.load(directory / "nodes.npz") as nodes:
            lat, lon, snappable = nodes["lat"], nodes["lon"], nodes["snappable"]
        return cls(
            lat=lat,
            lon=lon,
            durations=sp.csr_matrix(sp.load_npz(directory / "durations.npz")),
            lengths=sp.csr_matrix(sp.load_npz(directory / "lengths.npz")),
            snappable=snappable,
        )


def build_bicycle_graph(
    *, source_path: str | os.PathLike[str], profile: BicycleProfile | None = None
) -> StreetGraph:
    """Read an ``.osm`` / ``.osm.pbf`` file and return the street graph usable by bicycles."""
    profile = profile or BicycleProfile()
    node_index: dict[int, int] = {}
    lats: list[float] = []
    lons: list[float] = []
    sources: list[int] = []
    targets: list[int] = []
    speeds: list[float] = []

    processor = (
        osmium.FileProcessor(os.fspath(source_path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in processor:
        rule = classify_way(tags=dict(way.tags), profile=profile)
        if rule is None:
            continue
        previous: int | None = None
        for ref in way.nodes:
            if not ref.location.valid():
                # Missing node (clipped extract): start a new chain rather than bridge the gap.
                previous = None
                continue
            index = node_index.get(ref.ref)
            if index is None:
                index = len(lats)
                node_index[ref.ref] = index
                lats.append(ref.location.lat)
                lons.append(ref.location.lon)
            if previous is not None:
                if rule.forward:
                    sources.append(previous)
                    targets.append(index)
                    speeds.append(rule.speed_kmh)
                if rule.backward:
                    sources.append(index)
                    targets.append(previous)
                    speeds.append(rule.speed_kmh)
            previous = index

    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    src = np.asarray(sources, dtype=np.int64)
    dst = np.asarray(targets, dtype=np.int64)
    lengths = haversine_m_arrays(lat[src], lon[src], lat[dst], lon[dst])
    durations = lengths / (np.asarray(speeds, dtype=np.float64) / 3.6)
    return StreetGraph.from_edges(
        lat=lat, lon=lon, sources=src, targets=dst, lengths_m=lengths, durations_s=durations
    )
