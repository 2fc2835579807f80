"""Documents: files attached to a job, an application or an offer."""

import io
import mimetypes
import struct
import zipfile
import zlib
from collections.abc import Callable
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


# A word-processing file that is a ZIP package is told by what the package holds, as a reader of its format
# finds it. Only the package's directory is read, and only when it is small (a ZIP of thousands of members is
# refused before it is parsed); no member is unpacked but the one small part that names the kind, and a package
# whose members would unpack to far more than its own size (a zip bomb) is refused from the sizes it declares.
PACKAGE_MEMBERS = 500
PACKAGE_DIRECTORY_BYTES = 64 * 1024  # a document of 500 members needs about 40 KiB
PACKAGE_RATIO = 100  # unpacked / packed: a document's is seldom over 20, a zip bomb's in the thousands
PACKAGE_PART_BYTES = 64 * 1024
WORD_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _is_docx(package: zipfile.ZipFile) -> bool:
    """Office Open XML: the main part word/document.xml, declared a WordprocessingML document (not a template,
    not macro-enabled) in [Content_Types].xml."""
    return "word/document.xml" in package.namelist() and WORD_MAIN in _part(package, "[Content_Types].xml")


def _is_odt(package: zipfile.ZipFile) -> bool:
    """OpenDocument text: the first member is `mimetype`, stored uncompressed, naming the kind; and content.xml."""
    first = package.infolist()[0]
    return (first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
            and "content.xml" in package.namelist() and _part(package, "mimetype") == ODT_MIMETYPE)


PACKAGES: dict[str, Callable[[zipfile.ZipFile], bool]] = {"docx": _is_docx, "odt": _is_odt}


def _package_is(data: bytes, kind: Callable[[zipfile.ZipFile], bool]) -> bool:
    """Whether `data` is a ZIP package of this kind, told within the bounds above."""
    # The end record (at most 64 KiB of comment from the end) says how many members and how large a directory
    # there are; a ZIP64 locator before it would make zipfile read other counts, and no document needs one.
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if end < 20 or len(data) - end < 22 or data[end - 20:end - 16] == b"PK\x06\x07":
        return False
    members, directory_bytes = struct.unpack_from("<HI", data, end + 10)
    if not 0 < members <= PACKAGE_MEMBERS or directory_bytes > PACKAGE_DIRECTORY_BYTES:
        return False
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):  # a bad offset, name or version
        return False
    with package:
        infos = package.infolist()
        if (not 0 < len(infos) <= PACKAGE_MEMBERS or len(set(package.namelist())) < len(infos)  # a name twice
                or sum(i.file_size for i in infos) > PACKAGE_RATIO * len(data)):
            return False
        return kind(package)


def _part(package: zipfile.ZipFile, name: str) -> bytes:
    """A small member's bytes; nothing if it is missing, large, encrypted or damaged."""
    info = package.NameToInfo.get(name)
    if info is None or info.file_size > PACKAGE_PART_BYTES or info.flag_bits & 0x1:
        return b""
    try:
        return package.read(info)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, EOFError, ValueError):
        return b""


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
    package = PACKAGES.get(ext.lower())
    if (signatures and not data.startswith(signatures)) or (package and not _package_is(data, package)):
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


def check_upload_link(urls: UrlSigner, *, tenant_id: int, key: str, expires: int, signature: str,
                      clock: Clock) -> None:
    """Refuse (403) an upload link that is not ours or has expired: cheap, so checked before the bytes come."""
    urls.verify("upload", tenant_id, key, expires=expires, signature=signature, now=clock.now())


def receive_upload(session: Session, urls: UrlSigner, storage: LocalStorage, *, tenant_id: int, key: str,
                   expires: int, signature: str, data: bytes, clock: Clock, max_bytes: int) -> Upload:
    """Store the bytes PUT to an upload link, once: a second PUT (even a concurrent one) is a 409 and
    leaves the first bytes as they were."""
    check_upload_link(urls, tenant_id=tenant_id, key=key, expires=expires, signature=signature, clock=clock)
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
