"""How an e-mail leaves: over SMTP (aiosmtplib), or, on the embedded default, as an .eml file."""

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import aiosmtplib

from hireport.delivery.outbox import Outgoing
from hireport.kit.clock import Clock
from hireport.kit.storage import private_directory, write_private
from hireport.settings import Settings, SmtpTls

Send = Callable[[EmailMessage], Awaitable[None]]


class Transport(Protocol):
    def connect(self) -> AbstractAsyncContextManager[Send]:
        """A connection for a batch of mail: one SMTP session, not one per message."""
        ...


def build_email(outgoing: Outgoing, clock: Clock) -> EmailMessage:
    email = EmailMessage()
    email["Message-ID"] = outgoing.message_id or make_msgid()
    email["Date"] = format_datetime(clock.now())
    email["From"] = outgoing.from_address
    email["To"] = outgoing.to_address
    if outgoing.reply_to:
        email["Reply-To"] = outgoing.reply_to
    email["Subject"] = outgoing.subject
    email.set_content(outgoing.body)
    return email


class SmtpTransport:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Send]:
        s = self._settings
        client = aiosmtplib.SMTP(hostname=s.smtp_host, port=s.smtp_port, username=s.smtp_username,
                                 password=s.smtp_password, use_tls=s.smtp_tls == SmtpTls.tls,
                                 start_tls=s.smtp_tls == SmtpTls.starttls, timeout=30)
        await client.connect()
        try:
            async def send(email: EmailMessage) -> None:
                await client.send_message(email)

            yield send
        finally:
            with contextlib.suppress(aiosmtplib.SMTPException, OSError):
                await client.quit()


class EmlFileTransport:
    """Writes each mail to `<outbox>/<Message-ID>.eml`; sending the same message again rewrites one file."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory

    @asynccontextmanager
    async def connect(self) -> AsyncIterator[Send]:
        yield self._write

    async def _write(self, email: EmailMessage) -> None:
        """The mail (its links open accounts and candidates' records) in a file only hireport's user may read."""
        private_directory(self._directory)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in str(email["Message-ID"]).strip("<>"))
        path = self._directory / f"{name}.eml"
        tmp = path.with_suffix(".part")
        write_private(tmp, bytes(email))
        os.replace(tmp, path)


def transport_for(settings: Settings) -> Transport:
    return SmtpTransport(settings) if settings.smtp_host else EmlFileTransport(settings.outbox_dir)
