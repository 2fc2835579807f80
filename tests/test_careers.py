"""Careers pages: a career page lists its tenant's published jobs on it (search, filters, paging), each job has
a page with schema.org JobPosting data and the page a sitemap; a candidate applies (the applicant matched by
e-mail, the application with its answers and documents, seen at once by PageUp's and Gupy's APIs, a
confirmation mail through the outbox); every refusal (a closed job, a duplicate, bad answers, a file over the
limit or of a refused type, no CSRF token, too many forms) stores nothing; branding from the management API."""

import json
import re
from html import unescape

from sqlalchemy import func, select

from hireport.kit.auth import Caller
from hireport.models import Applicant, Application, Document, JobStatus, Message
from hireport.services import job_status, jobs
from tests.candidates import (  # noqa: F401
    ANSWERS,
    PDF,
    PERSON,
    PNG,
    A,
    B,
    Site,
    form_fields,
    quiet_settings,
    site_fixture,
)
from tests.console.world import dump

M = f"/manage/v1/tenants/{A}"


def _titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<h2><a href="jobs/\d+">([^<]+)</a></h2>', html)]


def _count(site: Site, model: type) -> int:
    with site.rt.db.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_career_page_lists_its_published_jobs_only(site: Site):
    page = site.http.get(site.url())
    assert page.status_code == 200
    assert sorted(_titles(page.text)) == ["Night Nurse", "Payroll Officer"]  # not closed, draft, another page's
    assert "Content-Security-Policy" in page.headers and "frame-ancestors 'none'" in page.headers[
        "Content-Security-Policy"]
    assert _titles(site.http.get(site.url(page=site.other_page)).text) == ["Graduate Analyst"]
    assert _titles(site.http.get(site.url(tenant=B, page=site.b_page)).text) == ["Other company's job"]


def test_search_and_filters(site: Site):
    def titles(**params: str) -> list[str]:
        answer = site.http.get(site.url(), params=params)
        assert answer.status_code == 200
        return _titles(answer.text)

    assert titles(q="NURSE") == ["Night Nurse"]
    assert titles(q="parramatta") == ["Payroll Officer"]  # the location is searched too
    assert titles(q="100%_") == []  # LIKE's wildcards are plain characters
    assert titles(department="Finance") == ["Payroll Officer"]
    assert titles(location="Sydney") == ["Night Nurse"]
    assert titles(type="Part time") == ["Payroll Officer"]
    assert titles(type="Part time", location="Sydney") == []
    listing = site.http.get(site.url()).text
    assert '<option>Finance</option>' in listing and '<option>Sydney</option>' in listing  # the facets offered
    assert site.http.get(site.url(), params={"page": "0"}).status_code == 400
    assert site.http.get(site.url(), params={"q": "x" * 201}).status_code == 400


def test_paging(site: Site):
    with site.rt.db.transaction() as session:
        for number in range(12):
            jobs.create(session, Caller.operator(A), jobs.JobFields(title=f"Cleaner {number:02}",
                                                                    career_page_id=site.page),
                        clock=site.rt.clock, status=JobStatus.published)
    first = site.http.get(site.url(), params={"q": "cleaner"}).text
    second = site.http.get(site.url(), params={"q": "cleaner", "page": "2"}).text
    assert len(_titles(first)) == 10 and len(_titles(second)) == 2
    assert not set(_titles(first)) & set(_titles(second))
    assert "Page 1 of 2" in first and 'rel="next"' in first and 'rel="prev"' in second


def test_a_job_page_carries_its_job_posting_and_no_script_of_the_description(site: Site):
    page = site.http.get(site.url(f"jobs/{site.jobs['published']}"))
    assert page.status_code == 200
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert found
    posting = json.loads(found[1])
    assert posting["@type"] == "JobPosting" and posting["@context"] == "https://schema.org/"
    assert posting["title"] == "Night Nurse" and posting["hiringOrganization"]["name"] == f"Acme {A}"
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["jobLocation"]["address"]["addressLocality"] == "Sydney"
    assert posting["identifier"]["value"] == "C-published" and posting["datePosted"]
    assert "<\\/script>" not in found[1] and "</script>" not in found[1]  # the description's tag is escaped
    assert "\\u003cscript\\u003e" in found[1]
    assert "<script>alert(1)</script>" not in page.text  # shown as text, never as markup
    assert "Point one" in page.text


