"""Short-lived signed URLs: an HMAC-SHA256 over the purpose, the values and the expiry time."""

import base64
import hashlib
import hmac
from datetime import datetime

from hireport.kit.errors import Forbidden


class UrlSigner:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def sign(self, purpose: str, *values: object, expires: datetime) -> str:
        message = "|".join([purpose, *map(str, values), str(int(expires.timestamp()))]).encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def verify(self, purpose: str, *values: object, expires: int, signature: str, now: datetime) -> None:
        """Raise `Forbidden` if the signature is not ours for these values, or has expired."""
        expected = self.sign(purpose, *values, expires=datetime.fromtimestamp(expires, now.tzinfo))
        if not hmac.compare_digest(expected, signature):
            raise Forbidden("the link's signature is not valid")
        if now.timestamp() >= expires:
            raise Forbidden("the link has expired; ask for a new one")
