"""The tables: one vendor-neutral schema that every dialect reads and writes."""

from hireport.models.account import (
    Account,
    AuthorizationCode,
    BrowserSession,
    Membership,
    PasswordReset,
    RefreshToken,
    Role,
)
from hireport.models.api_token import ApiToken
from hireport.models.applicant import Applicant
from hireport.models.application import Application, ApplicationStatus
from hireport.models.base import Base
from hireport.models.candidate import CandidateForm, DocumentRequest
from hireport.models.career_page import CareerPage
from hireport.models.check import BackgroundCheck, CheckStatus
from hireport.models.client import OAuthClient, OperatorCredential, SigningKeyRow
from hireport.models.document import Document, DocumentOwner, Upload
from hireport.models.integration import Integration, IntegrationStatus
from hireport.models.job import Job, JobStatus
from hireport.models.message import EmailTemplate, Message, MessageStatus
from hireport.models.offer import DEFAULT_ACTION_TYPE, Offer, OfferProcessing
from hireport.models.partner_app import PartnerApp
from hireport.models.portal_session import PortalSession
from hireport.models.referral import (
    Campaign,
    Coupon,
    Customer,
    IdempotentRequest,
    OrderStatus,
    Premium,
    PremiumPreference,
    Product,
    Referral,
)
from hireport.models.tenant import Partner, PartnerKind, Tenant, TenantPartner

__all__ = [
    "DEFAULT_ACTION_TYPE",
    "Account",
    "ApiToken",
    "Applicant",
    "Application",
    "ApplicationStatus",
    "AuthorizationCode",
    "BackgroundCheck",
    "Base",
    "BrowserSession",
    "Campaign",
    "CandidateForm",
    "CareerPage",
    "CheckStatus",
    "Coupon",
    "Customer",
    "Document",
    "DocumentOwner",
    "DocumentRequest",
    "EmailTemplate",
    "IdempotentRequest",
    "Integration",
    "IntegrationStatus",
    "Job",
    "JobStatus",
    "Membership",
    "Message",
    "MessageStatus",
    "OAuthClient",
    "Offer",
    "OfferProcessing",
    "OperatorCredential",
    "OrderStatus",
    "Partner",
    "PartnerApp",
    "PartnerKind",
    "PasswordReset",
    "PortalSession",
    "Premium",
    "PremiumPreference",
    "Product",
    "Referral",
    "RefreshToken",
    "Role",
    "SigningKeyRow",
    "Tenant",
    "TenantPartner",
    "Upload",
]
