"""Everything hireport writes under its data directory is its owner's alone, whatever the umask it was started
with: the database, the documents, the keys, the mail written to the outbox without SMTP (which holds sign-in
and password-reset links), and the data directory itself, even one that was there before, open to all."""

import asyncio
import os
import signal
import stat
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from hireport.app import build_runtime
from hireport.delivery.transports import EmlFileTransport
from hireport.demo import DEMO_TENANT
from hireport.kit.storage import LocalStorage
from hireport.models import Applicant
from hireport.services import careers, portal
from hireport.settings import Settings

HIREPORT = [sys.executable, "-m", "hireport"]
OPEN_UMASK = 0o022  # a common default: files 0644, directories 0755
DELIVERY_WAIT = 60  # seconds for the worker process to start and write the mail


def _open_umask() -> None:
    os.umask(OPEN_UMASK)


def _queue_a_portal_link(data: Path) -> str:
    """A mail with a portal link to one of the demo's candidates, queued as the careers page's form does."""
    settings = Settings(data_dir=data, database_url=None, secret_key=None)  # as the commands see it
    runtime = build_runtime(settings)
    try:
        with runtime.db.transaction() as session:
            email = session.scalars(select(Applicant.email).where(Applicant.tenant_id == DEMO_TENANT)
                                    .order_by(Applicant.id)).first()
            assert email
            postman = portal.Postman(settings.issuer, settings.mail_from, runtime.urls, runtime.kek, runtime.clock)
            portal.send_link(session, careers.visitor(DEMO_TENANT), postman, email)
    finally:
        runtime.db.dispose()
    return email


def _deliver(env: dict[str, str], outbox: Path) -> list[Path]:
    """Run `hireport worker` until the queued mail is in the outbox."""
    worker = subprocess.Popen([*HIREPORT, "worker"], env=env, preexec_fn=_open_umask,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        started = time.monotonic()
        while not (written := list(outbox.glob("*.eml"))):
            assert worker.poll() is None, worker.communicate()[1]
            assert time.monotonic() - started < DELIVERY_WAIT, "the worker wrote no mail"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=30)
    return written


def test_the_data_directory_is_owner_only_after_the_demo_and_a_mail_delivered(tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(0o755)  # made before, open to all
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("HIREPORT_")}, "HIREPORT_DATA_DIR": str(data)}
    demo = subprocess.run([*HIREPORT, "demo", "--json"], env=env, preexec_fn=_open_umask,
                          capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    to = _queue_a_portal_link(data)
    mails = _deliver(env, data / "outbox")
    assert f"To: {to}" in mails[0].read_text() and "/portal/" in mails[0].read_text()

    seen = {p.relative_to(data).parts[0] for p in data.rglob("*")}
    assert {"hireport.db", "documents", "outbox", "secret.key"} <= seen
    assert any(p.is_file() for p in (data / "documents").rglob("*"))
    loose = [f"{p.relative_to(tmp_path)} {stat.filemode(p.stat().st_mode)}" for p in (data, *data.rglob("*"))
             if p.stat().st_mode & 0o077]
    assert loose == []


def test_documents_and_mail_are_owner_only_whatever_the_umask_of_a_process_that_imports_hireport(tmp_path: Path):
    """hireport used as a library (no command set the umask): what it writes is owner-only all the same."""
    message = EmailMessage()
    message["Message-ID"], message["To"] = "<1@hireport>", "candidate@example.com"
    message.set_content("Your link: http://hireport.localhost/portal/218/enter?signature=secret")

    async def mail() -> None:
        async with EmlFileTransport(tmp_path / "data" / "outbox").connect() as send:
            await send(message)

    before = os.umask(OPEN_UMASK)
    try:
        LocalStorage(tmp_path / "data" / "documents").put(b"%PDF-1.4 a CV")
        asyncio.run(mail())
    finally:
        os.umask(before)
    written = list((tmp_path / "data").rglob("*"))
    assert len(written) == 5  # outbox, its mail, documents, a folder of it, the document
    assert [p for p in [tmp_path / "data", *written] if p.stat().st_mode & 0o077] == []
