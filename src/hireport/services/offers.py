"""Offers: made on an application, accepted by the candidate, completed with the new-starter form,
then processed by downstream systems, once per offer action type."""

import functools
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, bindparam, exists, func, select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.bounds import Attributes, Finite, LongText, RowId, UtcDatetime
from hireport.kit.clock import Clock
from hireport.kit.db import Reader
from hireport.kit.errors import Conflict, InvalidInput, NotFound
from hireport.kit.pagination import NumberedPage, Page, check_page, keyset_page
from hireport.kit.query import Query
from hireport.kit.tenancy import bound, get_scoped, prepared, scoped
from hireport.models import DEFAULT_ACTION_TYPE, Application, DocumentOwner, Job, Offer, OfferProcessing
from hireport.services import documents
from hireport.services.applications import FormAnswer
from hireport.services.documents import DocumentView


class OfferFields(BaseModel):
    status: str = Field(default="Offered", min_length=1, max_length=64)
    parent_offer_id: RowId | None = None
    offer_made_at: UtcDatetime | None = None
    start_date: UtcDatetime | None = None
    end_date: UtcDatetime | None = None
    probation_end_date: UtcDatetime | None = None
    hours_per_week: Finite | None = Field(default=None, ge=0, le=168)
    hours_per_month: Finite | None = Field(default=None, ge=0, le=744)
    comments: LongText | None = None
    pay_scale_id: str | None = Field(default=None, max_length=100)
    attributes: Attributes = Field(default_factory=dict)


def create(session: Session, caller: Caller, application_id: int, fields: OfferFields, *,
           clock: Clock) -> Offer:
    get_scoped(session, Application, caller, application_id, what="application")
    if fields.parent_offer_id:
        parent = get_scoped(session, Offer, caller, fields.parent_offer_id, what="parent offer")
        if parent.application_id != application_id:
            raise InvalidInput("the {parent_offer_id} is an offer of another application", field="parent_offer_id")
    now = clock.now()
    values = fields.model_dump(include=set(OfferFields.model_fields))  # a subclass may carry more
    values["parent_offer_id"] = fields.parent_offer_id or None
    offer = Offer(tenant_id=caller.require_tenant(), application_id=application_id, onboarding_answers=[],
                  created_at=now, updated_at=now, **values)
    session.add(offer)
    session.flush()
    return offer


def get(session: Session, caller: Caller, offer_id: int) -> Offer:
    return get_scoped(session, Offer, caller, offer_id, what="offer")


def accept(session: Session, caller: Caller, offer: Offer, *, clock: Clock) -> Offer:
    """The candidate accepts the offer (idempotent); a declined offer cannot be accepted."""
    if offer.declined_at is not None:
        raise Conflict(f"offer {offer.id} was declined; it can no longer be accepted")
    if offer.accepted_at is None:
        offer.accepted_at = offer.updated_at = clock.now()
        offer.status = "Accepted"
        session.flush()
    return offer


def decline(session: Session, caller: Caller, offer: Offer, *, clock: Clock) -> Offer:
    """The candidate declines the offer (idempotent); an accepted offer cannot be declined."""
    if offer.accepted_at is not None:
        raise Conflict(f"offer {offer.id} was accepted; it can no longer be declined")
    if offer.declined_at is None:
        offer.declined_at = offer.updated_at = clock.now()
        offer.status = "Declined"
        session.flush()
    return offer


def complete_onboarding_form(session: Session, caller: Caller, offer: Offer, answers: list[FormAnswer], *,
                             clock: Clock) -> Offer:
    """The new starter submits the onboarding form; only an accepted offer has one."""
    if offer.accepted_at is None:
        raise Conflict(f"offer {offer.id} is not accepted yet, so it has no new-starter form")
    if not answers:
        raise InvalidInput("the new-starter form needs at least one answer", field="answers")
    offer.onboarding_answers = [a.model_dump() for a in answers]
    offer.form_completed_at = offer.updated_at = clock.now()
    session.flush()
    return offer


