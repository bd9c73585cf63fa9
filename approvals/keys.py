"""The audit keys: the current one signs, retired ones still verify what they signed.

A key is known by its fingerprint, the first 8 hex digits of HMAC(key, "jingzhun-key-id"): it
names the key without revealing it, so entries, heads and checkpoints can say which key signed
them, and a wrong or missing key is reported as such instead of as tampering.
"""

import functools
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

FINGERPRINT_MESSAGE = b"jingzhun-key-id"


def fingerprint(key: bytes) -> str:
    return hmac.new(key, FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:8]


@functools.lru_cache(maxsize=8)
def _ring(current: str, retired: tuple[str, ...]) -> tuple[str, dict[str, bytes]]:
    keys = {fingerprint(k.encode()): k.encode() for k in retired}
    if current:
        current_id = fingerprint(current.encode())
        keys[current_id] = current.encode()
    else:
        current_id = ""
    return current_id, keys


def _configured() -> tuple[str, dict[str, bytes]]:
    return _ring(settings.AUDIT_HMAC_KEY or "", tuple(settings.AUDIT_HMAC_KEYS_RETIRED or ()))


def current() -> tuple[str, bytes]:
    """The id and bytes of the key that signs new entries."""
    key_id, keys = _configured()
    if not key_id:
        raise ImproperlyConfigured("AUDIT_HMAC_KEY (JINGZHUN_AUDIT_KEY) is not set")
    return key_id, keys[key_id]


def current_id() -> str:
    """The current key's id, or '' when none is configured."""
    return _configured()[0]


def get(key_id: str) -> bytes | None:
    """The configured key with this id (current or retired), or None."""
    return _configured()[1].get(key_id)


def configured() -> list[str]:
    """The ids of every configured key, the current one first."""
    key_id, keys = _configured()
    return [key_id, *(k for k in keys if k != key_id)] if key_id else list(keys)


def describe() -> str:
    """Which keys are configured, by fingerprint, for messages about a key that is not."""
    key_id, keys = _configured()
    retired = sorted(k for k in keys if k != key_id)
    return f"current {key_id or '(none)'}, retired {', '.join(retired) or '(none)'}"


def mac(key_id: str, message: str) -> str:
    """HMAC-SHA256 of ``message`` under the key ``key_id``; KeyError if it is not configured."""
    key = get(key_id)
    if key is None:
        raise KeyError(key_id)
    signer = _keyed(key).copy()
    signer.update(message.encode())
    return signer.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes):
    """An HMAC already keyed with ``key``: copying it skips hashing the key for every message,
    which is most of the cost of a short one."""
    return hmac.new(key, digestmod=hashlib.sha256)
