"""The console's part in the candidate's side: an admin brands a careers page (name, colours checked for
contrast, a logo told by its content) and the public page follows; a recruiter asks a candidate for a document
and the candidate is mailed a link to their portal."""

from sqlalchemy import select

from hireport.kit.auth import Caller
from hireport.kit.keys import SEALED
from hireport.models import Message
from hireport.services import career_pages
from hireport.web.people import SESSION_COOKIE
from tests.candidates import PNG
from tests.console.world import A, World, dump


def test_an_admin_brands_a_careers_page_and_the_page_follows(world: World):
    admin = world.people["admin"]
    page = world.a["page"]
    listing = admin.get(f"/console/{A}/careers")
    assert listing.status_code == 200 and f'href="/careers/{A}/{page}/"' in listing.text
    saved = admin.post(f"/console/{A}/careers/{page}", {"name": "Acme Health jobs", "url": "https://acme.example",
                                                         "primary_color": "#14532d", "accent_color": "#1e40af"})
    assert saved.status_code == 303 and "career-page-branded" in saved.headers["location"]
    assert world.http.get(f"/careers/{A}/{page}/theme.css").text == ":root { --brand: #14532d; --accent: #1e40af; }\n"
    assert "Jobs at Acme Health jobs" in world.http.get(f"/careers/{A}/{page}/").text

    before = dump(world.rt)
    too_light = admin.post(f"/console/{A}/careers/{page}", {"name": "x", "primary_color": "#fafafa"})
    assert too_light.status_code == 400 and "too light" in too_light.text
    assert dump(world.rt) == before

    cookie = {"Cookie": f"{SESSION_COOKIE}={admin.session_token}"}
    for name, data, status in (("logo.svg", b"<svg onload='alert(1)'/>", 415), ("logo.png", b"not a png", 415)):
        refused = world.http.post(f"/console/{A}/careers/{page}/logo", data={"csrf": admin.csrf},
                                  files={"logo": (name, data, "image/png")}, headers=cookie, follow_redirects=False)
        assert refused.status_code == status and "logo" in refused.text
    assert dump(world.rt) == before
    logo = world.http.post(f"/console/{A}/careers/{page}/logo", data={"csrf": admin.csrf},
                           files={"logo": ("logo.png", PNG, "image/png")}, headers=cookie, follow_redirects=False)
    assert logo.status_code == 303
    assert world.http.get(f"/careers/{A}/{page}/logo").content == PNG
    with world.rt.db.transaction(write=False) as session:
        [mine] = [p for p in career_pages.list_all(session, Caller.operator(A)) if p.id == page]
        assert mine.logo_key is not None


def test_a_recruiter_asks_the_candidate_for_a_document(world: World):
    recruiter, application = world.people["recruiter"], world.a["application"]
    page = recruiter.get(f"/console/{A}/applications/{application}")
    assert f"/console/{A}/applications/{application}/document-requests" in page.text
    before = dump(world.rt)
    assert recruiter.post(f"/console/{A}/applications/{application}/document-requests",
                          {"title": " "}).status_code == 400
    assert dump(world.rt) == before
    asked = recruiter.post(f"/console/{A}/applications/{application}/document-requests",
                           {"title": "Working with children check"})
    assert asked.status_code == 303
    shown = recruiter.get(asked.headers["location"]).text
    assert "Working with children check" in shown and "not sent yet" in shown
    with world.rt.db.transaction(write=False) as session:
        subject, body = session.execute(select(Message.subject, Message.body).order_by(Message.id.desc())).first()
    assert subject == "Please send us: Working with children check"
    assert body.startswith(SEALED) and "/portal/" in world.rt.kek.unseal(body)
    viewer = world.people["viewer"]
    assert "document-requests" not in viewer.get(f"/console/{A}/applications/{application}").text
