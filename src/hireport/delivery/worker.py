"""The delivery worker: in-process under `hireport serve`, or its own process with `hireport worker`."""

import asyncio
import contextlib
import dataclasses

import structlog
from starlette.concurrency import run_in_threadpool

from hireport.delivery import outbox
from hireport.delivery.transports import Transport, build_email, transport_for
from hireport.kit.keys import SEALED
from hireport.kit.runtime import Runtime

log = structlog.get_logger("hireport.delivery")


class DeliveryWorker:
    def __init__(self, runtime: Runtime, transport: Transport | None = None) -> None:
        self.runtime = runtime
        self.transport = transport or transport_for(runtime.settings)

    async def run_once(self) -> int:
        """Send what is due; returns how many messages were attempted."""
        rt = self.runtime
        claimed = [self._opened(item) for item in await run_in_threadpool(outbox.claim_due, rt.db, rt.clock)]
        if not claimed:
            return 0
        sent: list[int] = []
        failed: list[tuple[outbox.Outgoing, str]] = []
        try:
            async with self.transport.connect() as send:
                for item in claimed:
                    try:
                        await send(build_email(item, rt.clock))
                    except Exception as exc:  # any failure to hand one mail over is retried later
                        failed.append((item, f"{type(exc).__name__}: {exc}"))
                    else:
                        sent.append(item.id)
        except Exception as exc:  # no connection (or it broke): every mail not yet sent is retried later
            done = set(sent) | {item.id for item, _ in failed}
            failed += [(item, f"{type(exc).__name__}: {exc}") for item in claimed if item.id not in done]
        for item, error in failed:
            log.warning("mail not delivered", message=item.id, attempt=item.attempts, error=error)
        await run_in_threadpool(self._record, sent, failed)
        return len(claimed)

    def _opened(self, item: outbox.Outgoing) -> outbox.Outgoing:
        """A body sealed at rest (it holds a secret, such as a password-reset link) opened for sending."""
        if not item.body.startswith(SEALED):
            return item
        return dataclasses.replace(item, body=self.runtime.kek.unseal(item.body))

    def _record(self, sent: list[int], failed: list[tuple[outbox.Outgoing, str]]) -> None:
        rt = self.runtime
        outbox.mark_sent(rt.db, rt.clock, sent)
        for item, error in failed:
            outbox.mark_failed_attempt(rt.db, rt.clock, item, error, retry_base=rt.settings.delivery_retry_base,
                                       max_attempts=rt.settings.delivery_max_attempts)

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set; look again at once while there is work, else every interval."""
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:
                log.exception("delivery round failed")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.runtime.settings.delivery_interval)
