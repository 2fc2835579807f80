"""RS256 signing keys for access tokens, with a `kid` (RFC 7638 thumbprint) and their JWKS; the key that
seals them at rest."""

import base64
import binascii
import functools
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwt.algorithms import RSAAlgorithm

from hireport.settings import Settings


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    created_at: datetime | None = None  # when it began to sign (None: a key outside any ring)

    @functools.cached_property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    def public_jwk(self) -> dict[str, Any]:
        jwk: dict[str, Any] = RSAAlgorithm.to_jwk(self.public_key, as_dict=True)
        return {**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()

    @classmethod
    def generate(cls) -> "SigningKey":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(kid=_thumbprint(key.public_key()), private_key=key)

    @classmethod
    def from_pem(cls, pem: str, created_at: datetime | None = None) -> "SigningKey":
        key = _private_key(pem)
        return cls(kid=_thumbprint(key.public_key()), private_key=key, created_at=created_at)


@functools.lru_cache(maxsize=32)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """A PEM's key, parsed once per process: parsing checks the key, about 50 ms of CPU here, and the key
    ring is read again every few seconds (`hireport.kit.auth.RING_REFRESH`)."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("signing key must be RSA")
    return key


def _thumbprint(public_key: rsa.RSAPublicKey) -> str:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class KeyEncryptionKey:
    """The key that seals signing keys at rest (AES-256-GCM), kept outside the database: the
    `HIREPORT_SECRET_KEY` setting, or a file with owner-only permissions in the data directory. The key
    that signs links is derived from it (HKDF), so neither lives in the database."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the secret key must be 32 bytes (base64url-encoded: 43 characters)")
        self._aead = AESGCM(key)
        self._key = key

    @classmethod
    def load(cls, text: str | None, path: Path) -> "KeyEncryptionKey":
        """From `text` (the setting) if given, else from the file at `path`, created (mode 0600) if absent."""
        if text:
            return cls.from_text(text)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return cls.from_text(path.read_text())
        with os.fdopen(fd, "w") as out:
            out.write(cls.new_text() + "\n")
        return cls.from_text(path.read_text())

    @classmethod
    def from_text(cls, text: str) -> "KeyEncryptionKey":
        try:
            return cls(base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4)))
        except (binascii.Error, ValueError) as exc:
            raise ValueError("HIREPORT_SECRET_KEY must be 32 random bytes, base64url-encoded") from exc

    @staticmethod
    def new_text() -> str:
        return base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        return SEALED + base64.b64encode(nonce + self._aead.encrypt(nonce, plain.encode(), _AAD)).decode()

    def unseal(self, sealed: str) -> str:
        raw = base64.b64decode(sealed.removeprefix(SEALED))
        return self._aead.decrypt(raw[:12], raw[12:], _AAD).decode()

    def derive(self, purpose: bytes) -> bytes:
        """A 32-byte key for one purpose, independent of every other."""
        return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"hireport " + purpose).derive(self._key)


def key_encryption_key(settings: Settings) -> KeyEncryptionKey:
    """`HIREPORT_SECRET_KEY`, or the data directory's `secret.key` (made, owner-only, on first use)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return KeyEncryptionKey.load(settings.secret_key, settings.data_dir / "secret.key")


SEALED = "sealed:v1:"
_AAD = b"hireport signing key"
