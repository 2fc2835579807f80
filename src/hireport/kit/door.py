"""The door: the one edge every request passes before any dialect code runs.

In this order, each refusal answered in the dialect's own error shape:
1. headers: at most `MAX_HEADERS` of them and `MAX_HEADER_BYTES` in all (431);
2. NUL characters in the path or query string (400);
3. the credential, for every route not declared public (401/403), before a byte of the body is read;
4. the body: its declared length (413 before reading), then read up to the route's limit (413 past it),
   then, for JSON, parsed once to refuse what no dialect accepts: invalid UTF-8 or JSON, `NaN` and
   `Infinity` (and numbers that overflow to them), nesting deeper than `MAX_JSON_DEPTH`, NUL characters
   in strings and keys (400); for forms, NUL characters (400).
Then the request goes on, with the caller in `scope["state"]["caller"]`. An exception that escapes a
dialect is logged by its type and place (never its message, which may hold request values) and answered
as a 500 in the dialect's shape, so the connection stays usable.
"""

import math
import traceback
from collections.abc import Sequence
from typing import Any

import orjson
import structlog
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hireport.kit.dialect import Dialect, RouteRule
from hireport.kit.errors import DomainError, HeadersTooLarge, InvalidInput, PayloadTooLarge, ServerError
from hireport.kit.runtime import Runtime

MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024
MAX_JSON_DEPTH = 32

log = structlog.get_logger("hireport")
_FAULT = "hireport could not answer this request; the fault is logged with this request id"


class Door:
    def __init__(self, app: ASGIApp, *, runtime: Runtime, dialects: Sequence[Dialect],
                 rules: dict[str, list[RouteRule]]) -> None:
        self.app = app
        self.runtime = runtime
        # the longest prefix first, so that the root dialect ("") takes only what no other claims
        self.dialects = sorted(dialects, key=lambda d: len(d.prefix), reverse=True)
        self.rules = rules

    def dialect_of(self, path: str) -> Dialect:
        return next(d for d in self.dialects if d.owns(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        dialect = self.dialect_of(scope["path"])
        state = scope.setdefault("state", {})
        state["dialect"] = dialect
        request_id = str(state.get("request_id", ""))
        try:
            receive = await self._admit(scope, receive, dialect)
        except Exception as exc:
            if not isinstance(exc, DomainError):
                log.error("unhandled error", error=type(exc).__name__, at=_where(exc))
                exc = ServerError(_FAULT)
            # a body left unread is not drained: the answer closes the connection instead
            await _send(dialect.respond(exc, request_id), scope, receive, send, close=not state.get("body_read"))
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            log.error("unhandled error", error=type(exc).__name__, at=_where(exc))
            if started:
                raise  # half an answer is on the wire: only closing the connection is left
            await _send(dialect.respond(ServerError(_FAULT), request_id), scope, receive, send, close=False)

    async def _admit(self, scope: Scope, receive: Receive, dialect: Dialect) -> Receive:
        raw_headers = scope["headers"]
        if len(raw_headers) > MAX_HEADERS or sum(len(k) + len(v) for k, v in raw_headers) > MAX_HEADER_BYTES:
            raise HeadersTooLarge(f"send at most {MAX_HEADERS} headers and {MAX_HEADER_BYTES // 1024} KiB of them")
        if "\x00" in scope["path"] or b"%00" in scope["query_string"] or b"\x00" in scope["query_string"]:
            raise InvalidInput("NUL characters are not accepted in a path or query string")
        rule = self._rule(dialect, scope)
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        bodiless = declared in (None, "0") and "chunked" not in headers.get("transfer-encoding", "").lower()
        scope["state"]["body_read"] = bodiless
        if dialect.authenticate is not None and not (rule and rule.public):
            scope["state"]["caller"] = await dialect.authenticate(self.runtime, headers)
        if bodiless:
            return receive
        settings = self.runtime.settings
        limit = settings.max_document_bytes if rule and rule.document_body else settings.max_json_bytes
        if declared is not None:
            if not declared.isdigit():
                raise InvalidInput("Content-Length must be a number of bytes")
            if int(declared) > limit:
                raise PayloadTooLarge(f"the body is {declared} bytes; this endpoint takes at most {limit}")
        body = await _read(receive, limit)
        scope["state"]["body_read"] = True
        _check_body(headers.get("content-type", ""), body)
        return _replay(body, receive)

    def _rule(self, dialect: Dialect, scope: Scope) -> RouteRule | None:
        path, method = scope["path"], scope["method"]
        for rule in self.rules.get(dialect.name, ()):
            if method in rule.methods and rule.pattern.match(path):
                return rule
        return None


async def _read(receive: Receive, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise InvalidInput("the client went away before the body was complete")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the body is larger than this endpoint takes ({limit} bytes)")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _check_body(content_type: str, body: bytes) -> None:
    media = content_type.split(";")[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        if b"%00" in body or b"\x00" in body:
            raise InvalidInput("NUL characters are not accepted in a form")
    elif (media == "application/json" or media.endswith("+json")) and body.strip():
        _check_json(body)


def _check_json(body: bytes) -> None:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(f"the body is not valid JSON ({exc}); NaN and Infinity are not JSON") from None
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise InvalidInput(f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(key)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, str):
            _check_text(item)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InvalidInput("numbers must be finite")


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise InvalidInput("NUL characters are not accepted in JSON strings")


async def _send(response: Response, scope: Scope, receive: Receive, send: Send, *, close: bool) -> None:
    if close:
        response.headers["Connection"] = "close"
    await response(scope, receive, send)


def _where(exc: BaseException) -> list[str]:
    """Where an exception was raised, as file:line function (no message: it may carry request values): the
    last frames of hireport's own code, then the frame that raised it."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/hireport/" in f.filename][-4:]
    return [f"{f.filename.rsplit('/hireport/', 1)[-1]}:{f.lineno} {f.name}" for f in (*ours, frames[-1])]
