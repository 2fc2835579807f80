"""Template e-mail to candidates: rendered, queued in the request's transaction, delivered by the worker over
real SMTP (aiosmtpd), retried with backoff while the server is down, never lost."""

import asyncio
from email import message_from_bytes

import pytest

from hireport.delivery import outbox
from hireport.delivery.transports import EmlFileTransport, SmtpTransport, build_email
from hireport.delivery.worker import DeliveryWorker
from hireport.kit.auth import Caller
from hireport.kit.runtime import Runtime
from hireport.models import Message, MessageStatus
from hireport.services import applicants, applications
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from tests.gupy.conftest import JOBS, Company, Mailbox, assert_error, create_job
from tests.postgres import free_port


@pytest.fixture
def application(company: Company) -> tuple[int, int]:
    job_id = create_job(company.http, name="Engenheira de Dados")["id"]
    with company.runtime.db.transaction() as s:
        person = applicants.create(s, Caller.operator(218), ApplicantFields(
            first_name="Joana", last_name="Souza", email="joana@example.com"), clock=company.runtime.clock)
        app_id = applications.create(s, Caller.operator(218), ApplicationFields(job_id=job_id, applicant_id=person.id),
                                     clock=company.runtime.clock).id
    return job_id, app_id


def _send(company: Company, job_id: int, app_id: int, allow_reply: bool = False):
    return company.http.post(f"{JOBS}/{job_id}/applications/{app_id}/messages",
                             json={"templateId": company.template, "allowReply": allow_reply})


def _message(runtime: Runtime, message_id: int) -> Message:
    with runtime.db.transaction(write=False) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def test_the_message_is_rendered_for_the_candidate_and_queued(company: Company, application):
    job_id, app_id = application
    sent = _send(company, job_id, app_id)
    assert sent.status_code == 201, sent.text
    body = sent.json()
    assert (body["to"], body["subject"], body["status"]) == ("joana@example.com",
                                                             "Your application for Engenheira de Dados", "queued")
    message = _message(company.runtime, body["id"])
    assert message.body == "Hello Joana, thank you from Acme."
    assert (message.from_address, message.reply_to) == (company.runtime.settings.mail_noreply, None)
    replyable = _message(company.runtime, _send(company, job_id, app_id, allow_reply=True).json()["id"])
    assert (replyable.from_address, replyable.reply_to) == ((company.runtime.settings.mail_from,) * 2)


def test_refusals_queue_nothing(company: Company, application):
    job_id, app_id = application
    other_job = create_job(company.http)["id"]
    url = f"{JOBS}/{other_job}/applications/{app_id}/messages"
    assert_error(company.http.post(url, json={"templateId": company.template, "allowReply": False}), 400)
    url = f"{JOBS}/{job_id}/applications/{app_id}/messages"
    assert_error(company.http.post(url, json={"templateId": 424242, "allowReply": False}), 404)
    assert_error(company.http.post(url, json={"allowReply": False}), 400)
    assert_error(company.http.post(f"{JOBS}/{job_id}/applications/424242/messages",
                                   json={"templateId": company.template}), 404)
    with company.runtime.db.transaction(write=False) as session:
        assert session.query(Message).count() == 0


def test_a_template_in_use_cannot_be_deleted(company: Company, application, operator_headers):
    url = "/manage/v1/tenants/218/email-templates"
    spare = company.http.post(url, headers=operator_headers,
                              json={"name": "spare", "subject": "Hi", "body": "Hi {{ candidate.name }}"}).json()
    assert company.http.delete(f"{url}/{spare['id']}", headers=operator_headers).status_code == 204
    _send(company, *application)
    assert company.http.delete(f"{url}/{company.template}", headers=operator_headers).status_code == 409
    broken = company.http.post(url, headers=operator_headers,
                               json={"name": "broken", "subject": "{{ candidate.salary }}", "body": "x"})
    assert broken.status_code == 400
    escape = company.http.post(url, headers=operator_headers, json={
        "name": "escape", "subject": "x", "body": "{{ ''.__class__.__mro__[1].__subclasses__() }}"})
    assert escape.status_code == 400, "the sandbox refuses reaching into Python"


