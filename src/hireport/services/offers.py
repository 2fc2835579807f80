"""Offers: made on an application, accepted by the candidate, completed with the new-starter form,
then processed by downstream systems, once per offer action type."""

from dataclasses import dataclass

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.bounds import Attributes, Finite, LongText, RowId, UtcDatetime
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput
from hireport.kit.pagination import NumberedPage, Page, keyset_page, numbered_page
from hireport.kit.tenancy import get_scoped, scoped, scoped_ids
from hireport.models import DEFAULT_ACTION_TYPE, Application, Document, DocumentOwner, Job, Offer, OfferProcessing
from hireport.services import documents
from hireport.services.applications import FormAnswer


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
    """The candidate accepts the offer (idempotent)."""
    if offer.accepted_at is None:
        offer.accepted_at = offer.updated_at = clock.now()
        offer.status = "Accepted"
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


@dataclass(frozen=True)
class OfferView:
    """An offer and where it stands: its application, its job's external id, the action types that
    processed it (0 = the default), and its documents. Every dialect shapes offers from this."""

    offer: Offer
    application: Application
    job_external_id: str | None
    processed_action_types: list[int]
    documents: list[Document]

    @property
    def accepted(self) -> bool:
        return self.offer.accepted_at is not None

    @property
    def form_complete(self) -> bool:
        return self.offer.form_completed_at is not None


def views(session: Session, caller: Caller, found: list[Offer]) -> list[OfferView]:
    """The read model of several offers, in four queries whatever their number."""
    application_ids = {o.application_id for o in found}
    applications: dict[int, tuple[Application, str | None]] = {}
    if application_ids:
        stmt = (scoped_ids(Application, caller, application_ids).add_columns(Job.external_id)
                .join(Job, Job.id == Application.job_id))
        applications = {app.id: (app, external_id) for app, external_id in session.execute(stmt)}
    processed = processed_action_types(session, found)
    docs = documents.attached_to(session, caller, DocumentOwner.offer, [o.id for o in found])
    return [OfferView(o, *applications[o.application_id], processed[o.id], docs[o.id]) for o in found]


def processed_action_types(session: Session, offers: list[Offer]) -> dict[int, list[int]]:
    """For each offer, the action types that processed it (0 = the default), in one query."""
    found: dict[int, list[int]] = {o.id: [DEFAULT_ACTION_TYPE] if o.processed_at else [] for o in offers}
    if offers:
        stmt = (select(OfferProcessing.offer_id, OfferProcessing.action_type_id)
                .where(OfferProcessing.offer_id.in_(found)).order_by(OfferProcessing.action_type_id))
        for offer_id, action_type in session.execute(stmt):
            found[offer_id].append(action_type)
    return found


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


def search(session: Session, caller: Caller, criteria: OfferFilter, *, page: int,
           page_size: int) -> NumberedPage[Offer]:
    """Offers by acceptance, new-starter form and processing (for one action type), oldest first."""
    if criteria.action_type_id < 0:
        raise InvalidInput("{action_type_id} must not be negative", field="action_type_id")
    stmt = scoped(Offer, caller)
    if criteria.accepted is not None:
        stmt = stmt.where(Offer.accepted_at.is_not(None) if criteria.accepted else Offer.accepted_at.is_(None))
    if criteria.form_complete is not None:
        stmt = stmt.where(Offer.form_completed_at.is_not(None) if criteria.form_complete
                          else Offer.form_completed_at.is_(None))
    if criteria.processed is not None:
        done: ColumnElement[bool]
        if criteria.action_type_id == DEFAULT_ACTION_TYPE:
            done = Offer.processed_at.is_not(None)
        else:
            done = exists().where(OfferProcessing.offer_id == Offer.id,
                                  OfferProcessing.action_type_id == criteria.action_type_id)
        stmt = stmt.where(done if criteria.processed else ~done)
    return numbered_page(session, stmt, Offer.id, page=page, page_size=page_size)


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
