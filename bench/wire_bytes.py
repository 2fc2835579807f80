"""The bytes every dialect answers on the demo data, to compare two revisions (issue 25: moving vendor-only
fields and settings out of the core changes no byte on the wire).

    python -m bench.wire_bytes load DATA_DIR        # the demo at a fixed clock, plus vendor-only job fields
    python -m bench.wire_bytes dump DATA_DIR OUT     # a fixed list of GETs over every dialect, bodies to OUT

Each step runs the revision first on PYTHONPATH, on a database that revision migrated (`hireport db upgrade`).
`load` writes the demo and then, through the dialects' own APIs, the fields only one vendor knows (PageUp's
site, owner, dates; Gupy's publication type, department, role, branch, quick apply), and saves the
credentials in DATA_DIR. `dump` changes the data (a background-check poll leases what it hands out), so dump
a copy. Comparing HEAD (worktree at /tmp/before) with this checkout, the database migrated in between:

    D=$(mktemp -d)
    PYTHONPATH=/tmp/before/src HIREPORT_DATA_DIR=$D/base .venv/bin/hireport db upgrade
    PYTHONPATH=/tmp/before/src .venv/bin/python -m bench.wire_bytes load $D/base
    cp -r $D/base $D/old && PYTHONPATH=/tmp/before/src .venv/bin/python -m bench.wire_bytes dump $D/old $D/old.txt
    cp -r $D/base $D/new && HIREPORT_DATA_DIR=$D/new .venv/bin/hireport db upgrade
    .venv/bin/python -m bench.wire_bytes dump $D/new $D/new.txt && diff $D/old.txt $D/new.txt

The fuzzy serializer of the background-checking API adds a random GUID to every object and shuffles keys:
those bodies are written with the GUID-named keys dropped and the keys sorted; every other body as sent.
"""

import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.testclient import TestClient

from hireport import demo
from hireport.app import create_app
from hireport.boot import build_runtime
from hireport.kit.auth import TokenClaims
from hireport.kit.clock import FrozenClock
from hireport.kit.runtime import Runtime
from hireport.services import accounts, identity
from hireport.settings import Settings

AT = datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
TENANT = demo.DEMO_TENANT
HIRE = f"/v3/{TENANT}/recruitment/hire"
SAVED = "wire-credentials.json"
AWLI = {"integrationContext": f"urn:li:organization:{TENANT}", "integrationType": "APPLY_WITH_LINKEDIN",
        "tenantType": "JOBS", "dataProvider": "ATS"}
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _runtime(data_dir: Path) -> Runtime:
    return build_runtime(Settings(data_dir=data_dir), clock=FrozenClock(AT))


def _token(http: TestClient, client: dict[str, Any]) -> dict[str, str]:
    answer = http.post("/connect/token", data={"grant_type": "client_credentials", "client_id": client["client_id"],
                                               "client_secret": client["client_secret"], "instanceId": str(TENANT)})
    answer.raise_for_status()
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def _linkedin(http: TestClient, client: dict[str, Any]) -> dict[str, str]:
    answer = http.post("/oauth/v2/accessToken", data={"grant_type": "client_credentials",
                                                      "client_id": client["client_id"],
                                                      "client_secret": client["client_secret"]})
    answer.raise_for_status()
    return {"Authorization": "Bearer " + answer.json()["access_token"]}


def load(data_dir: Path) -> None:
    runtime = _runtime(data_dir)
    saved = demo.as_json(demo.load(runtime))
    with runtime.db.transaction() as session:
        saved["operator"] = identity.create_operator_credential(session, name="wire bytes", clock=runtime.clock)
    (data_dir / SAVED).write_text(json.dumps(saved))
    with TestClient(create_app(runtime)) as http:
        hire = _token(http, saved["clients"][0])
        jobs = http.get(f"{HIRE}/jobs", headers=hire).json()["Items"]
        for job, extra in zip(jobs[:3], ({"OwnerUserID": "u101", "SiteID": "SYD-2"}, {
                "NeededDate": "2027-01-15T00:00:00.250Z", "PositionStart": "2027-02-01T08:30:00",
                "PositionEnd": "2028-02-01T08:30:00+10:00", "SupplementaryField1": "night shifts"}, {
                "OwnerUserID": None, "SiteID": "", "NeededDate": None}), strict=True):
            http.put(f"{HIRE}/jobs/{job['JobInfo']['PUReferenceID']}", json=extra, headers=hire).raise_for_status()
        gupy = {"Authorization": "Bearer " + saved["api_token"]["token"]}
        http.post("/api/v1/jobs", headers=gupy, json={
            "name": "Night nurse", "type": "vacancy_type_effective", "publicationType": "internal",
            "numVacancies": 2, "departmentId": 7, "roleId": 31, "branchId": 4, "quickApply": True,
            "notes": "kept as sent"}).raise_for_status()
        first = http.get("/api/v1/jobs", headers=gupy, params={"perPage": 1}).json()["results"][0]
        http.patch(f"/api/v1/jobs/{first['id']}", headers=gupy, json={
            "publicationType": "external", "departmentId": 2147483647, "roleId": 0}).raise_for_status()


