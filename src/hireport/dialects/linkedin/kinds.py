"""LinkedIn's integration types: each is one of hireport's kinds of integration (what it grants a customer's
app once enabled, and whether the customer enables it after the partner, are the service's: see
`hireport.services.integrations`), with LinkedIn's tenant type and the URN type of its context; and the
bundles the configuration plugin offers.

| type | tenantType | context | hireport's kind | grants | customer enables it after the partner |
|---|---|---|---|---|---|
| APPLY_WITH_LINKEDIN | JOBS | organization | apply | read jobs, create applications | no |
| APPLY_CONNECT | JOBS | organization | apply_and_follow | read jobs, read and create applications | no |
| ONE_CLICK_EXPORT | RECRUITER | organization | export | read jobs, create applicants and applications | yes |
| IN_ATS_INDICATOR | RECRUITER | organization | indicator | read applicants and applications | yes |
| PROFILE_PLUGIN | RECRUITER | organization | profile | read jobs, applicants and applications | yes |
| CSA_API | RECRUITER | contract | profile | read jobs, applicants and applications | yes |
"""

from dataclasses import dataclass

from hireport.models import IntegrationStatus
from hireport.services.integrations import KINDS as NEUTRAL
from hireport.services.integrations import Kind

JOBS, RECRUITER = "JOBS", "RECRUITER"


@dataclass(frozen=True)
class Type:
    name: str
    kind: Kind
    audience: str  # its tenantType
    context: str   # the URN type of its integrationContext: urn:li:{context}:{customer}


TYPES = {t.name: t for t in (
    Type("APPLY_WITH_LINKEDIN", NEUTRAL["apply"], JOBS, "organization"),
    Type("APPLY_CONNECT", NEUTRAL["apply_and_follow"], JOBS, "organization"),
    Type("ONE_CLICK_EXPORT", NEUTRAL["export"], RECRUITER, "organization"),
    Type("IN_ATS_INDICATOR", NEUTRAL["indicator"], RECRUITER, "organization"),
    Type("PROFILE_PLUGIN", NEUTRAL["profile"], RECRUITER, "organization"),
    Type("CSA_API", NEUTRAL["profile"], RECRUITER, "contract"),
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
