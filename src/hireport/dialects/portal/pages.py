"""The candidate portal's pages: entering from a mailed link, the candidate's applications, an offer (accept,
decline, its documents), the new-starter form, the documents asked for, and their data (a copy, erasure)."""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from hireport.kit.bounds import Id32, RowId
from hireport.kit.dialect import DOCUMENT_BODY, PUBLIC
from hireport.kit.errors import DomainError, Forbidden, InvalidInput, Unauthenticated
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep, content_disposition
from hireport.services import career_pages, careers, documents, portal, privacy
from hireport.services.portal import Candidate
from hireport.web import candidates, pages
from hireport.web.pages import said

router = APIRouter(prefix="/{tenant_id}", include_in_schema=False, default_response_class=HTMLResponse)
Signature = Annotated[str, Query(min_length=1, max_length=100)]
Expires = Annotated[int, Query(ge=0, le=2**40)]
NOTICES = {"accepted": "You accepted the offer. Welcome aboard! The new-starter form is below.",
           "declined": "You declined the offer. Thank you for letting us know.",
           "saved": "Your answers are saved. Come back to finish them at any time.",
           "submitted": "Thank you: your new-starter form is submitted.",
           "uploaded": "Thank you: we have your document."}
# A document is an attachment, never rendered here: were it HTML, it would run in a sandbox without this origin.
ATTACHMENT = {**pages.security_headers(), "Content-Security-Policy": "default-src 'none'; sandbox"}


def _candidate(request: Request, tenant_id: Id32, rt: RuntimeDep) -> Candidate:
    """The candidate whose portal session this browser holds (for this tenant); else off to ask for a link."""
    token = request.cookies.get(candidates.PORTAL_COOKIE, "")[:200]
    found = None
    if token:
        with rt.db.transaction(write=False) as session:
            found = portal.resume(session, token, tenant_id=tenant_id, clock=rt.clock)
    if found is None:
        raise Unauthenticated("Open the link in your latest e-mail from us, or ask for a new one.",
                              headers={"Location": f"/portal/{tenant_id}/link"})
    state = request.scope.setdefault("state", {})
    state["portal_token"], state["csrf"] = token, candidates.portal_csrf(rt, token)
    return found


Me = Annotated[Candidate, Depends(_candidate)]


def _show(request: Request, session: DbSession, candidate: Candidate, template: str, status: int = 200,
          **context: Any) -> Response:
    found = career_pages.list_all(session, candidate.caller)
    brand = candidates.Brand.of(found[0] if found else None, candidate.tenant_id, "Your applications")
    context.setdefault("notice", NOTICES.get(request.query_params.get("done", "")))
    return pages.render(f"candidate/{template}", status, request=request, brand=brand, portal=True,
                        csrf=request.scope["state"]["csrf"], tenant_id=candidate.tenant_id, **context)


async def _form(request: Request, rt: Runtime, *, max_files: int = 0) -> dict[str, Any]:
    form = await candidates.posted(rt, request, request.scope["state"].get("portal_token"), max_files=max_files)
    return {"fields": candidates.text_fields(form), "form": form}


def _done(tenant_id: int, path: str, notice: str) -> Response:
    return pages.redirect(f"/portal/{tenant_id}/{path}?done={notice}")


@router.get("/enter", openapi_extra=PUBLIC)
def enter(request: Request, tenant_id: Id32, candidate: Annotated[int, Query(ge=1, le=2**62)], expires: Expires,
          signature: Signature, rt: RuntimeDep, next: Annotated[str, Query(max_length=100)] = "") -> Response:
    """A link from a mail: opens a portal session in this browser, then goes where the link pointed."""
    try:
        with rt.db.transaction() as session:
            token = portal.enter(session, rt.urls, tenant_id=tenant_id, applicant_id=candidate, expires=expires,
                                 signature=signature, clock=rt.clock)
    except Forbidden as exc:
        return pages.render("candidate/link_refused.html", 403, request=request, brand=None, reason=exc.message,
                            ask=f"/portal/{tenant_id}/link", title="This link does not open anything")
    target = next if next and all(part.isalnum() or part == "new-starter" for part in next.split("/")) else ""
    response = pages.redirect(f"/portal/{tenant_id}/{target}")
    candidates.set_portal_cookie(response, rt, tenant_id, token)
    return response


