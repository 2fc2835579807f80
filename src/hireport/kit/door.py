"""The door: the one edge every request passes before any dialect code runs.

In this order, each refusal answered in the dialect's own error shape:
1. the request target: at most `MAX_URL_BYTES` of path and query (414);
2. headers: at most `MAX_HEADERS` of them and `MAX_HEADER_BYTES` in all (431);
3. NUL characters in the path or query string (400);
4. the credential, for every route not declared public (401/403), before a byte of the body is read;
5. the body, read through `hireport.kit.body.Body`: its declared length (413 before reading), then bounded
   in size (413) and time (408), with NUL characters refused in forms (400). A JSON or form body is read
   whole here and, for JSON, parsed once to refuse what no dialect accepts: invalid UTF-8 or JSON, `NaN`
   and `Infinity` (and numbers that overflow to them), nesting deeper than `MAX_JSON_DEPTH`, NUL characters
   in strings and keys (400). A document-sized body is streamed to its route, which checks what it can
   first (a signature, the form limit, a session); should the body break a bound while the route reads it,
   the door answers with that refusal instead of whatever the route made of the broken stream.
An answer sent before the body was read whole closes the connection (a body left unread is not drained).
Then the request goes on, with the caller in `scope["state"]["caller"]`. An exception that escapes a
dialect is logged by its type and place (never its message, which may hold request values) and answered
as a 500 in the dialect's shape, so the connection stays usable.

The HTTP server (granian, see `hireport.server.http_server`) bounds what comes before: it reads a request head
of at most `HEAD_BUFFER_BYTES` within the header timeout, and refuses a longer one while reading it (and more
than 100 headers, as the door would: hyper's own limit), with a plain 431 that no dialect shapes.
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

from hireport.kit.body import Body
from hireport.kit.dialect import Dialect, RouteRule
from hireport.kit.errors import DomainError, HeadersTooLarge, InvalidInput, PayloadTooLarge, ServerError, UriTooLong
from hireport.kit.runtime import Runtime

MAX_HEADERS = 100
MAX_HEADER_BYTES = 32 * 1024
MAX_URL_BYTES = 16 * 1024
HEAD_BUFFER_BYTES = 64 * 1024  # what the server buffers of a request head: the two above, and the request line
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
        body: Body | None = state.get("body")
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if body is not None and body.failure is not None:
                return  # the door answers the broken body itself, below
            if message["type"] == "http.response.start":
                started = True
                if body is not None and not body.complete:
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if body is None or body.failure is None:
                log.error("unhandled error", error=type(exc).__name__, at=_where(exc))
                if started:
                    raise  # half an answer is on the wire: only closing the connection is left
                await _send(dialect.respond(ServerError(_FAULT), request_id), scope, receive, send, close=False)
                return
        if body is not None and body.failure is not None and not started:
            await _send(dialect.respond(body.failure, request_id), scope, receive, send, close=True)

    async def _admit(self, scope: Scope, receive: Receive, dialect: Dialect) -> Receive:
        if len(scope.get("raw_path") or scope["path"].encode()) + len(scope["query_string"]) > MAX_URL_BYTES:
            raise UriTooLong(f"send at most {MAX_URL_BYTES // 1024} KiB of path and query")
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
        content_type = headers.get("content-type", "")
        body = Body(receive, content_type, limit=limit, idle=settings.body_idle_timeout, total=settings.body_timeout)
        if rule and rule.document_body:
            scope["state"]["body"] = body
            return body.receive
        data = await body.read()
        scope["state"]["body_read"] = True
        _check_body(content_type, data)
        return _replay(data, receive)

    def _rule(self, dialect: Dialect, scope: Scope) -> RouteRule | None:
        path, method = scope["path"], scope["method"]
        for rule in self.rules.get(dialect.name, ()):
            if method in rule.methods and rule.pattern.match(path):
                return rule
        return None


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
    if (media == "application/json" or media.endswith("+json")) and body.strip():
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