def dump(data_dir: Path, out: Path) -> None:
    saved = json.loads((data_dir / SAVED).read_text())
    runtime = _runtime(data_dir)
    with TestClient(create_app(runtime)) as http:
        hire, checks = _token(http, saved["clients"][0]), _token(http, saved["clients"][1])
        gupy = {"Authorization": "Bearer " + saved["api_token"]["token"]}
        parent, app = _linkedin(http, saved["linkedin"]["parent"]), _linkedin(http, saved["linkedin"]["app"])
        person = saved["people"][0]
        with runtime.db.transaction(write=False) as session:
            account = accounts.check_password(session, person["email"], person["password"])
        assert account is not None
        token, _ = runtime.tokens.issue(TokenClaims(  # what the authorization-code flow gives a signed-in person
            client_id=saved["connect"]["client_id"], tenant_id=TENANT, scopes=["Connect.Recruitment.User"],
            partner_id=None, lifetime=300, subject=account.id))
        connect = {"Authorization": "Bearer " + token}
        operator = {"Authorization": "Bearer " + saved["operator"]}
        jobs = http.get(f"{HIRE}/jobs", headers=hire, params={"pageSize": 500}).json()["Items"]
        job_ids = [j["JobInfo"]["PUReferenceID"] for j in jobs]
        offers = http.get(f"{HIRE}/offers", headers=hire, params={"pageSize": 500}).json()["Items"]
        gets: list[tuple[str, dict[str, str], dict[str, Any]]] = [
            (f"{HIRE}/jobs", hire, {"pageSize": 500}),
            *[(f"{HIRE}/jobs/{j}", hire, {}) for j in job_ids],
            *[(f"{HIRE}/jobs/{j}/applications", hire, {"pageSize": 500}) for j in job_ids],
            (f"{HIRE}/offers", hire, {"pageSize": 500}),
            *[(f"{HIRE}/offers/{o['OfferInfo']['PUReferenceID']}", hire, {}) for o in offers[:5]],
            ("/api/v1/jobs", gupy, {"perPage": 100}),
            *[(f"/api/v1/jobs/{j}", gupy, {}) for j in job_ids],
            *[(f"/api/v1/jobs/{j}/applications", gupy, {"perPage": 100}) for j in job_ids],
            ("/v2/provisionedApplications", parent, {"q": "credentialsByUniqueForeignId",
                                                    "uniqueForeignId": saved["linkedin"]["key"]}),
            ("/v2/atsIntegrations?" + "&".join(f"ids[0].{k}={v}" for k, v in AWLI.items()), app, {}),
            ("/rest/atsIntegrations?ids=List((" + ",".join(f"{k}:{quote(AWLI[k], safe='')}" for k in sorted(AWLI))
             + "))", {**app, "X-RestLi-Protocol-Version": "2.0.0", "LinkedIn-Version": "202401"}, {}),
            ("/capi/v1/recruitment/premium/Spring2019", connect, {}),
            ("/capi/v1/recruitment/Spring2019", connect, {}),
            *[(f"/manage/v1/{what}", operator, {}) for what in (
                "tenants", f"tenants/{TENANT}", "partners", f"tenants/{TENANT}/jobs", f"tenants/{TENANT}/applicants",
                f"tenants/{TENANT}/applications", f"tenants/{TENANT}/offers", f"tenants/{TENANT}/background-checks",
                f"tenants/{TENANT}/email-templates", f"tenants/{TENANT}/career-pages")],
            *[(f"/manage/v1/tenants/{TENANT}/jobs/{j}", operator, {}) for j in job_ids],
        ]
        with out.open("w") as written:
            for path, headers, params in gets:
                answer = http.get(path, headers=headers, params=params or None)
                written.write(f"GET {path} {json.dumps(params)} -> {answer.status_code}\n{answer.text}\n")
            for _ in range(3):  # the provider's polls: each leases what it is handed, the next gets the following
                answer = http.get(f"/v3/{TENANT}/backgroundchecking", headers=checks, params={"status": "pending"})
                written.write(f"GET backgroundchecking pending -> {answer.status_code}\n"
                              f"{json.dumps(_unfuzzed(answer.json()), sort_keys=True)}\n")


def _unfuzzed(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unfuzzed(v) for k, v in value.items() if not _GUID.match(k)}
    if isinstance(value, list):
        return [_unfuzzed(v) for v in value]
    return value


if __name__ == "__main__":
    match sys.argv[1:]:
        case ["load", data_dir]:
            load(Path(data_dir))
        case ["dump", data_dir, out]:
            dump(Path(data_dir), Path(out))
        case _:
            sys.exit(__doc__)
