"""Hostile input on every candidate page (careers pages and the portal), walked from the app's routes so that a
new page is covered without being listed: ids out of every domain in the path, junk in every query parameter,
forms without a token, with 60,000-character fields, too many fields or files, and multipart bodies that do not
parse. Each is a 4xx page or a redirect to ask for a link (a page asked for with real ids may also answer
itself: it ignores query parameters it does not take), never a 500, never a form that went through, and changes
nothing."""

import re

import pytest
from starlette.testclient import TestClient

from hireport.kit.dialect import api_routes
from hireport.kit.ratelimit import Limiter
from hireport.web import candidates
from tests.candidates import PDF, A, Site, quiet_settings, site_fixture  # noqa: F401
from tests.console.world import dump

IDS = ["0", "-1", str(2**31), str(2**63), str(2**64), "abc", "1e5", "%20"]
QUERIES = [{"page": "0"}, {"page": str(2**63)}, {"page": "x"}, {"q": "x" * 60_000}, {"department": "x" * 300},
           {"candidate": "-1", "expires": str(2**70), "signature": "x" * 500}, {"next": "//evil.example/"},
           {"expires": "abc"}, {"sent": "maybe"}]
FORMS = [{}, {"csrf": "x" * 60_000}, {"email": "x" * 60_000, "csrf": "forged"},
         {f"f{i}": "x" for i in range(200)}]


def candidate_routes(http: TestClient) -> list[tuple[str, str]]:
    routes = api_routes(http.app.routes)  # type: ignore[attr-defined]
    found = sorted({(method, path) for path, route in routes if path.startswith(("/careers", "/portal"))
                    for method in route.methods or ()})
    assert len(found) > 20, found
    return found


def fill(path: str, site: Site, value: str | None = None) -> str:
    known = {"tenant_id": str(A), "page_id": str(site.page), "job_id": str(site.jobs["published"])}
    return re.sub(r"{(\w+)}", lambda m: value if value is not None else known.get(m[1], "1"), path)


ASKS_FOR_A_LINK = ("/link", "/follow")  # where a page sends someone without a portal session


def _ok(answer, what, *, form: bool = False, real_ids: bool = False) -> None:  # type: ignore[no-untyped-def]
    """A refusal (4xx), or a redirect to ask for a link; or, for a page asked for with real ids, the page itself
    (a page ignores query parameters it does not take) or, in a session, its document's signed link. Never a
    form that went through."""
    status, where = answer.status_code, answer.headers.get("location", "").split("?")[0]
    if status == 303 and where.endswith(ASKS_FOR_A_LINK):
        return
    if real_ids and not form and (status == 200 or (status == 303 and where.endswith("/content"))):
        return
    assert 400 <= status < 500, (what, status, where, answer.text[:300])


@pytest.mark.parametrize("entered", [False, True], ids=["no session", "a candidate's session"])
def test_no_hostile_input_makes_a_candidate_page_fail_or_change_anything(site: Site, entered: bool):
    assert site.apply().status_code == 303
    # past the limit every form is a 429 before its handler reads it: lift it, to reach the handlers
    site.rt.state[candidates.LIMITER] = Limiter("1000000/minute", site.rt.rate_limits, namespace="hostile")
    if entered:
        site.enter("zelda.quennell@example.com")
    before = dump(site.rt)
    for method, path in candidate_routes(site.http):
        # every id out of its domain with one query, then the real ids with every hostile query or form
        targets = [(fill(path, site, bad), QUERIES[0], FORMS[0]) for bad in IDS if "{" in path]
        targets += [(fill(path, site).replace(str(site.page), bad, 1), QUERIES[0], FORMS[0]) for bad in IDS[:3]]
        targets += [(fill(path, site), query, form) for query, form in zip(QUERIES, FORMS * 3, strict=False)]
        real = fill(path, site)
        for target, query, form in targets:
            if method == "GET":
                _ok(site.http.get(target, params=query, follow_redirects=False), (target, query),
                    real_ids=target == real)
            else:
                _ok(site.http.post(target, data=form, follow_redirects=False), (target, len(form)), form=True)
        if method == "POST":
            target = fill(path, site)
            many = [("cv", (f"{i}.pdf", PDF, "application/pdf")) for i in range(20)]
            _ok(site.http.post(target, data={"csrf": "x"}, files=many, follow_redirects=False), (target, "files"),
                form=True)
            broken = site.http.post(target, content=b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx",
                                    headers={"Content-Type": "multipart/form-data; boundary=zz"},
                                    follow_redirects=False)
            _ok(broken, (target, "a multipart body that does not end"), form=True)
    assert dump(site.rt) == before