def test_jobs_leave_the_page_the_moment_they_stop_being_published(site: Site):
    job_page = site.url(f"jobs/{site.jobs['published']}")
    assert site.http.get(job_page).status_code == 200
    with site.rt.db.transaction() as session:
        job = jobs.get(session, Caller.operator(A), site.jobs["published"])
        job_status.change(session, job, JobStatus.closed)
    assert "Night Nurse" not in _titles(site.http.get(site.url()).text)
    assert site.http.get(job_page).status_code == 404
    assert site.http.get(site.url(f"jobs/{site.jobs['draft']}")).status_code == 404
    assert site.http.get(site.url(f"jobs/{site.jobs['elsewhere']}")).status_code == 404  # another page's
    assert site.http.get(site.url(f"jobs/{site.jobs['b']}")).status_code == 404  # another tenant's
    assert site.http.get(site.url(tenant=B)).status_code == 404  # 218's page under 219


def test_the_sitemap_lists_the_page_and_its_published_jobs(site: Site):
    answer = site.http.get(site.url("sitemap.xml"))
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    locations = re.findall(r"<loc>([^<]+)</loc>", answer.text)
    base = f"http://testserver/careers/{A}/{site.page}"
    assert locations == [f"{base}/", f"{base}/jobs/{site.jobs['published']}", f"{base}/jobs/{site.jobs['second']}"]


def test_a_candidate_applies_and_every_api_sees_it_at_once(site: Site):
    before = site.stored_files()
    answer = site.apply(files=[("cv", ("Zelda CV.pdf", PDF, "application/pdf")),
                               ("cover_letter", ("letter.txt", "Dear Acme, ✓".encode(), "text/plain"))])
    assert answer.status_code == 303, answer.text
    application_id = int(answer.headers["location"].rsplit("=", 1)[1])
    assert "Thank you" in site.http.get(answer.headers["location"]).text

    pageup = site.http.get(f"/v3/{A}/recruitment/hire/jobs/{site.jobs['published']}/applications",
                           headers=site.pageup).json()
    [item] = pageup["Items"]
    assert item["ApplicationInfo"]["PUReferenceID"] == application_id
    applicant_id = item["ApplicantInfo"]["PUReferenceID"]
    applicant = site.http.get(f"/v3/{A}/recruitment/hire/applicants/{applicant_id}", headers=site.pageup).json()
    assert applicant["Email"] == PERSON["email"] and applicant["FirstName"] == "Zelda"
    answers = site.http.get(f"/v3/{A}/recruitment/hire/applications/{application_id}/applicationForm",
                            headers=site.pageup).json()
    assert {"Question": "Years of experience", "Answer": 7} in answers["Answers"]
    assert {"Question": "Do you have the right to work here?", "Answer": True} in answers["Answers"]
    gupy = site.http.get(f"/api/v1/jobs/{site.jobs['published']}/applications", headers=site.gupy).json()
    assert [r["id"] for r in gupy["results"]] == [application_id]
    assert gupy["results"][0]["candidate"]["email"] == PERSON["email"]

    with site.rt.db.transaction(write=False) as session:
        docs = session.execute(select(Document.title, Document.file_name, Document.mime_type, Document.size_bytes)
                               .where(Document.application_id == application_id).order_by(Document.id)).all()
    assert [tuple(d) for d in docs] == [("Resume", "Zelda CV.pdf", "application/pdf", len(PDF)),
                                         ("Cover letter", "letter.txt", "text/plain", len("Dear Acme, ✓".encode()))]
    assert len(site.stored_files() - before) == 2
    [(subject, body)] = site.mails(PERSON["email"])
    assert subject == "We received your application for Night Nurse"
    assert "Hello Zelda" in body and f"/portal/{A}/enter?" in body
    with site.rt.db.transaction(write=False) as session:
        stored = session.scalar(select(Message.body).where(Message.to_address == PERSON["email"]))
    assert stored and "/portal/" not in stored  # the link opens the candidate's records: sealed at rest


