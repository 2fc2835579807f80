"""The candidate portal: entered only through a signed, expiring link from a mail (a tampered or expired one is
refused, and one candidate's session never shows another's records); an offer accepted or declined; the
new-starter form saved as a draft, then submitted, after which PageUp's export loop picks the offer up with its
answers; documents asked for and uploaded; a copy of the candidate's data, and its erasure, after which no
personal data of theirs is left in the database or the document store and the APIs answer for the rest. A
portal session lives on the server: signing out, a newer link, erasure and its two hours end it, and its
cookie's value opens nothing after."""

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select
from starlette.testclient import TestClient

from hireport.kit.secrets import hash_secret
from hireport.models import Applicant, Base, Offer, PortalSession
from hireport.services import careers, portal
from tests.candidates import ANSWERS, PDF, PERSON, A, B, Site, form_fields, quiet_settings, site_fixture  # noqa: F401
from tests.console.world import dump

M = f"/manage/v1/tenants/{A}"
OTHER = {"first_name": "Olwen", "last_name": "Pryderi", "email": "olwen.pryderi@example.com",
         "phone": "+61 400 999 888"}


def _applied(site: Site, person: dict[str, str] = PERSON, job: str = "published") -> int:
    answers = ANSWERS if person is PERSON else {**ANSWERS, "why": f"{person['first_name']}'s own reasons"}
    answer = site.apply(job, person=person, answers=answers)
    assert answer.status_code == 303, answer.text
    return int(answer.headers["location"].rsplit("=", 1)[1])


def _offer(site: Site, application_id: int, **fields: object) -> int:
    made = site.http.post(f"{M}/offers", json={"application_id": application_id, "start_date": "2027-02-01T09:00:00Z",
                                               "hours_per_week": 38, "comments": "Welcome", **fields},
                          headers=site.operator)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found[1]


def _browser(site: Site) -> TestClient:
    """Another browser (its own cookies) on the same app."""
    return TestClient(site.http.app, base_url="http://testserver")


