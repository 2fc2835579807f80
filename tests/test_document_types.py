"""A candidate's file is what a reader of its format would find it to be: a .docx or an .odt is a ZIP package that
holds what the format requires, not any ZIP. A zip bomb or a ZIP of thousands of members is refused without a
member unpacked. On the careers apply form and on the portal's upload, a refused file is a 415 and nothing is
stored; a real document is taken."""

import io
import re
import zipfile

import pytest
from starlette.testclient import TestClient

from hireport.kit.errors import UnsupportedMediaType
from hireport.models import Document
from hireport.services import documents
from tests.candidates import PERSON, A, Site, quiet_settings, site_fixture  # noqa: F401
from tests.console.world import dump

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT_MIME = "application/vnd.oasis.opendocument.text"
STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


def _zip(*members: tuple[str, bytes | str] | tuple[str, bytes | str, int]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data, *how in members:
            package.writestr(name, data, compress_type=how[0] if how else DEFLATED)
    return out.getvalue()


def _content_types(main: str) -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>')


RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument"/></Relationships>')
WORD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        '<w:t>Zelda Quennell, registered nurse</w:t></w:r></w:p></w:body></w:document>')
MANIFEST = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{ODT_MIME}"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>')
CONTENT = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
           '<office:text><text:p>Zelda Quennell, registered nurse</text:p></office:text></office:body>'
           '</office:document-content>')


def _docx(main: str = DOCX_MIME + ".main+xml", *more: tuple[str, bytes | str]) -> bytes:
    return _zip(("[Content_Types].xml", _content_types(main)), ("_rels/.rels", RELS), ("word/document.xml", WORD),
                *more)


def _odt(mimetype: str = ODT_MIME, how: int = STORED) -> bytes:
    return _zip(("mimetype", mimetype, how), ("META-INF/manifest.xml", MANIFEST), ("content.xml", CONTENT))


