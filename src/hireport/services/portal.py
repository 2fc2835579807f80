"""The candidate's portal: reached through a signed, expiring link sent by mail (no password), it shows a
candidate their applications, lets them accept or decline an offer, fill in the new-starter form (a draft
first, then submitted) and upload the documents they are asked for. Opening a link starts a session kept on
the server (the browser holds only its random token), which ends when the candidate signs out, opens a mailed
link again (the same or another: one browser at a time), or has their data erased, and at the latest two hours
after it began.

A candidate is one applicant of one tenant. Everything here is read through that applicant: an offer,
document or request of anyone else's is "not found", whatever its id.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import func
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from hireport.kit.keys import KeyEncryptionKey
from hireport.kit.secrets import hash_secret, new_secret
from hireport.kit.signing import UrlSigner
from hireport.kit.storage import LocalStorage
from hireport.kit.tenancy import get_scoped, scoped, scoped_delete, scoped_ids
from hireport.models import (
    Applicant,
    Application,
    Document,
    DocumentOwner,
    DocumentRequest,
    Job,
    Message,
    MessageStatus,
    Offer,
    PortalSession,
)
from hireport.services import documents, forms, offers
from hireport.services.applications import FormAnswer

LINK_DAYS = 7
SESSION_SECONDS = 2 * 3600
MAX_DRAFT_ANSWER = forms.MAX_ANSWER


@dataclass(frozen=True)
class Postman:
    """What a mail to a candidate needs: where its links point, who sends it, and the key that seals its
    body at rest (a portal link opens the candidate's records, so the database never holds it in clear)."""

    base_url: str
    sender: str
    urls: UrlSigner
    kek: KeyEncryptionKey
    clock: Clock

    def portal_link(self, tenant_id: int, applicant_id: int, next_path: str = "") -> str:
        expires = self.clock.now() + timedelta(days=LINK_DAYS)
        query = {"candidate": applicant_id, "expires": int(expires.timestamp()),
                 "signature": self.urls.sign("portal-link", tenant_id, applicant_id, expires=expires)}
        if next_path:
            query["next"] = next_path
        return f"{self.base_url}/portal/{tenant_id}/enter?{urlencode(query)}"

    def send(self, session: Session, *, tenant_id: int, application_id: int, to: str, subject: str,
             body: str) -> Message:
        now = self.clock.now()
        message = Message(tenant_id=tenant_id, application_id=application_id, template_id=None,
                          message_id=f"<{uuid.uuid4().hex}@hireport>", from_address=self.sender, reply_to=None,
                          to_address=to, subject=subject[:500], body=self.kek.seal(body),
                          status=MessageStatus.queued, attempts=0, next_attempt_at=now, created_at=now)
        session.add(message)
        session.flush()
        return message


# -- who the candidate is -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Candidate:
    tenant_id: int
    applicant_id: int
    caller: Caller = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "caller", Caller(client_id=f"candidate:{self.applicant_id}",
                                                  tenant_id=self.tenant_id))


def _present(session: Session, candidate: Candidate) -> Applicant:
    applicant = session.scalar(scoped(Applicant, candidate.caller).where(Applicant.id == candidate.applicant_id))
    if applicant is None or applicant.erased_at is not None:
        raise Forbidden("This link no longer opens anything: the records it led to were erased.")
    return applicant


def enter(session: Session, urls: UrlSigner, *, tenant_id: int, applicant_id: int, expires: int, signature: str,
          clock: Clock) -> str:
    """Open a link from a mail: a new portal session for the candidate's browser (its token, for the cookie),
    which ends the candidate's earlier sessions. A tampered, expired or erased candidate's link is refused (403)."""
    if clock.now().timestamp() >= expires:
        raise Forbidden("This link has expired.")
    try:
        urls.verify("portal-link", tenant_id, applicant_id, expires=expires, signature=signature, now=clock.now())
    except Forbidden:
        raise Forbidden("This link is not valid: it may have been cut short or changed.") from None
    candidate = Candidate(tenant_id, applicant_id)
    _present(session, candidate)
    end_sessions(session, candidate.caller, applicant_id)
    token, now = new_secret(), clock.now()
    session.add(PortalSession(tenant_id=tenant_id, applicant_id=applicant_id, token_hash=hash_secret(token),
                              created_at=now, expires_at=now + timedelta(seconds=SESSION_SECONDS)))
    session.flush()
    return token


