"""Key derivation, done once per session, and the raw keys handed to SQLCipher.

SQLCipher 4 derives the page key with PBKDF2-HMAC-SHA512 (256,000 iterations) from the
passphrase and the 16-byte salt at the start of the file.  We run exactly that derivation once
with :mod:`hashlib` and give SQLCipher the resulting raw key (``x'…'``), so every further
connection of the session opens in well under a millisecond, and the file stays readable by any
SQLCipher 4 tool given the passphrase.  The passphrase itself is never kept: only the derived
key lives in memory, for as long as the database is open.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from jusou_desktop.domain.passphrase import normalize

SALT_BYTES = 16
KEY_BYTES = 32
KDF_ITERATIONS = 256_000  # SQLCipher 4 default; checked against the library at start-up


@dataclass(frozen=True, slots=True)
class DerivedKey:
    """A derived page key and the salt it belongs to. ``repr`` never shows the key."""

    key: bytes = field(repr=False)
    salt: bytes

    def raw_for_existing(self) -> str:
        """Key only: SQLCipher reads the salt from the file."""
        return f"x'{self.key.hex()}'"

    def raw_for_new(self) -> str:
        """Key and salt: SQLCipher writes this salt into a new file."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"


def derive(passphrase: str, salt: bytes, iterations: int = KDF_ITERATIONS) -> DerivedKey:
    if len(salt) != SALT_BYTES:
        raise ValueError("salt must be 16 bytes")
    material = normalize(passphrase).encode("utf-8")
    key = hashlib.pbkdf2_hmac("sha512", material, salt, iterations, KEY_BYTES)
    return DerivedKey(key, salt)


def derive_new(passphrase: str) -> DerivedKey:
    return derive(passphrase, secrets.token_bytes(SALT_BYTES))
