"""A document of the tenant's (a job's, an application's or an offer's), downloaded."""

from fastapi import APIRouter
from starlette.responses import Response

from hireport.dialects.console.shared import Reader
from hireport.kit.bounds import RowId
from hireport.kit.web import DbSession, RuntimeDep, content_disposition
from hireport.services import documents
from hireport.web import pages

router = APIRouter(prefix="/{tenant_id}", include_in_schema=False)

# An attachment, never rendered here: were it HTML, it would run in a sandbox without this site's origin.
HEADERS = {**pages.security_headers(), "Content-Security-Policy": "default-src 'none'; sandbox"}


@router.get("/documents/{document_id}", response_class=Response)
def download(member: Reader, session: DbSession, rt: RuntimeDep, document_id: RowId) -> Response:
    document = documents.get(session, member.caller, document_id)
    return Response(documents.read_bytes(rt.storage, document), media_type=document.mime_type,
                    headers={**HEADERS, "Content-Disposition": content_disposition(document.file_name)})