def test_the_applicant_is_matched_by_email_whatever_its_case(site: Site):
    assert site.apply().status_code == 303
    again = {**PERSON, "email": PERSON["email"].upper(), "first_name": "Someone else"}
    assert site.apply("second", person=again).status_code == 303
    with site.rt.db.transaction(write=False) as session:
        people = session.execute(select(Applicant.id, Applicant.first_name)).all()
        applications = session.execute(select(Application.applicant_id)).scalars().all()
    assert [p.first_name for p in people] == ["Zelda"]  # one applicant, not renamed by whoever typed the e-mail
    assert applications == [people[0].id, people[0].id]


def test_refusals_store_nothing(site: Site):
    assert site.apply().status_code == 303
    before, files = dump(site.rt), site.stored_files()
    cases = [
        ("a second application to the same job", {}, 409, "already applied"),
        ("a missing required answer", {"answers": {**ANSWERS, "experience": ""}}, 400, "an answer is required"),
        ("a number that is not", {"answers": {**ANSWERS, "experience": "seven"}}, 400, "enter a number"),
        ("an option not offered", {"answers": {**ANSWERS, "shift": "Evening"}}, 400, "choose one of the options"),
        ("no CV", {"files": [("other", ("notes.txt", b"notes", "text/plain"))]}, 400, "Attach your CV"),
        ("a bad e-mail", {"person": {**PERSON, "email": "not-an-email"}}, 400, "email"),
        ("a refused type", {"files": [("cv", ("cv.exe", b"MZ\x90\x00", "application/octet-stream"))]}, 415,
         "not accepted"),
        ("a PDF that is not one", {"files": [("cv", ("cv.pdf", b"<html><script>", "application/pdf"))]}, 415,
         "not what its name says"),
        ("an SVG", {"files": [("cv", ("cv.svg", b"<svg onload=alert(1)>", "image/svg+xml"))]}, 415, "not accepted"),
        ("a file over the limit", {"files": [("cv", ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "application/pdf"))]},
         413, "limited to"),
        ("no CSRF token", {"csrf": "forged"}, 403, "did not come from this site"),
    ]
    for what, change, status, words in cases:
        job = "published" if what.startswith("a second") else "second"
        answer = site.apply(job, **change)
        assert answer.status_code == status, (what, answer.status_code, answer.text[:2000])
        assert words in answer.text, (what, answer.text[:3000])
        assert dump(site.rt) == before, what
        assert site.stored_files() == files, what
    refused = site.apply("second", answers={**ANSWERS, "experience": "seven"})
    assert 'value="Zelda"' in refused.text and "Kestrel-blue teamwork" in refused.text  # what was typed stays
    assert 'aria-invalid="true" aria-describedby="experience-problem"' in refused.text


def test_a_job_closed_while_the_candidate_filled_the_form_refuses_the_application(site: Site):
    token = site.csrf(site.url(f"jobs/{site.jobs['published']}/apply"))
    with site.rt.db.transaction() as session:
        job = jobs.get(session, Caller.operator(A), site.jobs["published"])
        job_status.change(session, job, JobStatus.closed)
    before = dump(site.rt)
    answer = site.apply(csrf=token)
    assert answer.status_code == 409 and "not open for applications" in answer.text
    assert dump(site.rt) == before
    assert site.apply("draft", csrf=token).status_code == 409  # on this page, never published
    for job in ("elsewhere", "b"):  # never on this page
        assert site.apply(job, csrf=token).status_code == 404, job
    assert dump(site.rt) == before


