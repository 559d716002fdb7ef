"""Who is asking (the client's address, behind our proxies) and how often (a fixed-window counter).

``client_ip`` is the one place the client's address is read: django-axes uses it
(``AXES_CLIENT_IP_CALLABLE``) and so does the password-reset throttle. With
``TRUSTED_PROXY_COUNT = 0`` (``make run``, gunicorn on 127.0.0.1) it is the connection's
``REMOTE_ADDR`` and any X-Forwarded-For header is ignored, so a client cannot choose its address.
Behind N reverse proxies that each append the address they saw to X-Forwarded-For, the client is the
N-th entry from the right: the entries left of it are whatever the client sent, and are ignored.

``too_many`` counts requests in Django's cache (one key per window; the default cache is per
process, see README: with several workers each counts on its own unless CACHES names a shared one).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_ip(request):
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        # Not through all our proxies (a misconfiguration, or a request that bypassed them).
        return remote
    return hops[-count]


def too_many(scope, value, *, limit, window):
    """Count one request for ``value`` in ``scope``; True once more than ``limit`` came in ``window`` seconds."""
    digest = hashlib.sha256(str(value).strip().lower().encode()).hexdigest()
    key = f"throttle:{scope}:{digest}"
    if cache.add(key, 1, timeout=window):
        return limit < 1
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return limit < 1
