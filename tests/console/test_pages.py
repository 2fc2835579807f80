"""What the console's pages show and do, through the same services as the APIs: the board, a job's
lifecycle buttons (a refused move says the service's rule, and changes nothing), applications and their
documents, offers and background checks, the outbox, and integrations whose secrets are shown once and
whose revocation holds at once."""

import re

import pytest

from hireport.dialects import manage
from hireport.kit.auth import Caller
from hireport.kit.errors import InvalidTransition
from hireport.models import ApplicationStatus, JobStatus, Role
from hireport.services import accounts, applicants, applications, identity, job_status, jobs, messaging
from hireport.services.applicants import ApplicantFields
from hireport.services.applications import ApplicationFields
from hireport.services.jobs import JobFields
from tests.console.world import SECRET, A, B, World, dump, person
from tests.factories import Credentials, token_response


def text_of(html: str) -> str:
    """The page's words, tags out, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_one_tenant_goes_straight_to_its_board_and_several_are_offered(world: World):
    admin = world.people["admin"]
    answer = admin.get("/console/")
    assert answer.status_code == 303 and answer.headers["location"] == f"/console/{A}/jobs"
    assert admin.get(f"/console/{A}").headers["location"] == f"/console/{A}/jobs"
    with world.rt.db.transaction() as session:
        account = accounts.find(session, admin.email)
        assert account is not None
        accounts.add_member(session, account, tenant_id=B, role=Role.viewer, clock=world.rt.clock)
    picker = admin.get("/console/")
    assert picker.status_code == 200
    assert f'href="/console/{A}/jobs"' in picker.text and f'href="/console/{B}/jobs"' in picker.text


def test_the_board_shows_every_status_and_pages_a_full_column(world: World):
    caller = Caller.operator(A)
    with world.rt.db.transaction() as session:
        for number in range(30):
            jobs.create(session, caller, JobFields(title=f"Extra job {number:02}"), clock=world.rt.clock,
                        status=JobStatus.frozen)
    admin = world.people["admin"]
    board = admin.get(f"/console/{A}/jobs").text
    for status in JobStatus:
        assert f'id="column-{status.value}"' in board
    assert "Registered Nurse" in board and "Unfinished draft" in board
    assert board.count("Extra job") == 8 and "All 30 frozen jobs" in board
    first = admin.get(f"/console/{A}/jobs", status="frozen").text
    assert first.count("Extra job") == 25 and "Page 1 of 2" in first and "page=2" in first
    second = admin.get(f"/console/{A}/jobs", status="frozen", page=2).text
    assert second.count("Extra job") == 5 and "Page 2 of 2" in second and "Extra job 29" in second
    past = admin.get(f"/console/{A}/jobs", status="frozen", page=3)
    assert past.status_code == 200 and "first page" in past.text


def test_a_job_moves_with_its_buttons_through_the_transition_table(world: World):
    recruiter, job_id = world.people["recruiter"], world.a["job"]
    page = recruiter.get(f"/console/{A}/jobs/{job_id}").text
    offered = re.findall(r'name="status" value="(\w+)"', page)
    assert offered == [s.value for s in JobStatus if s in job_status.ALLOWED[JobStatus.published]]
    for target in ("frozen", "published", "closed"):
        answer = recruiter.post(f"/console/{A}/jobs/{job_id}/status", {"status": target})
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"] == f"/console/{A}/jobs/{job_id}?done=moved"
        assert status_of(world, job_id) == target
    final = recruiter.get(f"/console/{A}/jobs/{job_id}", done="moved").text
    assert "the job&#39;s status changed" in final and "final" in final
    assert 'name="status"' not in final


def test_a_refused_move_shows_the_rule_as_the_service_says_it_and_changes_nothing(world: World):
    recruiter, draft = world.people["recruiter"], world.a["draft"]
    before = dump(world.rt)
    answer = recruiter.post(f"/console/{A}/jobs/{draft}/status", {"status": "waiting_approval"})
    assert answer.status_code == 409
    said = refusal(world, draft, JobStatus.waiting_approval)
    assert said == ("cannot move the job to waiting_approval: num_vacancies must be greater than zero; "
                    "description must not be empty")
    assert said in text_of(answer.text)
    assert "Unfinished draft" in answer.text and 'name="status" value="approved"' in answer.text  # the job page
    assert dump(world.rt) == before


def test_a_cancellation_takes_its_reason_and_a_refused_one_keeps_none(world: World):
    recruiter, job_id = world.people["recruiter"], world.a["job"]
    refused = recruiter.post(f"/console/{A}/jobs/{job_id}/status", {"status": "canceled"})
    assert refused.status_code == 409 and "cancel_reason is required to cancel" in refused.text
    with world.rt.db.transaction() as session:  # a hired candidate: the job cannot be canceled
        caller = Caller.operator(A)
        someone = applicants.create(session, caller, ApplicantFields(first_name="Hi", last_name="Red",
                                                                     email="h@example.com"), clock=world.rt.clock)
        applications.create(session, caller, ApplicationFields(job_id=job_id, applicant_id=someone.id,
                                                               status=ApplicationStatus.hired), clock=world.rt.clock)
    before = dump(world.rt)
    hired = recruiter.post(f"/console/{A}/jobs/{job_id}/status", {"status": "canceled", "cancel_reason": "budget"})
    assert hired.status_code == 409 and "cannot cancel a job that has a hired application" in hired.text
    assert dump(world.rt) == before  # the reason was not kept either
    other = create_job(world, "Cancel me", JobStatus.published)
    moved = recruiter.post(f"/console/{A}/jobs/{other}/status", {"status": "canceled", "cancel_reason": "budget"})
    assert moved.status_code == 303 and status_of(world, other) == "canceled"
    assert "budget" in recruiter.get(f"/console/{A}/jobs/{other}").text


@pytest.mark.parametrize("form", [{"status": "nonsense"}, {}, {"status": "canceled", "cancel_reason": "x" * 101}])
def test_a_bad_move_is_a_clear_error_page_and_changes_nothing(world: World, form: dict[str, str]):
    before = dump(world.rt)
    answer = world.people["recruiter"].post(f"/console/{A}/jobs/{world.a['job']}/status", form)
    assert answer.status_code == 400 and "text/html" in answer.headers["content-type"]
    assert "status" in answer.text or "cancel_reason" in answer.text
    assert dump(world.rt) == before


@pytest.mark.parametrize("target", [
    f"/console/{A}/jobs?status=nonsense", f"/console/{A}/jobs?page=0", f"/console/{A}/jobs?page=99999999999",
    f"/console/{A}/jobs/abc", f"/console/{A}/jobs/0", f"/console/{A}/jobs/{2**63}", "/console/0/jobs",
    f"/console/{2**40}/jobs", f"/console/{A}/jobs/1/applications?status=hired2", f"/console/{A}/checks?after=x",
    f"/console/{A}/checks?after=-1", f"/console/{A}/messages?after={'9' * 25}", f"/console/{A}/integrations?tokens=z",
    f"/console/{A}/jobs/1/applications?order=worst", f"/console/{A}/applications/1?after=%20",
])
def test_odd_urls_are_error_pages_never_a_fault(world: World, target: str):
    answer = world.people["admin"].get(target)
    assert 400 <= answer.status_code < 500, (target, answer.status_code)
    assert "text/html" in answer.headers["content-type"] and "Back to the console" in answer.text


def test_a_jobs_applications_by_status_and_in_order_of_merit_page_by_page(world: World):
    job_id, caller = world.a["job"], Caller.operator(A)
    with world.rt.db.transaction() as session:
        made = []
        for number in range(30):
            someone = applicants.create(session, caller, ApplicantFields(
                first_name=f"Cand{number:02}", last_name="Idate", email=f"c{number}@example.com"), clock=world.rt.clock)
            made.append(applications.create(session, caller, ApplicationFields(
                job_id=job_id, applicant_id=someone.id, score=float(number),
                status=ApplicationStatus.reproved if number % 3 == 0 else ApplicationStatus.in_process),
                clock=world.rt.clock).id)
        applications.change_order_of_merit(session, caller, [(made[7], 1), (made[3], 2)], clock=world.rt.clock)
    admin = world.people["admin"]
    merit = admin.get(f"/console/{A}/jobs/{job_id}/applications").text
    names = re.findall(r">(Cand\d\d|Ada) ", merit)
    assert names[:2] == ["Cand07", "Cand03"] and len(names) == 25 and "Page 1 of 2" in merit
    assert len(re.findall(r">(Cand\d\d|Ada) ", admin.get(f"/console/{A}/jobs/{job_id}/applications",
                                                        page=2).text)) == 6
    reproved = admin.get(f"/console/{A}/jobs/{job_id}/applications", status="reproved", order="score").text
    assert re.findall(r">(Cand\d\d) ", reproved) == [f"Cand{n:02}" for n in range(27, -1, -3)]
    assert "Ada" not in reproved
    hired = admin.get(f"/console/{A}/jobs/{job_id}/applications", status="hired").text
    assert "No application is hired" in hired
    empty = admin.get(f"/console/{A}/jobs/{world.a['draft']}/applications").text
    assert "Nobody has applied to this job yet" in empty


def test_an_application_with_its_answers_documents_offers_and_checks(world: World):
    viewer, ids = world.people["viewer"], world.a
    page = viewer.get(f"/console/{A}/applications/{ids['application']}")
    words = text_of(page.text)
    assert "Ada Lovelace" in words and "Right to work? Yes" in words
    assert "Resume" in words and "Letter of offer" in words
    assert "Accepted" in words and "New-starter form not complete" in words
    assert "Processed for action type 2" in words
    assert "PKG" in words and "pending" in words
    for document, content in ((ids["document"], b"resume of tenant 218"), (ids["offer_document"], b"offer letter")):
        assert f'href="/console/{A}/documents/{document}"' in page.text
        download = viewer.get(f"/console/{A}/documents/{document}")
        assert download.status_code == 200 and download.content == content
        assert download.headers["content-disposition"].startswith("attachment;")
        assert "sandbox" in download.headers["content-security-policy"]


def test_a_recruiter_orders_a_background_check(world: World):
    recruiter, application = world.people["recruiter"], world.a["application"]
    answer = recruiter.post(f"/console/{A}/applications/{application}/checks",
                            {"partner": "bg", "package_code": "HEALTH-PLUS", "package_name": "Healthcare worker"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/console/{A}/applications/{application}?done=check-ordered"
    page = recruiter.get(answer.headers["location"]).text
    assert "The background check is ordered" in page and "Healthcare worker" in page
    assert "Healthcare worker" in recruiter.get(f"/console/{A}/checks").text
    before = dump(world.rt)
    unknown = recruiter.post(f"/console/{A}/applications/{application}/checks", {"partner": "zz", "package_code": "X"})
    assert unknown.status_code == 404 and "does not use a provider" in unknown.text
    assert 'value="ats"' not in page and 'value="bg"' in page, "only providers of checks are offered"
    ats = recruiter.post(f"/console/{A}/applications/{application}/checks", {"partner": "ats", "package_code": "X"})
    assert ats.status_code == 404 and "does not use a provider" in ats.text, "the tenant's ATS checks nothing"
    blank = recruiter.post(f"/console/{A}/applications/{application}/checks", {"partner": "bg", "package_code": " "})
    assert blank.status_code == 400 and "package code" in blank.text
    assert dump(world.rt) == before


def test_checks_and_messages_page_by_cursor(world: World):
    caller, application = Caller.operator(A), world.a["application"]
    with world.rt.db.transaction() as session:
        template = messaging.templates_page(session, caller, limit=1, cursor=None).items[0]
        for _ in range(30):
            messaging.message_candidate(session, caller, job_id=world.a["job"], application_id=application,
                                        template_id=template.id, allow_reply=True, reply_address="r@example.com",
                                        noreply_address="n@example.com", clock=world.rt.clock)
    admin = world.people["admin"]
    first = admin.get(f"/console/{A}/messages").text
    assert first.count("ada218@example.com") == 25 and "queued" in first
    after = re.search(r'href="\?after=(\d+)"', first)
    assert after is not None
    second = admin.get(f"/console/{A}/messages", after=after[1]).text
    assert second.count("ada218@example.com") == 6 and "First page" in second and "Next page" not in second


def test_empty_tenants_say_what_to_do(world: World):
    with world.rt.db.transaction() as session:
        identity.create_tenant(session, tenant_id=300, name="Empty Co", clock=world.rt.clock)
    admin = person(world.rt, world.http, "empty@example.com", 300, Role.admin)
    assert "This tenant has no jobs yet" in admin.get("/console/300/jobs").text
    assert "No background check has been ordered" in admin.get("/console/300/checks").text
    assert "No mail has been sent" in admin.get("/console/300/messages").text
    integrations = admin.get("/console/300/integrations").text
    assert "no OAuth client" in integrations and "no API token" in integrations


def test_the_integrations_page_lists_the_partner_apps_and_their_integrations(world: World):
    page = world.people["admin"].get(f"/console/{A}/integrations").text
    assert "Acme ATS" in page and "by Acme ATS Ltd" in page and "https://218.ats.example.com" in page
    assert 'data-kind="APPLY_WITH_LINKEDIN"' in page and 'class="badge i-requested">requested<' in page
    assert "nothing yet" in page, "a requested integration grants nothing"
    assert SECRET not in page
    assert world.people["recruiter"].get(f"/console/{A}/integrations").status_code == 403


def test_a_recruiter_confirms_an_order_once_and_cancels_none_twice(world: World):
    recruiter = world.people["recruiter"]
    page = recruiter.get(f"/console/{A}/referrals").text
    order = world.a["order"]
    assert f'data-order="{order}"' in page and 'class="badge o-pending">pending<' in page and SECRET not in page
    confirmed = recruiter.post(f"/console/{A}/orders/{order}/confirm")
    assert confirmed.status_code == 303 and confirmed.headers["location"].endswith("/referrals?done=order-confirmed")
    page = recruiter.get(f"/console/{A}/referrals", done="order-confirmed").text
    assert 'class="badge o-confirmed">confirmed<' in page and "credited the campaign" in page
    assert f"/orders/{order}/confirm" not in page, "a decided order has no buttons"
    again = recruiter.post(f"/console/{A}/orders/{order}/cancel")
    assert again.status_code == 409 and "only a pending order" in again.text


def test_an_api_token_is_shown_once_and_refused_as_soon_as_it_is_revoked(world: World):
    admin = world.people["admin"]
    created = admin.post(f"/console/{A}/integrations/tokens", {"name": "careers", "scopes": "Gupy.Jobs.Read"})
    assert created.status_code == 200
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert secret is not None
    bearer = {"Authorization": f"Bearer {secret[1]}"}
    assert world.http.get("/api/v1/jobs", headers=bearer).status_code == 200
    page = admin.get(f"/console/{A}/integrations").text
    assert secret[1] not in page and "careers" in page
    token_id = re.findall(r'/integrations/tokens/(\d+)/revoke', page)[-1]
    revoked = admin.post(f"/console/{A}/integrations/tokens/{token_id}/revoke")
    assert revoked.status_code == 303 and revoked.headers["location"].endswith("?done=token-revoked")
    refused = world.http.get("/api/v1/jobs", headers=bearer)
    assert refused.status_code == 403 and "invalid or revoked token" in refused.text  # Gupy says 403
    after = admin.get(revoked.headers["location"]).text
    assert "The API token is revoked" in after and "revoked" in after


def test_a_clients_secret_is_shown_once_and_its_tokens_refused_as_soon_as_it_is_revoked(world: World):
    admin = world.people["admin"]
    created = admin.post(f"/console/{A}/integrations/clients",
                         {"name": "HRIS", "scopes": ["Public.Job.Read", "Public.Application.Read"]})
    assert created.status_code == 200
    client_id = re.search(r"<dt>Client id</dt><dd><code>([^<]+)</code>", created.text)
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert client_id is not None and secret is not None
    creds = Credentials(client_id[1], secret[1])
    access = token_response(world.http, creds).json()["access_token"]
    bearer = {"Authorization": f"Bearer {access}"}
    assert world.http.get(f"/v3/{A}/recruitment/hire/jobs", headers=bearer).status_code == 200
    revoked = admin.post(f"/console/{A}/integrations/clients/{client_id[1]}/revoke")
    assert revoked.status_code == 303
    assert world.http.get(f"/v3/{A}/recruitment/hire/jobs", headers=bearer).status_code == 401
    again = token_response(world.http, creds)
    assert again.status_code == 400 and again.json()["error"] == "invalid_client"
    before = dump(world.rt)
    bad = admin.post(f"/console/{A}/integrations/clients", {"name": "", "scopes": "Nope.Scope"})
    assert bad.status_code == 400 and "name" in bad.text
    unknown = admin.post(f"/console/{A}/integrations/clients", {"name": "x", "scopes": "Nope.Scope"})
    assert unknown.status_code == 400 and "unknown scope" in unknown.text
    assert dump(world.rt) == before


def refusal(world: World, job_id: int, target: JobStatus) -> str:
    """What the service's refusal of this move says through hireport's own API (in a transaction rolled back)."""
    session = world.rt.db.session()
    try:
        job = jobs.get(session, Caller.operator(A), job_id)
        with pytest.raises(InvalidTransition) as refused:
            job_status.change(session, job, target)
        return manage.DIALECT.problem(refused.value, "").message
    finally:
        world.rt.db.abort(session)


def status_of(world: World, job_id: int) -> str:
    with world.rt.db.transaction(write=False) as session:
        return jobs.get(session, Caller.operator(A), job_id).status.value


def create_job(world: World, title: str, status: JobStatus) -> int:
    with world.rt.db.transaction() as session:
        return jobs.create(session, Caller.operator(A), JobFields(title=title), clock=world.rt.clock,
                           status=status).id


def test_an_admin_registers_an_application_people_authorize_and_no_partner_scope(world: World):
    admin = world.people["admin"]
    created = admin.post(f"/console/{A}/integrations/clients",
                         {"name": "Rota", "scopes": ["Public.Job.Read"],
                          "redirect_uris": "https://rota.example.com/cb\r\nhttp://127.0.0.1:9/cb\r\n"})
    assert created.status_code == 200, created.text
    client_id = re.search(r"<dt>Client id</dt><dd><code>([^<]+)</code>", created.text)
    assert client_id is not None
    with world.rt.db.transaction(write=False) as session:
        client = identity.get_client(session, client_id[1])
        assert client.redirect_uris == ["https://rota.example.com/cb", "http://127.0.0.1:9/cb"]
    before = dump(world.rt)
    plain_http = admin.post(f"/console/{A}/integrations/clients",
                            {"name": "x", "scopes": ["Public.Job.Read"], "redirect_uris": "http://rota.example.com/cb"})
    assert plain_http.status_code == 400 and "loopback" in plain_http.text
    partner_only = admin.post(f"/console/{A}/integrations/clients",
                              {"name": "x", "scopes": ["Public.BackgroundCheck.Write"]})
    assert partner_only.status_code == 400 and "may not hold" in partner_only.text
    assert dump(world.rt) == before
