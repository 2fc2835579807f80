"""RS256 signing keys for access tokens, with a `kid` (RFC 7638 thumbprint) and their JWKS."""

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
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
    def from_pem(cls, pem: str) -> "SigningKey":
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError("signing key must be RSA")
        return cls(kid=_thumbprint(key.public_key()), private_key=key)


def _thumbprint(public_key: rsa.RSAPublicKey) -> str:
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(public_key, as_dict=True)
    canonical = json.dumps({k: jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
