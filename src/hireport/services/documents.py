"""Documents: files attached to a job, an application or an offer."""

import mimetypes
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from sqlalchemy import bindparam
from sqlalchemy.orm import Session

from hireport.kit.auth import Caller
from hireport.kit.clock import Clock
from hireport.kit.db import Reader
from hireport.kit.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from hireport.kit.query import Query
from hireport.kit.signing import UrlSigner
from hireport.kit.storage import LocalStorage
from hireport.kit.tenancy import bound, get_scoped, prepared, scoped, scoped_update
from hireport.models import Application, Document, DocumentOwner, Job, Offer, Upload

_OWNER_MODELS: dict[DocumentOwner, type[Job] | type[Application] | type[Offer]] = {
    DocumentOwner.job: Job, DocumentOwner.application: Application, DocumentOwner.offer: Offer,
}


def upload(session: Session, caller: Caller, storage: LocalStorage, *, owner: DocumentOwner, owner_id: int,
           file_name: str, data: bytes, clock: Clock, max_bytes: int, title: str | None = None,
           mime_type: str | None = None, category: str | None = None) -> Document:
    _check_size(data, max_bytes)
    name = _clean_name(file_name)
    get_scoped(session, _OWNER_MODELS[owner], caller, owner_id, what=owner.value)
    key, digest = storage.put(data)
    return _file(session, caller, key, len(data), digest, owner=owner, owner_id=owner_id, name=name, clock=clock,
                 title=title, mime_type=mime_type, category=category)


def _clean_name(file_name: str) -> str:
    name = PurePosixPath(file_name.replace("\\", "/")).name
    if not name or len(name) > 255:
        raise InvalidInput("a document needs a file name of at most 255 characters", field="file_name")
    return name


# What a candidate may upload, told by the bytes (the name's extension must agree): mime type and signature.
CANDIDATE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "doc": ("application/msword", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "rtf": ("application/rtf", (b"{\\rtf",)),
    "txt": ("text/plain", ()),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
IMAGE_TYPES = {ext: CANDIDATE_TYPES[ext] for ext in ("png", "jpg", "jpeg")} | {
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")), "webp": ("image/webp", (b"RIFF",)),
}


def screen(file_name: str, data: bytes, *, max_bytes: int,
           kinds: dict[str, tuple[str, tuple[bytes, ...]]] = CANDIDATE_TYPES) -> tuple[str, str]:
    """A file from outside (a candidate's, a logo) checked before a byte is stored: its size, and its type as
    its content shows it, which its name's extension must agree with. Returns the clean name and mime type."""
    _check_size(data, max_bytes)
    name = _clean_name(file_name)
    _, dot, ext = name.rpartition(".")
    kind = kinds.get(ext.lower()) if dot else None
    if kind is None:
        accepted = ", ".join(sorted(kinds))
        raise UnsupportedMediaType(f"{name}: files of this type are not accepted (accepted: {accepted})")
    mime, signatures = kind
    if signatures and not data.startswith(signatures):
        raise UnsupportedMediaType(f"{name}: the file's content is not what its name says ({ext.lower()})")
    if not signatures and not _plain_text(data):
        raise UnsupportedMediaType(f"{name}: a text file must be UTF-8 text")
    return name, mime


def _plain_text(data: bytes) -> bool:
    try:
        return "\x00" not in data.decode("utf-8")
    except UnicodeDecodeError:
        return False


def _check_size(data: bytes, max_bytes: int) -> None:
    if not data:
        raise InvalidInput("the document is empty", field="file")
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"documents are limited to {max_bytes} bytes")


def _file(session: Session, caller: Caller, key: str, size: int, digest: str, *, owner: DocumentOwner,
          owner_id: int, name: str, clock: Clock, title: str | None, mime_type: str | None,
          category: str | None) -> Document:
    """The document row for stored bytes (their size and digest); the owner and name were checked."""
    document = Document(
        tenant_id=caller.require_tenant(), title=title or name, file_name=name,
        mime_type=mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
        category=category, size_bytes=size, sha256=digest, storage_key=key, created_at=clock.now(),
        **{f"{owner.value}_id": owner_id},
    )
    session.add(document)
    session.flush()
    return document


def get(session: Session, caller: Caller, document_id: int) -> Document:
    return get_scoped(session, Document, caller, document_id, what="document")


@dataclass(slots=True)
class DocumentView:
    """What a listing says of a document (its bytes and storage key stay out)."""

    id: int
    title: str
    file_name: str
    mime_type: str
    category: str | None
    size_bytes: int
    created_at: datetime

    @property
    def extension(self) -> str:
        _, dot, ext = self.file_name.rpartition(".")
        return ext.lower() if dot else ""


