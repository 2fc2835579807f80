"""What a running hireport holds for its lifetime: settings, database, clock, token keys, storage."""

from dataclasses import dataclass, field
from typing import Any

from hireport.kit.auth import TokenAuthority
from hireport.kit.cache import RecentlyConfirmed
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.keys import KeyEncryptionKey
from hireport.kit.signing import UrlSigner
from hireport.kit.storage import LocalStorage
from hireport.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    tokens: TokenAuthority
    kek: KeyEncryptionKey
    storage: LocalStorage
    urls: UrlSigner
    confirmed: RecentlyConfirmed = field(init=False)
    state: dict[str, Any] = field(default_factory=dict)  # what a dialect keeps for the runtime's life

    def __post_init__(self) -> None:
        self.confirmed = RecentlyConfirmed(self.clock)
