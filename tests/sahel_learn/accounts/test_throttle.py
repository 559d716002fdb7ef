"""The client's address behind our proxies, and the fixed-window counter."""

import pytest
from django.test import RequestFactory

from sahel_learn.accounts.throttle import client_ip, too_many


def request(forwarded=None, remote="10.0.0.2"):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, None, "10.0.0.2"),
        (0, "203.0.113.5", "10.0.0.2"),  # no proxy: a client's header is ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),  # what the client sent is left of the proxy's entry
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (1, None, "10.0.0.2"),  # a request that bypassed the proxy
        (2, "203.0.113.5", "10.0.0.2"),
    ],
)
def test_client_ip(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request(forwarded)) == expected


def test_too_many_counts_per_scope_and_value_in_its_window():
    from django.core.cache import cache

    cache.clear()
    assert [too_many("a", "x@example.org", limit=2, window=60) for _ in range(4)] == [False, False, True, True]
    assert too_many("a", " X@Example.org ", limit=2, window=60) is True  # folded
    assert too_many("a", "y@example.org", limit=2, window=60) is False
    assert too_many("b", "x@example.org", limit=2, window=60) is False
    cache.clear()
    assert too_many("a", "x@example.org", limit=2, window=60) is False
