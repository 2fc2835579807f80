"""A request body as the door hands it on: bounded in size and in time, watched for NUL characters.

Every body is read through a `Body`: past the route's limit it is a 413; a client that sends nothing for
`idle` seconds, or has not finished after `total` seconds, is a 408 (and the connection is closed, so an
unfinished upload holds nothing for longer than that). NUL characters are refused wherever text is carried:
anywhere in a url-encoded form, and in the headers and text fields of a multipart form (a file part's bytes
are the file's own). A JSON body is read whole and checked by the door; a document-sized body is streamed
to the route, which runs its own cheap checks (a signature, the form limit, a session) before it reads it.
"""

import asyncio
import time
from collections.abc import Callable

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.types import Message, Receive

from hireport.kit.errors import DomainError, InvalidInput, PayloadTooLarge, RequestTimeout

NUL_IN_FORM = "NUL characters are not accepted in a form"


class Body:
    """One request's body, read through `receive` (an ASGI receive callable)."""

    def __init__(self, receive: Receive, content_type: str, *, limit: int, idle: float, total: float) -> None:
        self._receive = receive
        self.limit = limit
        self.idle = idle
        self.deadline = time.monotonic() + total
        self.size = 0
        self.complete = False
        self.failure: DomainError | None = None  # why the body was refused while a route read it
        self._watch = _watcher(content_type)

    async def receive(self) -> Message:
        """The next message, as an ASGI receive callable; raises the refusal (and keeps it in `failure`)."""
        if self.complete:
            return await self._receive()
        try:
            message = await self._next()
        except DomainError as exc:
            self.failure = exc
            raise
        return message

    async def read(self) -> bytes:
        """The whole body."""
        chunks = []
        while not self.complete:
            chunks.append((await self.receive()).get("body", b""))
        return b"".join(chunks)

    async def _next(self) -> Message:
        wait = min(self.idle, self.deadline - time.monotonic())
        try:
            async with asyncio.timeout(max(wait, 0)):
                message = await self._receive()
        except TimeoutError:
            raise RequestTimeout("the body did not arrive in time; send it again without pausing") from None
        if message["type"] == "http.disconnect":
            raise InvalidInput("the client went away before the body was complete")
        chunk = message.get("body", b"")
        self.size += len(chunk)
        if self.size > self.limit:
            raise PayloadTooLarge(f"the body is larger than this endpoint takes ({self.limit} bytes)")
        self._watch(chunk)
        self.complete = not message.get("more_body", False)
        return message


Watch = Callable[[bytes], None]


def _watcher(content_type: str) -> Watch:
    media, options = parse_options_header(content_type)
    if media == b"application/x-www-form-urlencoded":
        return _UrlEncoded()
    if media == b"multipart/form-data" and options.get(b"boundary"):
        return _Multipart(options[b"boundary"])
    return lambda chunk: None


class _UrlEncoded:
    """A raw NUL, or `%00` (which may straddle two chunks)."""

    def __init__(self) -> None:
        self._tail = b""

    def __call__(self, chunk: bytes) -> None:
        seen = self._tail + chunk
        if b"\x00" in seen or b"%00" in seen:
            raise InvalidInput(NUL_IN_FORM)
        self._tail = seen[-2:]


class _Multipart:
    """Parses the parts as they pass (python-multipart, the parser Starlette reads forms with) and looks for
    NUL in every part's headers and in the data of parts that are not files. A body that does not parse is
    left for the route's own parser to refuse."""

    def __init__(self, boundary: bytes) -> None:
        self._field, self._value = bytearray(), bytearray()
        self._text = True
        self._broken = False
        self._parser = MultipartParser(boundary, {
            "on_part_begin": self._begin, "on_header_field": self._field_part, "on_header_value": self._value_part,
            "on_header_end": self._header_end, "on_part_data": self._data})

    def __call__(self, chunk: bytes) -> None:
        if self._broken:
            return
        try:
            self._parser.write(chunk)
        except DomainError:
            raise
        except Exception:  # a malformed body: Starlette's parser refuses it, with its reason, when the route reads it
            self._broken = True

    def _begin(self) -> None:
        self._text = True

    def _field_part(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _value_part(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        field, value = bytes(self._field), bytes(self._value)
        self._field.clear()
        self._value.clear()
        if b"\x00" in field or b"\x00" in value:
            raise InvalidInput(NUL_IN_FORM)
        if field.lower() == b"content-disposition":
            self._text = b"filename" not in parse_options_header(value)[1]

    def _data(self, data: bytes, start: int, end: int) -> None:
        if self._text and b"\x00" in data[start:end]:
            raise InvalidInput(NUL_IN_FORM)
