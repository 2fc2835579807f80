"""Every scope a client may be registered with. A closed set: unknown scopes are refused at creation."""

from enum import StrEnum

from hireport.kit.errors import InvalidInput


class Scope(StrEnum):
    job_read = "Public.Job.Read"
    job_write = "Public.Job.Write"
    application_read = "Public.Application.Read"
    application_write = "Public.Application.Write"
    applicant_read = "Public.Applicant.Read"
    applicant_write = "Public.Applicant.Write"
    offer_read = "Public.Offer.Read"
    offer_write = "Public.Offer.Write"
    document_read = "Public.Document.Read"
    document_write = "Public.Document.Write"
    background_check_read = "Public.BackgroundCheck.Read"
    background_check_write = "Public.BackgroundCheck.Write"
    # The Gupy dialect's endpoints, as chosen when an API token is created.
    gupy_jobs_read = "Gupy.Jobs.Read"
    gupy_jobs_write = "Gupy.Jobs.Write"
    gupy_applications_read = "Gupy.Applications.Read"
    gupy_messages_write = "Gupy.Messages.Write"


HIRE_SCOPES = tuple(s for s in Scope if s.startswith("Public.") and "BackgroundCheck" not in s)
BACKGROUND_CHECK_SCOPES = (Scope.background_check_read, Scope.background_check_write)
GUPY_SCOPES = tuple(s for s in Scope if s.startswith("Gupy."))


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """Split a space-separated scope string (or list) into known scopes, in order, without duplicates."""
    items = text.split() if isinstance(text, str) else list(text)
    known = {s.value for s in Scope}
    unknown = [s for s in items if s not in known]
    if unknown:
        raise InvalidInput(f"unknown scope(s): {', '.join(unknown)}", field="scopes")
    return list(dict.fromkeys(items))
