"""The tables: one vendor-neutral schema that every dialect reads and writes."""

from hireport.models.api_token import ApiToken
from hireport.models.applicant import Applicant
from hireport.models.application import Application, ApplicationStatus
from hireport.models.base import Base
from hireport.models.career_page import CareerPage
from hireport.models.check import BackgroundCheck, CheckStatus
from hireport.models.client import OAuthClient, OperatorCredential, SigningKeyRow
from hireport.models.document import Document, DocumentOwner, Upload
from hireport.models.job import Job, JobStatus
from hireport.models.message import EmailTemplate, Message, MessageStatus
from hireport.models.offer import DEFAULT_ACTION_TYPE, Offer, OfferProcessing
from hireport.models.tenant import Partner, Tenant, TenantPartner

__all__ = [
    "DEFAULT_ACTION_TYPE",
    "ApiToken",
    "Applicant",
    "Application",
    "ApplicationStatus",
    "BackgroundCheck",
    "Base",
    "CareerPage",
    "CheckStatus",
    "Document",
    "DocumentOwner",
    "EmailTemplate",
    "Job",
    "JobStatus",
    "Message",
    "MessageStatus",
    "OAuthClient",
    "Offer",
    "OfferProcessing",
    "OperatorCredential",
    "Partner",
    "SigningKeyRow",
    "Tenant",
    "TenantPartner",
    "Upload",
]
