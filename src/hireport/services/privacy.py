"""A candidate's rights over their data (GDPR articles 15, 17 and 20; LGPD article 18): a copy of it, as
JSON, and its erasure.

Erasure keeps the rows that others' records and the tenant's statistics hang on (the applicant, their
applications, offers and checks, with their statuses and dates) and removes everything that says who the
person was: names, e-mail, phone, answers, free text, the documents (rows and bytes) and the mail sent to
them; their portal sessions end. The APIs go on answering for the job's other applications; this one shows an
anonymous applicant.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.tenancy import get_scoped, scoped, scoped_update
from hireport.models import (
    Applicant,
    Application,
    BackgroundCheck,
    Document,
    DocumentRequest,
    Job,
    Message,
    Offer,
)
from hireport.services import portal

ERASED_NAME = "Erased"


def export(session: Session, caller: Caller, applicant_id: int) -> dict[str, Any]:
    """Everything hireport holds about the applicant, as plain JSON-ready data."""
    applicant = get_scoped(session, Applicant, caller, applicant_id, what="applicant")
    applications = list(session.execute(scoped(Application, caller).add_columns(Job.title)
                                        .join(Job, Job.id == Application.job_id)
                                        .where(Application.applicant_id == applicant.id).order_by(Application.id)))
    ids = [a.id for a, _ in applications]
    offers = list(session.scalars(scoped(Offer, caller).where(Offer.application_id.in_(ids)).order_by(Offer.id)))
    offer_ids = [o.id for o in offers]
    docs = list(session.scalars(scoped(Document, caller).where(
        Document.application_id.in_(ids) | Document.offer_id.in_(offer_ids)).order_by(Document.id)))
    mail = list(session.scalars(scoped(Message, caller).where(Message.application_id.in_(ids)).order_by(Message.id)))
    return {
        "person": {"first_name": applicant.first_name, "middle_name": applicant.middle_name,
                   "last_name": applicant.last_name, "email": applicant.email, "phone": applicant.phone,
                   "attributes": applicant.attributes, "created_at": _at(applicant.created_at)},
        "applications": [{"id": a.id, "job": title, "status": a.status.value, "current_step": a.current_step,
                          "source": a.source, "answers": a.form_answers, "created_at": _at(a.created_at),
                          "updated_at": _at(a.updated_at)} for a, title in applications],
        "offers": [{"id": o.id, "application_id": o.application_id, "status": o.status,
                    "start_date": _at(o.start_date), "accepted_at": _at(o.accepted_at),
                    "declined_at": _at(o.declined_at), "new_starter_answers": o.onboarding_answers,
                    "new_starter_draft": o.onboarding_draft, "form_completed_at": _at(o.form_completed_at)}
                   for o in offers],
        "documents": [{"id": d.id, "title": d.title, "file_name": d.file_name, "mime_type": d.mime_type,
                       "size_bytes": d.size_bytes, "created_at": _at(d.created_at)} for d in docs],
        "mail": [{"to": m.to_address, "subject": m.subject, "status": m.status.value, "created_at": _at(m.created_at)}
                 for m in mail],
    }


def erase(session: Session, caller: Caller, applicant_id: int, *, clock: Clock) -> list[str]:
    """Anonymise the applicant and delete what identifies them. Returns the storage keys of their documents'
    bytes, to delete once the erasure is committed (bytes deleted first could outlive a rolled-back erasure's
    rows)."""
    applicant = get_scoped(session, Applicant, caller, applicant_id, what="applicant")
    now = clock.now()
    applicant.first_name, applicant.last_name = ERASED_NAME, "applicant"
    applicant.middle_name, applicant.phone, applicant.attributes = None, None, {}
    applicant.email = f"erased-{applicant.id}@erased.invalid"
    applicant.erased_at = now
    portal.end_sessions(session, caller, applicant.id)
    ids = list(session.scalars(scoped(Application, caller).where(Application.applicant_id == applicant.id)
                               .with_only_columns(Application.id)))
    if not ids:
        session.flush()
        return []
    offer_ids = list(session.scalars(scoped(Offer, caller).where(Offer.application_id.in_(ids))
                                     .with_only_columns(Offer.id)))
    session.execute(scoped_update(Application, caller).where(Application.id.in_(ids))
                    .values(form_answers=[], attributes={}, tags=[], updated_at=now)
                    .execution_options(synchronize_session=False))
    if offer_ids:
        session.execute(scoped_update(Offer, caller).where(Offer.id.in_(offer_ids))
                        .values(onboarding_answers=[], onboarding_draft={}, comments=None, attributes={},
                                updated_at=now).execution_options(synchronize_session=False))
    session.execute(scoped_update(BackgroundCheck, caller).where(BackgroundCheck.application_id.in_(ids))
                    .values(results=[], reason_for_fail=None, updated_at=now)
                    .execution_options(synchronize_session=False))
    session.execute(scoped_update(Message, caller).where(Message.application_id.in_(ids))
                    .values(to_address=applicant.email, subject="(erased)", body="(erased)", reply_to=None,
                            last_error=None).execution_options(synchronize_session=False))
    session.execute(scoped_update(DocumentRequest, caller).where(DocumentRequest.application_id.in_(ids))
                    .values(document_id=None).execution_options(synchronize_session=False))
    owned: ColumnElement[bool] = Document.application_id.in_(ids)
    if offer_ids:
        owned = owned | Document.offer_id.in_(offer_ids)
    keys = []
    for doc in session.scalars(scoped(Document, caller).where(owned)):
        keys.append(doc.storage_key)
        session.delete(doc)
    session.flush()
    return keys


def _at(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
