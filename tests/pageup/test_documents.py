"""Documents: the signed download link, and the direct upload flow."""

from urllib.parse import parse_qs, urlsplit

from hireport.kit.clock import FrozenClock
from tests.pageup.conftest import DOCS, HIRE, Hire, assert_error


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_download_link_serves_the_bytes_with_type_and_name(hire: Hire):
    job = hire.http.get(f"{HIRE}/jobs/{hire.records['job']}").json()
    doc = job["Documents"][0]
    assert set(doc) == {"PUReferenceID", "Title", "FileSizeKB", "Extension", "MimeType", "DocumentCategory",
                        "CreatedDate", "FileName"}
    link = hire.http.get(f"{DOCS}/{doc['PUReferenceID']}").json()
    assert link["Url"].startswith("http://testserver/v3/218/recruitment/document/")
    download = hire.http.get(_path(link["Url"]), headers={"Authorization": ""})
    assert download.status_code == 200
    assert download.content == b"job of tenant 218"
    assert download.headers["content-type"].startswith("text/plain")
    assert 'filename="job.txt"' in download.headers["content-disposition"]


def test_download_link_expires(hire: Hire, clock: FrozenClock):
    link = hire.http.get(f"{DOCS}/{hire.records['document']}").json()
    clock.advance(299)
    assert hire.http.get(_path(link["Url"])).status_code == 200
    clock.advance(1)
    assert "expired" in assert_error(hire.http.get(_path(link["Url"])), 403)["Message"]


def test_tampered_links_are_refused(hire: Hire, runtime):
    from tests import factories

    factories.tenant(runtime, 219)
    other = factories.recruitment(runtime, 219)
    url = _path(hire.http.get(f"{DOCS}/{hire.records['document']}").json()["Url"])
    query = parse_qs(urlsplit(url).query)
    signature, expires = query["signature"][0], query["expires"][0]
    forged = [
        url.replace(f"signature={signature}", f"signature={signature[:-2]}AA"),
        url.replace(f"expires={expires}", f"expires={int(expires) + 3600}"),
        url.replace(f"/document/{hire.records['document']}/", f"/document/{hire.records['document'] + 1}/"),
        url.replace("/v3/218/", "/v3/219/").replace(f"/document/{hire.records['document']}/",
                                                     f"/document/{other['document']}/"),
    ]
    for attempt in forged:
        assert_error(hire.http.get(attempt), 403)
    assert_error(hire.http.get(url.split("?")[0]), 400)


def test_upload_flow(hire: Hire):
    target = hire.http.get(f"{DOCS}/prepareTempDirectUpload", params={"filename": "contract.pdf"}).json()
    assert set(target) == {"url", "headers", "uploadId", "expiresAt"}
    data = b"%PDF-1.4 signed contract"
    put = hire.http.put(_path(target["url"]), content=data, headers={**target["headers"], "Authorization": ""})
    assert put.status_code == 200
    created = hire.http.post(DOCS, json={"UploadId": target["uploadId"], "FileName": "contract.pdf",
                                         "Title": "Signed contract", "DocumentCategory": "Contract",
                                         "EntityType": "Offer", "EntityID": hire.records["offer"]})
    assert created.status_code == 200, created.text
    doc = created.json()
    assert (doc["Title"], doc["Extension"], doc["MimeType"], doc["FileSizeKB"]) == (
        "Signed contract", "pdf", "application/pdf", 1)
    offer = hire.http.get(f"{HIRE}/offers/{hire.records['offer']}").json()
    assert doc["PUReferenceID"] in [d["PUReferenceID"] for d in offer["Documents"]]
    link = hire.http.get(f"{DOCS}/{doc['PUReferenceID']}").json()
    assert hire.http.get(_path(link["Url"])).content == data
    again = {"UploadId": target["uploadId"], "FileName": "x.pdf", "EntityType": "Job", "EntityID": hire.records["job"]}
    assert_error(hire.http.post(DOCS, json=again), 409)


def test_upload_refusals(hire: Hire, clock: FrozenClock):
    target = hire.http.get(f"{DOCS}/prepareTempDirectUpload", params={"filename": "a.txt"}).json()
    url = _path(target["url"])
    body = {"UploadId": target["uploadId"], "FileName": "a.txt", "EntityType": "Job", "EntityID": hire.records["job"]}
    assert_error(hire.http.post(DOCS, json=body), 404)  # nothing PUT yet
    assert_error(hire.http.put(url.replace("signature=", "signature=x"), content=b"x"), 403)
    assert_error(hire.http.put(url, content=b""), 400)
    assert hire.http.put(url, content=b"hello").status_code == 200
    assert_error(hire.http.post(DOCS, json={**body, "EntityType": "Applicant"}), 400)
    assert_error(hire.http.post(DOCS, json={**body, "EntityID": 424242}), 404)
    assert_error(hire.http.post(DOCS, json={**body, "UploadId": "../../etc"}), 404)
    assert_error(hire.http.get(f"{DOCS}/prepareTempDirectUpload"), 400)
    clock.advance(900)
    assert_error(hire.http.put(url, content=b"late"), 403)
    filed = hire.http.post(DOCS, json=body, headers=hire.headers())  # a fresh token: the old one expired too
    assert filed.status_code == 200, "bytes PUT in time can still be filed"
