"""People: accounts (e-mail, display name, argon2id password), their role in each tenant, and what a role
may do.

A password is kept only as an argon2id hash (argon2-cffi's defaults, RFC 9106's second recommendation);
when those parameters change, a password is rehashed on its next successful sign-in. Checking a password
for an e-mail that has no account costs the same hash, so the time taken tells nothing.
"""

import functools
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.scopes import changes_nothing
from hireport.models import Account, Membership, Role, Tenant

PASSWORD_MIN, PASSWORD_MAX = 10, 256  # characters; the upper bound keeps a hash's input bounded

_HASHER = PasswordHasher()


@functools.cache
def _unknown() -> str:
    """The hash a password is verified against for an e-mail that has no account: made on first use (once per
    process), not when the module is imported (a command that checks no password pays nothing for it)."""
    return _HASHER.hash("no account has this password")


class Action(StrEnum):
    """What a person may be allowed to do in a tenant."""

    read = "read"              # see jobs, applications, offers, checks, messages
    recruit = "recruit"        # move jobs, order background checks
    administer = "administer"  # the tenant's integrations: OAuth clients and API tokens


ALLOWED: dict[Role, frozenset[Action]] = {
    Role.viewer: frozenset({Action.read}),
    Role.recruiter: frozenset({Action.read, Action.recruit}),
    Role.admin: frozenset({Action.read, Action.recruit, Action.administer}),
}


@dataclass(frozen=True)
class Member:
    """A person acting in one tenant with their role there."""

    account_id: int
    email: str
    display_name: str
    tenant_id: int
    tenant_name: str
    role: Role

    def may(self, action: Action) -> bool:
        return action in ALLOWED[self.role]

    def may_grant(self, scopes: list[str] | tuple[str, ...]) -> bool:
        """Whether this person may let an application act for them with these scopes: one who may not
        change anything here may grant only scopes that read."""
        return may_grant(self.role, scopes)

    def require(self, action: Action) -> None:
        if not self.may(action):
            raise Forbidden(f"the {self.role.value} role may not {action.value} in tenant {self.tenant_id}")

    @property
    def caller(self) -> Caller:
        """The caller the services see: this tenant, on this person's behalf."""
        return Caller(client_id=f"account:{self.account_id}", tenant_id=self.tenant_id, account_id=self.account_id)


def may_grant(role: Role, scopes: list[str] | tuple[str, ...]) -> bool:
    """A role that changes nothing (a viewer's) grants only scopes that read."""
    return Action.recruit in ALLOWED[role] or changes_nothing(scopes)


def normalised_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"not an e-mail address: {exc}", field="email") from None


def _checked_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(f"a password has {PASSWORD_MIN} to {PASSWORD_MAX} characters", field="password")
    return password


def create(session: Session, *, email: str, display_name: str, password: str, clock: Clock) -> Account:
    address = normalised_email(email)
    name = display_name.strip()
    if not 1 <= len(name) <= 200:
        raise InvalidInput("a display name has 1 to 200 characters", field="display_name")
    if session.scalar(select(Account.id).where(Account.email == address)) is not None:
        raise Conflict(f"an account with e-mail {address} exists")
    account = Account(email=address, display_name=name, password_hash=_HASHER.hash(_checked_password(password)),
                      created_at=clock.now())
    session.add(account)
    session.flush()
    return account


def get(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFound(f"account {account_id} not found")
    return account


def find(session: Session, email: str) -> Account | None:
    """The active account with this e-mail, if any."""
    try:
        address = normalised_email(email)
    except InvalidInput:
        return None
    return session.scalar(select(Account).where(Account.email == address, Account.disabled_at.is_(None)))


def set_password(session: Session, account: Account, password: str) -> None:
    account.password_hash = _HASHER.hash(_checked_password(password))
    session.flush()


def check_password(session: Session, email: str, password: str) -> Account | None:
    """The account if the password is right (rehashed if the hash parameters changed), else None."""
    account = find(session, email) if len(password) <= PASSWORD_MAX else None
    try:
        _HASHER.verify(account.password_hash if account else _unknown(), password[:PASSWORD_MAX])
    except (VerificationError, InvalidHashError):
        return None
    if account is None:
        return None
    if _HASHER.check_needs_rehash(account.password_hash):
        account.password_hash = _HASHER.hash(password)
        session.flush()
    return account


def add_member(session: Session, account: Account, *, tenant_id: int, role: Role, clock: Clock) -> Membership:
    """Give the account a role in the tenant (replacing the role it had there)."""
    if session.get(Tenant, tenant_id) is None:
        raise NotFound(f"tenant {tenant_id} not found")
    membership = session.get(Membership, (account.id, tenant_id))
    if membership is None:
        membership = Membership(account_id=account.id, tenant_id=tenant_id, role=role, created_at=clock.now())
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    return membership


def remove_member(session: Session, *, account_id: int, tenant_id: int) -> None:
    membership = session.get(Membership, (account_id, tenant_id))
    if membership is None:
        raise NotFound(f"account {account_id} is not a member of tenant {tenant_id}")
    session.delete(membership)
    session.flush()


def memberships(session: Session, account_id: int) -> list[tuple[Tenant, Role]]:
    """The tenants the account is a member of, with its role in each, by tenant id."""
    stmt = (select(Tenant, Membership.role).join(Membership, Membership.tenant_id == Tenant.id)
            .where(Membership.account_id == account_id).order_by(Tenant.id))
    return [(tenant, role) for tenant, role in session.execute(stmt).tuples()]


def member(session: Session, account: Account, tenant_id: int) -> Member:
    """The account acting in the tenant, or NotFound if it is not a member (a tenant one cannot see does
    not exist for one)."""
    row = session.execute(select(Tenant.name, Membership.role).join(Membership, Membership.tenant_id == Tenant.id)
                          .where(Membership.account_id == account.id, Membership.tenant_id == tenant_id)).first()
    if row is None:
        raise NotFound(f"tenant {tenant_id} not found")
    return Member(account.id, account.email, account.display_name, tenant_id, row.name, row.role)


def members_of(session: Session, tenant_id: int) -> list[tuple[Account, Role]]:
    stmt = (select(Account, Membership.role).join(Membership, Membership.account_id == Account.id)
            .where(Membership.tenant_id == tenant_id).order_by(Account.id))
    return [(account, role) for account, role in session.execute(stmt).tuples()]


def members_page(session: Session, tenant_id: int, *, limit: int, cursor: str | None) -> Page[tuple[Account, Role]]:
    """The tenant's members with their role, by account id."""
    stmt = (select(Account).join(Membership, Membership.account_id == Account.id)
            .where(Membership.tenant_id == tenant_id))
    page = keyset_page(session, stmt, Account.id, limit=limit, cursor=cursor)
    roles = {account_id: role for account_id, role in session.execute(select(Membership.account_id, Membership.role)
             .where(Membership.tenant_id == tenant_id, Membership.account_id.in_([a.id for a in page.items])))}
    # a membership removed between the two statements is no longer listed
    return Page([(a, roles[a.id]) for a in page.items if a.id in roles], page.next_cursor)
