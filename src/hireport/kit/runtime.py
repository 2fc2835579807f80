"""What a running hireport holds for its lifetime: settings, database, clock, token keys, storage, the
invalidation bus and the rate-limit counters."""

from dataclasses import dataclass, field
from typing import Any

from limits.storage import Storage

from hireport.kit.auth import TokenAuthority
from hireport.kit.cache import RecentlyConfirmed
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.invalidation import InvalidationBus
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
    bus: InvalidationBus  # tells every process what a change makes stale (see `hireport.kit.invalidation`)
    rate_limits: Storage  # every rate limit's counters: in memory (by `clock`), or in Redis (every process's)
    confirmed: RecentlyConfirmed = field(init=False)
    state: dict[str, Any] = field(default_factory=dict)  # what a dialect keeps for the runtime's life

    def __post_init__(self) -> None:
        self.confirmed = RecentlyConfirmed(self.clock)
