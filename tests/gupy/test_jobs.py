"""Gupy jobs: create (always draft), list, read, and the seed's status changes sent as written."""

import pytest

from tests.gupy.conftest import JOBS, Company, assert_error, create_job


def test_create_always_makes_a_draft_and_generates_a_code(company: Company):
    job = create_job(company.http, description="descricao", responsibilities="Modelar dados",
                     addressCity="São Paulo", customFields=[{"id": "abc", "value": "x"}])
    assert (job["status"], job["code"], job["name"]) == ("draft", str(job["id"]), "Analista de Dados")
    assert (job["responsibilities"], job["addressCity"]) == ("Modelar dados", "São Paulo")
    assert job["createdAt"].endswith("Z") and len(job["createdAt"]) == 20
    assert company.http.get(f"{JOBS}/{job['id']}").json() == job
    assert_error(company.http.post(JOBS, json={"name": "x", "type": "vacancy_type_effective",
                                               "publicationType": "external", "numVacancies": 1,
                                               "departmentId": 1, "roleId": 1, "status": "published"}), 400)


@pytest.mark.parametrize("missing", ["name", "type", "publicationType", "numVacancies", "departmentId", "roleId"])
def test_required_fields(company: Company, missing: str):
    body = {"name": "x", "type": "vacancy_type_effective", "publicationType": "external", "numVacancies": 1,
            "departmentId": 1, "roleId": 1}
    del body[missing]
    assert missing in assert_error(company.http.post(JOBS, json=body), 400)["detail"]


@pytest.mark.parametrize("bad", [{"name": "x" * 256}, {"type": "vacancy_type_boss"}, {"publicationType": "both"},
                                 {"numVacancies": -1}, {"careerPageId": 999}, {"hiringDeadline": "tomorrow"},
                                 {"type": "vacancy_type_talent_pool", "quickApply": True}])
def test_bad_jobs_are_refused_and_nothing_is_created(company: Company, bad):
    body = {"name": "x", "type": "vacancy_type_effective", "publicationType": "external", "numVacancies": 1,
            "departmentId": 1, "roleId": 1, **bad}
    assert_error(company.http.post(JOBS, json=body), 400)
    assert company.http.get(JOBS).json()["totalResults"] == 0


def test_code_is_unique(company: Company):
    create_job(company.http, code="REQ-1")
    assert_error(company.http.post(JOBS, json={"name": "y", "type": "vacancy_type_effective", "code": "REQ-1",
                                               "publicationType": "internal", "numVacancies": 1, "departmentId": 1,
                                               "roleId": 1}), 409)


def test_list_filters_and_paging(company: Company):
    ids = [create_job(company.http, name=f"Vaga {n}", code=f"C{n}")["id"] for n in range(5)]
    page = company.http.get(JOBS, params={"perPage": 2, "page": 2}).json()
    assert (page["totalResults"], page["page"], page["totalPages"]) == (5, 2, 3)
    assert [j["id"] for j in page["results"]] == ids[2:4]
    assert [j["id"] for j in company.http.get(JOBS, params={"code": "C3"}).json()["results"]] == [ids[3]]
    assert company.http.get(JOBS, params={"name": "vaga"}).json()["totalResults"] == 5
    assert company.http.get(JOBS, params={"name": "%"}).json()["totalResults"] == 0
    assert company.http.get(JOBS, params={"status": "published"}).json()["totalResults"] == 0
    for bad in ({"perPage": 101}, {"page": 0}, {"status": "open"}):
        assert_error(company.http.get(JOBS, params=bad), 400)
    assert_error(company.http.get(f"{JOBS}/424242"), 404)


def test_the_seed_status_changes_as_written(company: Company):
    """The seed's curl bodies, only the job id changed."""
    job_id = create_job(company.http)["id"]
    url = f"{JOBS}/{job_id}"
    to_approval = company.http.patch(url, json={"status": "waiting_approval", "numVacancies": 3,
                                                "description": "descricao"})
    assert to_approval.json()["status"] == "waiting_approval"
    assert company.http.patch(url, json={"status": "approved", "numVacancies": 3,
                                         "description": "descricao"}).json()["status"] == "approved"
    published = company.http.patch(url, json={"status": "published", "description": "descricao",
                                              "careerPageId": company.career_page, "hiringDeadline": "2023-12-27",
                                              "customFields": [{"id": "abc"}]})
    assert published.json()["status"] == "published", published.text
    assert company.http.patch(url, json={"status": "frozen", "code": str(job_id)}).json()["status"] == "frozen"
    canceled = company.http.patch(url, json={"status": "canceled", "code": str(job_id),
                                             "cancelReason": "cancellation_requested_by_manager"})
    assert canceled.json()["status"] == "canceled"
    assert "final" in assert_error(company.http.patch(url, json={"status": "published"}), 409)["detail"]


def test_the_seed_disapproval_and_closing(company: Company):
    rejected = create_job(company.http, description="d")["id"]
    assert company.http.patch(f"{JOBS}/{rejected}", json={"status": "disapproved"}).json()["status"] == "disapproved"
    job_id = create_job(company.http, description="d")["id"]
    for body in ({"status": "approved"}, {"status": "published", "careerPageId": company.career_page,
                                          "hiringDeadline": "2027-01-31"}, {"status": "closed"}):
        assert company.http.patch(f"{JOBS}/{job_id}", json=body).status_code == 200
    assert company.http.get(f"{JOBS}/{job_id}").json()["status"] == "closed"


@pytest.mark.parametrize(("body", "rule"), [
    ({"status": "approved", "numVacancies": 0}, "numVacancies"),
    ({"status": "waiting_approval", "description": ""}, "description"),
    ({"status": "published"}, "cannot become published"),
    ({"status": "closed"}, "cannot become closed"),
])
def test_refusals_name_the_rule_and_change_nothing(company: Company, body, rule):
    job = create_job(company.http, description="d")
    assert rule in assert_error(company.http.patch(f"{JOBS}/{job['id']}", json=body), 409)["detail"]
    assert company.http.get(f"{JOBS}/{job['id']}").json() == job


def test_publish_rules_name_each_missing_field(company: Company):
    job_id = create_job(company.http, description="d", customFields=[{"value": "no id"}])["id"]
    company.http.patch(f"{JOBS}/{job_id}", json={"status": "approved"})
    detail = assert_error(company.http.patch(f"{JOBS}/{job_id}", json={"status": "published"}), 409)["detail"]
    assert all(field in detail for field in ("careerPageId", "hiringDeadline", "customFields"))
    unknown_page = company.http.patch(f"{JOBS}/{job_id}", json={"status": "published", "careerPageId": 999})
    assert "careerPageId" in assert_error(unknown_page, 400)["detail"]


def test_cancel_needs_a_listed_reason(company: Company):
    job_id = create_job(company.http, description="d")["id"]
    assert_error(company.http.patch(f"{JOBS}/{job_id}", json={"cancelReason": "bored"}), 400)


def test_quick_apply_is_fixed_at_creation(company: Company):
    job_id = create_job(company.http, quickApply=True)["id"]
    assert_error(company.http.patch(f"{JOBS}/{job_id}", json={"quickApply": False}), 400)
    assert company.http.patch(f"{JOBS}/{job_id}", json={"quickApply": True}).status_code == 200
