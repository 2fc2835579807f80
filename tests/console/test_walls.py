"""The console's walls, over every console route the app has (a new route is walked without being
listed): a member of tenant 218 finds nothing of tenant 219 whatever URL they type; a form posted
without its CSRF token is refused; a viewer changes nothing even by posting the forms. Every refusal
leaves the database as it was."""

import re
from typing import Any

from starlette.testclient import TestClient

from hireport.kit.dialect import api_routes
from tests.console.world import SECRET, A, B, Person, World, dump

FORM = {"status": "closed", "cancel_reason": "x", "partner": "bg", "package_code": "X", "name": "taken over",
        "scopes": "Gupy.Jobs.Read"}  # what any console form might ask for


def console_routes(http: TestClient) -> list[tuple[str, str]]:
    routes = api_routes(http.app.routes)  # type: ignore[attr-defined]
    found = sorted({(method, path) for path, route in routes if path.startswith("/console")
                    for method in route.methods or ()})
    assert len(found) > 10, found
    return found


def url(path: str, tenant: int, ids: dict[str, Any]) -> str:
    """The route with these ids; an id the walk does not know fails here, to be added."""
    return path.format(tenant_id=tenant, job_id=ids["job"], application_id=ids["application"],
                       document_id=ids["document"], client_id=ids["client_id"], token_id=ids["token_id"],
                       order_id=ids["order"], page_id=ids["page"])


def names_a_record(path: str) -> bool:
    return bool(set(re.findall(r"{(\w+)}", path)) - {"tenant_id"})


def ask(person: Person, method: str, target: str) -> Any:
    return person.get(target) if method == "GET" else person.post(target, FORM)


def test_a_member_of_218_finds_nothing_of_219_whatever_the_url(world: World):
    admin, before = world.people["admin"], dump(world.rt)
    walked = 0
    for method, path in console_routes(world.http):
        if "{tenant_id}" not in path:
            continue
        targets = [url(path, B, world.b)]  # 219 in the path: not a tenant of theirs
        if names_a_record(path):
            targets += [url(path, A, world.b), url(path, B, world.a)]  # 219's ids in 218, 218's ids in 219
        for target in targets:
            answer = ask(admin, method, target)
            assert answer.status_code == 404, (method, target, answer.status_code, answer.text[:500])
            assert SECRET.encode() not in answer.content, (method, target)
            walked += 1
    assert walked > 20
    assert dump(world.rt) == before, "a refused request changed the database"


def test_218s_own_pages_show_nothing_of_219(world: World):
    admin = world.people["admin"]
    for method, path in console_routes(world.http):
        if method != "GET":
            continue
        target = url(path, A, world.a)
        answer = admin.get(target)
        assert answer.status_code in (200, 303), (target, answer.text[:500])
        assert SECRET.encode() not in answer.content, target
        if answer.status_code == 200 and answer.headers["content-type"].startswith("text/html"):
            assert "Acme Health" in answer.text, target  # a page of their tenant's


def test_no_tenant_of_theirs_no_tenant_at_all(world: World):
    """A person who is a member of no tenant: the picker says so, and every tenant's pages are not found."""
    nobody = world.people["nobody"]
    home = nobody.get("/console/")
    assert home.status_code == 200 and "not a member of any tenant" in home.text
    for method, path in console_routes(world.http):
        if "{tenant_id}" in path:
            for tenant, ids in ((A, world.a), (B, world.b)):
                assert ask(nobody, method, url(path, tenant, ids)).status_code == 404, (method, path)


def test_every_form_posted_without_its_token_is_refused(world: World):
    admin, before = world.people["admin"], dump(world.rt)
    posts = [path for method, path in console_routes(world.http) if method == "POST"]
    assert len(posts) >= 6, posts
    for path in posts:
        target = url(path, A, world.a)
        for token in (None, "", "0" * 64, world.people["recruiter"].csrf):  # none, empty, forged, another's
            answer = admin.post(target, FORM, csrf=token)
            assert answer.status_code == 403, (target, token, answer.text[:300])
            assert "did not come from this site" in answer.text
    assert dump(world.rt) == before


def test_a_viewer_sees_no_button_that_changes_anything_and_posting_the_forms_is_refused(world: World):
    viewer, before = world.people["viewer"], dump(world.rt)
    for method, path in console_routes(world.http):
        target = url(path, A, world.a)
        answer = ask(viewer, method, target)
        if method == "POST":
            assert answer.status_code == 403, (target, answer.text[:300])
            assert "the viewer role may not" in answer.text
        elif path.endswith(("/integrations", "/careers")):  # admins' pages
            assert answer.status_code == 403, target
        else:
            assert answer.status_code in (200, 303), (target, answer.text[:300])
            assert changing_forms(answer.text) == [], target
    assert dump(world.rt) == before


def test_a_recruiter_moves_jobs_and_orders_checks_but_leaves_integrations_to_admins(world: World):
    recruiter = world.people["recruiter"]
    job = recruiter.get(f"/console/{A}/jobs/{world.a['job']}")
    assert f"/console/{A}/jobs/{world.a['job']}/status" in changing_forms(job.text)
    application = recruiter.get(f"/console/{A}/applications/{world.a['application']}")
    assert f"/console/{A}/applications/{world.a['application']}/checks" in changing_forms(application.text)
    before = dump(world.rt)
    for method, path in console_routes(world.http):
        if "/integrations" in path:
            answer = ask(recruiter, method, url(path, A, world.a))
            assert answer.status_code == 403 and "the recruiter role may not administer" in answer.text, path
    assert dump(world.rt) == before
    nav = recruiter.get(f"/console/{A}/jobs").text
    assert "/integrations" not in nav and "/integrations" in world.people["admin"].get(f"/console/{A}/jobs").text


def changing_forms(html: str) -> list[str]:
    """Where the page's state-changing forms post to (signing out aside)."""
    actions = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)
    return [a for a in actions if a != "/account/signout"]


def test_signed_out_every_console_route_sends_to_sign_in(world: World):
    for method, path in console_routes(world.http):
        answer = world.http.request(method, url(path, A, world.a), follow_redirects=False,
                                    data=FORM if method == "POST" else None)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/account/signin"), path
