"""PageUp's fuzzy serializer (PageUp.FuzzySerializer), so providers do not couple to key order or to an
exact set of keys: on every JSON object, add one property named by a fresh lowercase GUID whose value is
another fresh GUID, at a random position, then shuffle the object's keys. Arrays and primitives are left as
they are (their elements are fuzzed). Responses only; requests are parsed as sent."""

import random
import uuid
from typing import Any

import orjson
from starlette.responses import Response


def fuzz(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        items = [(key, fuzz(item, rng)) for key, item in value.items()]
        items.insert(rng.randint(0, len(items)), (str(uuid.uuid4()), str(uuid.uuid4())))
        rng.shuffle(items)
        return dict(items)
    if isinstance(value, list):
        return [fuzz(item, rng) for item in value]
    return value


class JSONResponseMaybeFuzzy(Response):
    media_type = "application/json"

    def __init__(self, content: Any, *, fuzzy: bool, status_code: int = 200) -> None:
        body = fuzz(content, random.SystemRandom()) if fuzzy else content
        super().__init__(orjson.dumps(body), status_code=status_code)
