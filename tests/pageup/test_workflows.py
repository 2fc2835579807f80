"""The seed's three Hire workflows, run end to end over HTTP against `hireport serve` with the demo loaded,
written as an integrator writes them: a token per run, the documented calls, nothing hireport-specific."""

import httpx

from tests.served import Server

TENANT = 218


class Integrator:
    """A PageUp integration: only the base URL and the credentials point at hireport."""

    def __init__(self, server: Server, scopes: str) -> None:
        creds = next(c for c in server.demo["clients"] if c["partner"] is None)
        token = httpx.post(f"{server.base_url}/connect/token", data={
            "grant_type": "client_credentials", "client_id": creds["client_id"],
            "client_secret": creds["client_secret"], "scope": scopes, "instanceId": str(TENANT)})
        token.raise_for_status()
        self.http = httpx.Client(base_url=f"{server.base_url}/v3/{TENANT}/recruitment",
                                 headers={"Authorization": f"Bearer {token.json()['access_token']}"})

    def get(self, path: str, **params: object) -> dict:
        response = self.http.get(path, params=params)
        response.raise_for_status()
        return response.json()

    def all_pages(self, path: str, **params: object) -> list[dict]:
        items, page = [], 1
        while True:
            body = self.get(path, page=page, pageSize=25, **params)
            items += body["Items"]
            if page * body["PageSize"] >= body["TotalCount"]:
                return items
            page += 1


def test_capture_applicant_and_application_form_information(server: Server):
    api = Integrator(server, "Public.Job.Read Public.Application.Read")
    job = api.get("/hire/jobs", pageSize=1)["Items"][0]
    external_id = job["JobInfo"]["sExternalJobID"]
    captured = []
    for application in api.all_pages(f"/hire/jobs/{external_id}/applications", idType="sExternalJobID"):
        applicant_id = application["ApplicantInfo"]["PUReferenceID"]
        application_id = application["ApplicationInfo"]["PUReferenceID"]
        applicant = api.get(f"/hire/applicants/{applicant_id}")
        form = api.get(f"/hire/applications/{application_id}/applicationForm")
        captured.append((applicant["Email"], [a["Question"] for a in form["Answers"]]))
    assert len(captured) >= 20
    assert all(email.endswith("@example.com") and len(questions) == 4 for email, questions in captured)
    by_id = api.get(f"/hire/jobs/{job['JobInfo']['PUReferenceID']}/applications", pageSize=500)
    assert by_id["TotalCount"] == len(captured)


def _export(api: Integrator, action_type: int | None = None) -> list[int]:
    """The payroll export loop: every accepted, unprocessed offer with a complete form, read and processed."""
    extra = {} if action_type is None else {"offerActionTypeId": action_type}
    exported = []
    while True:
        page = api.get("/hire/offers", offerAccepted="true", offerProcessed="false", formComplete="true",
                       pageSize=5, **extra)
        if not page["Items"]:
            return exported
        for item in page["Items"]:
            offer_id = item["OfferInfo"]["PUReferenceID"]
            offer = api.get(f"/hire/offers/{offer_id}")
            starter = api.get(f"/hire/offers/{offer_id}/onboardingform")
            form = api.get(f"/hire/applications/{offer['ApplicationInfo']['PUReferenceID']}/applicationForm")
            assert offer["OfferAccepted"] and starter["FormComplete"] and starter["Answers"] and form["Answers"]
            api.http.post(f"/hire/offers/{offer_id}/process", params=extra).raise_for_status()
            exported.append(offer_id)


def test_offer_export_loop_sees_each_offer_once(server: Server):
    api = Integrator(server, "Public.Offer.Read Public.Offer.Write Public.Application.Read")
    exported = _export(api)
    assert exported, "the demo has accepted offers with complete new-starter forms awaiting export"
    assert len(set(exported)) == len(exported)
    assert _export(api) == [], "processed offers do not come back"


def test_two_offer_action_types_each_see_each_offer_once(server: Server):
    api = Integrator(server, "Public.Offer.Read Public.Offer.Write Public.Application.Read")
    payroll, it_accounts = _export(api, action_type=11), _export(api, action_type=12)
    assert payroll and sorted(payroll) == sorted(it_accounts)
    assert _export(api, action_type=11) == [] and _export(api, action_type=12) == []
    assert _export(api) != [], "the default export has its own flag and still sees them"


def test_download_every_document_of_an_offer(server: Server):
    api = Integrator(server, "Public.Offer.Read Public.Document.Read")
    offers = api.get("/hire/offers", offerAccepted="true", pageSize=50)["Items"]
    documents = [d for o in offers for d in o["Documents"]]
    assert documents
    for document in documents:
        link = api.get(f"/document/{document['PUReferenceID']}")
        download = httpx.get(link["Url"])  # a signed URL: no token
        assert download.status_code == 200
        assert download.headers["content-type"] == document["MimeType"]
        assert document["FileName"] in download.headers["content-disposition"]
        assert download.content.startswith(b"%PDF") and len(download.content) <= document["FileSizeKB"] * 1024
