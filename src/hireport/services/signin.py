"""Signing people in: browser sessions, their CSRF tokens, throttled password checks, and password resets.

A browser session is a random token in an `HttpOnly` cookie; the database keeps only its SHA-256, with
when it was last seen (an idle session ends) and its absolute expiry. A state-changing form carries a CSRF
token derived from the session token with a key of the server's (HMAC), so it needs no storage and is
worthless without the cookie. A password reset is a random token mailed through the outbox (the mail's
body sealed at rest, so the database never holds the token in clear), single use, valid for
`RESET_SECONDS`; using it ends every session of the account, and what its old password let others hold
(other reset links, applications' refresh tokens).
"""

import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256

import structlog
from limits import parse
from limits.errors import StorageError
from limits.storage import Storage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from hireport.kit.clock import Clock
from hireport.kit.db import Reader
from hireport.kit.errors import InvalidInput, RateLimited
from hireport.kit.keys import KeyEncryptionKey
from hireport.kit.ratelimit import counting_time, seconds_until
from hireport.kit.secrets import hash_secret, new_secret
from hireport.models import (
    Account,
    BrowserSession,
    Membership,
    Message,
    MessageStatus,
    PasswordReset,
    RefreshToken,
)
from hireport.services import accounts

RESET_SECONDS = 30 * 60
SEEN_EVERY = 60  # seconds: a session's last use is written at most this often
log = structlog.get_logger("hireport")


@dataclass(frozen=True)
class SignedIn:
    """A browser session that holds: who it is, and the session's row id."""

    session_id: int
    account_id: int
    email: str
    display_name: str
    seen_due: bool  # its last use was recorded more than `SEEN_EVERY` seconds ago


def start(session: Session, account: Account, *, clock: Clock, lifetime: int) -> str:
    """A new session for the account; returns its token (for the cookie), which is stored only hashed."""
    token, now = new_secret(), clock.now()
    session.add(BrowserSession(token_hash=hash_secret(token), account_id=account.id, created_at=now,
                               last_seen_at=now, expires_at=now + timedelta(seconds=lifetime)))
    session.flush()
    return token


def resolve(reader: Reader, token: str, *, clock: Clock, idle: int) -> SignedIn | None:
    """The session this token opens, if it is not revoked, idle too long, expired, or its account disabled.
    A read: its last use is recorded by `seen`, when `SignedIn.seen_due` says so."""
    now = clock.now()
    row = reader.execute(
        select(BrowserSession.id, BrowserSession.last_seen_at, Account.id.label("account_id"), Account.email,
               Account.display_name)
        .join(Account, Account.id == BrowserSession.account_id)
        .where(BrowserSession.token_hash == hash_secret(token), BrowserSession.revoked_at.is_(None),
               BrowserSession.expires_at > now, BrowserSession.last_seen_at > now - timedelta(seconds=idle),
               Account.disabled_at.is_(None))).first()
    if row is None:
        return None
    seen_due = now - row.last_seen_at >= timedelta(seconds=SEEN_EVERY)
    return SignedIn(row.id, row.account_id, row.email, row.display_name, seen_due)


def open_session(reader: Reader, session_id: int, *, clock: Clock, idle: int) -> int | None:
    """The account of a session that is still open (not revoked, idle too long or expired; its account
    enabled), by the session's id."""
    now = clock.now()
    return reader.scalar(
        select(Account.id).join(BrowserSession, BrowserSession.account_id == Account.id)
        .where(BrowserSession.id == session_id, BrowserSession.revoked_at.is_(None), BrowserSession.expires_at > now,
               BrowserSession.last_seen_at > now - timedelta(seconds=idle), Account.disabled_at.is_(None)))


def seen(session: Session, session_id: int, *, clock: Clock) -> None:
    """Record a session's use (the idle expiry counts from here)."""
    session.execute(update(BrowserSession).where(BrowserSession.id == session_id).values(last_seen_at=clock.now()))


def end(session: Session, token: str, *, clock: Clock) -> None:
    """Sign out: the session is revoked (idempotent)."""
    session.execute(update(BrowserSession).where(BrowserSession.token_hash == hash_secret(token),
                                                 BrowserSession.revoked_at.is_(None)).values(revoked_at=clock.now()))


def end_all(session: Session, account_id: int, *, clock: Clock) -> None:
    session.execute(update(BrowserSession).where(BrowserSession.account_id == account_id,
                                                 BrowserSession.revoked_at.is_(None)).values(revoked_at=clock.now()))


def csrf_token(key: bytes, session_token: str) -> str:
    """The CSRF token of the forms of one browser session."""
    return hmac.new(key, session_token.encode(), sha256).hexdigest()


def csrf_matches(key: bytes, session_token: str, sent: str) -> bool:
    return hmac.compare_digest(csrf_token(key, session_token), sent)


