"""Secrets: random tokens, host keys and slugs, stored only as hashes and compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_SLUG_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no look-alikes (l, o, 0, 1)
SLUG_LENGTH = 10


def new_secret() -> str:
    """A bearer secret of 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_slug() -> str:
    """A random, URL-safe room slug (50 bits)."""
    return "".join(secrets.choice(_SLUG_ALPHABET) for _ in range(SLUG_LENGTH))


def hash_secret(secret: str) -> bytes:
    """The stored form of a token or host key; the secrets are long and random, so no salt is needed."""
    return hashlib.sha256(secret.encode("utf-8")).digest()


def secret_matches(secret: str, stored_hash: bytes) -> bool:
    """Constant-time comparison of a presented secret with a stored hash."""
    return hmac.compare_digest(hash_secret(secret), stored_hash)
