"""The forms candidates fill in: a job's application form (or the tenant's default one) and the tenant's
new-starter form. A form is an ordered list of questions; answers are checked against it here, whichever
page or API sent them, and kept as `[{"question": label, "answer": value}]` (what the APIs' answers read)."""

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import InvalidInput
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import CandidateForm, Job

MAX_ANSWER = 4000
NEW_STARTER = "new_starter"
APPLICATION = "application"


class QuestionType(StrEnum):
    text = "text"
    long_text = "long_text"
    number = "number"
    yes_no = "yes_no"
    choice = "choice"
    date = "date"


class Question(BaseModel):
    id: str = Field(max_length=40, pattern=r"^[a-z][a-z0-9_]{0,39}$", description="Stable within the form: a-z, 0-9, _")
    label: str = Field(min_length=1, max_length=300)
    type: QuestionType = QuestionType.text
    required: bool = False
    options: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=50, description="The choices of a `choice` question")

    @model_validator(mode="after")
    def _options(self) -> "Question":
        if self.type == QuestionType.choice:
            if not self.options or any(not o.strip() for o in self.options):
                raise ValueError("a choice question needs 1 to 50 options, none blank")
            if len(set(self.options)) != len(self.options):
                raise ValueError("a choice question's options must differ")
        elif self.options:
            raise ValueError("only a choice question has options")
        return self


class FormDefinition(BaseModel):
    questions: list[Question] = Field(max_length=60)

    @model_validator(mode="after")
    def _unique(self) -> "FormDefinition":
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must differ")
        return self


def _key(kind: str, job_id: int | None) -> str:
    return f"{kind}:{job_id}" if job_id is not None else kind


def define(session: Session, caller: Caller, kind: str, questions: list[Question], *, clock: Clock,
           job_id: int | None = None) -> list[Question]:
    """Replace a form's questions (a job's application form when `job_id` is given)."""
    if job_id is not None:
        get_scoped(session, Job, caller, job_id, what="job")
    key = _key(kind, job_id)
    form = session.scalar(scoped(CandidateForm, caller).where(CandidateForm.key == key))
    stored = [q.model_dump(mode="json") for q in questions]
    if form is None:
        session.add(CandidateForm(tenant_id=caller.require_tenant(), key=key, questions=stored,
                                  updated_at=clock.now()))
    else:
        form.questions, form.updated_at = stored, clock.now()
    session.flush()
    return questions


def _stored(session: Session, caller: Caller, key: str) -> list[Question] | None:
    form = session.scalar(scoped(CandidateForm, caller).where(CandidateForm.key == key))
    return None if form is None else [Question.model_validate(q) for q in form.questions]


def application_form(session: Session, caller: Caller, job_id: int) -> list[Question]:
    """The job's own application form, else the tenant's default one, else none (name, e-mail and documents)."""
    get_scoped(session, Job, caller, job_id, what="job")
    found = _stored(session, caller, _key(APPLICATION, job_id))
    if found is None:
        found = _stored(session, caller, APPLICATION)
    return found or []


def own_form(session: Session, caller: Caller, kind: str, job_id: int | None = None) -> list[Question]:
    return _stored(session, caller, _key(kind, job_id)) or []


def new_starter_form(session: Session, caller: Caller) -> list[Question]:
    return own_form(session, caller, NEW_STARTER)


def answers(questions: list[Question], given: dict[str, str], *, complete: bool = True) -> list[dict[str, Any]]:
    """The answers to `questions` from what a form sent (text by question id), typed and checked: each problem
    is named by its question's id. With `complete`, a required question must be answered."""
    found, problems = [], []
    for question in questions:
        raw = (given.get(question.id) or "").strip()
        if not raw:
            if complete and question.required:
                problems.append({"field": question.id, "message": f"{question.label}: an answer is required"})
            continue
        try:
            found.append({"question": question.label, "answer": _typed(question, raw)})
        except ValueError as exc:
            problems.append({"field": question.id, "message": f"{question.label}: {exc}"})
    if problems:
        raise InvalidInput("Some answers need another look.", details=problems)
    return found


def as_given(questions: list[Question], stored: list[dict[str, Any]]) -> dict[str, str]:
    """Stored answers back as a form shows them (by question id), for the questions that still exist."""
    by_label = {a.get("question"): a.get("answer") for a in stored}
    shown = {}
    for question in questions:
        value = by_label.get(question.label)
        if value is not None:
            shown[question.id] = ("yes" if value else "no") if isinstance(value, bool) else str(value)
    return shown


_NUMBER = re.compile(r"^-?\d{1,12}(\.\d{1,4})?$")


def _typed(question: Question, raw: str) -> Any:
    if len(raw) > MAX_ANSWER or (question.type != QuestionType.long_text and len(raw) > 500):
        raise ValueError("the answer is too long")
    if question.type == QuestionType.number:
        if not _NUMBER.match(raw):
            raise ValueError("enter a number")
        number = float(raw)
        return int(number) if number.is_integer() else number
    if question.type == QuestionType.yes_no:
        if raw not in ("yes", "no"):
            raise ValueError("answer yes or no")
        return raw == "yes"
    if question.type == QuestionType.choice:
        if raw not in question.options:
            raise ValueError("choose one of the options")
        return raw
    if question.type == QuestionType.date:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError("enter a date as YYYY-MM-DD") from None
    return raw
