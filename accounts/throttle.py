"""Login throttling: after LOGIN_FAILURE_LIMIT failures for one e-mail from one address, wait."""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(email: str, ip: str) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip}".encode()).hexdigest()[:32]
    return f"login-fail:{digest}"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def is_locked(email: str, ip: str) -> bool:
    return cache.get(_key(email, ip), 0) >= settings.LOGIN_FAILURE_LIMIT


def record_failure(email: str, ip: str) -> None:
    key = _key(email, ip)
    cache.add(key, 0, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear(email: str, ip: str) -> None:
    cache.delete(_key(email, ip))
