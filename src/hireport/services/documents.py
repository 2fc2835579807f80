"""Documents: files attached to a job, an application or an offer."""

import mimetypes
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import InvalidInput
from hireport.kit.storage import LocalStorage
from hireport.kit.tenancy import get_scoped, scoped
from hireport.models import Application, Document, DocumentOwner, Job, Offer

MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
_OWNER_MODELS: dict[DocumentOwner, type[Job] | type[Application] | type[Offer]] = {
    DocumentOwner.job: Job, DocumentOwner.application: Application, DocumentOwner.offer: Offer,
}


def upload(session: Session, caller: Caller, storage: LocalStorage, *, owner: DocumentOwner, owner_id: int,
           file_name: str, data: bytes, clock: Clock, title: str | None = None, mime_type: str | None = None,
           category: str | None = None) -> Document:
    get_scoped(session, _OWNER_MODELS[owner], caller, owner_id, what=owner.value)
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if not name or len(name) > 255:
        raise InvalidInput("a document needs a file name of at most 255 characters", field="file_name")
    if not data:
        raise InvalidInput("the document is empty", field="file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"documents are limited to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB", field="file")
    key, digest = storage.put(data)
    document = Document(
        tenant_id=caller.require_tenant(), title=title or name, file_name=name,
        mime_type=mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        category=category, size_bytes=len(data), sha256=digest, storage_key=key, created_at=clock.now(),
        **{f"{owner.value}_id": owner_id},
    )
    session.add(document)
    session.flush()
    return document


def get(session: Session, caller: Caller, document_id: int) -> Document:
    return get_scoped(session, Document, caller, document_id, what="document")


def attached_to(session: Session, caller: Caller, owner: DocumentOwner, owner_id: int) -> list[Document]:
    column = getattr(Document, f"{owner.value}_id")
    return list(session.scalars(scoped(Document, caller).where(column == owner_id).order_by(Document.id)))


def read_bytes(storage: LocalStorage, document: Document) -> bytes:
    return storage.get(document.storage_key)
