"""Batch reads that shape a page of results in a fixed number of queries, whatever its size."""

from sqlalchemy.orm import Session

from hireport.dialects.pageup import shapes, views
from hireport.kit.auth import Caller
from hireport.kit.tenancy import scoped_ids
from hireport.models import Application, DocumentOwner, Job, Offer
from hireport.services import documents, offers


def offer_shapes(session: Session, caller: Caller, found: list[Offer], *,
                 action_type_id: int = 0) -> list[shapes.OfferShape]:
    application_ids = {o.application_id for o in found}
    applications: dict[int, tuple[Application, str | None]] = {}
    if application_ids:
        stmt = (scoped_ids(Application, caller, application_ids).add_columns(Job.external_id)
                .join(Job, Job.id == Application.job_id))
        applications = {app.id: (app, external_id) for app, external_id in session.execute(stmt)}
    processed = offers.processed_action_types(session, found)
    docs = documents.attached_to(session, caller, DocumentOwner.offer, [o.id for o in found])
    return [views.offer(o, *applications[o.application_id], processed[o.id], docs[o.id],
                        action_type_id=action_type_id) for o in found]



