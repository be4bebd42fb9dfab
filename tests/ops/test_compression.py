import gzip
import json

import brotli
import pytest
from django.test import Client

from accounts import services as accounts
from ops.compression import negotiate
from tests.factories import (
    CoordinatorFactory,
    PartnerFactory,
    TourFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db

FEED = "/feeds/activities.ics"
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def vary(response) -> set[str]:
    return {part.strip() for part in response.get("Vary", "").split(",") if part.strip()}


@pytest.fixture
def tours():
    workspace = WorkspaceFactory()
    return [TourFactory(workspace=workspace) for _ in range(3)]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.4", "gzip"),
        ("*", "br"),
        ("*;q=0, identity", None),
        ("identity", None),
        ("", None),
        ("gzip;q=nonsense", None),
    ],
)
def test_negotiate_follows_accept_encoding_weights(accept, expected):
    assert negotiate(accept) == expected


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_feed_compressed_with_vary_and_same_calendar(client, tours, encoding):
    plain = client.get(FEED)
    packed = client.get(FEED, headers={"Accept-Encoding": encoding})

    assert packed["Content-Encoding"] == encoding
    assert "Accept-Encoding" in vary(packed)
    assert "Accept-Encoding" in vary(plain)
    assert plain.has_header("Content-Encoding") is False
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert DECODE[encoding](packed.content) == plain.content


@pytest.mark.usefixtures("public_cache")
def test_cached_feed_served_compressed_on_hit_without_compressing_again(client, tours, monkeypatch):
    from ops import compression

    plain = Client().get(FEED)
    first = client.get(FEED, headers={"Accept-Encoding": "br"})
    monkeypatch.setattr(compression, "compress", None)  # a hit must not compress
    hit = client.get(FEED, headers={"Accept-Encoding": "br"})

    assert [plain["X-Cache"], first["X-Cache"], hit["X-Cache"]] == ["miss", "hit", "hit"]
    assert (first["Content-Encoding"], hit["Content-Encoding"]) == ("br", "br")
    assert "Accept-Encoding" in vary(hit)
    assert brotli.decompress(hit.content) == plain.content
    assert hit.content == first.content


@pytest.mark.usefixtures("public_cache")
def test_cached_feed_conditional_request_answers_304_uncompressed(client, tours):
    first = client.get(FEED, headers={"Accept-Encoding": "br"})

    again = client.get(FEED, headers={"Accept-Encoding": "br", "If-None-Match": first["ETag"]})

    assert again.status_code == 304
    assert again.content == b""
    assert again.has_header("Content-Encoding") is False


def test_api_json_compressed_for_anonymous_and_token_clients(client):
    workspace = WorkspaceFactory()
    for _ in range(5):
        PartnerFactory(workspace=workspace)
    _token, raw = accounts.create_api_token(
        workspace=workspace, name="CRM", created_by=CoordinatorFactory(workspace=workspace)
    )

    anonymous = client.get("/api/partners/", headers={"Accept-Encoding": "gzip"})
    token = Client().get(
        "/api/partners/", headers={"Accept-Encoding": "gzip", "Authorization": f"Bearer {raw}"}
    )

    assert (anonymous["Content-Encoding"], token["Content-Encoding"]) == ("gzip", "gzip")
    assert len(json.loads(gzip.decompress(token.content))["results"]) == 5


def test_anonymous_agenda_compressed(client, tours):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert b"csrfmiddlewaretoken" in gzip.decompress(response.content)


def test_signed_in_pages_and_session_json_never_compressed(client, tours):
    """BREACH: what a session sees may hold personal data next to text it typed."""
    coordinator = CoordinatorFactory(workspace=tours[0].workspace)
    client.force_login(coordinator)

    responses = [
        client.get(path, headers={"Accept-Encoding": "gzip, br"})
        for path in ("/", "/manage/", "/api/partners/")
    ]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.has_header("Content-Encoding") for r in responses] == [False, False, False]


def test_small_and_not_modified_responses_not_compressed(client, tours):
    first = client.get(FEED)
    not_modified = client.get(
        FEED, headers={"Accept-Encoding": "gzip", "If-None-Match": first["ETag"]}
    )
    small = client.get("/feeds/activities.ics?lang=xx", headers={"Accept-Encoding": "gzip"})

    assert (not_modified.status_code, small.status_code) == (304, 400)
    assert not_modified.has_header("Content-Encoding") is False
    assert small.has_header("Content-Encoding") is False
