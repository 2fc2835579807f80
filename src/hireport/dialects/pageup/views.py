"""From domain rows and read models to PageUp shapes: the lists' items as plain data (serialised once, by
orjson; `shapes` keeps their models for the OpenAPI), the rest as `shapes` models."""

from datetime import datetime
from typing import Any

from hireport.dialects.pageup import shapes
from hireport.dialects.pageup.shapes import to_wire
from hireport.kit.kept import kept_fields
from hireport.models import Applicant, Application, Document, Job, JobStatus, Offer
from hireport.services.applications import ApplicationView
from hireport.services.documents import DocumentView
from hireport.services.offers import OfferView

# PageUp's JobStatusID values are per-customer; hireport's are fixed and documented in the OpenAPI.
JOB_STATUS_IDS: dict[JobStatus, str] = {
    JobStatus.draft: "1", JobStatus.waiting_approval: "2", JobStatus.approved: "3", JobStatus.disapproved: "4",
    JobStatus.published: "5", JobStatus.frozen: "6", JobStatus.canceled: "7", JobStatus.closed: "8",
}
STATUS_BY_ID = {v: k for k, v in JOB_STATUS_IDS.items()}


def document(d: DocumentView | Document) -> dict[str, Any]:
    """A `DocumentShape`, as plain data."""
    return {"PUReferenceID": d.id, "Title": d.title, "FileSizeKB": (d.size_bytes + 1023) // 1024,
            "Extension": d.extension, "MimeType": d.mime_type, "DocumentCategory": d.category,
            "CreatedDate": to_wire(d.created_at), "FileName": d.file_name}


def job_info(job_id: int, external_id: str | None) -> shapes.JobInfo:
    return shapes.JobInfo(PUReferenceID=job_id, sExternalJobID=external_id)


# Fields of PageUp's job shape that only PageUp knows: kept in the job's attributes under these names (dates
# as ISO 8601 in UTC).
KEPT_FIELDS = ("OwnerUserID", "NeededDate", "PositionStart", "PositionEnd", "SiteID")


def job(j: Job, docs: list[DocumentView]) -> shapes.JobShape:
    return shapes.JobShape(
        JobInfo=job_info(j.id, j.external_id), JobID=j.external_id, Title=j.title,
        JobStatusID=JOB_STATUS_IDS[j.status], JobStatus=j.status.value, NewPositions=j.num_vacancies,
        ReplacementPositions=j.replacement_positions, Expiry=j.expires_at, Salary=j.salary, Summary=j.summary,
        Description=j.description, CreatedDate=j.created_at, LastModifiedDate=j.updated_at,
        Documents=[shapes.DocumentShape(**document(d)) for d in docs],
        **kept_fields(j.attributes, shapes.JobShape, KEPT_FIELDS), **_extra(j.attributes),
    )


def applicant(a: Applicant) -> shapes.ApplicantShape:
    return shapes.ApplicantShape(ApplicantInfo=shapes.RefInfo(PUReferenceID=a.id), FirstName=a.first_name,
                                 MiddleName=a.middle_name, LastName=a.last_name, Email=a.email, Phone=a.phone,
                                 CreatedDate=a.created_at, **_extra(a.attributes))


def application_summary(a: ApplicationView, job_external_id: str | None, docs: list[DocumentView]) -> dict[str, Any]:
    """An `ApplicationSummary`, as plain data."""
    return {
        "ApplicationInfo": {"PUReferenceID": a.id}, "ApplicantInfo": {"PUReferenceID": a.applicant_id},
        "JobInfo": {"PUReferenceID": a.job_id, "sExternalJobID": job_external_id}, "FirstName": a.first_name,
        "LastName": a.last_name, "Email": a.email, "ApplicationStatusCode": a.status_code,
        "ApplicationStatus": a.status.value, "OrderOfMerit": a.order_of_merit, "Score": a.score, "Source": a.source,
        "AppliedDate": to_wire(a.created_at), "LastModifiedDate": to_wire(a.updated_at),
        "Documents": [document(d) for d in docs],
    }


def application_form(a: Application, external_id: str | None) -> shapes.ApplicationForm:
    return shapes.ApplicationForm(
        ApplicationInfo=shapes.RefInfo(PUReferenceID=a.id), ApplicantInfo=shapes.RefInfo(PUReferenceID=a.applicant_id),
        JobInfo=job_info(a.job_id, external_id), Answers=_answers(a.form_answers))


def offers(found: list[OfferView], *, action_type_id: int = 0) -> list[dict[str, Any]]:
    return [offer(v, action_type_id=action_type_id) for v in found]


def offer(v: OfferView, *, action_type_id: int = 0) -> dict[str, Any]:
    """An `OfferShape`, as plain data."""
    return {
        "OfferInfo": {"PUReferenceID": v.id}, "ApplicationInfo": {"PUReferenceID": v.application_id},
        "ApplicantInfo": {"PUReferenceID": v.applicant_id},
        "JobInfo": {"PUReferenceID": v.job_id, "sExternalJobID": v.job_external_id},
        "ParentOfferID": v.parent_offer_id or 0, "OfferStatus": v.status, "OfferAccepted": v.accepted,
        "AcceptedDate": _wire(v.accepted_at), "FormComplete": v.form_complete,
        "FormCompletedDate": _wire(v.form_completed_at), "OfferProcessed": action_type_id in v.processed_action_types,
        "ProcessedOfferActionTypeIDs": v.processed_action_types, "OfferMadeDate": _wire(v.offer_made_at),
        "StartDate": _wire(v.start_date), "EndDate": _wire(v.end_date),
        "ProbationEndDate": _wire(v.probation_end_date), "HoursPerWeek": v.hours_per_week,
        "HoursPerMonth": v.hours_per_month, "Comments": v.comments, "PayScaleID": v.pay_scale_id,
        "CreatedDate": to_wire(v.created_at), "Documents": [document(d) for d in v.documents],
        **_extra(v.attributes),
    }


def _wire(value: datetime | None) -> str | None:
    return None if value is None else to_wire(value)


def onboarding_form(o: Offer) -> shapes.OnboardingForm:
    return shapes.OnboardingForm(OfferInfo=shapes.RefInfo(PUReferenceID=o.id),
                                 FormComplete=o.form_completed_at is not None,
                                 FormCompletedDate=o.form_completed_at, Answers=_answers(o.onboarding_answers))


def _answers(answers: list[dict[str, Any]]) -> list[shapes.Answer]:
    return [shapes.Answer(Question=a["question"], Answer=a.get("answer")) for a in answers]


def _extra(attributes: dict[str, Any]) -> dict[str, Any]:
    """Vendor-only fields, returned as they were sent; never allowed to shadow a field of the shape."""
    return {k: v for k, v in attributes.items() if k[:1].isupper() and k not in _RESERVED}


_RESERVED = frozenset(shapes.JobShape.model_fields) | frozenset(shapes.OfferShape.model_fields) | frozenset(
    shapes.ApplicantShape.model_fields)
