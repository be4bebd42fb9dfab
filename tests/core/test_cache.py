import logging
import socket

import pytest

from core.cache import CacheUnavailable, ResilientRedisCache


@pytest.fixture
def unreachable_redis() -> ResilientRedisCache:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed: connections are refused at once.
    return ResilientRedisCache(
        f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 0.5}}
    )


def test_unreachable_redis_reads_miss_and_writes_are_dropped(unreachable_redis, caplog):
    with caplog.at_level(logging.WARNING, logger="wijktour.cache"):
        unreachable_redis.set("k", "v")
        value = unreachable_redis.get("k", "default")
        added = unreachable_redis.add("k", "v")

    assert (value, added) == ("default", False)
    assert unreachable_redis.unavailable_since is not None
    assert "cache unavailable (set: ConnectionError); serving without it" in caplog.text


def test_unreachable_redis_incr_raises_value_error(unreachable_redis):
    with pytest.raises(CacheUnavailable):
        unreachable_redis.incr("k")
    assert issubclass(CacheUnavailable, ValueError)
