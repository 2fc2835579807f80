"""Short-lived signed URLs: an HMAC-SHA256 over the purpose, the values and the expiry time.

Verification is safe whatever is sent: the expiry is compared as the integer it is (no date conversion
that could overflow), and the signature as bytes (a non-ASCII or over-long one simply does not match).
"""

import base64
import hashlib
import hmac
from datetime import datetime

from hireport.kit.errors import Forbidden


class UrlSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, purpose: str, *values: object, expires: datetime) -> str:
        return self._digest(purpose, values, int(expires.timestamp()))

    def verify(self, purpose: str, *values: object, expires: int, signature: str, now: datetime) -> None:
        """Raise `Forbidden` if the signature is not ours for these values, or has expired."""
        expected = self._digest(purpose, values, expires).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "surrogatepass")):
            raise Forbidden("the link's signature is not valid")
        if now.timestamp() >= expires:
            raise Forbidden("the link has expired; ask for a new one")

    def _digest(self, purpose: str, values: tuple[object, ...], expires: int) -> str:
        message = "|".join([purpose, *map(str, values), str(expires)]).encode("utf-8", "surrogatepass")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
