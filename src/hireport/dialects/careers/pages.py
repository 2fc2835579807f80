"""A career page's jobs, each job's page (with its JSON-LD), applying, the sitemap, and asking for a new
link to the candidate portal."""

import json
from datetime import UTC, datetime, time
from html.parser import HTMLParser
from typing import Annotated, Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from hireport.kit.bounds import Id32, RowId
from hireport.kit.dialect import DOCUMENT_BODY, PUBLIC
from hireport.kit.errors import DomainError, InvalidInput
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep
from hireport.models import CareerPage, Job, Tenant
from hireport.services import careers, forms, portal
from hireport.services.careers import Candidate, Search, Upload
from hireport.web import candidates, pages
from hireport.web.pages import said
from hireport.web.people import PRESESSION_COOKIE

router = APIRouter(prefix="/{tenant_id}/{page_id}", include_in_schema=False, default_response_class=HTMLResponse)
Text = Annotated[str | None, Query(max_length=200)]


def _show(request: Request, rt: Runtime, page: CareerPage, template: str, status: int = 200,
          **context: Any) -> Response:
    brand = candidates.Brand.of(page, page.tenant_id, page.name)
    response = pages.render(f"candidate/{template}", status, request=request, brand=brand,
                            csrf=candidates.public_csrf(rt, request), **context)
    return candidates.with_presession(request, response, rt)


