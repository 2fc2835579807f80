"""Jobs: list, get by either id, create with vendor fields kept, update, and the lifecycle via JobStatusID."""

from starlette.testclient import TestClient

from tests.pageup.conftest import HIRE, Hire, assert_error


def _create(http: TestClient, **body) -> dict:
    response = http.post(f"{HIRE}/jobs", json={"Title": "Payroll Officer", **body})
    assert response.status_code == 200, response.text
    return response.json()


def test_create_keeps_unknown_fields_and_answers_in_pageup_shape(hire: Hire):
    job = _create(hire.http, JobID="REQ-77", NewPositions=2, ReplacementPositions=1, Salary=85000,
                  NeededDate="2027-02-01T00:00:00", SupplementaryField1="Finance", SupplementaryField20="x",
                  CostCentre="CC-9")
    assert job["JobInfo"] == {"PUReferenceID": job["JobInfo"]["PUReferenceID"], "sExternalJobID": "REQ-77"}
    assert (job["JobID"], job["JobStatusID"], job["JobStatus"]) == ("REQ-77", "1", "draft")
    assert job["NeededDate"] == "2027-02-01T00:00:00.000Z"
    assert (job["SupplementaryField1"], job["SupplementaryField20"], job["CostCentre"]) == ("Finance", "x", "CC-9")
    fetched = hire.http.get(f"{HIRE}/jobs/{job['JobInfo']['PUReferenceID']}").json()
    assert fetched == job


def test_get_by_external_id(hire: Hire):
    job = _create(hire.http, JobID="EXT-1")
    by_external = hire.http.get(f"{HIRE}/jobs/EXT-1", params={"idType": "sExternalJobID"})
    assert by_external.json()["JobInfo"]["PUReferenceID"] == job["JobInfo"]["PUReferenceID"]
    assert_error(hire.http.get(f"{HIRE}/jobs/EXT-1"), 400)
    assert_error(hire.http.get(f"{HIRE}/jobs/NOPE", params={"idType": "sExternalJobID"}), 404)
    assert_error(hire.http.get(f"{HIRE}/jobs/999999"), 404)
    assert_error(hire.http.get(f"{HIRE}/jobs/1", params={"idType": "guid"}), 400)


def test_list_pages(hire: Hire):
    for n in range(4):
        _create(hire.http, JobID=f"P{n}")
    first = hire.http.get(f"{HIRE}/jobs", params={"pageSize": 2}).json()
    second = hire.http.get(f"{HIRE}/jobs", params={"pageSize": 2, "page": 3}).json()
    assert (first["Page"], first["PageSize"], first["TotalCount"], len(first["Items"])) == (1, 2, 5, 2)
    assert len(second["Items"]) == 1
    assert first["Items"][0]["Documents"][0]["FileName"] == "job.txt"
    for bad in ({"pageSize": 0}, {"pageSize": 501}, {"page": 0}, {"page": "x"}):
        assert_error(hire.http.get(f"{HIRE}/jobs", params=bad), 400)


def test_update_changes_only_what_was_sent(hire: Hire):
    job = _create(hire.http, JobID="U1", Summary="first", SupplementaryField2="keep")
    job_id = job["JobInfo"]["PUReferenceID"]
    updated = hire.http.put(f"{HIRE}/jobs/{job_id}", json={"Summary": "second", "SupplementaryField3": "new"}).json()
    assert (updated["Summary"], updated["Title"], updated["JobID"]) == ("second", "Payroll Officer", "U1")
    assert (updated["SupplementaryField2"], updated["SupplementaryField3"]) == ("keep", "new")
    by_external = hire.http.put(f"{HIRE}/jobs/U1", params={"idType": "sExternalJobID"}, json={"Title": "Renamed"})
    assert by_external.json()["Title"] == "Renamed"


def test_status_moves_through_the_lifecycle(hire: Hire):
    job_id = _create(hire.http, JobID="L1")["JobInfo"]["PUReferenceID"]
    refused = assert_error(hire.http.put(f"{HIRE}/jobs/{job_id}", json={"JobStatusID": "3"}), 409)
    assert {e["Field"] for e in refused["Errors"]} == {"NewPositions", "Description"}, "in PageUp's words"
    assert hire.http.get(f"{HIRE}/jobs/{job_id}").json()["JobStatusID"] == "1", "a refusal changes nothing"
    approved = hire.http.put(f"{HIRE}/jobs/{job_id}", json={"JobStatusID": "3", "NewPositions": 1,
                                                            "Description": "Pays people"})
    assert approved.json()["JobStatus"] == "approved"
    assert_error(hire.http.put(f"{HIRE}/jobs/{job_id}", json={"JobStatusID": "8"}), 409)
    assert_error(hire.http.put(f"{HIRE}/jobs/{job_id}", json={"JobStatusID": "99"}), 400)


def test_bad_bodies_are_400_and_change_nothing(hire: Hire):
    before = hire.http.get(f"{HIRE}/jobs").json()["TotalCount"]
    assert_error(hire.http.post(f"{HIRE}/jobs", json={"JobID": "no title"}), 400)
    assert_error(hire.http.post(f"{HIRE}/jobs", json={"Title": "x", "NewPositions": "many"}), 400)
    assert_error(hire.http.post(f"{HIRE}/jobs", json={"Title": "x", "NeededDate": "soon"}), 400)
    assert_error(hire.http.post(f"{HIRE}/jobs", content=b"not json", headers={"Content-Type": "application/json"}),
                 400)
    _create(hire.http, JobID="DUP")
    assert_error(hire.http.post(f"{HIRE}/jobs", json={"Title": "again", "JobID": "DUP"}), 409)
    assert hire.http.get(f"{HIRE}/jobs").json()["TotalCount"] == before + 1


def test_ids_sent_as_numbers_are_understood(hire: Hire):
    job = _create(hire.http, JobID=4711, OwnerUserID=12, SiteID=3, JobStatusID=1)
    assert (job["JobID"], job["OwnerUserID"], job["SiteID"], job["JobStatusID"]) == ("4711", "12", "3", "1")


def test_openapi_is_served_with_the_dialect(hire: Hire):
    spec = hire.http.get("/v3/openapi.json").json()
    assert "/v3/{tenantId}/recruitment/hire/offers" in spec["paths"]
    assert "JobStatusID" in spec["info"]["description"]
    assert hire.http.get("/v3/docs").status_code == 200