def resume(session: Session, token: str, *, tenant_id: int, clock: Clock) -> Candidate | None:
    """The candidate whose session in this tenant's portal the browser's token opens: none once it has ended
    or expired."""
    found = session.scalar(scoped(PortalSession, Caller(client_id="portal", tenant_id=tenant_id))
                           .where(PortalSession.token_hash == hash_secret(token),
                                  PortalSession.expires_at > clock.now()))
    if found is None:
        return None
    candidate = Candidate(tenant_id, found.applicant_id)
    try:
        _present(session, candidate)
    except Forbidden:
        return None
    return candidate


def sign_out(session: Session, candidate: Candidate, token: str) -> None:
    """End the candidate's session of this token: the token opens nothing from now on."""
    end_sessions(session, candidate.caller, candidate.applicant_id, token=token)


def end_sessions(session: Session, caller: Caller, applicant_id: int, *, token: str | None = None) -> None:
    """End the applicant's portal sessions: the one of `token`, or every one (a mailed link opened again, their
    data erased)."""
    ended = scoped_delete(PortalSession, caller).where(PortalSession.applicant_id == applicant_id)
    if token is not None:
        ended = ended.where(PortalSession.token_hash == hash_secret(token))
    session.execute(ended)


def send_link(session: Session, caller: Caller, postman: Postman, email: str) -> None:
    """Mail a new portal link to the tenant's candidate with this e-mail, if there is one; say nothing either
    way (the page answers the same), so the form tells no one who applied."""
    if "@" not in email or len(email) > 320:
        raise InvalidInput("Enter the e-mail address you applied with.", field="email")
    applicant = session.scalar(scoped(Applicant, caller).where(func.lower(Applicant.email) == email.strip().lower(),
                                                               Applicant.erased_at.is_(None)).order_by(Applicant.id))
    if applicant is None:
        return
    latest = session.scalar(scoped(Application, caller).where(Application.applicant_id == applicant.id)
                            .order_by(Application.id.desc()).with_only_columns(Application.id))
    if latest is None:
        return
    postman.send(session, tenant_id=caller.require_tenant(), application_id=latest, to=applicant.email,
                 subject="Your link to follow your applications",
                 body=f"Hello {applicant.first_name},\n\nHere is a new link to follow your applications (it works "
                      f"for {LINK_DAYS} days):\n\n{postman.portal_link(caller.require_tenant(), applicant.id)}\n\n"
                      "If you did not ask for it, you can ignore this mail.\n")


# -- what the candidate sees ----------------------------------------------------------------------------------

@dataclass
class Overview:
    applicant: Applicant
    applications: list[tuple[Application, Job]]
    offers: dict[int, list[Offer]]  # by application id
    requests: dict[int, list[DocumentRequest]]  # by application id


def overview(session: Session, candidate: Candidate) -> Overview:
    applicant = _present(session, candidate)
    caller = candidate.caller
    rows = list(session.execute(scoped(Application, caller).add_columns(Job)
                                .join(Job, Job.id == Application.job_id)
                                .where(Application.applicant_id == applicant.id).order_by(Application.id.desc())))
    ids = [application.id for application, _ in rows]
    found_offers: dict[int, list[Offer]] = {i: [] for i in ids}
    found_requests: dict[int, list[DocumentRequest]] = {i: [] for i in ids}
    if ids:
        for offer in session.scalars(scoped(Offer, caller).where(Offer.application_id.in_(ids)).order_by(Offer.id)):
            found_offers[offer.application_id].append(offer)
        for request in session.scalars(scoped(DocumentRequest, caller).where(DocumentRequest.application_id.in_(ids))
                                       .order_by(DocumentRequest.id)):
            found_requests[request.application_id].append(request)
    return Overview(applicant, [(a, j) for a, j in rows], found_offers, found_requests)