def test_the_link_in_the_confirmation_mail_opens_the_candidates_portal(site: Site):
    _applied(site)
    answer = site.http.get(site.link(PERSON["email"]), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == f"/portal/{A}/"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and f"Path=/portal/{A}" in cookie
    home = site.http.get(f"/portal/{A}/")
    assert home.status_code == 200 and "Hello Zelda" in home.text and "Night Nurse" in home.text
    assert "In progress" in home.text


def _session_cookie(browser: TestClient) -> str:
    return next(c.value for c in browser.cookies.jar if c.name == "hireport_candidate")


def _replayed(site: Site, token: str) -> TestClient:
    """A browser that holds only a copy of a portal cookie's value."""
    thief = _browser(site)
    thief.cookies.set("hireport_candidate", token, path=f"/portal/{A}")
    return thief


def _refused_with(site: Site, token: str) -> None:
    """The cookie's value opens nothing: every page sends its holder to ask for a link, and no data leaks."""
    thief = _replayed(site, token)
    for path in ("", "my-data.json", "erase"):
        answer = thief.get(f"/portal/{A}/{path}", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/portal/{A}/link", (path, answer.text)
        assert "Zelda" not in answer.text
    answer = thief.post(f"/portal/{A}/erase", data={"csrf": "anything", "confirm": "erase"}, follow_redirects=False)
    assert answer.status_code == 303


def _sessions(site: Site) -> list[tuple[int, str]]:
    with site.rt.db.transaction(write=False) as session:
        return [(r.applicant_id, r.token_hash) for r in session.scalars(select(PortalSession))]


def test_signing_out_ends_the_session_on_the_server(site: Site):
    _applied(site)
    me = site.enter(PERSON["email"], _browser(site))
    token = _session_cookie(me)
    assert _replayed(site, token).get(f"/portal/{A}/").status_code == 200  # a copy works while the session lives
    assert [h for _, h in _sessions(site)] == [hash_secret(token)]  # only its hash is kept
    assert token not in dump(site.rt)
    signed_out = me.post(f"/portal/{A}/signout", data={"csrf": _csrf(me.get(f"/portal/{A}/").text)})
    assert signed_out.status_code == 200 and "hireport_candidate" in signed_out.headers["set-cookie"]
    assert _sessions(site) == []
    _refused_with(site, token)


def test_a_newer_link_ends_the_earlier_session(site: Site):
    _applied(site)
    laptop = site.enter(PERSON["email"], _browser(site))
    old = _session_cookie(laptop)
    site.rt.clock.advance(60)  # type: ignore[attr-defined]
    follow = site.url("follow")
    asked = site.http.post(follow, data={"csrf": site.csrf(follow), "email": PERSON["email"]}, follow_redirects=False)
    assert asked.status_code == 303
    assert _replayed(site, old).get(f"/portal/{A}/").status_code == 200  # asking for a link ends nothing
    phone = site.enter(PERSON["email"], _browser(site))
    assert site.mails(PERSON["email"])[-1][0] == "Your link to follow your applications"
    assert phone.get(f"/portal/{A}/").status_code == 200
    _refused_with(site, old)
    assert [h for _, h in _sessions(site)] == [hash_secret(_session_cookie(phone))]


def test_erasure_ends_the_candidates_sessions(site: Site):
    _applied(site)
    _applied(site, OTHER, "second")
    theirs = _session_cookie(site.enter(OTHER["email"], _browser(site)))
    me = site.enter(PERSON["email"], _browser(site))
    token = _session_cookie(me)
    applicant = next(a for a, h in _sessions(site) if h == hash_secret(token))
    erased = site.http.post(f"{M}/applicants/{applicant}/erase", headers=site.operator)
    assert erased.status_code == 204
    assert [h for _, h in _sessions(site)] == [hash_secret(theirs)]  # theirs goes on
    _refused_with(site, token)
    assert _replayed(site, theirs).get(f"/portal/{A}/").status_code == 200


def test_a_session_expires_after_two_hours(site: Site):
    _applied(site)
    token = _session_cookie(site.enter(PERSON["email"], _browser(site)))
    site.rt.clock.advance(portal.SESSION_SECONDS - 1)  # type: ignore[attr-defined]
    assert _replayed(site, token).get(f"/portal/{A}/").status_code == 200
    site.rt.clock.advance(1)  # type: ignore[attr-defined]
    _refused_with(site, token)


def test_a_tampered_or_expired_link_is_refused(site: Site):
    _applied(site)
    _applied(site, OTHER)
    link = site.link(PERSON["email"])
    other_id = re.search(r"candidate=(\d+)", site.link(OTHER["email"]))
    assert other_id
    for tampered in (re.sub(r"candidate=\d+", f"candidate={other_id[1]}", link),  # someone else's records
                     re.sub(r"signature=[^&]+", "signature=" + "A" * 43, link),
                     re.sub(r"expires=(\d+)", lambda m: f"expires={int(m[1]) + 86400}", link),  # a longer life
                     link.replace(f"/portal/{A}/", f"/portal/{B}/")):  # another tenant
        answer = _browser(site).get(tampered, follow_redirects=False)
        assert answer.status_code == 403, tampered
        assert "set-cookie" not in answer.headers and "Zelda" not in answer.text
    site.rt.clock.advance(timedelta(days=7, seconds=1).total_seconds())  # type: ignore[attr-defined]
    expired = _browser(site).get(link, follow_redirects=False)
    assert expired.status_code == 403 and "expired" in expired.text


def test_without_a_session_the_portal_sends_the_candidate_to_ask_for_a_link(site: Site):
    for path in ("", "offers/1", "my-data.json", "erase", "documents/1"):
        answer = _browser(site).get(f"/portal/{A}/{path}", follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == f"/portal/{A}/link", path
    assert _browser(site).get(f"/portal/{A}/link", follow_redirects=False).headers["location"] == site.url("follow")
    forged = _browser(site)
    forged.cookies.set("hireport_candidate", f"{A}.1.99999999999.forged", path=f"/portal/{A}")
    assert forged.get(f"/portal/{A}/", follow_redirects=False).status_code == 303


def test_one_candidates_session_never_shows_anothers_records(site: Site):
    mine, theirs = _applied(site), _applied(site, OTHER, "second")
    my_offer, their_offer = _offer(site, mine), _offer(site, theirs)
    request = site.http.post(f"{M}/document-requests", json={"application_id": theirs, "title": "Passport"},
                             headers=site.operator)
    assert request.status_code == 201
    with site.rt.db.transaction(write=False) as session:
        their_document = session.execute(
            select(func.min(Base.metadata.tables["documents"].c.id))
            .where(Base.metadata.tables["documents"].c.application_id == theirs)).scalar_one()
    me = site.enter(PERSON["email"], _browser(site))
    assert me.get(f"/portal/{A}/offers/{my_offer}").status_code == 200
    home = me.get(f"/portal/{A}/").text
    assert "Olwen" not in home and "Payroll Officer" not in home and "Passport" not in home
    csrf = _csrf(home)
    before = dump(site.rt)
    for method, path, data in (("GET", f"offers/{their_offer}", None),
                               ("GET", f"offers/{their_offer}/new-starter", None),
                               ("POST", f"offers/{their_offer}/accept", {"csrf": csrf}),
                               ("POST", f"offers/{their_offer}/decline", {"csrf": csrf}),
                               ("GET", f"documents/{their_document}", None)):
        answer = me.request(method, f"/portal/{A}/{path}", data=data, follow_redirects=False)
        assert answer.status_code == 404, (path, answer.status_code)
        assert "Olwen" not in answer.text
    upload = me.post(f"/portal/{A}/requests/{request.json()['id']}", data={"csrf": csrf},
                     files={"file": ("p.pdf", PDF, "application/pdf")})
    assert upload.status_code == 404
    assert dump(site.rt) == before
    export = me.get(f"/portal/{A}/my-data.json").json()
    assert export["person"]["email"] == PERSON["email"] and "Olwen" not in json.dumps(export)
    # the session is for 218's portal: sent to 219's, it opens nothing
    token = next(c.value for c in me.cookies.jar if c.name == "hireport_candidate")
    stranger = _browser(site)
    stranger.cookies.set("hireport_candidate", token, path=f"/portal/{B}")
    assert stranger.get(f"/portal/{B}/", follow_redirects=False).status_code == 303


def test_an_offer_accepted_and_its_new_starter_form_submitted_reach_pageups_export(site: Site):
    application = _applied(site)
    offer = _offer(site, application)
    subject, body = site.mails(PERSON["email"])[-1]
    assert subject == "Your offer for Night Nurse" and f"next=offers%2F{offer}" in body
    me = _browser(site)
    landed = me.get(site.link(PERSON["email"]))
    assert landed.url.path == f"/portal/{A}/offers/{offer}" and "Accept the offer" in landed.text
    export = f"/v3/{A}/recruitment/hire/offers"
    loop = {"offerAccepted": "true", "offerProcessed": "false", "formComplete": "true"}

    def exported() -> list[int]:
        found = site.http.get(export, params=loop, headers=site.pageup)
        assert found.status_code == 200, found.text
        return [i["OfferInfo"]["PUReferenceID"] for i in found.json()["Items"]]

    csrf = _csrf(landed.text)
    form = f"/portal/{A}/offers/{offer}/new-starter"
    assert me.post(form, data={"csrf": csrf, "action": "save", "bank": "062-000"}).status_code == 409  # not accepted
    assert me.post(f"/portal/{A}/offers/{offer}/accept", data={"csrf": csrf}).status_code == 200
    assert me.post(f"/portal/{A}/offers/{offer}/decline", data={"csrf": csrf}).status_code == 409
    assert exported() == []

    saved = me.post(form, data={"csrf": csrf, "action": "save", "bank": "062-000 12345678"})
    assert saved.status_code == 200 and 'value="062-000 12345678"' in saved.text  # the draft, shown again
    assert exported() == []  # a draft is not a complete form
    incomplete = me.post(form, data={"csrf": csrf, "action": "submit", "bank": "062-000 12345678"})
    assert incomplete.status_code == 400 and "an answer is required" in incomplete.text
    wrong = me.post(form, data={"csrf": csrf, "action": "submit", "bank": "062", "start": "maybe"})
    assert wrong.status_code == 400 and "answer yes or no" in wrong.text
    done = me.post(form, data={"csrf": csrf, "action": "submit", "bank": "062-000 12345678", "start": "yes",
                               "contact": "Rhiannon, 0400 000 000"})
    assert done.status_code == 200 and "your new-starter form is submitted" in done.text
    assert exported() == [offer]
    answers = site.http.get(f"{export}/{offer}/onboardingform", headers=site.pageup).json()
    assert {"Question": "Bank account", "Answer": "062-000 12345678"} in answers["Answers"]
    assert {"Question": "Can you start on the start date?", "Answer": True} in answers["Answers"]
    assert me.post(form, data={"csrf": csrf, "action": "submit", "bank": "x", "start": "no"}).status_code == 409


def test_the_new_starter_form_asks_for_its_required_answers_and_saves_without_them(site: Site):
    offer = _offer(site, _applied(site))
    me = _browser(site)
    landed = me.get(site.link(PERSON["email"]))
    assert me.post(f"/portal/{A}/offers/{offer}/accept", data={"csrf": _csrf(landed.text)}).status_code == 200
    fields = form_fields(me.get(f"/portal/{A}/offers/{offer}/new-starter").text)
    required = {name: [("required" in attrs) for attrs in fields[name]] for name in ("bank", "start", "contact")}
    assert required == {"bank": [True], "start": [True, True], "contact": [False]}
    assert "formnovalidate" in fields["save"][0] and "formnovalidate" not in fields["submit"][0], (
        "a draft is saved unfinished; a form is sent whole")


def test_declining_an_offer(site: Site):
    offer = _offer(site, _applied(site))
    me = site.enter(PERSON["email"], _browser(site))
    csrf = _csrf(me.get(f"/portal/{A}/offers/{offer}").text)
    declined = me.post(f"/portal/{A}/offers/{offer}/decline", data={"csrf": csrf})
    assert declined.status_code == 200 and "You declined the offer" in declined.text
    assert me.post(f"/portal/{A}/offers/{offer}/accept", data={"csrf": csrf}).status_code == 409
    with site.rt.db.transaction(write=False) as session:
        row = session.get(Offer, offer)
        assert row is not None and row.declined_at is not None and row.accepted_at is None
        assert row.status == "Declined"


def test_the_portals_forms_need_their_csrf_token(site: Site):
    offer = _offer(site, _applied(site))
    me = site.enter(PERSON["email"], _browser(site))
    before = dump(site.rt)
    for path in (f"offers/{offer}/accept", f"offers/{offer}/decline", "erase", "signout"):
        for data in ({}, {"csrf": "forged", "confirm": "erase"}):
            assert me.post(f"/portal/{A}/{path}", data=data).status_code == 403, path
    assert dump(site.rt) == before


def test_documents_asked_for_are_uploaded_once_and_offer_documents_downloaded(site: Site):
    application = _applied(site)
    offer = _offer(site, application)
    letter = site.http.post(f"{M}/documents", data={"owner_type": "offer", "owner_id": str(offer),
                                                    "title": "Letter of offer"},
                            files={"file": ("letter.pdf", PDF, "application/pdf")}, headers=site.operator)
    assert letter.status_code == 201, letter.text
    asked = site.http.post(f"{M}/document-requests", json={"application_id": application, "title": "Police check"},
                           headers=site.operator)
    assert asked.status_code == 201
    subject, body = site.mails(PERSON["email"])[-1]
    assert subject == "Please send us: Police check" and "/portal/" in body
    me = site.enter(PERSON["email"], _browser(site))
    home = me.get(f"/portal/{A}/").text
    assert "We asked you for: Police check" in home
    csrf = _csrf(home)
    target = f"/portal/{A}/requests/{asked.json()['id']}"
    files_before, before = site.stored_files(), dump(site.rt)
    for name, data, status in (("check.exe", b"MZ", 415), ("check.pdf", b"not a pdf", 415),
                               ("check.pdf", PDF + b"0" * (5 * 1024 * 1024), 413)):
        refused = me.post(target, data={"csrf": csrf}, files={"file": (name, data, "application/pdf")})
        assert refused.status_code == status, (name, refused.text[:500])
    assert site.stored_files() == files_before and dump(site.rt) == before
    sent = me.post(target, data={"csrf": csrf}, files={"file": ("police-check.pdf", PDF, "application/pdf")})
    assert sent.status_code == 200 and "we have your document" in sent.text
    again = me.post(target, data={"csrf": csrf}, files={"file": ("police-check.pdf", PDF, "application/pdf")})
    assert again.status_code == 409
    with site.rt.db.transaction(write=False) as session:
        titles = session.execute(select(Base.metadata.tables["documents"].c.title)
                                 .where(Base.metadata.tables["documents"].c.application_id == application)).scalars()
        assert "Police check" in list(titles)

    offer_page = me.get(f"/portal/{A}/offers/{offer}").text
    document_id = re.search(r'href="\.\./documents/(\d+)">Letter of offer', offer_page)
    assert document_id
    download = me.get(f"/portal/{A}/documents/{document_id[1]}", follow_redirects=False)
    assert download.status_code == 303 and "signature=" in download.headers["location"]
    content = _browser(site).get(download.headers["location"])  # the signed link needs no session
    assert content.status_code == 200 and content.content == PDF
    assert "attachment" in content.headers["content-disposition"]
    tampered = download.headers["location"].replace("signature=", "signature=x")
    assert _browser(site).get(tampered).status_code == 403


def test_erasure_leaves_no_personal_data_and_the_apis_answer_for_the_rest(site: Site):
    application = _applied(site)
    _applied(site, person=PERSON, job="second")
    others = _applied(site, OTHER)
    offer = _offer(site, application)
    me = site.enter(PERSON["email"], _browser(site))
    csrf = _csrf(me.get(f"/portal/{A}/offers/{offer}").text)
    me.post(f"/portal/{A}/offers/{offer}/accept", data={"csrf": csrf})
    me.post(f"/portal/{A}/offers/{offer}/new-starter", data={"csrf": csrf, "action": "submit", "bank": "Zanzibar-77",
                                                            "start": "yes", "contact": "Quillon Emergency"})
    asked = site.http.post(f"{M}/document-requests", json={"application_id": application, "title": "Visa"},
                           headers=site.operator).json()
    me.post(f"/portal/{A}/requests/{asked['id']}", data={"csrf": csrf},
            files={"file": ("visa.pdf", PDF + b"Zelda visa", "application/pdf")})
    link = site.link(PERSON["email"])
    with site.rt.db.transaction(write=False) as session:
        mine = [d for d in session.execute(select(Base.metadata.tables["documents"])).mappings()
                if d["application_id"] != others]
    assert len(mine) >= 3
    stored = {site.rt.storage._path(d["storage_key"]) for d in mine}  # where the bytes are
    assert all(p.exists() for p in stored)

    copy = me.get(f"/portal/{A}/my-data.json")
    assert copy.status_code == 200 and "attachment" in copy.headers["content-disposition"]
    data = copy.json()
    assert data["person"]["phone"] == PERSON["phone"] and len(data["applications"]) == 2
    assert data["offers"][0]["new_starter_answers"] and len(data["documents"]) >= 3

    page = me.get(f"/portal/{A}/erase")
    assert me.post(f"/portal/{A}/erase", data={"csrf": _csrf(page.text)}).status_code == 400  # not confirmed
    erased = me.post(f"/portal/{A}/erase", data={"csrf": _csrf(page.text), "confirm": "erase"})
    assert erased.status_code == 200 and "Your data is erased" in erased.text
    assert not any(p.exists() for p in stored)

    everything = dump(site.rt)
    for personal in ("Zelda", "Quennell", "zelda.quennell", "400 123 456", "Kestrel-blue", "Zanzibar-77",
                     "Quillon", "Zelda CV", "visa.pdf"):
        assert personal not in everything, personal
    assert "Olwen" in everything  # the other candidate is untouched

    assert _browser(site).get(link, follow_redirects=False).status_code == 403  # the links open nothing now
    assert me.get(f"/portal/{A}/", follow_redirects=False).status_code == 303
    listed = site.http.get(f"/v3/{A}/recruitment/hire/jobs/{site.jobs['published']}/applications",
                           headers=site.pageup)
    assert listed.status_code == 200
    assert len(listed.json()["Items"]) == 2 and "Zelda" not in listed.text
    gupy = site.http.get(f"/api/v1/jobs/{site.jobs['published']}/applications", headers=site.gupy).json()
    assert sorted(r["candidate"]["name"] for r in gupy["results"]) == ["Erased", "Olwen"]
    offers_export = site.http.get(f"/v3/{A}/recruitment/hire/offers/{offer}/onboardingform", headers=site.pageup)
    assert offers_export.status_code == 200 and "Zanzibar" not in offers_export.text


def test_erasure_through_the_management_api(site: Site):
    _applied(site)
    applicant = site.http.get(f"{M}/applicants", headers=site.operator).json()["items"][0]["id"]
    assert site.http.get(f"{M}/applicants/{applicant}/export", headers=site.operator).json()["person"][
        "first_name"] == "Zelda"
    assert site.http.post(f"/manage/v1/tenants/{B}/applicants/{applicant}/erase",
                          headers=site.operator).status_code == 404
    assert site.http.post(f"{M}/applicants/{applicant}/erase", headers=site.operator).status_code == 204
    assert "Zelda" not in dump(site.rt)


def test_simultaneous_applications_with_one_new_email_make_one_applicant(site: Site):
    postman = careers.portal.Postman("http://testserver", "r@example.com", site.rt.urls, site.rt.kek, site.rt.clock)
    start = threading.Barrier(4)

    def apply(job: int) -> None:
        start.wait(timeout=10)
        with site.rt.db.transaction() as session:
            careers.apply(session, careers.visitor(A), site.rt.storage, postman, page_id=site.page, job_id=job,
                          candidate=careers.Candidate(**PERSON), given=ANSWERS,
                          files=[careers.Upload("cv", "cv.pdf", PDF)], clock=site.rt.clock, max_file_bytes=10**6)

    with ThreadPoolExecutor(4) as pool:
        jobs = [site.jobs["published"], site.jobs["second"]] * 2
        outcomes = [f.exception(timeout=30) for f in [pool.submit(apply, j) for j in jobs]]
    assert sum(e is None for e in outcomes) == 2  # one per job; the second to each job is a duplicate
    assert all(e is None or "already applied" in str(e) for e in outcomes)
    with site.rt.db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Applicant)) == 1
