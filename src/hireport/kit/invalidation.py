"""Cache invalidation across processes: a change tells every process to forget what it remembered of it.

`publish(topic, key)` calls this process's subscribers at once, on the caller's thread, so no change is
ever served stale in the process that made it. Publish once the change is committed (`publish_on_commit`),
or a request in between could load the old state again.

With `HIREPORT_REDIS_URL`, the message also goes to every other process through Redis pub/sub: a daemon
thread per process (`start`, `stop`: the app's lifespan runs them) listens and calls the same subscribers,
usually within milliseconds. A process skips its own messages (their subscribers were called already).

Without Redis, or while it cannot be reached (a publish that fails is logged and dropped; the listener
reconnects every `RECONNECT_DELAY` seconds, and messages sent meanwhile are lost), other processes see a
change within their caches' own time bounds:
- a revoked client's access tokens: within `REVOCATION_REFRESH` (2 s, `hireport.kit.auth`);
- a revoked or rotated API token or operator credential, and a tenant's settings: within the ttl of
  `RecentlyConfirmed` (10 s, `hireport.kit.cache`).
A new signing key needs no message: a token signed by a key a process does not know makes it reload its
key ring.
"""

import threading
import uuid
from collections.abc import Callable
from typing import Any

import orjson
import redis
import structlog
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

# Topics, each with what its key is.
REVOKED_CLIENTS = "revoked-clients"  # the client id
API_TOKENS = "api-tokens"  # the hash of a revoked or rotated API token
OPERATORS = "operators"  # the hash of a revoked or rotated operator credential
TENANT_SETTINGS = "tenant-settings"  # the tenant id

CHANNEL = "hireport:invalidation"
REDIS_TIMEOUT = 1.0  # seconds to connect to Redis, and to wait for an answer
RECONNECT_DELAY = 1.0  # seconds between the listener's attempts to reach Redis again
LISTEN_POLL = 0.5  # seconds the listener waits for a message before it looks whether to stop

Subscriber = Callable[[str], None]

log = structlog.get_logger("hireport.invalidation")


def redis_options() -> dict[str, Any]:
    """How hireport's Redis clients connect: one retry without backoff (a pooled connection that a Redis
    restart broke is replaced), so an unreachable Redis holds a request up for at most about 2 s."""
    return {"socket_connect_timeout": REDIS_TIMEOUT, "socket_timeout": REDIS_TIMEOUT, "retry": Retry(NoBackoff(), 1)}


class InvalidationBus:
    """Topics of changes, and what each makes this process forget (see the module's docstring)."""

    def __init__(self, redis_url: str | None = None) -> None:
        self._subscribers: dict[str, list[Subscriber]] = {}
        self._origin = uuid.uuid4().hex
        self._redis = redis.Redis.from_url(redis_url, **redis_options()) if redis_url else None
        self._stopping = threading.Event()
        self._listener: threading.Thread | None = None

    def subscribe(self, topic: str, subscriber: Subscriber) -> None:
        """Call `subscriber(key)` for every message on `topic`, from this process or (with Redis) another."""
        self._subscribers.setdefault(topic, []).append(subscriber)

    def publish(self, topic: str, key: str) -> None:
        """Tell this process's subscribers now, then (with Redis) every other process."""
        self._deliver(topic, key)
        if self._redis is None:
            return
        try:
            self._redis.publish(CHANNEL, orjson.dumps({"origin": self._origin, "topic": topic, "key": key}))
        except redis.RedisError as exc:
            log.warning("invalidation not sent to other processes: they catch up within their caches' bounds",
                        topic=topic, error=str(exc))

    def publish_on_commit(self, session: Session, topic: str, key: str) -> None:
        """`publish` once `session` commits (in the thread that commits); nothing if it rolls back."""
        event.listen(session, "after_commit", lambda _: self.publish(topic, key), once=True)

    def _deliver(self, topic: str, key: str) -> None:
        for subscriber in self._subscribers.get(topic, ()):
            subscriber(key)

    def start(self) -> None:
        """Listen to other processes' messages (with Redis; else nothing to do)."""
        if self._redis is None or self._listener is not None:
            return
        self._stopping.clear()
        self._listener = threading.Thread(target=self._listen, args=(self._redis,), name="hireport-invalidation",
                                          daemon=True)
        self._listener.start()

    def stop(self) -> None:
        """Stop listening (within `LISTEN_POLL` seconds)."""
        if self._listener is None:
            return
        self._stopping.set()
        self._listener.join()
        self._listener = None

    def _listen(self, client: redis.Redis) -> None:
        """Subscribe and deliver until stopped; on a lost connection, log it once and subscribe again."""
        connected = True
        while not self._stopping.is_set():
            pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call,unused-ignore]  # typed from redis 8 on
            try:
                pubsub.subscribe(CHANNEL)
                if not connected:
                    log.warning("invalidation listener reconnected to Redis")
                    connected = True
                while not self._stopping.is_set():
                    message = pubsub.get_message(timeout=LISTEN_POLL)
                    if message is not None:
                        self._receive(message["data"])
            except redis.RedisError as exc:
                if connected:
                    log.warning("invalidation listener lost Redis; other processes' changes reach this one "
                                "within its caches' bounds until it is back", error=str(exc))
                    connected = False
                self._stopping.wait(RECONNECT_DELAY)
            finally:
                pubsub.close()

    def _receive(self, data: bytes) -> None:
        """Deliver another process's message; a malformed one, or a subscriber that fails, is logged."""
        try:
            message = orjson.loads(data)
            if message["origin"] != self._origin:
                self._deliver(message["topic"], message["key"])
        except Exception:
            log.exception("invalidation message not handled", message=data[:200])