def _attached_statement(owner: DocumentOwner) -> Query:
    column = getattr(Document, f"{owner.value}_id")
    return Query(prepared(Document, column, Document.id, Document.title, Document.file_name, Document.mime_type,
                          Document.category, Document.size_bytes, Document.created_at)
                 .where(column.in_(bindparam("owners", expanding=True))).order_by(Document.id))


_ATTACHED = {owner: _attached_statement(owner) for owner in DocumentOwner}


def attached_to(reader: Reader, caller: Caller, owner: DocumentOwner,
                owner_ids: list[int]) -> dict[int, list[DocumentView]]:
    """The documents of each of several jobs, applications or offers, in one query."""
    found: dict[int, list[DocumentView]] = {owner_id: [] for owner_id in owner_ids}
    if owner_ids:
        for owner_id, *fields in _ATTACHED[owner].rows(reader, bound(caller, owners=owner_ids)):
            found[owner_id].append(DocumentView(*fields))
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


def prepare_upload(session: Session, caller: Caller, urls: UrlSigner, *, clock: Clock) -> SignedLink:
    """A place to PUT a file's bytes to, for the caller's tenant only, valid for fifteen minutes;
    `create_from_upload` then files it."""
    now = clock.now()
    upload = Upload(tenant_id=caller.require_tenant(), key=LocalStorage.new_key(), created_at=now,
                    expires_at=now + timedelta(seconds=UPLOAD_SECONDS))
    session.add(upload)
    session.flush()
    return SignedLink(upload.key, upload.expires_at, urls.sign("upload", upload.tenant_id, upload.key,
                                                               expires=upload.expires_at))


def receive_upload(session: Session, urls: UrlSigner, storage: LocalStorage, *, tenant_id: int, key: str,
                   expires: int, signature: str, data: bytes, clock: Clock, max_bytes: int) -> Upload:
    """Store the bytes PUT to an upload link, once: a second PUT (even a concurrent one) is a 409 and
    leaves the first bytes as they were."""
    urls.verify("upload", tenant_id, key, expires=expires, signature=signature, now=clock.now())
    _check_size(data, max_bytes)
    upload = _upload(session, Caller.operator(tenant_id), key)
    if upload.received_at is not None:
        raise Conflict("bytes were already uploaded to this link; ask for a new one")
    storage_key, digest = storage.put(data)
    received = session.execute(
        scoped_update(Upload, Caller.operator(tenant_id)).where(Upload.id == upload.id, Upload.received_at.is_(None))
        .values(received_at=clock.now(), storage_key=storage_key, size_bytes=len(data), sha256=digest)
        .execution_options(synchronize_session=False))
    if received.rowcount != 1:  # type: ignore[attr-defined]
        storage.delete(storage_key)
        raise Conflict("bytes were already uploaded to this link; ask for a new one")
    session.refresh(upload)
    return upload


def create_from_upload(session: Session, caller: Caller, storage: LocalStorage, *, upload_key: str,
                       owner: DocumentOwner, owner_id: int, file_name: str, clock: Clock, title: str | None = None,
                       mime_type: str | None = None, category: str | None = None) -> Document:
    """File the bytes PUT to an upload link as a document of a job, application or offer: only the tenant
    that asked for the link, only once, and only after the bytes arrived (in time: the link expires)."""
    upload = _upload(session, caller, upload_key)
    if upload.received_at is None or upload.storage_key is None:
        raise NotFound("no file was uploaded under that upload id (or it was not PUT yet)")
    if upload.filed_at is not None:
        raise Conflict("that upload is already a document")
    name = _clean_name(file_name)
    get_scoped(session, _OWNER_MODELS[owner], caller, owner_id, what=owner.value)
    filed = session.execute(
        scoped_update(Upload, caller).where(Upload.id == upload.id, Upload.filed_at.is_(None))
        .values(filed_at=clock.now()).execution_options(synchronize_session=False))
    if filed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("that upload is already a document")
    return _file(session, caller, upload.storage_key, upload.size_bytes or 0, upload.sha256 or "", owner=owner,
                 owner_id=owner_id, name=name, clock=clock, title=title, mime_type=mime_type, category=category)


def _upload(session: Session, caller: Caller, key: str) -> Upload:
    upload = session.scalar(scoped(Upload, caller).where(Upload.key == key)) if key.isalnum() else None
    if upload is None:  # another tenant's, or none: the same answer
        raise NotFound("no such upload")
    return upload
