"""E-mail templates and the messages rendered from them for candidates.

Templates are Jinja2, rendered in a sandbox: a template can read the values it is given and nothing else.
Placeholders: `{{ candidate.name }}`, `{{ candidate.lastName }}`, `{{ candidate.email }}`, `{{ job.name }}`,
`{{ job.code }}`, `{{ company.name }}`. A message is written to the outbox in the request's transaction and
sent by the delivery worker after commit.
"""

import functools
import uuid
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput
from hireport.kit.pagination import Page, keyset_page
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import Applicant, Application, EmailTemplate, Job, Message, MessageStatus, Tenant

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_SAMPLE = {"candidate": {"name": "Ana", "lastName": "Silva", "email": "ana@example.com"},
           "job": {"name": "Analyst", "code": "123"}, "company": {"name": "Acme"}}


def create_template(session: Session, caller: Caller, *, name: str, subject: str, body: str,
                    clock: Clock) -> EmailTemplate:
    """A template; refused if it does not render with the documented placeholders."""
    for field, text in (("subject", subject), ("body", body)):
        _render(text, _SAMPLE, field=field)
    if session.scalar(scoped(EmailTemplate, caller).where(EmailTemplate.name == name)) is not None:
        raise Conflict(f"a template named {name!r} exists")
    template = EmailTemplate(tenant_id=caller.require_tenant(), name=name, subject=subject, body=body,
                             created_at=clock.now())
    session.add(template)
    session.flush()
    return template


def templates_page(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page[EmailTemplate]:
    return keyset_page(session, scoped(EmailTemplate, caller), EmailTemplate.id, limit=limit, cursor=cursor)


def get_template(session: Session, caller: Caller, template_id: int) -> EmailTemplate:
    return get_scoped(session, EmailTemplate, caller, template_id, what="template")


def delete_template(session: Session, caller: Caller, template_id: int) -> None:
    """Delete a template no message was sent from: integrations depend on the id of one in use."""
    template = get_template(session, caller, template_id)
    used = session.scalar(scoped(Message, caller).where(Message.template_id == template.id).limit(1)
                          .with_only_columns(Message.id))
    if used is not None:
        raise Conflict(f"template {template_id} is in use by sent messages and cannot be deleted")
    session.delete(template)
    session.flush()


def message_candidate(session: Session, caller: Caller, *, job_id: int, application_id: int, template_id: int,
                      allow_reply: bool, reply_address: str, noreply_address: str, clock: Clock) -> Message:
    """Render the template for the application's candidate and queue the e-mail (sent after commit).
    Without `allow_reply` it comes from the no-reply address."""
    application = get_scoped(session, Application, caller, application_id, what="application")
    if application.job_id != job_id:
        raise InvalidInput(f"application {application_id} is not an application to job {job_id}",
                           field="application_id")
    job = get_scoped(session, Job, caller, job_id, what="job")
    applicant = get_scoped(session, Applicant, caller, application.applicant_id, what="candidate")
    template = get_template(session, caller, template_id)
    tenant = session.get(Tenant, caller.require_tenant())
    context = {"candidate": {"name": applicant.first_name, "lastName": applicant.last_name,
                             "email": applicant.email},
               "job": {"name": job.title, "code": job.code}, "company": {"name": tenant.name if tenant else ""}}
    now = clock.now()
    message = Message(
        tenant_id=caller.require_tenant(), application_id=application.id, template_id=template.id,
        message_id=f"<{uuid.uuid4().hex}@hireport>", from_address=reply_address if allow_reply else noreply_address,
        reply_to=reply_address if allow_reply else None, to_address=applicant.email,
        subject=_render(template.subject, context, field="subject"), body=_render(template.body, context, field="body"),
        status=MessageStatus.queued, attempts=0, next_attempt_at=now, created_at=now,
    )
    session.add(message)
    session.flush()
    return message


def get_message(session: Session, caller: Caller, message_id: int) -> Message:
    return get_scoped(session, Message, caller, message_id, what="message")


def list_page(session: Session, caller: Caller, *, limit: int, cursor: str | None) -> Page[Message]:
    """The tenant's mail to candidates, oldest first: each with its delivery status, attempts and last error.
    Mail to people with an account (password resets) is theirs alone: not listed here."""
    stmt = scoped(Message, caller).where(Message.application_id.is_not(None))
    return keyset_page(session, stmt, Message.id, limit=limit, cursor=cursor)


@functools.lru_cache(maxsize=512)
def _compiled(text: str) -> Template:
    return _ENV.from_string(text)


def _render(text: str, context: dict[str, Any], *, field: str) -> str:
    try:
        return _compiled(text).render(context)
    except TemplateError as exc:
        raise InvalidInput(f"the template's {field} does not render: {exc}", field=field) from exc


