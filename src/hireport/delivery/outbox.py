"""The outbox's bookkeeping: claim due messages atomically, record a delivery or schedule a retry.

A claim is a conditional update (`... WHERE status IN (queued, sending) AND next_attempt_at <= now`), so
two workers never claim the same message. A claim leases the message: if its worker dies, the lease runs
out and the message is due again; it is sent again with the same Message-ID, which lets the receiver drop
the duplicate. Nothing is lost, and nothing is sent twice that a receiver cannot recognise.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from hireport.kit.clock import Clock
from hireport.kit.db import Database
from hireport.kit.tenancy import across_tenants, update_across_tenants
from hireport.models import Message, MessageStatus

LEASE_SECONDS = 120
_OPEN = (MessageStatus.queued, MessageStatus.sending)


@dataclass(frozen=True)
class Outgoing:
    id: int
    message_id: str
    from_address: str
    reply_to: str | None
    to_address: str
    subject: str
    body: str
    attempts: int


def claim_due(db: Database, clock: Clock, *, limit: int = 20) -> list[Outgoing]:
    now = clock.now()
    with db.transaction(write=False) as session:  # most rounds find nothing: no write lock for that
        stmt = across_tenants(Message).where(Message.status.in_(_OPEN), Message.next_attempt_at <= now)
        due = list(session.scalars(stmt.order_by(Message.next_attempt_at, Message.id).limit(limit)))
    if not due:
        return []
    lease = now + timedelta(seconds=LEASE_SECONDS)
    claimed = []
    with db.transaction() as session:
        for message in due:
            won = session.execute(
                update_across_tenants(Message).where(Message.id == message.id, Message.status.in_(_OPEN),
                                      Message.next_attempt_at <= now)
                .values(status=MessageStatus.sending, lease_until=lease, next_attempt_at=lease,
                        attempts=Message.attempts + 1).execution_options(synchronize_session=False))
            if won.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(Outgoing(message.id, message.message_id, message.from_address, message.reply_to,
                                        message.to_address, message.subject, message.body, message.attempts + 1))
    return claimed


def mark_sent(db: Database, clock: Clock, message_ids: list[int]) -> None:
    if not message_ids:
        return
    with db.transaction() as session:
        session.execute(update_across_tenants(Message).where(Message.id.in_(message_ids))
                        .values(status=MessageStatus.sent, sent_at=clock.now(), lease_until=None, last_error=None))


def mark_failed_attempt(db: Database, clock: Clock, outgoing: Outgoing, error: str, *, retry_base: float,
                        max_attempts: int) -> None:
    """Schedule the next attempt (exponential backoff with jitter), or give up after the last one."""
    values: dict[str, object]
    if outgoing.attempts >= max_attempts:
        values = {"status": MessageStatus.failed, "lease_until": None}
    else:
        delay = retry_base * 2 ** (outgoing.attempts - 1) * random.uniform(0.8, 1.2)
        values = {"status": MessageStatus.queued, "lease_until": None,
                  "next_attempt_at": clock.now() + timedelta(seconds=delay)}
    with db.transaction() as session:
        session.execute(update_across_tenants(Message).where(Message.id == outgoing.id)
                        .values(last_error=error[:2000], **values))
