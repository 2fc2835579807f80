"""SearchApplications and the application actions."""

import pytest

from hireport.kit.auth import Caller
from hireport.services import applicants, applications, jobs
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from hireport.services.jobs import JobFields
from tests.pageup.conftest import HIRE, Hire, assert_error


@pytest.fixture
def five(hire: Hire, runtime) -> list[int]:
    """Five applications on the fixture job, besides the first one."""
    caller, ids = Caller.operator(218), []
    with runtime.db.transaction() as s:
        for n in range(5):
            person = applicants.create(s, caller, ApplicantFields(first_name=f"P{n}", last_name="Q",
                                                                  email=f"p{n}@example.com"), clock=runtime.clock)
            ids.append(applications.create(s, caller, ApplicationFields(job_id=hire.records["job"],
                                                                        applicant_id=person.id),
                                           clock=runtime.clock).id)
    return ids


def test_job_applications_by_either_id_and_paged(hire: Hire, five: list[int]):
    job = hire.records["job"]
    by_id = hire.http.get(f"{HIRE}/jobs/{job}/applications", params={"pageSize": 4}).json()
    by_external = hire.http.get(f"{HIRE}/jobs/EXT-218/applications",
                                params={"idType": "sExternalJobID", "pageSize": 4, "page": 2}).json()
    assert by_id["TotalCount"] == by_external["TotalCount"] == 6
    ids = [i["ApplicationInfo"]["PUReferenceID"] for i in by_id["Items"] + by_external["Items"]]
    assert ids == [hire.records["application"], *five]
    item = by_id["Items"][0]
    assert item["ApplicantInfo"]["PUReferenceID"] == hire.records["applicant"]
    assert item["JobInfo"] == {"PUReferenceID": job, "sExternalJobID": "EXT-218"}
    assert (item["FirstName"], item["Email"]) == ("Ada", "ada@example.com")
    assert [d["FileName"] for d in item["Documents"]] == ["application.txt"]
    assert_error(hire.http.get(f"{HIRE}/jobs/424242/applications"), 404)


def test_applicant_and_application_form(hire: Hire):
    applicant = hire.http.get(f"{HIRE}/applicants/{hire.records['applicant']}").json()
    assert applicant["ApplicantInfo"] == {"PUReferenceID": hire.records["applicant"]}
    assert (applicant["FirstName"], applicant["LastName"]) == ("Ada", "Lovelace")
    form = hire.http.get(f"{HIRE}/applications/{hire.records['application']}/applicationForm").json()
    assert form["Answers"] == [{"Question": "Right to work?", "Answer": "Yes"}]
    assert form["JobInfo"]["sExternalJobID"] == "EXT-218"
    assert_error(hire.http.get(f"{HIRE}/applicants/424242"), 404)
    assert_error(hire.http.get(f"{HIRE}/applications/424242/applicationForm"), 404)


def test_applicant_needs_applicant_or_application_read(hire: Hire):
    url = f"{HIRE}/applicants/{hire.records['applicant']}"
    assert hire.http.get(url, headers=hire.headers("Public.Applicant.Read")).status_code == 200
    assert hire.http.get(url, headers=hire.headers("Public.Application.Read")).status_code == 200
    assert_error(hire.http.get(url, headers=hire.headers("Public.Offer.Read")), 403)


def test_change_status_by_code(hire: Hire):
    url = f"{HIRE}/applications/{hire.records['application']}/changeapplicationstatusbycode"
    changed = hire.http.post(url, json={"applicationStatusCode": "INTERVIEW", "statusChangeReasonId": 0})
    assert changed.json()["ApplicationStatusCode"] == "INTERVIEW"
    assert_error(hire.http.post(url, json={"applicationStatusCode": ""}), 400)
    assert_error(hire.http.post(url, json={}), 400)
    assert_error(hire.http.post(f"{HIRE}/applications/424242/changeapplicationstatusbycode",
                                json={"applicationStatusCode": "X"}), 404)


def _ranks(hire: Hire) -> dict[int, int | None]:
    items = hire.http.get(f"{HIRE}/jobs/{hire.records['job']}/applications", params={"pageSize": 50}).json()["Items"]
    return {i["ApplicationInfo"]["PUReferenceID"]: i["OrderOfMerit"] for i in items}


def test_order_of_merit_renumbers_the_rest(hire: Hire, five: list[int]):
    a, b, c, d, e = five
    url = f"{HIRE}/applications/changeorderofmerit"
    first = hire.http.post(url, json=[{"applicationId": x, "orderOfMerit": r} for r, x in enumerate((a, b, c, d), 1)])
    assert [i["ApplicationInfo"]["PUReferenceID"] for i in first.json()] == [a, b, c, d]
    moved = hire.http.post(url, json=[{"applicationId": d, "orderOfMerit": 1}]).json()
    assert [(i["ApplicationInfo"]["PUReferenceID"], i["OrderOfMerit"]) for i in moved] == [
        (d, 1), (a, 2), (b, 3), (c, 4)]
    assert _ranks(hire)[e] is None, "unranked applications stay unranked"


@pytest.mark.parametrize("body", [
    "duplicate id", "duplicate rank", "unknown id", "zero rank", "empty", "not a list",
])
def test_order_of_merit_refusals_change_nothing(hire: Hire, five: list[int], runtime, body: str):
    a, b, *_ = five
    url = f"{HIRE}/applications/changeorderofmerit"
    hire.http.post(url, json=[{"applicationId": a, "orderOfMerit": 1}, {"applicationId": b, "orderOfMerit": 2}])
    before = _ranks(hire)
    payload = {
        "duplicate id": [{"applicationId": a, "orderOfMerit": 1}, {"applicationId": a, "orderOfMerit": 2}],
        "duplicate rank": [{"applicationId": a, "orderOfMerit": 2}, {"applicationId": b, "orderOfMerit": 2}],
        "unknown id": [{"applicationId": a, "orderOfMerit": 2}, {"applicationId": 424242, "orderOfMerit": 1}],
        "zero rank": [{"applicationId": a, "orderOfMerit": 0}],
        "empty": [],
        "not a list": {"applicationId": a, "orderOfMerit": 1},
    }[body]
    assert_error(hire.http.post(url, json=payload), 400)
    assert _ranks(hire) == before


def test_order_of_merit_is_per_job(hire: Hire, runtime, five):
    caller = Caller.operator(218)
    with runtime.db.transaction() as s:
        job = jobs.create(s, caller, JobFields(title="Other"), clock=runtime.clock)
        stray = applications.create(s, caller, ApplicationFields(job_id=job.id,
                                                                 applicant_id=hire.records["applicant"]),
                                    clock=runtime.clock).id
    body = [{"applicationId": five[0], "orderOfMerit": 1}, {"applicationId": stray, "orderOfMerit": 2}]
    assert_error(hire.http.post(f"{HIRE}/applications/changeorderofmerit", json=body), 400)