def _worker(runtime: Runtime, port: int) -> DeliveryWorker:
    runtime.settings.smtp_host, runtime.settings.smtp_port = "127.0.0.1", port
    runtime.settings.delivery_retry_base = 5.0
    return DeliveryWorker(runtime, SmtpTransport(runtime.settings))


def test_delivered_once_over_smtp(company: Company, application):
    mailbox = Mailbox().start()
    try:
        message_id = _send(company, *application).json()["id"]
        others = [_send(company, *application).json()["id"] for _ in range(4)]
        worker = _worker(company.runtime, mailbox.port)
        assert asyncio.run(worker.run_once()) == 5
        assert asyncio.run(worker.run_once()) == 0
    finally:
        mailbox.stop()
    assert len(mailbox.received) == 5, "one SMTP session carries the batch, one mail each"
    assert {message_from_bytes(m)["Message-ID"] for m in mailbox.received} == {
        _message(company.runtime, i).message_id for i in [message_id, *others]}
    email = message_from_bytes(mailbox.received[0])
    assert (email["To"], email["Subject"]) == ("joana@example.com", "Your application for Engenheira de Dados")
    assert email["Message-ID"] == _message(company.runtime, message_id).message_id
    assert _message(company.runtime, message_id).status == MessageStatus.sent


def test_smtp_down_then_up_loses_nothing_and_sends_once(company: Company, application, clock):
    port = free_port()
    ids = [_send(company, *application).json()["id"] for _ in range(3)]
    worker = _worker(company.runtime, port)
    assert asyncio.run(worker.run_once()) == 3  # nobody listens on the port
    first = _message(company.runtime, ids[0])
    assert (first.status, first.attempts) == (MessageStatus.queued, 1) and first.last_error
    assert asyncio.run(worker.run_once()) == 0, "not due before its backoff"
    clock.advance(7)
    assert asyncio.run(worker.run_once()) == 3
    assert _message(company.runtime, ids[0]).attempts == 2
    mailbox = Mailbox(port).start()
    try:
        clock.advance(13)
        assert asyncio.run(worker.run_once()) == 3
        clock.advance(3600)
        assert asyncio.run(worker.run_once()) == 0
    finally:
        mailbox.stop()
    assert len(mailbox.received) == 3
    assert sorted(message_from_bytes(m)["Message-ID"] for m in mailbox.received) == sorted(
        _message(company.runtime, i).message_id for i in ids)
    assert all(_message(company.runtime, i).status == MessageStatus.sent for i in ids)


def test_a_worker_that_dies_mid_send_leaves_a_resend_with_the_same_message_id(company: Company, application, clock):
    mailbox = Mailbox().start()
    try:
        message_id = _send(company, *application).json()["id"]
        worker = _worker(company.runtime, mailbox.port)
        claimed = outbox.claim_due(company.runtime.db, clock)
        assert [c.id for c in claimed] == [message_id]
        assert outbox.claim_due(company.runtime.db, clock) == [], "a claimed message is not claimed again"
        async def send_then_die() -> None:
            async with worker.transport.connect() as send:
                await send(build_email(claimed[0], clock))  # ... and the worker dies here, before recording it

        asyncio.run(send_then_die())
        clock.advance(outbox.LEASE_SECONDS)
        assert asyncio.run(worker.run_once()) == 1
    finally:
        mailbox.stop()
    ids = [message_from_bytes(m)["Message-ID"] for m in mailbox.received]
    assert len(ids) == 2 and ids[0] == ids[1], "the receiver can tell the resend from a new mail"


def test_gives_up_after_the_last_attempt(company: Company, application, clock):
    company.runtime.settings.delivery_max_attempts = 2
    message_id = _send(company, *application).json()["id"]
    worker = _worker(company.runtime, free_port())
    asyncio.run(worker.run_once())
    clock.advance(60)
    asyncio.run(worker.run_once())
    assert _message(company.runtime, message_id).status == MessageStatus.failed


def test_embedded_default_writes_eml_files(company: Company, application):
    message_id = _send(company, *application).json()["id"]
    directory = company.runtime.settings.outbox_dir
    worker = DeliveryWorker(company.runtime, EmlFileTransport(directory))
    asyncio.run(worker.run_once())
    files = list(directory.glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes())["Message-ID"] == _message(company.runtime, message_id).message_id
