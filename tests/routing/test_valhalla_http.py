"""The `valhalla` provider over HTTP against a real `valhalla_service` (shipped in the wheel)
on a free local port, serving the session's tiles: same answers as the in-process Actor."""

import json
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator

import pytest

from routing.geo import Point
from routing.providers import ProviderError
from routing.valhalla import _binary, engine_config, in_process, over_http

NIEUWMARKT = Point(52.37265, 4.90030)
WATERLOOPLEIN = Point(52.36850, 4.90270)
OPTIONS = {"speed_kmh": 15.0, "quiet_streets": True, "max_snap_m": 150.0}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def valhalla_service(street_tiles, tmp_path) -> Iterator[str]:
    port = _free_port()
    config = engine_config(tile_dir=street_tiles.resolve())
    config["httpd"]["service"].update(
        listen=f"tcp://127.0.0.1:{port}",
        loopback=f"ipc://{tmp_path}/loopback",
        interrupt=f"ipc://{tmp_path}/interrupt",
        drain_seconds=0,
        shutdown_seconds=0,
    )
    path = tmp_path / "valhalla.json"
    path.write_text(json.dumps(config))
    process = subprocess.Popen(
        [_binary("valhalla_service"), str(path), "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/status", timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def test_http_provider_answers_like_the_actor(valhalla_service, street_tiles):
    http = over_http(base_url=valhalla_service, **OPTIONS)
    local = in_process(tiles_dir=street_tiles, **OPTIONS)
    points = [NIEUWMARKT, WATERLOOPLEIN]
    assert http.matrix(points).durations.tolist() == local.matrix(points).durations.tolist()
    [leg] = http.street_legs(points, languages=("nl",))
    [same] = local.street_legs(points, languages=("nl",))
    assert leg.geometry == same.geometry
    assert [m.instruction for m in leg.maneuvers["nl"]] == [
        m.instruction for m in same.maneuvers["nl"]
    ]
    assert round(http.snaps([NIEUWMARKT])[0].distance_m) == round(
        local.snaps([NIEUWMARKT])[0].distance_m
    )


def test_http_provider_errors_are_provider_errors(valhalla_service):
    http = over_http(base_url=valhalla_service, **OPTIONS)
    with pytest.raises(ProviderError, match="Valhalla sources_to_targets"):
        http.matrix([NIEUWMARKT, Point(43.726, 7.43)])
    closed = over_http(base_url=f"http://127.0.0.1:{_free_port()}", **OPTIONS)
    with pytest.raises(ProviderError, match="request failed"):
        closed.matrix([NIEUWMARKT, WATERLOOPLEIN])


def test_routing_valhalla_url_setting_routes_over_http(valhalla_service, settings):
    from tours import planning

    settings.ROUTING_PROVIDER = "auto"
    settings.ROUTING_VALHALLA_URL = valhalla_service
    plan = planning.plan_route(
        start=planning.Place(NIEUWMARKT.lat, NIEUWMARKT.lon),
        end=planning.Place(NIEUWMARKT.lat, NIEUWMARKT.lon),
        stops=[planning.PlanStop("a", WATERLOOPLEIN.lat, WATERLOOPLEIN.lon, 600)],
        start_s=36000,
        buffer_s=0,
    )
    assert plan.estimated is False
    assert plan.legs[0].steps["nl"][0].text.startswith("Fiets ")
