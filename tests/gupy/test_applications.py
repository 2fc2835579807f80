"""A job's applications: status, order, fields and paging, in Gupy's shape."""

import pytest

from hireport.kit.auth import Caller
from hireport.models import ApplicationStatus
from hireport.services import applicants, applications
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from tests.gupy.conftest import JOBS, Company, assert_error, create_job


@pytest.fixture
def job(company: Company) -> int:
    job_id = create_job(company.http)["id"]
    statuses = [ApplicationStatus.in_process] * 4 + [ApplicationStatus.reproved, ApplicationStatus.hired]
    with company.runtime.db.transaction() as s:
        for n, status in enumerate(statuses):
            person = applicants.create(s, Caller.operator(218), ApplicantFields(
                first_name=f"Ana{n}", last_name="Silva", email=f"ana{n}@example.com"), clock=company.runtime.clock)
            applications.create(s, Caller.operator(218), ApplicationFields(
                job_id=job_id, applicant_id=person.id, status=status, score=float(50 + (n * 7) % 40),
                tags=["a"]), clock=company.runtime.clock)
    return job_id


def test_in_process_page_by_page_as_the_seed_does(company: Company, job: int):
    seen, page = [], 1
    while True:
        body = company.http.get(f"{JOBS}/{job}/applications", params={
            "status": "in_process", "order": "id asc", "perPage": 3, "page": page}).json()
        seen += body["results"]
        if page >= body["totalPages"]:
            break
        page += 1
    assert len(seen) == 4 and all(a["status"] == "in_process" for a in seen)
    item = seen[0]
    assert set(item) == {"id", "source", "status", "score", "createdAt", "updatedAt", "endedAt", "tags",
                         "hiringDate", "candidate", "job", "currentStep"}
    assert item["candidate"] == {"id": item["candidate"]["id"], "name": "Ana0", "lastName": "Silva",
                                 "email": "ana0@example.com"}
    assert item["job"]["id"] == job


def test_order_and_fields(company: Company, job: int):
    by_score = company.http.get(f"{JOBS}/{job}/applications", params={"order": "score desc", "perPage": 100}).json()
    scores = [a["score"] for a in by_score["results"]]
    assert scores == sorted(scores, reverse=True)
    newest = company.http.get(f"{JOBS}/{job}/applications", params={"order": "id desc"}).json()["results"]
    assert [a["id"] for a in newest] == sorted((a["id"] for a in newest), reverse=True)
    slim = company.http.get(f"{JOBS}/{job}/applications", params={"fields": "id,status"}).json()["results"]
    assert all(set(a) == {"id", "status"} for a in slim)
    for bad in ({"order": "name asc"}, {"order": "id sideways"}, {"fields": "id,password"},
                {"status": "lost"}, {"perPage": 101}):
        assert_error(company.http.get(f"{JOBS}/{job}/applications", params=bad), 400)
    assert_error(company.http.get(f"{JOBS}/424242/applications"), 404)