DOCX, ODT = _docx(), _odt()
PLAIN_ZIP = _zip(("notes.txt", "Zelda Quennell, registered nurse"))
BOMB = _docx(DOCX_MIME + ".main+xml", ("word/media/image1.png", b"\0" * 40_000_000))  # 40 MB in about 40 KB
CROWD = _docx(DOCX_MIME + ".main+xml", *((f"word/{i}.xml", "") for i in range(3000)))
NOT_WHAT_THEY_SAY = {
    "a plain ZIP named .docx": ("cv.docx", PLAIN_ZIP),
    "a plain ZIP named .odt": ("cv.odt", PLAIN_ZIP),
    "an .odt named .docx": ("cv.docx", ODT),
    "a .docx named .odt": ("cv.odt", DOCX),
    "a ZIP of a document.xml with no content types": ("cv.docx", _zip(("word/document.xml", WORD))),
    "a macro-enabled document named .docx": ("cv.docx",
                                             _docx("application/vnd.ms-word.document.macroEnabled.main+xml")),
    "a template named .docx": ("cv.docx", _docx(DOCX_MIME.replace(".document", ".template") + ".main+xml")),
    "a spreadsheet named .odt": ("cv.odt", _odt("application/vnd.oasis.opendocument.spreadsheet")),
    "an .odt whose mimetype is compressed": ("cv.odt", _odt(how=DEFLATED)),
    "an .odt whose mimetype is not first": ("cv.odt", _zip(("content.xml", CONTENT), ("mimetype", ODT_MIME, STORED))),
    "an .odt with no content": ("cv.odt", _zip(("mimetype", ODT_MIME, STORED))),
    "a zip bomb": ("cv.docx", BOMB),
    "a ZIP of thousands of members": ("cv.docx", CROWD),
    "a .docx cut short": ("cv.docx", DOCX[: len(DOCX) // 2]),
}
LIMIT = 5 * 1024 * 1024


def test_a_real_docx_and_odt_are_what_they_say():
    assert documents.screen("cv.docx", DOCX, max_bytes=LIMIT) == ("cv.docx", DOCX_MIME)
    assert documents.screen("CV.ODT", ODT, max_bytes=LIMIT) == ("CV.ODT", ODT_MIME)


@pytest.mark.parametrize("what", NOT_WHAT_THEY_SAY)
def test_a_zip_is_not_a_document_unless_it_holds_one(what: str):
    name, data = NOT_WHAT_THEY_SAY[what]
    with pytest.raises(UnsupportedMediaType, match="not what its name says"):
        documents.screen(name, data, max_bytes=LIMIT)


def test_a_zip_bomb_and_a_crowd_of_members_are_refused_without_unpacking(monkeypatch: pytest.MonkeyPatch):
    opened: list[str] = []
    parsed: list[int] = []
    real_open, real_init = zipfile.ZipFile.open, zipfile.ZipFile.__init__

    def spy_open(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    def spy_init(self, *args, **kwargs):
        parsed.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy_open)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", spy_init)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(BOMB)).infolist()) > 900 * len(BOMB)
    parsed.clear()
    for data in (BOMB, CROWD):
        with pytest.raises(UnsupportedMediaType):
            documents.screen("cv.docx", data, max_bytes=LIMIT)
    assert opened == []  # not a member unpacked
    assert parsed == [1]  # the bomb's directory read (its sizes tell it); the crowd's never parsed
    documents.screen("cv.docx", DOCX, max_bytes=LIMIT)
    assert opened == ["[Content_Types].xml"]  # a real one: the one small part that names its kind


REFUSED_ON_FORMS = ("a plain ZIP named .docx", "a plain ZIP named .odt", "a zip bomb", "a ZIP of thousands of members",
                    "a macro-enabled document named .docx", "a spreadsheet named .odt")


def _stored_types(site: Site) -> list[str]:
    with site.rt.db.transaction(write=False) as session:
        return [d.mime_type for d in session.query(Document).filter(Document.application_id.is_not(None))
                .order_by(Document.id)]


def test_the_careers_apply_form_refuses_a_zip_that_is_not_its_document(site: Site):
    before, files = dump(site.rt), site.stored_files()
    for what in REFUSED_ON_FORMS:
        name, data = NOT_WHAT_THEY_SAY[what]
        answer = site.apply(files=[("cv", (name, data, "application/octet-stream"))])
        assert answer.status_code == 415, (what, answer.status_code, answer.text[:2000])
        assert "not what its name says" in answer.text, what
        assert dump(site.rt) == before, what
        assert site.stored_files() == files, what
    taken = site.apply(files=[("cv", ("cv.docx", DOCX, DOCX_MIME)), ("other", ("letter.odt", ODT, ODT_MIME))])
    assert taken.status_code == 303, taken.text[:2000]
    assert sorted(_stored_types(site)) == sorted([DOCX_MIME, ODT_MIME])


def test_the_portal_upload_refuses_a_zip_that_is_not_its_document(site: Site):
    application = int(site.apply().headers["location"].rsplit("=", 1)[1])
    asked = site.http.post(f"/manage/v1/tenants/{A}/document-requests", headers=site.operator,
                           json={"application_id": application, "title": "Reference letter"})
    assert asked.status_code == 201, asked.text
    me = site.enter(PERSON["email"], TestClient(site.http.app, base_url="http://testserver"))
    home = me.get(f"/portal/{A}/")
    found = re.search(r'name="csrf" value="([^"]+)"', home.text)
    assert found, home.text
    target = f"/portal/{A}/requests/{asked.json()['id']}"
    before, files = dump(site.rt), site.stored_files()
    for what in REFUSED_ON_FORMS:
        name, data = NOT_WHAT_THEY_SAY[what]
        answer = me.post(target, data={"csrf": found[1]}, files={"file": (name, data, "application/octet-stream")})
        assert answer.status_code == 415 and "not what its name says" in answer.text, (what, answer.text[:2000])
        assert dump(site.rt) == before, what
        assert site.stored_files() == files, what
    taken = me.post(target, data={"csrf": found[1]}, files={"file": ("reference.odt", ODT, ODT_MIME)})
    assert taken.status_code == 200 and "we have your document" in taken.text
    assert _stored_types(site)[-1] == ODT_MIME
