"""The scopes of PageUp's APIs, as its token service grants them."""

from enum import StrEnum

from hireport.kit.scopes import Holder, ScopeSpec
from hireport.services.integrations import Capability


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


PROVIDER_SCOPES = (Scope.background_check_read, Scope.background_check_write)
# what an integration a customer enables for a partner's app lets it do, as the Hire API's scopes carry it
CARRIES = {Scope.job_read: Capability.read_jobs, Scope.applicant_read: Capability.read_applicants,
           Scope.applicant_write: Capability.create_applicants, Scope.application_read: Capability.read_applications,
           Scope.application_write: Capability.create_applications}
SPECS = tuple(ScopeSpec(s.value, frozenset({Holder.partner_client if s in PROVIDER_SCOPES else Holder.client}),
                        reads_only=s.value.endswith(".Read"),
                        capabilities=frozenset({CARRIES[s]} if s in CARRIES else ()))
              for s in Scope)