@router.get("/link", openapi_extra=PUBLIC)
def ask_for_link(tenant_id: Id32, session: DbSession) -> Response:
    """Where a candidate without a valid session goes: the careers page's form that mails a new link."""
    found = career_pages.list_all(session, careers.visitor(tenant_id))
    if not found:
        raise InvalidInput("Open the link in your latest e-mail from us.")
    return pages.redirect(f"/careers/{tenant_id}/{found[0].id}/follow")


@router.get("/", openapi_extra=PUBLIC)
def home(request: Request, me: Me, session: DbSession) -> Response:
    return _show(request, session, me, "portal.html", seen=portal.overview(session, me),
                 title="Your applications")


@router.get("/offers/{offer_id}", openapi_extra=PUBLIC)
def offer(request: Request, me: Me, offer_id: RowId, session: DbSession) -> Response:
    on_hand = portal.offer(session, me, offer_id)
    return _show(request, session, me, "offer.html", on_hand=on_hand, title=f"Your offer: {on_hand.job.title}")


@router.post("/offers/{offer_id}/accept", openapi_extra=PUBLIC)
async def accept(request: Request, me: Me, offer_id: RowId, rt: RuntimeDep) -> Response:
    await _form(request, rt)
    await run_in_threadpool(_write, rt, portal.accept, me, offer_id, clock=rt.clock)
    return _done(me.tenant_id, f"offers/{offer_id}", "accepted")


@router.post("/offers/{offer_id}/decline", openapi_extra=PUBLIC)
async def decline(request: Request, me: Me, offer_id: RowId, rt: RuntimeDep) -> Response:
    await _form(request, rt)
    await run_in_threadpool(_write, rt, portal.decline, me, offer_id, clock=rt.clock)
    return _done(me.tenant_id, f"offers/{offer_id}", "declined")


def _write(rt: Runtime, act: Any, *args: Any, **kwargs: Any) -> Any:
    with rt.db.transaction() as session:
        return act(session, *args, **kwargs)


@router.get("/offers/{offer_id}/new-starter", openapi_extra=PUBLIC)
def new_starter(request: Request, me: Me, offer_id: RowId, session: DbSession) -> Response:
    on_hand = portal.offer(session, me, offer_id)
    return _new_starter_page(request, session, me, on_hand, portal.answers_draft(on_hand))


def _new_starter_page(request: Request, session: DbSession, me: Candidate, on_hand: portal.OfferOnHand,
                      given: dict[str, Any], *, error: DomainError | None = None) -> Response:
    problems = {str(d["field"]): str(d["message"]) for d in (error.details if error else []) if d.get("field")}
    return _show(request, session, me, "new_starter.html", error.status_code if error else 200, on_hand=on_hand,
                 given=given, problems=problems, error=said(error) if error else "",
                 title=f"New-starter form: {on_hand.job.title}")


@router.post("/offers/{offer_id}/new-starter", openapi_extra=PUBLIC)
async def new_starter_submit(request: Request, me: Me, offer_id: RowId, rt: RuntimeDep) -> Response:
    given = (await _form(request, rt))["fields"]
    act = portal.submit_form if given.get("action") == "submit" else portal.save_draft
    try:
        await run_in_threadpool(_write, rt, act, me, offer_id, given, clock=rt.clock)
    except InvalidInput as exc:
        return await run_in_threadpool(_new_starter_refused, request, rt, me, offer_id, given, exc)
    if act is portal.submit_form:
        return _done(me.tenant_id, f"offers/{offer_id}", "submitted")
    return _done(me.tenant_id, f"offers/{offer_id}/new-starter", "saved")


