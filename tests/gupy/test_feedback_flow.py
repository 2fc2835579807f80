"""The seed's feedback flow against `hireport serve` and a real SMTP server: close a job, list its in-process
applications page by page, send each the template; the SMTP server gets exactly one rendered mail per
candidate, also when it was down while they were sent."""

import time
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import httpx
import pytest

from tests.gupy.conftest import Mailbox
from tests.postgres import free_port
from tests.served import Server, serve


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def gupy_server(tmp_path: Path, database_url: str, smtp_port: int) -> Iterator[Server]:
    with serve(tmp_path, database_url, smtp_host="127.0.0.1", smtp_port=str(smtp_port), delivery_interval="0.2",
               delivery_retry_base="0.5") as server:
        yield server


def _feedback(server: Server) -> dict[str, str]:
    """The integration as the seed writes it; returns candidate e-mail -> first name of those messaged."""
    http = httpx.Client(base_url=f"{server.base_url}/api/v1", timeout=30,
                        headers={"Authorization": f"Bearer {server.demo['api_token']['token']}"})
    job = http.get("/jobs", params={"status": "published", "perPage": 1}).json()["results"][0]
    assert http.patch(f"/jobs/{job['id']}", json={"status": "closed"}).json()["status"] == "closed"
    operator = {"Authorization": f"Bearer {server.operator_credential}"}
    templates = httpx.get(f"{server.base_url}/manage/v1/tenants/218/email-templates", headers=operator).json()["items"]
    template_id = templates[0]["id"]
    candidates, page = {}, 1
    while True:
        body = http.get(f"/jobs/{job['id']}/applications", params={
            "status": "in_process", "order": "id asc", "perPage": 10, "page": page}).json()
        for application in body["results"]:
            sent = http.post(f"/jobs/{job['id']}/applications/{application['id']}/messages",
                             json={"allowReply": False, "templateId": template_id})
            assert sent.status_code == 201, sent.text
            candidates[application["candidate"]["email"]] = application["candidate"]["name"]
        if page >= body["totalPages"]:
            return candidates
        page += 1


def _wait_for(mailbox: Mailbox, count: int, seconds: float = 60) -> list[Message]:
    deadline = time.monotonic() + seconds
    while len(mailbox.received) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # anything extra would arrive now
    return [message_from_bytes(m) for m in mailbox.received]


def _assert_one_rendered_mail_each(mails: list[Message], candidates: dict[str, str]) -> None:
    assert sorted(m["To"] for m in mails) == sorted(candidates), "exactly one mail per candidate"
    for mail in mails:
        body = mail.get_payload(decode=True).decode()
        assert body.startswith(f"Hello {candidates[mail['To']]},")
        assert "Acme Health (demo)" in body and "{{" not in body
        assert mail["From"] == "no-reply@hireport.localhost" and mail["Reply-To"] is None


def test_feedback_flow_delivers_one_mail_per_candidate(gupy_server: Server, smtp_port: int):
    mailbox = Mailbox(smtp_port).start()
    try:
        candidates = _feedback(gupy_server)
        assert len(candidates) >= 10
        _assert_one_rendered_mail_each(_wait_for(mailbox, len(candidates)), candidates)
    finally:
        mailbox.stop()


def test_smtp_down_while_sending_then_every_mail_arrives_once(gupy_server: Server, smtp_port: int):
    candidates = _feedback(gupy_server)  # nobody listens on the SMTP port yet
    time.sleep(1.5)
    operator = {"Authorization": f"Bearer {gupy_server.operator_credential}"}
    first = httpx.get(f"{gupy_server.base_url}/manage/v1/tenants/218/messages/1", headers=operator).json()
    assert first["status"] in ("queued", "sending") and first["attempts"] >= 1 and first["last_error"]
    mailbox = Mailbox(smtp_port).start()
    try:
        _assert_one_rendered_mail_each(_wait_for(mailbox, len(candidates)), candidates)
    finally:
        mailbox.stop()


def test_hireport_worker_delivers_as_its_own_process(tmp_path: Path, database_url: str, smtp_port: int):
    import os
    import subprocess

    from sqlalchemy import select

    from hireport.kit.auth import Caller
    from hireport.kit.clock import Clock
    from hireport.kit.db import Database
    from hireport.models import Application, EmailTemplate
    from hireport.services import messaging
    from tests.served import HIREPORT, run_cli

    env = {**os.environ, "HIREPORT_DATA_DIR": str(tmp_path / "data"), "HIREPORT_DATABASE_URL": database_url,
           "HIREPORT_SMTP_HOST": "127.0.0.1", "HIREPORT_SMTP_PORT": str(smtp_port),
           "HIREPORT_DELIVERY_INTERVAL": "0.2"}
    run_cli(env, "demo", "--json")
    db = Database(database_url)
    try:
        with db.transaction() as session:
            application = session.scalars(select(Application).limit(1)).one()
            template = session.scalars(select(EmailTemplate).limit(1)).one()
            messaging.message_candidate(session, Caller.operator(218), job_id=application.job_id,
                                        application_id=application.id, template_id=template.id, allow_reply=True,
                                        reply_address="hr@acme.example", noreply_address="no-reply@acme.example",
                                        clock=Clock())
    finally:
        db.dispose()
    mailbox = Mailbox(smtp_port).start()
    worker = subprocess.Popen([*HIREPORT, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        mails = _wait_for(mailbox, 1, seconds=30)
    finally:
        worker.terminate()
        assert worker.wait(timeout=15) == 0, "the worker stops cleanly on SIGTERM"
        mailbox.stop()
    assert len(mails) == 1 and mails[0]["Reply-To"] == "hr@acme.example"