def test_applying_is_rate_limited_per_address(site: Site):
    token = site.csrf(site.url(f"jobs/{site.jobs['published']}/apply"))
    statuses = [site.apply(answers={**ANSWERS, "experience": ""}, csrf=token).status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429
    limited = site.apply(csrf=token)
    assert limited.status_code == 429 and "Too many forms" in limited.text and "Retry-After" in limited.headers
    assert _count(site, Application) == 0


def test_a_new_portal_link_is_mailed_only_to_someone_who_applied(site: Site):
    assert site.apply().status_code == 303
    path = site.url("follow")
    for email in (PERSON["email"].upper(), "stranger@example.com"):
        answer = site.http.post(path, data={"csrf": site.csrf(path), "email": email}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].endswith("?sent=true")
    assert [s for s, _ in site.mails(PERSON["email"])] == ["We received your application for Night Nurse",
                                                          "Your link to follow your applications"]
    assert site.mails("stranger@example.com") == []
    assert "is on its way" in site.http.get(path, params={"sent": "true"}).text  # the same words either way


def test_branding_from_the_management_api(site: Site):
    page = f"{M}/career-pages/{site.page}"
    answer = site.http.patch(page, json={"name": "Acme Health jobs", "primary_color": "#0B5D4B",
                                         "accent_color": "#0a6651"}, headers=site.operator)
    assert answer.status_code == 200, answer.text
    assert answer.json()["primary_color"] == "#0b5d4b" and answer.json()["public_url"].endswith(
        f"/careers/{A}/{site.page}/")
    assert site.http.get(site.url("theme.css")).text == ":root { --brand: #0b5d4b; --accent: #0a6651; }\n"
    listing = site.http.get(site.url()).text
    assert "Jobs at Acme Health jobs" in listing and "theme.css" in listing
    too_light = site.http.patch(page, json={"primary_color": "#ffff00"}, headers=site.operator)
    assert too_light.status_code == 400 and "too light" in too_light.json()["error"]["message"]
    assert site.http.patch(page, json={"accent_color": "red"}, headers=site.operator).status_code == 400

    logo = site.http.put(f"{page}/logo", files={"file": ("logo.png", PNG, "image/png")}, headers=site.operator)
    assert logo.status_code == 200 and logo.json()["has_logo"]
    served = site.http.get(site.url("logo"))
    assert served.content == PNG and served.headers["content-type"] == "image/png"
    assert f'src="/careers/{A}/{site.page}/logo"' in site.http.get(site.url()).text
    for name, data in (("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
                       ("logo.png", b"GIF89a not a png")):
        refused = site.http.put(f"{page}/logo", files={"file": (name, data, "image/png")}, headers=site.operator)
        assert refused.status_code == 415, refused.text
    assert site.http.get(site.url("logo")).content == PNG
    assert site.http.delete(f"{page}/logo", headers=site.operator).json()["has_logo"] is False
    assert site.http.get(site.url("logo")).status_code == 404
    assert site.http.patch(f"/manage/v1/tenants/{B}/career-pages/{site.page}", json={"name": "x"},
                           headers=site.operator).status_code == 404


def test_the_browser_asks_for_every_required_answer(site: Site):
    """A required question's field is `required`: each of a radio group's inputs (yes/no, choice), a text or
    a number; an optional one's is not."""
    fields = form_fields(site.http.get(site.url(f"jobs/{site.jobs['published']}/apply")).text)
    required = {name: [("required" in attrs) for attrs in fields[name]]
                for name in ("right_to_work", "experience", "shift", "why")}
    assert required == {"right_to_work": [True, True], "experience": [True], "shift": [False, False], "why": [False]}


def test_forms_from_the_management_api(site: Site):
    job_form = f"{M}/jobs/{site.jobs['second']}/application-form"
    own = {"questions": [{"id": "licence", "label": "Do you hold a driver's licence?", "type": "yes_no",
                          "required": True}]}
    assert site.http.put(job_form, json=own, headers=site.operator).status_code == 200
    assert site.http.get(job_form, headers=site.operator).json()["questions"][0]["id"] == "licence"
    form = site.http.get(site.url(f"jobs/{site.jobs['second']}/apply")).text
    assert "driver&#39;s licence" in form and "Years of experience" not in form  # the job's own, not the default
    assert "Years of experience" in site.http.get(site.url(f"jobs/{site.jobs['published']}/apply")).text
    for bad in ({"questions": [{"id": "a", "label": "A"}, {"id": "a", "label": "B"}]},
                {"questions": [{"id": "Bad Id", "label": "A"}]},
                {"questions": [{"id": "c", "label": "C", "type": "choice"}]},
                {"questions": [{"id": "t", "label": "T", "options": ["x"]}]}):
        assert site.http.put(job_form, json=bad, headers=site.operator).status_code == 400, bad
