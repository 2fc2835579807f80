"""What a running hireport holds for its lifetime: settings, database, clock, token keys, storage."""

from dataclasses import dataclass

from hireport.kit.auth import TokenAuthority
from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.storage import LocalStorage
from hireport.settings import Settings


@dataclass
class Runtime:
    settings: Settings
    db: Database
    clock: Clock
    tokens: TokenAuthority
    storage: LocalStorage
