"""LinkedIn's integration types, what each grants a customer's app once enabled, and the bundles the
configuration plugin offers.

What an enabled integration grants is hireport's decision (LinkedIn's integrations reach LinkedIn's data;
hireport's reach the customer's data in hireport, through the Hire API's scopes): each type gets what its
product needs and nothing else.

| type | tenantType | context | grants | customer enables it after the partner |
|---|---|---|---|---|
| APPLY_WITH_LINKEDIN | JOBS | organization | read jobs, create applications | no |
| APPLY_CONNECT | JOBS | organization | read jobs, read and create applications | no |
| ONE_CLICK_EXPORT | RECRUITER | organization | read jobs, create applicants and applications | yes |
| IN_ATS_INDICATOR | RECRUITER | organization | read applicants and applications | yes |
| PROFILE_PLUGIN | RECRUITER | organization | read jobs, applicants and applications | yes |
| CSA_API | RECRUITER | contract | read jobs, applicants and applications | yes |
"""

from dataclasses import dataclass

from hireport.models import IntegrationStatus
from hireport.services.integrations import Kind

JOBS, RECRUITER = "JOBS", "RECRUITER"
# the Hire API's scopes (registered by the pageup dialect; a test holds every name here to the registry)
JOB_READ, APPLICANT_READ, APPLICANT_WRITE = "Public.Job.Read", "Public.Applicant.Read", "Public.Applicant.Write"
APPLICATION_READ, APPLICATION_WRITE = "Public.Application.Read", "Public.Application.Write"
_READ_ALL = (JOB_READ, APPLICANT_READ, APPLICATION_READ)


@dataclass(frozen=True)
class Type:
    kind: Kind
    context: str  # the URN type of its integrationContext: urn:li:{context}:{customer}


def _type(name: str, audience: str, grants: tuple[str, ...], *, confirms: bool = False,
          context: str = "organization") -> Type:
    return Type(Kind(name, audience, grants, customer_confirms=confirms), context)


TYPES = {t.kind.name: t for t in (
    _type("APPLY_WITH_LINKEDIN", JOBS, (JOB_READ, APPLICATION_WRITE)),
    _type("APPLY_CONNECT", JOBS, (JOB_READ, APPLICATION_READ, APPLICATION_WRITE)),
    _type("ONE_CLICK_EXPORT", RECRUITER, (JOB_READ, APPLICANT_WRITE, APPLICATION_WRITE), confirms=True),
    _type("IN_ATS_INDICATOR", RECRUITER, (APPLICANT_READ, APPLICATION_READ), confirms=True),
    _type("PROFILE_PLUGIN", RECRUITER, _READ_ALL, confirms=True),
    _type("CSA_API", RECRUITER, _READ_ALL, confirms=True, context="contract"),
)}
KINDS = {name: t.kind for name, t in TYPES.items()}

# what the plugin's data-supported-bundled-integration-types name, and the integration types each requests
BUNDLES: dict[str, tuple[str, ...]] = {
    "APPLY_WITH_LINKEDIN": ("APPLY_WITH_LINKEDIN",),
    "APPLY_CONNECT": ("APPLY_CONNECT",),
    "RECRUITER_SYSTEM_CONNECT_COMPANY": ("ONE_CLICK_EXPORT", "IN_ATS_INDICATOR", "PROFILE_PLUGIN"),
    "RECRUITER_SYSTEM_CONNECT_CONTRACT": ("CSA_API",),
}
BUNDLE_TITLES = {
    "APPLY_WITH_LINKEDIN": "Apply with LinkedIn",
    "APPLY_CONNECT": "Apply Connect",
    "RECRUITER_SYSTEM_CONNECT_COMPANY": "Recruiter System Connect (company)",
    "RECRUITER_SYSTEM_CONNECT_CONTRACT": "Recruiter System Connect (contract)",
}

def status_word(status: IntegrationStatus) -> str:
    """An onboarding status as LinkedIn spells it: REQUESTED, PARTNER_READY, ENABLED."""
    return status.value.upper()


def context_of(type_name: str, tenant_id: int) -> str:
    return f"urn:li:{TYPES[type_name].context}:{tenant_id}"
