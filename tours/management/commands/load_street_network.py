"""Build Valhalla street tiles from OpenStreetMap extracts (.osm.pbf) into
settings.ROUTING_TILES_DIR, where the `valhalla` routing provider reads them.

The tiles are built beside the current set and swapped in with one rename, so a running server
never reads half a tile set; it picks up the new set on its next compose."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from routing.valhalla import TilesError, build_tiles

SUFFIXES = (".osm.pbf", ".pbf")


class Command(BaseCommand):
    help = "Build Valhalla bicycle street tiles from one or more .osm.pbf extracts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="OpenStreetMap .osm.pbf")
        parser.add_argument(
            "--output", help="Tiles directory (default: settings.ROUTING_TILES_DIR)"
        )

    def handle(self, *args, files: list[str], output: str | None = None, **options) -> None:
        sources = [Path(file) for file in files]
        for source in sources:
            self._check(source)
        target = Path(output or settings.ROUTING_TILES_DIR)
        started = time.perf_counter()
        try:
            result = build_tiles(sources=sources, tiles_dir=target)
        except (TilesError, OSError) as exc:
            names = ", ".join(str(s) for s in sources)
            raise CommandError(f"{names}: cannot build street tiles: {exc}") from exc
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Street tiles with {result.nodes} nodes and {result.edges} edges "
                f"written to {target} in {seconds:.1f} s."
            )
        )

    def _check(self, source: Path) -> None:
        if not source.is_file():
            raise CommandError(f"{source}: no such file.")
        if not source.name.lower().endswith(SUFFIXES):
            raise CommandError(f"{source}: expected an .osm.pbf file.")
        try:
            with source.open("rb") as handle:
                head = handle.read(64)
        except OSError as exc:
            raise CommandError(f"{source}: cannot read the file: {exc.strerror}.") from exc
        if not head:
            raise CommandError(f"{source}: the file is empty.")
        # A PBF starts with a 4-byte header length and the BlobHeader type "OSMHeader".
        if b"OSMHeader" not in head:
            raise CommandError(f"{source}: not an OpenStreetMap PBF file (no OSMHeader block).")
