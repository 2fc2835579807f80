"""The background-check lifecycle as data: which status may follow which, and what each requires.

Fixed by the background-checking seed: `pending` only from `queued` (the two-step test reset: any status -> queued ->
pending); `new` carries a reference number; `completed` and `cancelled` carry a reference number and results;
`failed` carries a reason for failure; `inprogress` may carry partial results. hireport's decisions (in the
dialect's OpenAPI): a claimed check cannot be claimed again (queued -> queued is a 409); `inprogress` may
repeat, to report more partial results; completed, cancelled, failed and expired are final, but for the
test reset to queued.
"""

from hireport.models import CheckStatus

S = CheckStatus

_WORKING = frozenset({S.new, S.inprogress, S.expired, S.completed, S.cancelled, S.failed})

ALLOWED: dict[CheckStatus, frozenset[CheckStatus]] = {
    S.pending: frozenset({S.queued, S.new, S.failed, S.cancelled}),
    S.queued: frozenset({S.pending}) | _WORKING,
    S.new: frozenset({S.queued, S.inprogress, S.expired, S.completed, S.cancelled, S.failed}),
    S.inprogress: frozenset({S.queued, S.inprogress, S.expired, S.completed, S.cancelled, S.failed}),
    S.expired: frozenset({S.queued}),
    S.completed: frozenset({S.queued}),
    S.cancelled: frozenset({S.queued}),
    S.failed: frozenset({S.queued}),
}

# The fields a PUT to each status must carry (besides `status`).
REQUIRED: dict[CheckStatus, tuple[str, ...]] = {
    S.new: ("reference_number",),
    S.completed: ("reference_number", "results"),
    S.cancelled: ("reference_number", "results"),
    S.failed: ("reason_for_fail",),
}

# Statuses whose PUT may carry results at all.
WITH_RESULTS = frozenset({S.inprogress, S.completed, S.cancelled})
