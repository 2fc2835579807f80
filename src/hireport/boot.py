"""The runtime every process builds before it works: database, token signing keys, storage, the invalidation
bus and the rate-limit counters. The web app (`hireport.app`) runs on it, and so do the commands that need one
(`hireport worker`, `hireport demo`, `hireport keys list`): it imports no web framework, so they do not pay
for the app."""

from limits.storage import Storage, storage_from_string

from hireport.kit.auth import RecentlyRevoked, TokenAuthority
from hireport.kit.clock import Clock
from hireport.kit.counters import ProcessCounters
from hireport.kit.db import Database
from hireport.kit.invalidation import (
    API_TOKENS,
    OPERATORS,
    REVOKED_CLIENTS,
    TENANT_SETTINGS,
    InvalidationBus,
    redis_options,
)
from hireport.kit.keys import SigningKey, key_encryption_key
from hireport.kit.runtime import Runtime
from hireport.kit.signing import UrlSigner
from hireport.kit.storage import LocalStorage
from hireport.services import identity
from hireport.settings import Settings


def build_runtime(settings: Settings, *, clock: Clock | None = None, db: Database | None = None) -> Runtime:
    """Connect to a migrated database and load the token signing keys (unsealed with the key-encryption
    key, which is kept outside the database; the signed-link key is derived from it)."""
    clock = clock or Clock()
    db = db or Database(settings.resolved_database_url)
    kek = key_encryption_key(settings)

    def ring() -> list[SigningKey]:
        return identity.signing_keys(db, clock=clock, kek=kek)

    tokens = TokenAuthority(keys=ring(), reload=ring, issuer=settings.issuer, audience=settings.audience,
                            clock=clock, revoked=RecentlyRevoked(lambda: identity.revoked_client_ids(db, clock=clock)))
    runtime = Runtime(settings=settings, db=db, clock=clock, tokens=tokens, kek=kek,
                      storage=LocalStorage(settings.documents_dir), urls=UrlSigner(kek.derive(b"signed links")),
                      bus=InvalidationBus(settings.redis_url), rate_limits=rate_limit_storage(settings, clock))
    _forget_when_invalidated(runtime)
    return runtime


def _forget_when_invalidated(rt: Runtime) -> None:
    """What each change published on the bus (here or in another process) makes this process forget."""
    rt.bus.subscribe(REVOKED_CLIENTS, lambda _client_id: rt.tokens.forget_revocations())
    rt.bus.subscribe(API_TOKENS, lambda token_hash: rt.confirmed.forget(("api-token", token_hash)))
    rt.bus.subscribe(OPERATORS, lambda secret_hash: rt.confirmed.forget(("operator", secret_hash)))
    rt.bus.subscribe(TENANT_SETTINGS, lambda tenant_id: rt.confirmed.forget(identity.settings_key(int(tenant_id))))


def rate_limit_storage(settings: Settings, clock: Clock) -> Storage:
    """Rate-limit counters in Redis when HIREPORT_REDIS_URL is set (shared by every process, counting by wall
    time), else in memory, counting by `clock`. A Redis that cannot be reached raises
    `limits.errors.StorageError` from the limiter."""
    if not settings.redis_url:
        return ProcessCounters(clock)
    storage = storage_from_string(settings.redis_url, wrap_exceptions=True, **redis_options())
    if not isinstance(storage, Storage):
        raise ValueError("HIREPORT_REDIS_URL must be a redis:// or rediss:// URL")
    return storage