@dataclass
class OfferOnHand:
    offer: Offer
    job: Job
    documents: list[Document]
    questions: list[forms.Question]


def offer(session: Session, candidate: Candidate, offer_id: int) -> OfferOnHand:
    """One of the candidate's offers, with its job, its documents and the tenant's new-starter questions."""
    _present(session, candidate)
    caller = candidate.caller
    found = session.execute(scoped(Offer, caller).add_columns(Job)
                            .join(Application, Application.id == Offer.application_id)
                            .join(Job, Job.id == Application.job_id)
                            .where(Offer.id == offer_id, Application.applicant_id == candidate.applicant_id,
                                   Application.tenant_id == candidate.tenant_id)).one_or_none()
    if found is None:
        raise NotFound(f"offer {offer_id} not found")
    the_offer, job = found
    docs = list(session.scalars(scoped(Document, caller).where(Document.offer_id == the_offer.id)
                                .order_by(Document.id)))
    return OfferOnHand(the_offer, job, docs, forms.new_starter_form(session, caller))


def accept(session: Session, candidate: Candidate, offer_id: int, *, clock: Clock) -> Offer:
    found = offer(session, candidate, offer_id).offer
    return offers.accept(session, candidate.caller, found, clock=clock)


def decline(session: Session, candidate: Candidate, offer_id: int, *, clock: Clock) -> Offer:
    found = offer(session, candidate, offer_id).offer
    return offers.decline(session, candidate.caller, found, clock=clock)


def save_draft(session: Session, candidate: Candidate, offer_id: int, given: dict[str, str], *,
               clock: Clock) -> Offer:
    """Keep what the new starter typed so far (checked as far as it goes; nothing is required yet)."""
    on_hand = _form_open(session, candidate, offer_id)
    forms.answers(on_hand.questions, given, complete=False)
    known = {q.id for q in on_hand.questions}
    on_hand.offer.onboarding_draft = {k: v[:MAX_DRAFT_ANSWER] for k, v in given.items() if k in known and v}
    on_hand.offer.updated_at = clock.now()
    session.flush()
    return on_hand.offer


def submit_form(session: Session, candidate: Candidate, offer_id: int, given: dict[str, str], *,
                clock: Clock) -> Offer:
    """Submit the new-starter form: every required question answered; the offer is then form-complete (and
    comes up in the export of accepted offers with a complete form)."""
    on_hand = _form_open(session, candidate, offer_id)
    answers = forms.answers(on_hand.questions, given)
    done = offers.complete_onboarding_form(session, candidate.caller, on_hand.offer,
                                           [FormAnswer(**a) for a in answers], clock=clock)
    done.onboarding_draft = {}
    session.flush()
    return done


def _form_open(session: Session, candidate: Candidate, offer_id: int) -> OfferOnHand:
    on_hand = offer(session, candidate, offer_id)
    if on_hand.offer.accepted_at is None:
        raise Conflict("Accept the offer first: the new-starter form comes with an accepted offer.")
    if on_hand.offer.form_completed_at is not None:
        raise Conflict("You have submitted this form already.")
    if not on_hand.questions:
        raise Conflict("There is no new-starter form to fill in yet.")
    return on_hand


def document(session: Session, candidate: Candidate, document_id: int) -> Document:
    """A document of the candidate's applications or offers."""
    _present(session, candidate)
    caller = candidate.caller
    mine = scoped(Application, caller).where(Application.applicant_id == candidate.applicant_id)
    application_ids = list(session.scalars(mine.with_only_columns(Application.id)))
    offer_ids = list(session.scalars(scoped(Offer, caller).where(Offer.application_id.in_(application_ids))
                                     .with_only_columns(Offer.id))) if application_ids else []
    found = session.scalar(scoped_ids(Document, caller, [document_id]))
    if found is None or not (found.application_id in application_ids or found.offer_id in offer_ids):
        raise NotFound(f"document {document_id} not found")
    return found