def mark_processed(session: Session, caller: Caller, offer: Offer, *, clock: Clock,
                   action_type_id: int = DEFAULT_ACTION_TYPE) -> bool:
    """Mark the offer processed for one action type. Returns False if it already was (harmless)."""
    if action_type_id < 0:
        raise InvalidInput("{action_type_id} must not be negative", field="action_type_id")
    if action_type_id == DEFAULT_ACTION_TYPE:
        if offer.processed_at is not None:
            return False
        offer.processed_at = clock.now()
    elif session.get(OfferProcessing, (offer.id, action_type_id)) is None:
        session.add(OfferProcessing(offer_id=offer.id, action_type_id=action_type_id,
                                    tenant_id=offer.tenant_id, processed_at=clock.now()))
    else:
        return False
    session.flush()
    return True


@dataclass(slots=True)
class OfferView:
    """An offer and where it stands: its application, applicant and job (with the job's external id), the
    action types that processed it (0 = the default), and its documents. Plain data, read column by
    column; every dialect shapes offers from this."""

    id: int
    application_id: int
    applicant_id: int
    job_id: int
    job_external_id: str | None
    parent_offer_id: int | None
    status: str
    accepted_at: datetime | None
    form_completed_at: datetime | None
    offer_made_at: datetime | None
    start_date: datetime | None
    end_date: datetime | None
    probation_end_date: datetime | None
    hours_per_week: float | None
    hours_per_month: float | None
    comments: str | None
    pay_scale_id: str | None
    attributes: dict[str, Any]
    created_at: datetime
    processed_action_types: list[int]
    documents: list[DocumentView]

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def form_complete(self) -> bool:
        return self.form_completed_at is not None


_VIEW_COLUMNS = (Offer.id, Offer.application_id, Application.applicant_id, Application.job_id, Job.external_id,
                 Offer.parent_offer_id, Offer.status, Offer.accepted_at, Offer.form_completed_at,
                 Offer.offer_made_at, Offer.start_date, Offer.end_date, Offer.probation_end_date,
                 Offer.hours_per_week, Offer.hours_per_month, Offer.comments, Offer.pay_scale_id, Offer.attributes,
                 Offer.created_at, Offer.processed_at)
_VIEWS = prepared(Offer, *_VIEW_COLUMNS, joins=((Application, Application.id == Offer.application_id),
                                                (Job, Job.id == Application.job_id)))
_BY_IDS = Query(_VIEWS.where(Offer.id.in_(bindparam("ids", expanding=True))).order_by(Offer.id))
_PROCESSED = Query(select(OfferProcessing.offer_id, OfferProcessing.action_type_id)
                   .where(OfferProcessing.offer_id.in_(bindparam("ids", expanding=True)))
                   .order_by(OfferProcessing.action_type_id))


def views(reader: Reader, caller: Caller, offer_ids: list[int]) -> list[OfferView]:
    """The read model of several of the caller's offers, in the order of `offer_ids`, in three queries
    whatever their number."""
    if not offer_ids:
        return []
    found = {row[0]: row for row in _BY_IDS.rows(reader, bound(caller, ids=offer_ids))}
    return _complete(reader, caller, [found[i] for i in offer_ids if i in found])


def view(reader: Reader, caller: Caller, offer_id: int) -> OfferView:
    found = views(reader, caller, [offer_id])
    if not found:
        raise NotFound(f"offer {offer_id} not found")
    return found[0]


