"""Document bytes in local files under the data directory, addressed by an opaque key; and how hireport writes
any file there: its owner's alone (directories 0700, files 0600), whatever the process's umask."""

import hashlib
import os
import secrets
from pathlib import Path

DIRECTORY_MODE, FILE_MODE = 0o700, 0o600


def private_directory(path: Path) -> None:
    """Make `path` a directory only its owner may enter, and so any parent it lacks (`mkdir -p` would make
    those with the umask's mode)."""
    for missing in reversed([p for p in (path, *path.parents) if not p.is_dir()]):
        missing.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
    path.chmod(DIRECTORY_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (replacing what was there), a file only its owner may read."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, FILE_MODE)  # a file that was there keeps its mode through O_CREAT
        out.write(data)


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
        if not path.parent.is_dir():
            private_directory(path.parent)
        tmp = path.with_suffix(".part")
        write_private(tmp, data)
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
