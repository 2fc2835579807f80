"""The domains of values on the wire, stated once and matched to the columns that keep them.

Every dialect and every service input model takes its values through these types (or through `Field`
bounds named after the column's length), so that a value the database could not hold, or could be made
to work hard on, is a validation error (a 400 in the dialect's shape) before any SQL runs:

* integers: `RowId` for the 64-bit ids (`BigId` columns), `Id32` for 32-bit ids and references (plain
  `int` columns are a 32-bit INTEGER on PostgreSQL), `Int32` and `Count` for other 32-bit numbers,
  `PageNumber` small enough that no offset overflows;
* floats: finite (`NaN` and infinities refused), `Money` within its NUMERIC(14, 2) column;
* strings: at most their column's length (`Field(max_length=...)`), long texts (`Text` columns) at most
  `LONG_TEXT`, required names and codes at least one character;
* lists and free-form objects: a cap on their items and keys (`Attributes`, `MAX_ITEMS`);
* datetimes: stored in UTC, so one whose UTC time falls outside years 1 to 9999 is refused rather than
  overflowing. `UtcDatetime` requires a zone (the management API); `UtcIfNaive` reads a zone-less one as
  UTC (some vendors' clients often send none).

tests/test_input_bounds.py walks every dialect's OpenAPI and fails on an integer, string, array or
free-form object without these bounds.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

RowId = Annotated[int, Field(ge=1, lt=2**63)]
"""A row's 64-bit id (the `BigId` columns), or an id of the vendor's that hireport only keeps. (Stated as
`< 2^63`: the OpenAPI's numbers are floats, and 2^63 is one while 2^63 - 1 is not.)"""
Id32 = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""An id in a 32-bit column: tenants, operators, and references kept in a plain INTEGER."""
Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]
Rank = Annotated[int, Field(ge=1, le=INT32_MAX)]

MAX_PAGE = 1_000_000
"""The last page a numbered list serves: with the largest page size (500) the offset stays below 2^31."""
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]

Finite = Annotated[float, Field(allow_inf_nan=False)]
Money = Annotated[float, Field(ge=0, lt=10**12, allow_inf_nan=False)]
"""An amount in a NUMERIC(14, 2) column: below 10^12."""

LONG_TEXT = 100_000
"""Descriptions, summaries, comments, template bodies (`Text` columns): a generous bound, not a column's."""
LongText = Annotated[str, Field(max_length=LONG_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
"""A short required label: a field key, a tag, a question's id."""

MAX_ITEMS = 100
"""The default cap on a list a client sends (tags, custom fields, results, scopes)."""
MAX_KEYS = 100
"""The cap on the keys of a free-form object (vendor-only fields kept in `attributes`, settings)."""
MAX_ANSWERS = 500
"""The cap on the answers of one form (application form, new-starter form)."""

Attributes = Annotated[dict[Name, Any], Field(max_length=MAX_KEYS)]
"""A free-form object: at most `MAX_KEYS` keys of 1 to 100 characters; its values are any JSON (the edge
bounds their size and depth)."""


def at_most_keys(value: Any, limit: int) -> Any:
    """For a model that keeps unknown fields (`extra="allow"`), as its before-validator: at most `limit`
    fields in all, so its extra fields cannot grow without bound (state it as `maxProperties` too)."""
    if isinstance(value, dict) and len(value) > limit:
        raise ValueError(f"at most {limit} fields")
    return value


def in_utc(value: datetime) -> datetime:
    """`value` in UTC, or a validation error if that falls outside the calendar."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the date is outside the calendar (years 1 to 9999 in UTC)") from exc


def as_utc(value: datetime) -> datetime:
    """`value` in UTC, a zone-less one read as UTC; a validation error if that falls outside the calendar."""
    return in_utc(value if value.tzinfo else value.replace(tzinfo=UTC))


UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]
"""A datetime that must carry its zone (a zone-less one is refused), kept in UTC."""
UtcIfNaive = Annotated[datetime, AfterValidator(as_utc)]
"""A datetime read as UTC when it carries no zone, kept in UTC."""
