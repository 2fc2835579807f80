"""Rest.li's wire conventions, as the LinkedIn dialect reads and writes them.

Complex keys come in two encodings, and both are accepted whatever `X-RestLi-Protocol-Version` says:

* protocol 1.0: query `ids[0].a=1&ids[0].b=urn:li:x:1`, entity keys `a=1&b=urn%3Ali%3Ax%3A1`;
* protocol 2.0: query `ids=List((a:1,b:urn%3Ali%3Ax%3A1))`, entity keys `(a:1,b:urn%3Ali%3Ax%3A1)`, where
  `( ) , :` are structure and values are percent-encoded (so a 2.0 key is read from the raw query).

Answers spell keys the way the request's protocol does: 2.0 as the official clients build them (fields sorted,
values percent-encoded), 1.0 as `a=...&b=...` in the resource's field order, values percent-encoded.
"""

import re
from collections.abc import Sequence
from urllib.parse import parse_qsl, quote, unquote

from starlette.datastructures import Headers

from hireport.kit.errors import InvalidInput

Key = dict[str, str]
MAX_KEYS = 100
_V1_ID = re.compile(r"ids\[(0|[1-9][0-9]{0,2})\]\.([A-Za-z][A-Za-z0-9]{0,63})")
_TOKEN = re.compile(r"[^(),:]*")


class KeySyntax(InvalidInput):
    """Keys that are not Rest.li at all."""


def query_keys(raw_query: str) -> tuple[list[Key], bool]:
    """The keys of a batch request's query (`ids`), and whether they came in the 2.0 encoding."""
    v1: dict[int, Key] = {}
    v2: list[Key] = []
    for name, raw in _raw_pairs(raw_query):
        if name == "ids":
            v2.extend(_list_of_keys(raw))
            continue
        found = _V1_ID.fullmatch(name)
        if found:
            _put(v1.setdefault(int(found[1]), {}), found[2], unquote(raw.replace("+", " ")))
        elif name.startswith("ids"):
            raise KeySyntax(f"{name[:64]!r} is not a Rest.li 1.0 key part: ids[0].name=value")
    if v1 and v2:
        raise KeySyntax("the query mixes Rest.li 1.0 and 2.0 keys")
    keys = v2 or [v1[index] for index in sorted(v1)]
    if len(keys) > MAX_KEYS:
        raise KeySyntax(f"at most {MAX_KEYS} keys in one batch")
    return keys, bool(v2)


def query_ids(raw_query: str) -> list[str]:
    """The simple (string) keys of a batch request: `ids=a&ids=b` (1.0) or `ids=List(a,b)` (2.0)."""
    ids: list[str] = []
    for name, raw in _raw_pairs(raw_query):
        if name != "ids":
            continue
        if raw.startswith("List(") and raw.endswith(")"):
            inner = raw[5:-1]
            ids.extend(unquote(item) for item in inner.split(",") if item)
        else:
            ids.append(unquote(raw.replace("+", " ")))
    if len(ids) > MAX_KEYS:
        raise KeySyntax(f"at most {MAX_KEYS} keys in one batch")
    return ids


def entity_key(text: str) -> Key:
    """A key as a batch body or a path spells it: `(a:1,b:2)` (2.0) or `a=1&b=2` (1.0)."""
    if text.startswith("("):
        complex_key, end = _object(text, 0)
        if end != len(text):
            raise KeySyntax(f"{text[:200]!r} is not a Rest.li key")
        return complex_key
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=20)
    except ValueError:
        raise KeySyntax("a key has at most 20 parts") from None
    if not pairs:
        raise KeySyntax(f"{text[:200]!r} is not a Rest.li key")
    key: Key = {}
    for name, value in pairs:
        _put(key, name, value)
    return key


def render_key(key: Key, *, v2: bool, order: Sequence[str]) -> str:
    if v2:
        return "(" + ",".join(f"{name}:{quote(key[name], safe='')}" for name in sorted(key)) + ")"
    return "&".join(f"{name}={quote(key[name], safe='')}" for name in order if name in key)


def tunnelled_query(headers: Headers, form_body: bytes, *, max_length: int) -> str | None:
    """A GET sent as a POST (`X-HTTP-Method-Override: GET`, the query in a form body): that query, of at most
    `max_length` characters."""
    if headers.get("x-http-method-override", "").strip().upper() != "GET":
        return None
    media = headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise InvalidInput("a tunnelled query comes as application/x-www-form-urlencoded")
    if len(form_body) > max_length:
        raise InvalidInput(f"a tunnelled query is at most {max_length} characters")
    try:
        return form_body.decode("ascii")
    except UnicodeDecodeError:
        raise InvalidInput("a tunnelled query is percent-encoded ASCII") from None


def _raw_pairs(raw_query: str) -> list[tuple[str, str]]:
    """The query's name=value pairs, names decoded, values still percent-encoded."""
    pairs = []
    for part in raw_query.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((unquote(name.replace("+", " ")), value))
    return pairs


def _list_of_keys(raw: str) -> list[Key]:
    if not (raw.startswith("List(") and raw.endswith(")")):
        raise KeySyntax("ids must be a Rest.li 2.0 list: ids=List((a:1,b:2))")
    inner, keys, at = raw[5:-1], [], 0
    while inner:
        key, at = _object(inner, at)
        keys.append(key)
        if at == len(inner):
            break
        if inner[at] != ",":
            raise KeySyntax("keys in ids=List(...) are separated by commas")
        at += 1
    return keys


def _put(key: Key, name: str, value: str) -> None:
    if name in key:
        raise KeySyntax(f"the key names {name[:64]!r} twice")
    key[name] = value


def _object(text: str, at: int) -> tuple[Key, int]:
    """`(name:value,...)` starting at `at`: the decoded key, and where it ends."""
    if text[at:at + 1] != "(":
        raise KeySyntax("a Rest.li 2.0 key looks like (name:value,...)")
    at += 1
    key: Key = {}
    while True:
        name_match = _TOKEN.match(text, at)
        assert name_match is not None  # the pattern matches the empty string
        name, at = unquote(name_match[0]), name_match.end()
        if text[at:at + 1] != ":" or not name:
            raise KeySyntax("a Rest.li 2.0 key looks like (name:value,...)")
        value_match = _TOKEN.match(text, at + 1)
        assert value_match is not None
        _put(key, name, unquote(value_match[0]))
        at = value_match.end()
        if len(key) > 20:
            raise KeySyntax("a key has at most 20 parts")
        following = text[at:at + 1]
        at += 1
        if following == ")":
            return key, at
        if following != ",":
            raise KeySyntax("a Rest.li 2.0 key looks like (name:value,...)")