def _new_starter_refused(request: Request, rt: Runtime, me: Candidate, offer_id: int, given: dict[str, str],
                         error: InvalidInput) -> Response:
    with rt.db.transaction(write=False) as session:
        return _new_starter_page(request, session, me, portal.offer(session, me, offer_id), given, error=error)


@router.post("/requests/{request_id}", openapi_extra={**PUBLIC, **DOCUMENT_BODY})
async def provide(request: Request, me: Me, request_id: RowId, rt: RuntimeDep) -> Response:
    form = (await _form(request, rt, max_files=1))["form"]
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("Choose the file to send.", field="file")
    limit = rt.settings.candidate_file_bytes
    data = await candidates.file_bytes(upload, limit)
    await run_in_threadpool(_write, rt, portal.provide_document, me, rt.storage, request_id,
                            file_name=upload.filename, data=data, max_bytes=limit, clock=rt.clock)
    return _done(me.tenant_id, "", "uploaded")


@router.get("/documents/{document_id}", openapi_extra=PUBLIC)
def document(me: Me, document_id: RowId, session: DbSession, rt: RuntimeDep) -> Response:
    """One of the candidate's documents, through a signed link valid for five minutes."""
    link = documents.download_link(rt.urls, portal.document(session, me, document_id), clock=rt.clock)
    return pages.redirect(f"/portal/{me.tenant_id}/documents/{document_id}/content"
                          f"?expires={int(link.expires.timestamp())}&signature={link.signature}")


@router.get("/documents/{document_id}/content", openapi_extra=PUBLIC, response_class=Response)
def document_content(tenant_id: Id32, document_id: RowId, expires: Expires, signature: Signature,
                     session: DbSession, rt: RuntimeDep) -> Response:
    found, data = documents.open_download(session, rt.urls, rt.storage, tenant_id=tenant_id,
                                          document_id=document_id, expires=expires, signature=signature,
                                          clock=rt.clock)
    return Response(data, media_type=found.mime_type,
                    headers={**ATTACHMENT, "Content-Disposition": content_disposition(found.file_name)})


@router.get("/my-data.json", openapi_extra=PUBLIC, response_class=Response)
def my_data(me: Me, session: DbSession) -> Response:
    """A copy of everything held about the candidate (GDPR art. 15 and 20, LGPD art. 18), as JSON."""
    body = json.dumps(privacy.export(session, me.caller, me.applicant_id), indent=2, ensure_ascii=False)
    return Response(body, media_type="application/json",
                    headers={**ATTACHMENT, "Content-Disposition": content_disposition("my-data.json")})


@router.get("/erase", openapi_extra=PUBLIC)
def erase_form(request: Request, me: Me, session: DbSession) -> Response:
    return _show(request, session, me, "erase.html", title="Erase your data")


@router.post("/erase", openapi_extra=PUBLIC)
async def erase(request: Request, me: Me, rt: RuntimeDep) -> Response:
    fields = (await _form(request, rt))["fields"]
    if fields.get("confirm") != "erase":
        raise InvalidInput("Tick the box to confirm that your data is to be erased.", field="confirm")
    keys = await run_in_threadpool(_write, rt, privacy.erase, me.caller, me.applicant_id, clock=rt.clock)
    for key in keys:  # the rows are gone (committed): now their bytes
        rt.storage.delete(key)
    response = pages.render("candidate/erased.html", brand=None, title="Your data is erased", request=request)
    candidates.clear_portal_cookie(response, rt, me.tenant_id)
    return response


@router.post("/signout", openapi_extra=PUBLIC)
async def signout(request: Request, me: Me, rt: RuntimeDep) -> Response:
    """End the session on the server (its cookie's value opens nothing from now on), then drop the cookie."""
    await _form(request, rt)
    await run_in_threadpool(_write, rt, portal.sign_out, me, request.scope["state"]["portal_token"])
    response = pages.render("candidate/signed_out.html", brand=None, title="Signed out", request=request)
    candidates.clear_portal_cookie(response, rt, me.tenant_id)
    return response

