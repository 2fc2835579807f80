"""PageUp's fuzzy serializer (PageUp.FuzzySerializer), so providers do not couple to key order or to an
exact set of keys: on every JSON object, add one property named by a fresh lowercase GUID whose value is
another fresh GUID, at a random position, then shuffle the object's keys. Arrays and primitives are left as
they are (their elements are fuzzed). Responses only; requests are parsed as sent.

The noise needs no secrecy, so it comes from one pseudo-random generator per process (seeded from the OS)
rather than from the OS for every number: `random.SystemRandom` made a system call for each of the ~200
draws a poll of five checks takes, half the time of the poll."""

import random
import uuid
from typing import Any

import orjson
from starlette.responses import Response

_RNG = random.Random()


def fuzz(value: Any, rng: random.Random = _RNG) -> Any:
    if isinstance(value, dict):
        items = [(key, fuzz(item, rng)) for key, item in value.items()]
        items.insert(rng.randint(0, len(items)), (_guid(rng), _guid(rng)))
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [fuzz(item, rng) for item in value]
    return value


def _guid(rng: random.Random) -> str:
    """A version-4 GUID's text, lowercase."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


class JSONResponseMaybeFuzzy(Response):
    media_type = "application/json"

    def __init__(self, content: Any, *, fuzzy: bool, status_code: int = 200) -> None:
        body = fuzz(content) if fuzzy else content
        super().__init__(orjson.dumps(body), status_code=status_code)
