"""Career pages: where a tenant publishes jobs. A job may point only at one of its tenant's pages."""

from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import InvalidInput
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import scoped
from hireport.models import CareerPage


def create(session: Session, caller: Caller, *, name: str, url: str | None, clock: Clock) -> CareerPage:
    page = CareerPage(tenant_id=caller.require_tenant(), name=name, url=url, created_at=clock.now())
    session.add(page)
    session.flush()
    return page


def list_all(session: Session, caller: Caller) -> list[CareerPage]:
    return list(session.scalars(scoped(CareerPage, caller).order_by(CareerPage.id)))


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page[CareerPage]:
    return keyset_page(session, scoped(CareerPage, caller), CareerPage.id, limit=limit, cursor=cursor)


def ensure_exists(session: Session, caller: Caller, page_id: int) -> None:
    stmt = scoped(CareerPage, caller).where(CareerPage.id == page_id).with_only_columns(CareerPage.id)
    if session.scalar(stmt) is None:
        raise InvalidInput(f"{{career_page_id}} {page_id} is not a career page of this company",
                           field="career_page_id")