# -- documents asked of the candidate -------------------------------------------------------------------------

def ask_for_document(session: Session, caller: Caller, postman: Postman, *, application_id: int,
                     title: str) -> DocumentRequest:
    """A recruiter asks the candidate of an application for a document; the candidate is mailed a link."""
    application = get_scoped(session, Application, caller, application_id, what="application")
    title = title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("{title} must be 1 to 200 characters", field="title")
    applicant = get_scoped(session, Applicant, caller, application.applicant_id, what="applicant")
    if applicant.erased_at is not None:
        raise Conflict("this candidate's data was erased at their request")
    request = DocumentRequest(tenant_id=caller.require_tenant(), application_id=application.id, title=title,
                              created_at=postman.clock.now())
    session.add(request)
    session.flush()
    postman.send(session, tenant_id=request.tenant_id, application_id=application.id, to=applicant.email,
                 subject=f"Please send us: {title}",
                 body=f"Hello {applicant.first_name},\n\nWe need a document from you: {title}. Upload it at this "
                      f"link (it works for {LINK_DAYS} days):\n\n"
                      f"{postman.portal_link(request.tenant_id, applicant.id)}\n")
    return request


def requests_of(session: Session, caller: Caller, application_id: int) -> list[DocumentRequest]:
    """The documents asked for on an application, oldest first."""
    return list(session.scalars(scoped(DocumentRequest, caller).where(DocumentRequest.application_id == application_id)
                                .order_by(DocumentRequest.id)))


def provide_document(session: Session, candidate: Candidate, storage: LocalStorage, request_id: int, *,
                     file_name: str, data: bytes, max_bytes: int, clock: Clock) -> DocumentRequest:
    """The candidate uploads the document asked for: checked (size, type by content) before it is stored."""
    _present(session, candidate)
    caller = candidate.caller
    found = session.execute(scoped(DocumentRequest, caller)
                            .join(Application, Application.id == DocumentRequest.application_id)
                            .where(DocumentRequest.id == request_id,
                                   Application.applicant_id == candidate.applicant_id,
                                   Application.tenant_id == candidate.tenant_id)).scalar_one_or_none()
    if found is None:
        raise NotFound(f"request {request_id} not found")
    if found.fulfilled_at is not None:
        raise Conflict("You have sent this document already.")
    name, mime = documents.screen(file_name, data, max_bytes=max_bytes)
    stored = documents.upload(session, caller, storage, owner=DocumentOwner.application,
                              owner_id=found.application_id, file_name=name, data=data, clock=clock,
                              max_bytes=max_bytes, mime_type=mime, title=found.title, category="Requested")
    found.document_id, found.fulfilled_at = stored.id, clock.now()
    session.flush()
    return found


def announce_offer(session: Session, caller: Caller, postman: Postman, offer_id: int) -> None:
    """Mail the candidate of an offer a link to it."""
    made = get_scoped(session, Offer, caller, offer_id, what="offer")
    application = get_scoped(session, Application, caller, made.application_id, what="application")
    applicant = get_scoped(session, Applicant, caller, application.applicant_id, what="applicant")
    job = get_scoped(session, Job, caller, application.job_id, what="job")
    if applicant.erased_at is not None:
        return
    link = postman.portal_link(caller.require_tenant(), applicant.id, f"offers/{made.id}")
    postman.send(session, tenant_id=caller.require_tenant(), application_id=application.id, to=applicant.email,
                 subject=f"Your offer for {job.title}",
                 body=f"Hello {applicant.first_name},\n\nWe are delighted to offer you the position of {job.title}. "
                      f"Read the offer and its documents, then accept or decline it, at this link (it works for "
                      f"{LINK_DAYS} days):\n\n{link}\n")


def answers_draft(on_hand: OfferOnHand) -> dict[str, Any]:
    """What the new-starter form shows: the submitted answers, else the saved draft."""
    if on_hand.offer.form_completed_at is not None:
        return forms.as_given(on_hand.questions, on_hand.offer.onboarding_answers)
    return dict(on_hand.offer.onboarding_draft)
