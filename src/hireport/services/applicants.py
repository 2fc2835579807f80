"""Applicants: the people who apply."""

from pydantic import BaseModel, EmailStr, Field
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.bounds import Attributes
from hireport.kit.clock import Clock
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import Applicant


class ApplicantFields(BaseModel):
    first_name: str = Field(min_length=1, max_length=100)
    middle_name: str | None = Field(default=None, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    email: EmailStr = Field(max_length=320)
    phone: str | None = Field(default=None, max_length=50)
    attributes: Attributes = Field(default_factory=dict)


def create(session: Session, caller: Caller, fields: ApplicantFields, *, clock: Clock) -> Applicant:
    applicant = Applicant(tenant_id=caller.require_tenant(), created_at=clock.now(), **fields.model_dump())
    session.add(applicant)
    session.flush()
    return applicant


def get(session: Session, caller: Caller, applicant_id: int) -> Applicant:
    return get_scoped(session, Applicant, caller, applicant_id, what="applicant")


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page[Applicant]:
    return keyset_page(session, scoped(Applicant, caller), Applicant.id, limit=limit, cursor=cursor)
