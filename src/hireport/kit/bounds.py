"""The domains of values on the wire, stated once: integers that fit their columns, datetimes that fit
the calendar in UTC.

A 32-bit column (`Integer`) takes `Int32`; ids are 64-bit and checked where they meet the database
(`hireport.kit.db` answers a value a column cannot hold with a 400). A datetime is stored in UTC, so one
whose UTC time falls outside years 1 to 9999 is refused rather than overflowing.
"""

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field

INT32_MAX = 2**31 - 1

Int32 = Annotated[int, Field(ge=-INT32_MAX - 1, le=INT32_MAX)]
Count = Annotated[int, Field(ge=0, le=INT32_MAX)]


def in_utc(value: datetime) -> datetime:
    """`value` in UTC, or a validation error if that falls outside the calendar."""
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("the date is outside the calendar (years 1 to 9999 in UTC)") from exc


# A datetime that must carry its zone (the management API), kept in UTC.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]
