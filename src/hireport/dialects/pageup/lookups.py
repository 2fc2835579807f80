"""Batch reads that shape a page of results in a fixed number of queries, whatever its size."""


from sqlalchemy.orm import Session

from hireport.dialects.pageup import shapes, views
from hireport.kit.auth import Caller
from hireport.kit.tenancy import scoped
from hireport.models import Application, DocumentOwner, Job, Offer
from hireport.services import documents, offers


def external_ids(session: Session, caller: Caller, job_ids: set[int]) -> dict[int, str | None]:
    if not job_ids:
        return {}
    stmt = scoped(Job, caller).where(Job.id.in_(job_ids)).with_only_columns(Job.id, Job.external_id)
    return {job_id: external_id for job_id, external_id in session.execute(stmt)}


def offer_shapes(session: Session, caller: Caller, found: list[Offer], *,
                 action_type_id: int = 0) -> list[shapes.OfferShape]:
    application_ids = {o.application_id for o in found}
    applications = ({a.id: a for a in session.scalars(scoped(Application, caller).where(
        Application.id.in_(application_ids)))} if application_ids else {})
    jobs = external_ids(session, caller, {a.job_id for a in applications.values()})
    processed = offers.processed_action_types(session, found)
    docs = documents.attached_to(session, caller, DocumentOwner.offer, [o.id for o in found])
    return [views.offer(o, applications[o.application_id], jobs.get(applications[o.application_id].job_id),
                        processed[o.id], docs[o.id], action_type_id=action_type_id) for o in found]



