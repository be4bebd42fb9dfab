"""Turn an OpenStreetMap extract (.osm or .osm.pbf) into the cached bicycle street graph that
the `osm` routing provider loads (settings.ROUTING_GRAPH_PATH)."""

import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from routing.osm import StreetGraph, build_bicycle_graph

SUFFIXES = (".osm", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz")


class Command(BaseCommand):
    help = "Build the bicycle street graph from an .osm/.osm.pbf file and cache it on disk."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="OpenStreetMap extract (.osm or .osm.pbf)")
        parser.add_argument(
            "--output",
            help="Where to write the graph (default: settings.ROUTING_GRAPH_PATH)",
        )

    def handle(self, *args, file: str, output: str | None = None, **options) -> None:
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"{source}: no such file.")
        if not source.name.lower().endswith(SUFFIXES):
            raise CommandError(f"{source}: expected an .osm or .osm.pbf file.")
        target = Path(output or settings.ROUTING_GRAPH_PATH)
        started = time.perf_counter()
        try:
            graph = build_bicycle_graph(source_path=source)
        except (RuntimeError, ValueError, OSError) as exc:
            # osmium reports parse errors with the line (XML) or block (PBF) it failed at.
            raise CommandError(f"{source}: cannot read the OpenStreetMap data: {exc}") from exc
        if graph.edge_count == 0:
            raise CommandError(f"{source}: no streets a bicycle may use were found.")
        # Write next to the target and swap, so a running server never loads half a graph.
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".street_graph-", dir=target.parent))
        try:
            graph.save(staging)
            StreetGraph.load(staging)
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            staging.rename(target)
        finally:
            if staging.exists():
                shutil.rmtree(staging)
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Street graph with {graph.node_count} nodes and {graph.edge_count} edges "
                f"written to {target} in {seconds:.1f} s."
            )
        )
