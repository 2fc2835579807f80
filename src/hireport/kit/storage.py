"""Document bytes in local files under the data directory, addressed by an opaque key."""

import hashlib
import os
import secrets
from pathlib import Path


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def new_key() -> str:
        return secrets.token_hex(16)

    def put(self, data: bytes) -> tuple[str, str]:
        """Store bytes under a new key; returns (key, sha256). Stored bytes are never replaced, and the
        write is atomic: a reader never sees half a file."""
        key = self.new_key()
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        os.link(tmp, path)  # fails rather than replace a file that exists
        tmp.unlink()
        return key, hashlib.sha256(data).hexdigest()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("bad storage key")
        return self.root / key[:2] / key
