"""Uploads are bound to their tenant and single use; stored bytes are never replaced; signed links verify
safely whatever is sent."""

import hashlib
import threading
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from hireport.kit.runtime import Runtime
from tests import factories
from tests.factories import token_response
from tests.pageup.conftest import DOCS, HIRE_SCOPES, Hire, assert_error
from tests.pageup.test_documents import _path


def _prepare(hire: Hire) -> tuple[str, str]:
    target = hire.http.get(f"{DOCS}/prepareTempDirectUpload", params={"filename": "cv.pdf"}).json()
    return _path(target["url"]), target["uploadId"]


def _file(http: TestClient, tenant: int, upload_id: str, job: int, headers: dict[str, str] | None = None):
    body = {"UploadId": upload_id, "FileName": "cv.pdf", "EntityType": "Job", "EntityID": job}
    return http.post(f"/v3/{tenant}/recruitment/document", json=body, headers=headers)


@pytest.fixture
def other(runtime: Runtime, client: TestClient) -> tuple[dict[str, str], dict[str, int]]:
    """Tenant 219's headers (every Hire scope) and records."""
    factories.tenant(runtime, 219, name="Other")
    records = factories.recruitment(runtime, 219)
    creds = factories.client(runtime, " ".join(HIRE_SCOPES), tenant_id=219)
    token = token_response(client, creds, instanceId="219").json()["access_token"]
    return {"Authorization": f"Bearer {token}"}, records


def test_another_tenant_can_neither_file_nor_fill_an_upload(hire: Hire, other):
    headers, records = other
    url, upload_id = _prepare(hire)
    assert hire.http.put(url, content=b"tenant 218's secret cv").status_code == 200
    assert_error(_file(hire.http, 219, upload_id, records["job"], headers), 404)
    assert_error(hire.http.put(url.replace("/v3/218/", "/v3/219/"), content=b"x"), 403)
    filed = _file(hire.http, 218, upload_id, hire.records["job"])
    assert filed.status_code == 200, "its own tenant still can"


def test_a_second_put_is_refused_and_changes_nothing(hire: Hire):
    url, upload_id = _prepare(hire)
    assert hire.http.put(url, content=b"first").status_code == 200
    assert_error(hire.http.put(url, content=b"second"), 409)
    doc = _file(hire.http, 218, upload_id, hire.records["job"]).json()
    assert_error(hire.http.put(url, content=b"third"), 409)
    link = hire.http.get(f"{DOCS}/{doc['PUReferenceID']}").json()
    assert hire.http.get(_path(link["Url"])).content == b"first"


def test_an_upload_is_filed_once(hire: Hire):
    url, upload_id = _prepare(hire)
    hire.http.put(url, content=b"once")
    assert _file(hire.http, 218, upload_id, hire.records["job"]).status_code == 200
    assert_error(_file(hire.http, 218, upload_id, hire.records["job"]), 409)


def test_the_stored_hash_and_size_are_those_of_the_bytes_served(hire: Hire, runtime: Runtime):
    from hireport.models import Document

    url, upload_id = _prepare(hire)
    data = bytes(range(256)) * 50
    hire.http.put(url, content=data)
    doc = _file(hire.http, 218, upload_id, hire.records["job"]).json()
    served = hire.http.get(_path(hire.http.get(f"{DOCS}/{doc['PUReferenceID']}").json()["Url"])).content
    with runtime.db.transaction(write=False) as session:
        row = session.get(Document, doc["PUReferenceID"])
        assert row is not None
        assert (row.size_bytes, row.sha256) == (len(served), hashlib.sha256(served).hexdigest())
    assert served == data


def test_concurrent_puts_one_wins(hire: Hire):
    url, _ = _prepare(hire)
    statuses: list[int] = []

    def put(n: int) -> None:
        statuses.append(hire.http.put(url, content=f"writer {n}".encode()).status_code)

    threads = [threading.Thread(target=put, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(statuses) == [200] + [409] * 5


@pytest.mark.parametrize(("expires", "signature", "status"), [
    ("99999999999999999999", "x", 400), ("-1", "x", 400), ("abc", "x", 400), ("1", "", 400),
    ("4102444800", "\u00e9\u00e8\u2603", 403), ("4102444800", "s" * 10_000, 400), ("4102444800", "A" * 43, 403),
])
def test_hostile_link_parameters_are_refused_cleanly(hire: Hire, expires: str, signature: str, status: int):
    for path in (f"{DOCS}/{hire.records['document']}/content", f"{DOCS}/upload/{'a' * 32}"):
        query = f"?expires={quote(expires)}&signature={quote(signature)}"
        method = hire.http.get if path.endswith("content") else hire.http.put
        assert_error(method(path + query, headers={"Authorization": ""}), status)