@router.get("/", openapi_extra=PUBLIC)
def jobs(request: Request, tenant_id: Id32, page_id: Id32, session: DbSession, rt: RuntimeDep, q: Text = None,
         department: Text = None, location: Text = None, type: Text = None,
         page: Annotated[int, Query(ge=1, le=careers.MAX_PAGE)] = 1) -> Response:
    visitor = careers.visitor(tenant_id)
    career = careers.career_page(session, visitor, page_id)
    criteria = Search(q=q, department=department or None, location=location or None, job_type=type or None, page=page)
    found = careers.search(session, visitor, page_id, criteria)
    pages_count = max(1, -(-found.total // found.page_size))
    return _show(request, rt, career, "jobs.html", found=found, facets=careers.facets(session, visitor, page_id),
                 criteria=criteria, pages_count=pages_count, title=career.name,
                 query=lambda **changes: pages.with_query(request, **changes))


@router.get("/jobs/{job_id}", openapi_extra=PUBLIC)
def job(request: Request, tenant_id: Id32, page_id: Id32, job_id: RowId, session: DbSession,
        rt: RuntimeDep) -> Response:
    visitor = careers.visitor(tenant_id)
    career = careers.career_page(session, visitor, page_id)
    found = careers.open_job(session, visitor, page_id, job_id)
    tenant = session.get(Tenant, tenant_id)
    posting = _posting(rt, career, found, tenant.name if tenant else career.name)
    return _show(request, rt, career, "job.html", job=found, description=_plain(found.description or ""),
                 posting=Markup(_json_for_html(posting)), title=found.title)  # noqa: S704 (escaped JSON)


@router.get("/jobs/{job_id}/apply", openapi_extra=PUBLIC)
def apply_form(request: Request, tenant_id: Id32, page_id: Id32, job_id: RowId, session: DbSession,
               rt: RuntimeDep) -> Response:
    visitor = careers.visitor(tenant_id)
    career = careers.career_page(session, visitor, page_id)
    found = careers.open_job(session, visitor, page_id, job_id)
    return _apply_page(request, rt, career, found, forms.application_form(session, visitor, found.id), {})


def _apply_page(request: Request, rt: Runtime, career: CareerPage, job: Job, questions: list[forms.Question],
                given: dict[str, str], *, status: int = 200, error: DomainError | None = None) -> Response:
    problems = {str(d["field"]): str(d["message"]) for d in (error.details if error else []) if d.get("field")}
    return _show(request, rt, career, "apply.html", status, job=job, questions=questions, given=given,
                 error=said(error) if error else "", problems=problems, kinds=careers.FILE_KINDS,
                 max_mb=rt.settings.candidate_file_bytes // (1024 * 1024), title=f"Apply: {job.title}")


@router.post("/jobs/{job_id}/apply", openapi_extra={**PUBLIC, **DOCUMENT_BODY})
async def apply(request: Request, tenant_id: Id32, page_id: Id32, job_id: RowId, rt: RuntimeDep) -> Response:
    form = await candidates.posted(rt, request, request.cookies.get(PRESESSION_COOKIE),
                                   max_files=careers.MAX_FILES)
    given = candidates.text_fields(form)
    limit = rt.settings.candidate_file_bytes
    files = [Upload(kind, value.filename or "", await candidates.file_bytes(value, limit))
             for kind in careers.FILE_KINDS for value in form.getlist(kind)
             if isinstance(value, UploadFile) and (value.filename or value.size)]
    try:
        person = Candidate.model_validate({k: given.get(k) or None for k in ("first_name", "last_name", "email",
                                                                            "phone")})
        application_id = await run_in_threadpool(_apply, rt, tenant_id, page_id, job_id, person, given, files)
    except DomainError as exc:
        if exc.status_code not in (400, 413, 415):
            raise
        return await run_in_threadpool(_refused, request, rt, tenant_id, page_id, job_id, given, exc)
    except ValidationError as exc:  # the person's own fields
        details = [{"field": str(e["loc"][0]), "message": e["msg"]} for e in exc.errors()]
        error = InvalidInput("Some of your details need another look.", details=details)
        return await run_in_threadpool(_refused, request, rt, tenant_id, page_id, job_id, given, error)
    return pages.redirect(f"/careers/{tenant_id}/{page_id}/jobs/{job_id}/applied?application={application_id}")


def _apply(rt: Runtime, tenant_id: int, page_id: int, job_id: int, person: Candidate, given: dict[str, str],
           files: list[Upload]) -> int:
    with rt.db.transaction() as session:
        application = careers.apply(session, careers.visitor(tenant_id), rt.storage, candidates.postman(rt),
                                    page_id=page_id, job_id=job_id, candidate=person, given=given, files=files,
                                    clock=rt.clock, max_file_bytes=rt.settings.candidate_file_bytes)
        return application.id


def _refused(request: Request, rt: Runtime, tenant_id: int, page_id: int, job_id: int, given: dict[str, str],
             error: DomainError) -> Response:
    with rt.db.transaction(write=False) as session:
        visitor = careers.visitor(tenant_id)
        career = careers.career_page(session, visitor, page_id)
        found = careers.open_job(session, visitor, page_id, job_id)
        questions = forms.application_form(session, visitor, found.id)
        return _apply_page(request, rt, career, found, questions, given, status=error.status_code, error=error)


@router.get("/jobs/{job_id}/applied", openapi_extra=PUBLIC)
def applied(request: Request, tenant_id: Id32, page_id: Id32, job_id: RowId, session: DbSession,
            rt: RuntimeDep) -> Response:
    visitor = careers.visitor(tenant_id)
    career = careers.career_page(session, visitor, page_id)
    return _show(request, rt, career, "applied.html", title="Application received")


@router.get("/follow", openapi_extra=PUBLIC)
def follow_form(request: Request, tenant_id: Id32, page_id: Id32, session: DbSession, rt: RuntimeDep,
                sent: bool = False) -> Response:
    career = careers.career_page(session, careers.visitor(tenant_id), page_id)
    return _show(request, rt, career, "follow.html", sent=sent, title="Your applications")


@router.post("/follow", openapi_extra=PUBLIC)
async def follow(request: Request, tenant_id: Id32, page_id: Id32, rt: RuntimeDep) -> Response:
    form = await candidates.posted(rt, request, request.cookies.get(PRESESSION_COOKIE))
    await run_in_threadpool(_send_link, rt, tenant_id, page_id, str(form.get("email") or ""))
    return pages.redirect(f"/careers/{tenant_id}/{page_id}/follow?sent=true")


def _send_link(rt: Runtime, tenant_id: int, page_id: int, email: str) -> None:
    with rt.db.transaction() as session:
        visitor = careers.visitor(tenant_id)
        careers.career_page(session, visitor, page_id)
        portal.send_link(session, visitor, candidates.postman(rt), email)


@router.get("/theme.css", openapi_extra=PUBLIC, response_class=Response)
def theme(tenant_id: Id32, page_id: Id32, session: DbSession) -> Response:
    career = careers.career_page(session, careers.visitor(tenant_id), page_id)
    return Response(candidates.theme_css(career), media_type="text/css",
                    headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


@router.get("/logo", openapi_extra=PUBLIC, response_class=Response)
def logo(tenant_id: Id32, page_id: Id32, session: DbSession, rt: RuntimeDep) -> Response:
    data, mime = careers.logo(session, careers.visitor(tenant_id), rt.storage, page_id)
    return Response(data, media_type=mime, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff",
                                                    "Content-Security-Policy": "default-src 'none'; sandbox"})


@router.get("/sitemap.xml", openapi_extra=PUBLIC, response_class=Response)
def sitemap(tenant_id: Id32, page_id: Id32, session: DbSession, rt: RuntimeDep) -> Response:
    visitor = careers.visitor(tenant_id)
    careers.career_page(session, visitor, page_id)
    base = f"{rt.settings.issuer}/careers/{tenant_id}/{page_id}"
    urls = [f"<url><loc>{escape(base)}/</loc></url>"]
    urls += [f"<url><loc>{escape(base)}/jobs/{j.id}</loc><lastmod>{j.updated_at.date().isoformat()}</lastmod></url>"
             for j in careers.listed(session, visitor, page_id)]
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(urls) + "\n</urlset>\n")
    return Response(body, media_type="application/xml")


# -- what search engines read ---------------------------------------------------------------------------------

EMPLOYMENT_TYPES = (("part", "PART_TIME"), ("full", "FULL_TIME"), ("intern", "INTERN"), ("temp", "TEMPORARY"),
                    ("contract", "CONTRACTOR"), ("freelanc", "CONTRACTOR"), ("volunt", "VOLUNTEER"))


def _posting(rt: Runtime, career: CareerPage, job: Job, company: str) -> dict[str, Any]:
    """schema.org's JobPosting, as Google's job listings read it."""
    base = f"{rt.settings.issuer}/careers/{career.tenant_id}/{career.id}"
    organization: dict[str, Any] = {"@type": "Organization", "name": company}
    if career.url:
        organization["sameAs"] = career.url
    if career.logo_key:
        organization["logo"] = f"{base}/logo"
    posting: dict[str, Any] = {
        "@context": "https://schema.org/", "@type": "JobPosting", "title": job.title,
        "description": job.description or job.summary or job.title,
        "datePosted": job.created_at.date().isoformat(), "hiringOrganization": organization,
        "identifier": {"@type": "PropertyValue", "name": company, "value": job.code},
        "directApply": True, "url": f"{base}/jobs/{job.id}",
    }
    deadline = job.application_deadline or (job.expires_at.date() if job.expires_at else None)
    if deadline:
        posting["validThrough"] = datetime.combine(deadline, time(23, 59, 59), UTC).isoformat()
    if job.job_type:
        kind = job.job_type.lower()
        posting["employmentType"] = next((v for k, v in EMPLOYMENT_TYPES if k in kind), "OTHER")
    if job.location:
        posting["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress",
                                                                "addressLocality": job.location}}
    return posting


def _json_for_html(data: dict[str, Any]) -> str:
    """JSON safe inside a `<script>` element: no `<`, `>` or `&` that could end it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "br", "li", "div", "h1", "h2", "h3", "h4", "tr", "ul", "ol"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _plain(html: str) -> list[str]:
    """A job description (HTML from an API client, never trusted) as paragraphs of plain text."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [line.strip() for line in "".join(parser.parts).splitlines() if line.strip()]

