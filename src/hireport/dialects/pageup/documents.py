"""Documents: short-lived signed download links, and the direct upload flow."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from hireport.dialects.pageup import shapes, views
from hireport.dialects.pageup.auth import hire
from hireport.dialects.pageup.scopes import Scope
from hireport.kit.auth import Caller
from hireport.kit.bounds import INT64_MAX, Id32, RowId
from hireport.kit.dialect import DOCUMENT_BODY, PUBLIC
from hireport.kit.errors import InvalidInput
from hireport.kit.runtime import Runtime
from hireport.kit.web import DbSession, RuntimeDep, content_disposition
from hireport.models import Document, DocumentOwner
from hireport.services import documents

router = APIRouter(prefix="/{tenantId}/recruitment/document", tags=["Document"])

DocumentRead = Annotated[Caller, Depends(hire(Scope.document_read))]
DocumentWrite = Annotated[Caller, Depends(hire(Scope.document_write))]
Expires = Annotated[int, Query(ge=0, le=INT64_MAX)]
Signature = Annotated[str, Query(min_length=1, max_length=128)]
OWNERS = {"job": DocumentOwner.job, "application": DocumentOwner.application, "offer": DocumentOwner.offer}


@router.get("/prepareTempDirectUpload", summary="Get a URL to upload a file to")
def prepare_upload(filename: Annotated[str, Query(min_length=1, max_length=255)], tenantId: Id32,
                   session: DbSession, rt: RuntimeDep, caller: DocumentWrite) -> shapes.UploadTarget:
    """PUT the file's bytes to `url` with `headers` (no access token: the URL is signed, for 15 minutes;
    it takes bytes once), then create the document with `POST /document` naming `uploadId` (once)."""
    link = documents.prepare_upload(session, caller, rt.urls, clock=rt.clock)
    url = (f"{rt.settings.issuer}/v3/{tenantId}/recruitment/document/upload/{link.key}"
           f"?expires={int(link.expires.timestamp())}&signature={link.signature}")
    return shapes.UploadTarget(url=url, headers={"Content-Type": "application/octet-stream"}, uploadId=link.key,
                               expiresAt=link.expires)


@router.put("/upload/{uploadId}", summary="Upload a file's bytes (signed URL; no access token)",
            openapi_extra={**PUBLIC, **DOCUMENT_BODY}, response_class=Response,
            responses={200: {"description": "The bytes are stored (an empty answer)", "content": None}})
async def receive_upload(tenantId: Id32, uploadId: Annotated[str, Path(max_length=64)], expires: Expires,
                         signature: Signature, request: Request, rt: RuntimeDep) -> Response:
    """Takes the bytes once: a second PUT to the same URL is a 409 and leaves the first bytes as they were."""
    documents.check_upload_link(rt.urls, tenant_id=tenantId, key=uploadId, expires=expires, signature=signature,
                                clock=rt.clock)  # before a byte of the body is read
    data = await request.body()
    await run_in_threadpool(_receive, rt, tenantId, uploadId, expires, signature, data)
    return Response(status_code=200)


def _receive(rt: Runtime, tenant_id: int, key: str, expires: int, signature: str, data: bytes) -> None:
    with rt.db.transaction() as session:
        documents.receive_upload(session, rt.urls, rt.storage, tenant_id=tenant_id, key=key, expires=expires,
                                 signature=signature, data=data, clock=rt.clock,
                                 max_bytes=rt.settings.max_document_bytes)


@router.post("", summary="Create a document from an uploaded file")
def create_document(body: shapes.DocumentCreate, session: DbSession, rt: RuntimeDep,
                    caller: DocumentWrite) -> shapes.DocumentShape:
    """Attach the file PUT to an upload URL to a Job, an Application or an Offer."""
    owner = OWNERS.get(body.EntityType.lower())
    if owner is None:
        raise InvalidInput("EntityType must be Job, Application or Offer", field="EntityType")
    document = documents.create_from_upload(
        session, caller, rt.storage, upload_key=body.UploadId, owner=owner, owner_id=body.EntityID,
        file_name=body.FileName, clock=rt.clock, title=body.Title, category=body.DocumentCategory)
    return shapes.DocumentShape(**views.document(document))


@router.get("/{documentId}", summary="Get a document's download URL")
def download_url(documentId: RowId, tenantId: Id32, session: DbSession, rt: RuntimeDep,
                 caller: DocumentRead) -> shapes.DocumentUrl:
    """A signed URL that serves the file, with its type and name, for five minutes, without a token."""
    document = documents.get(session, caller, documentId)
    link = documents.download_link(rt.urls, document, clock=rt.clock)
    url = (f"{rt.settings.issuer}/v3/{tenantId}/recruitment/document/{document.id}/content"
           f"?expires={int(link.expires.timestamp())}&signature={link.signature}")
    return shapes.DocumentUrl(Url=url, ExpiresAt=link.expires)


@router.get("/{documentId}/content", summary="Download a document (signed URL; no access token)", openapi_extra=PUBLIC,
            response_class=Response)
def download(documentId: RowId, tenantId: Id32, expires: Expires, signature: Signature,
             rt: RuntimeDep) -> Response:
    document, data = _open(rt, tenantId, documentId, expires, signature)
    return Response(data, media_type=document.mime_type,
                    headers={"Content-Disposition": content_disposition(document.file_name)})


def _open(rt: Runtime, tenant_id: int, document_id: int, expires: int, signature: str) -> tuple[Document, bytes]:
    with rt.db.transaction(write=False) as session:
        return documents.open_download(session, rt.urls, rt.storage, tenant_id=tenant_id, document_id=document_id,
                                       expires=expires, signature=signature, clock=rt.clock)