class Throttle:
    """Sign-in attempts per account (by the e-mail typed, whether or not it has an account, so a refusal
    tells nothing) and per client address, in a moving window; counted in `limits`' storage (in memory, by
    the runtime's clock, or in Redis across processes: see `hireport.kit.ratelimit`). Should the storage
    fail, attempts are let through and a warning logged: the password check still holds."""

    def __init__(self, storage: Storage, *, per_account: str, per_address: str) -> None:
        self._limiter = MovingWindowRateLimiter(storage)
        self._now = counting_time(storage)
        self._account, self._address = parse(per_account), parse(per_address)

    def attempt(self, *, email: str, address: str, what: str = "sign-in") -> None:
        """Count an attempt at `what` (sign-in, or a password reset: each counted on its own) for the
        account the e-mail names, however it is spelled, and for the client address. A refusal's
        Retry-After is when the limit that refused lets an attempt through."""
        counted = ((self._account, (what, "account", _account_key(email))), (self._address, (what, "address", address)))
        try:
            refused = next(((item, keys) for item, keys in counted if not self._limiter.hit(item, *keys)), None)
            reset = None if refused is None else self._limiter.get_window_stats(refused[0], *refused[1]).reset_time
        except StorageError:
            log.warning("throttle unavailable; attempt let through", what=what)
            return
        if reset is not None:
            raise RateLimited(f"Too many {what} attempts. Wait a minute, then try again.",
                              headers={"Retry-After": str(seconds_until(reset, self._now()))})


def _account_key(email: str) -> str:
    """The e-mail as accounts are looked up by (so no other spelling of it gets a limit of its own)."""
    try:
        return accounts.normalised_email(email[:320])
    except InvalidInput:
        return email.strip().lower()[:320]


def check_password(session: Session, throttle: Throttle, *, email: str, password: str,
                   address: str) -> Account:
    """The account these credentials open, or InvalidInput that says only that they are wrong."""
    throttle.attempt(email=email, address=address)
    account = accounts.check_password(session, email, password)
    if account is None:
        raise InvalidInput("That e-mail and password do not match an account.")
    return account


def request_reset(session: Session, throttle: Throttle, email: str, *, address: str, link: str,
                  kek: KeyEncryptionKey, sender: str, clock: Clock) -> None:
    """Mail a reset link (`link` with the token appended) if an active account has this e-mail; say
    nothing either way. Requests are throttled like sign-in attempts (per e-mail and per address). The mail
    is written to the outbox of the account's first tenant, its body sealed."""
    throttle.attempt(email=email, address=address, what="password reset")
    account = accounts.find(session, email)
    tenant_id = None if account is None else session.scalar(
        select(Membership.tenant_id).where(Membership.account_id == account.id).order_by(Membership.tenant_id))
    if account is None or tenant_id is None:
        return
    token, now = new_secret(), clock.now()
    session.add(PasswordReset(token_hash=hash_secret(token), account_id=account.id, created_at=now,
                              expires_at=now + timedelta(seconds=RESET_SECONDS)))
    body = (f"Hello {account.display_name},\n\nTo choose a new password for hireport, open this link within "
            f"{RESET_SECONDS // 60} minutes:\n\n{link}{token}\n\nIf you did not ask for this, ignore this mail; "
            "your password stays as it is.\n")
    session.add(Message(tenant_id=tenant_id, application_id=None, template_id=None,
                        message_id=f"<{uuid.uuid4().hex}@hireport>", from_address=sender, reply_to=None,
                        to_address=account.email, subject="Reset your hireport password", body=kek.seal(body),
                        status=MessageStatus.queued, attempts=0, next_attempt_at=now, created_at=now))
    session.flush()


def looks_like_token(token: str) -> bool:
    """Whether `token` has the shape of the tokens `new_secret` makes (URL-safe base64, 43 characters)."""
    return _TOKEN.fullmatch(token) is not None


_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def reset_password(session: Session, token: str, password: str, *, clock: Clock) -> Account:
    """Use a reset token (once, before it expires): the account gets the new password; every one of its
    browser sessions ends, its other reset links stop working, and the refresh tokens of the applications
    it authorized are revoked (their access tokens run out within their lifetime)."""
    now = clock.now()
    row = session.scalar(select(PasswordReset).where(PasswordReset.token_hash == hash_secret(token)))
    used = None if row is None else session.execute(
        update(PasswordReset).where(PasswordReset.id == row.id, PasswordReset.used_at.is_(None),
                                    PasswordReset.expires_at > now).values(used_at=now))
    if row is None or used is None or used.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput("This reset link was used already or has expired. Ask for a new one.")
    account = accounts.get(session, row.account_id)
    accounts.set_password(session, account, password)
    end_all(session, account.id, clock=clock)
    # whoever knew the old password loses what it gave them: other reset links, and applications' grants
    session.execute(update(PasswordReset).where(PasswordReset.account_id == account.id,
                                                PasswordReset.used_at.is_(None)).values(used_at=now))
    session.execute(update(RefreshToken).where(RefreshToken.account_id == account.id,
                                               RefreshToken.revoked_at.is_(None)).values(revoked_at=now))
    return account
