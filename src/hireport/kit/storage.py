"""Document bytes in local files under the data directory, addressed by an opaque key."""

import hashlib
import os
import secrets
from pathlib import Path


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, data: bytes) -> tuple[str, str]:
        """Store bytes; returns (key, sha256). The write is atomic: a reader never sees half a file."""
        key = secrets.token_hex(16)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key, hashlib.sha256(data).hexdigest()

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key
