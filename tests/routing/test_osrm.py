"""OSRM provider against a local http.server replaying recorded responses.

An OSRM server cannot run in the test environment (no routing data, no network), so these
tests serve JSON in the exact shape OSRM 5.x returns, and check the requests the provider makes.
"""

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from routing.geo import Point
from routing.providers import OsrmProvider, ProviderError

TABLE_RESPONSE = {
    "code": "Ok",
    "durations": [[0, 412.3, 655.1], [398.7, 0, 301.9], [640.2, 310.4, 0]],
    "distances": [[0, 1716.2, 2731.8], [1660.9, 0, 1258.0], [2667.5, 1293.3, 0]],
    "sources": [
        {"hint": "", "distance": 4.1, "name": "Linnaeusstraat", "location": [4.926, 52.3601]},
        {"hint": "", "distance": 2.3, "name": "Dapperstraat", "location": [4.9309, 52.3632]},
        {"hint": "", "distance": 6.8, "name": "Javaplein", "location": [4.9398, 52.3659]},
    ],
    "destinations": [
        {"hint": "", "distance": 4.1, "name": "Linnaeusstraat", "location": [4.926, 52.3601]},
        {"hint": "", "distance": 2.3, "name": "Dapperstraat", "location": [4.9309, 52.3632]},
        {"hint": "", "distance": 6.8, "name": "Javaplein", "location": [4.9398, 52.3659]},
    ],
}
ROUTE_RESPONSE = {
    "code": "Ok",
    "routes": [
        {
            "geometry": {
                "type": "LineString",
                "coordinates": [[4.926, 52.3601], [4.9281, 52.3613], [4.9309, 52.3632]],
            },
            "legs": [
                {"steps": [], "summary": "", "weight": 412.3, "duration": 412.3, "distance": 1716.2}
            ],
            "weight_name": "cyclability",
            "weight": 412.3,
            "duration": 412.3,
            "distance": 1716.2,
        }
    ],
    "waypoints": [
        {"hint": "", "distance": 4.1, "name": "Linnaeusstraat", "location": [4.926, 52.3601]},
        {"hint": "", "distance": 2.3, "name": "Dapperstraat", "location": [4.9309, 52.3632]},
    ],
}
NO_ROUTE_RESPONSE = {"code": "NoRoute", "message": "Impossible route between points"}

POINTS = [Point(52.3601, 4.926), Point(52.3632, 4.9309), Point(52.3659, 4.9398)]


class RecordedOsrm(BaseHTTPRequestHandler):
    requests: list[str] = []
    responses: dict[str, dict] = {}

    def do_GET(self) -> None:
        self.requests.append(self.path)
        service = self.path.split("/")[1]
        body = json.dumps(self.responses[service]).encode()
        self.send_response(400 if self.responses[service]["code"] != "Ok" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


@pytest.fixture
def osrm_url() -> Iterator[str]:
    RecordedOsrm.requests = []
    RecordedOsrm.responses = {"table": TABLE_RESPONSE, "route": ROUTE_RESPONSE}
    server = HTTPServer(("127.0.0.1", 0), RecordedOsrm)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_osrm_matrix_reads_table_response(osrm_url):
    provider = OsrmProvider(base_url=osrm_url, profile="bike", timeout=5)
    matrix = provider.matrix(POINTS)
    assert matrix.durations.tolist() == TABLE_RESPONSE["durations"]
    assert matrix.distances.tolist() == TABLE_RESPONSE["distances"]
    assert RecordedOsrm.requests == [
        "/table/v1/bike/4.926000,52.360100;4.930900,52.363200;4.939800,52.365900"
        "?annotations=duration%2Cdistance"
    ]


def test_osrm_leg_geometry_reads_route_response(osrm_url):
    provider = OsrmProvider(base_url=osrm_url + "/", profile="bike")
    geometry = provider.leg_geometry(POINTS[0], POINTS[1])
    assert geometry == [Point(52.3601, 4.926), Point(52.3613, 4.9281), Point(52.3632, 4.9309)]
    assert RecordedOsrm.requests == [
        "/route/v1/bike/4.926000,52.360100;4.930900,52.363200?geometries=geojson&overview=full"
    ]


def test_osrm_error_code_raises_provider_error(osrm_url):
    RecordedOsrm.responses["route"] = NO_ROUTE_RESPONSE
    provider = OsrmProvider(base_url=osrm_url)
    with pytest.raises(ProviderError, match="OSRM error NoRoute: Impossible route between points"):
        provider.leg_geometry(POINTS[0], POINTS[2])


def test_osrm_ok_with_null_entry_raises_provider_error(osrm_url):
    table = json.loads(json.dumps(TABLE_RESPONSE))
    table["durations"][0][2] = None
    RecordedOsrm.responses["table"] = table
    with pytest.raises(ProviderError, match="could not route"):
        OsrmProvider(base_url=osrm_url).matrix(POINTS)


def test_osrm_unreachable_server_raises_provider_error():
    provider = OsrmProvider(base_url="http://127.0.0.1:9", timeout=1)
    with pytest.raises(ProviderError, match="OSRM request failed"):
        provider.matrix(POINTS[:2])
