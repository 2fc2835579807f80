"""Documents: files attached to a job, an application or an offer."""

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.errors import Conflict, InvalidInput, NotFound
from hireport.kit.signing import UrlSigner
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
    _check_size(data)
    name = _clean_name(file_name)
    get_scoped(session, _OWNER_MODELS[owner], caller, owner_id, what=owner.value)
    key, _ = storage.put(data)
    return _file(session, caller, data, key, owner=owner, owner_id=owner_id, name=name, clock=clock,
                 title=title, mime_type=mime_type, category=category)


def _clean_name(file_name: str) -> str:
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if not name or len(name) > 255:
        raise InvalidInput("a document needs a file name of at most 255 characters", field="file_name")
    return name


def _check_size(data: bytes) -> None:
    if not data:
        raise InvalidInput("the document is empty", field="file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(f"documents are limited to {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB", field="file")


def _file(session: Session, caller: Caller, data: bytes, key: str, *, owner: DocumentOwner, owner_id: int,
          name: str, clock: Clock, title: str | None, mime_type: str | None, category: str | None) -> Document:
    """The document row for stored bytes; the owner and name were checked by the caller."""
    digest = hashlib.sha256(data).hexdigest()
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


def attached_to(session: Session, caller: Caller, owner: DocumentOwner,
                owner_ids: list[int]) -> dict[int, list[Document]]:
    """The documents of each of several jobs, applications or offers, in one query."""
    found: dict[int, list[Document]] = {owner_id: [] for owner_id in owner_ids}
    if owner_ids:
        column = getattr(Document, f"{owner.value}_id")
        for document in session.scalars(scoped(Document, caller).where(column.in_(owner_ids)).order_by(Document.id)):
            found[getattr(document, f"{owner.value}_id")].append(document)
    return found


def read_bytes(storage: LocalStorage, document: Document) -> bytes:
    return storage.get(document.storage_key)


# -- signed download links and direct uploads ------------------------------------------------------------

DOWNLOAD_SECONDS = 300
UPLOAD_SECONDS = 900


@dataclass(frozen=True)
class SignedLink:
    key: str
    expires: datetime
    signature: str


def download_link(urls: UrlSigner, document: Document, *, clock: Clock) -> SignedLink:
    """A link to the document's bytes, valid for five minutes, that needs no access token."""
    expires = clock.now() + timedelta(seconds=DOWNLOAD_SECONDS)
    signature = urls.sign("download", document.tenant_id, document.id, expires=expires)
    return SignedLink(str(document.id), expires, signature)


def open_download(session: Session, urls: UrlSigner, storage: LocalStorage, *, tenant_id: int, document_id: int,
                  expires: int, signature: str, clock: Clock) -> tuple[Document, bytes]:
    urls.verify("download", tenant_id, document_id, expires=expires, signature=signature, now=clock.now())
    document = get(session, Caller.operator(tenant_id), document_id)
    return document, read_bytes(storage, document)


def prepare_upload(urls: UrlSigner, *, tenant_id: int, clock: Clock) -> SignedLink:
    """A place to PUT a file's bytes to, valid for fifteen minutes; `create_from_upload` then files it."""
    key = LocalStorage.new_key()
    expires = clock.now() + timedelta(seconds=UPLOAD_SECONDS)
    return SignedLink(key, expires, urls.sign("upload", tenant_id, key, expires=expires))


def receive_upload(urls: UrlSigner, storage: LocalStorage, *, tenant_id: int, key: str, expires: int,
                   signature: str, data: bytes, clock: Clock) -> None:
    urls.verify("upload", tenant_id, key, expires=expires, signature=signature, now=clock.now())
    _check_size(data)
    storage.put(data, key)


def create_from_upload(session: Session, caller: Caller, storage: LocalStorage, *, upload_key: str,
                       owner: DocumentOwner, owner_id: int, file_name: str, clock: Clock, title: str | None = None,
                       mime_type: str | None = None, category: str | None = None) -> Document:
    """File the bytes PUT to an upload link as a document of a job, application or offer (once)."""
    if not upload_key.isalnum() or not storage.exists(upload_key):
        raise NotFound("no file was uploaded under that upload id (or it was not PUT yet)")
    taken = session.scalar(scoped(Document, caller).where(Document.storage_key == upload_key)
                           .with_only_columns(Document.id))
    if taken is not None:
        raise Conflict(f"that upload is already document {taken}")
    name = _clean_name(file_name)
    get_scoped(session, _OWNER_MODELS[owner], caller, owner_id, what=owner.value)
    return _file(session, caller, storage.get(upload_key), upload_key, owner=owner, owner_id=owner_id,
                 name=name, clock=clock, title=title, mime_type=mime_type, category=category)