def _complete(reader: Reader, caller: Caller, rows: list[Any]) -> list[OfferView]:
    """Views of offer rows read with `_VIEW_COLUMNS`: their processings and documents, a query each."""
    ids = [row[0] for row in rows]
    processed: dict[int, list[int]] = {row[0]: [DEFAULT_ACTION_TYPE] if row[-1] else [] for row in rows}
    if ids:
        for offer_id, action_type in _PROCESSED.rows(reader, {"ids": ids}):
            processed[offer_id].append(action_type)
    docs = documents.attached_to(reader, caller, DocumentOwner.offer, ids)
    return [OfferView(*(*row[:-1], processed[row[0]], docs[row[0]])) for row in rows]


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None,
              application_id: int | None = None) -> Page[Offer]:
    stmt = scoped(Offer, caller)
    if application_id is not None:
        stmt = stmt.where(Offer.application_id == application_id)
    return keyset_page(session, stmt, Offer.id, limit=limit, cursor=cursor)


@dataclass(frozen=True)
class OfferFilter:
    accepted: bool | None = None
    form_complete: bool | None = None
    processed: bool | None = None
    action_type_id: int = DEFAULT_ACTION_TYPE


@functools.cache
def _search_statements(criteria: OfferFilter) -> tuple[Query, Query]:
    """The page and count queries for one combination of filters (the action type is bound per call)."""
    conditions: list[ColumnElement[bool]] = []
    if criteria.accepted is not None:
        conditions.append(Offer.accepted_at.is_not(None) if criteria.accepted else Offer.accepted_at.is_(None))
    if criteria.form_complete is not None:
        conditions.append(Offer.form_completed_at.is_not(None) if criteria.form_complete
                          else Offer.form_completed_at.is_(None))
    if criteria.processed is not None:
        done: ColumnElement[bool]
        if criteria.action_type_id == DEFAULT_ACTION_TYPE:
            done = Offer.processed_at.is_not(None)
        else:
            done = exists().where(OfferProcessing.offer_id == Offer.id,
                                  OfferProcessing.action_type_id == bindparam("action_type_id"))
        conditions.append(done if criteria.processed else ~done)
    page = (_VIEWS.where(*conditions).order_by(Offer.id)
            .limit(bindparam("limit")).offset(bindparam("offset")))
    count = prepared(Offer, func.count()).where(*conditions)
    return Query(page), Query(count)


def search(reader: Reader, caller: Caller, criteria: OfferFilter, *, page: int,
           page_size: int) -> NumberedPage[OfferView]:
    """Offers by acceptance, new-starter form and processing (for one action type), oldest first."""
    if criteria.action_type_id < 0:
        raise InvalidInput("{action_type_id} must not be negative", field="action_type_id")
    check_page(page, page_size)
    shape = replace(criteria, action_type_id=min(criteria.action_type_id, 1))  # default (0) or any other
    page_stmt, count_stmt = _search_statements(shape)
    params = bound(caller, action_type_id=criteria.action_type_id)
    total = count_stmt.scalar(reader, params)
    rows = page_stmt.rows(reader, {**params, "limit": page_size, "offset": (page - 1) * page_size})
    return NumberedPage(items=_complete(reader, caller, rows), page=page, page_size=page_size, total=total)


def for_application(session: Session, caller: Caller, application_id: int) -> list[Offer]:
    get_scoped(session, Application, caller, application_id, what="application")
    return list(session.scalars(scoped(Offer, caller).where(Offer.application_id == application_id)
                                .order_by(Offer.id)))


def set_status(session: Session, caller: Caller, application_id: int, status: str, *, note: str | None,
               clock: Clock) -> Offer:
    """Set the status of the application's first offer, creating a "shell offer" if it has none."""
    status = status.strip()
    if not status or len(status) > 64:
        raise InvalidInput("{offer_status} must be 1 to 64 characters", field="offer_status")
    existing = for_application(session, caller, application_id)
    offer = existing[0] if existing else create(session, caller, application_id, OfferFields(status=status),
                                                clock=clock)
    offer.status = status
    if note:
        offer.attributes = {**offer.attributes, "ExtraNote": note}
    offer.updated_at = clock.now()
    session.flush()
    return offer
