"""REFI-QDA exchange (QDA-XML 1.0): `.qdpx` projects and `.qdc` codebooks, written and read.

A `.qdpx` is a zip holding `project.qde` (XML, namespace `urn:QDA-XML:project:1.0`) and the
source texts as `sources/<guid>.txt` (UTF-8). A `.qdc` is a codebook on its own (namespace
`urn:QDA-XML:codebook:1.0`). This module knows nothing of the database: it reads and writes the
plain dataclasses below, and another module maps records to them.

Positions. `startPosition` and `endPosition` of a `PlainTextSelection` count characters, meaning
Unicode code points, from 0; the end is exclusive. Those are exactly Python `str` indices, so
`text[selection.start:selection.end]` is the selected passage, also after an emoji (one code point,
two UTF-16 units). Texts are never normalised (no line-ending or Unicode normalisation) because
any change would move every later position; only a UTF-8 byte-order mark on a text file is
dropped, as it is not part of the text.

Reading takes files written by other tools, and is strict only where being lenient would put
wrong data into the platform:

- refused with `RefiQdaError`: anything that is not a safe zip (size, entry count, expansion
  ratio, unsafe entry names, encryption, damage), no `project.qde`, XML that is not well formed
  or declares a DOCTYPE (no REFI-QDA file needs one; refusing it stops entity expansion and
  external entities), a selection whose positions do not fit its text (then the file counts
  positions differently from us, and every other selection in it is suspect too), a coding
  whose `CodeRef` names no code of the codebook, a GUID used twice for codes, sources,
  selections or codings;
- skipped, with one sentence each in `QdaProject.skipped`: sources without plain text (PDF
  without a text representation, pictures, audio, video, rich text alone), text linked outside
  the `.qdpx` or missing from it or not UTF-8, area selections on PDFs, codings of a whole source,
  notes attached to nothing we import;
- ignored: elements and attributes this module does not use (variables, cases, sets, graphs,
  links, foreign extensions).

Memos: a selection's memo is written as its `Description`. On reading, the `Description` and the
text of every `Note` the element points to with `NoteRef` are joined with blank lines, for the
project, codes, sources and selections alike; notes on a coding join its selection's memo. Project
memos are written as the project's `Description`; no `Notes` are written. GUIDs read are given
without braces, in upper case.
"""

from __future__ import annotations

import io
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from lxml import etree

__all__ = [
    "CODEBOOK_NAMESPACE",
    "PROJECT_NAMESPACE",
    "QdaCode",
    "QdaCoding",
    "QdaProject",
    "QdaSelection",
    "QdaTextSource",
    "QdaUser",
    "RefiQdaError",
    "new_guid",
    "read_qdc",
    "read_qde",
    "read_qdpx",
    "stable_guid",
    "write_qdc",
    "write_qdpx",
]

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
CODEBOOK_NAMESPACE = "urn:QDA-XML:codebook:1.0"

# Limits for a .qdpx from a stranger. Real projects with transcripts stay far below them;
# compressed text and XML expand some 3 to 20 times, a zip bomb about 1000 times.
MAX_ENTRIES = 10_000
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # small entries may compress very well without being a threat

_STRICT_GUID = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}"
)
_RGB = re.compile(r"#([A-Fa-f0-9]{6}|[A-Fa-f0-9]{3})")
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FRACTION = re.compile(r"(\.\d{6})\d+")
# Fixed for good: changing it would change every GUID that stable_guid has handed out.
_STABLE_NAMESPACE = uuid.UUID("6f1c1a52-5a0e-4d0b-9a4e-1f7d2b8c3e10")

# Everything zipfile and zlib raise on damaged, hostile or unsupported archives. The try blocks that
# catch these hold zipfile calls only, so a RefiQdaError (a ValueError) is never caught by mistake.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError, OSError, ValueError,
               NotImplementedError, RuntimeError)


class RefiQdaError(ValueError):
    """A REFI-QDA file that cannot be read or a project that cannot be written; the message is for the user."""


@dataclass
class QdaUser:
    guid: str
    name: str


@dataclass
class QdaCode:
    guid: str
    name: str
    description: str = ""
    color: str = ""
    children: list[QdaCode] = field(default_factory=list)
    codable: bool = True


@dataclass
class QdaCoding:
    guid: str
    code_guid: str
    user_guid: str | None
    created: datetime | None


@dataclass
class QdaSelection:
    guid: str
    start: int
    end: int
    name: str = ""
    user_guid: str | None = None
    created: datetime | None = None
    memo: str = ""
    codings: list[QdaCoding] = field(default_factory=list)


@dataclass
class QdaTextSource:
    guid: str
    name: str
    text: str
    selections: list[QdaSelection] = field(default_factory=list)
    user_guid: str | None = None
    created: datetime | None = None
    description: str = ""


@dataclass
class QdaProject:
    name: str
    users: list[QdaUser]
    codes: list[QdaCode]
    sources: list[QdaTextSource]
    origin: str = "EU-ALMPO"
    created: datetime | None = None
    creating_user_guid: str | None = None
    description: str = ""
    # What reading left out, one sentence each; empty for a project that is written.
    skipped: list[str] = field(default_factory=list)


def new_guid() -> str:
    """A random GUID as QDA-XML writes them: 8-4-4-4-12 hexadecimal digits, upper case."""
    return str(uuid.uuid4()).upper()


def stable_guid(*parts: object) -> str:
    """The same GUID for the same parts (say `"code", 17`), so that exporting twice gives the same GUIDs
    and another tool can recognise what it imported before."""
    return str(uuid.uuid5(_STABLE_NAMESPACE, "/".join(str(part) for part in parts))).upper()


# -- writing -------------------------------------------------------------------------------------


def write_qdpx(project: QdaProject) -> bytes:
    """The project as a `.qdpx`: `project.qde` and one `sources/<guid>.txt` per text source."""
    _check_project(project)
    root = _project_element(project)
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    stamp = _zip_time(project.created)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_zip_info("project.qde", stamp), qde)
        for source in project.sources:
            try:
                body = source.text.encode("utf-8")
            except UnicodeEncodeError as error:
                raise RefiQdaError(f"The text of source '{source.name}' contains a character that cannot be "
                                   f"written as UTF-8 (position {error.start}).") from None
            archive.writestr(_zip_info(f"sources/{source.guid}.txt", stamp), body)
    return out.getvalue()


def write_qdc(codes: list[QdaCode], *, origin: str = "EU-ALMPO") -> bytes:
    """The codes as a `.qdc` codebook (no sets)."""
    if not codes:
        raise RefiQdaError("A REFI-QDA codebook needs at least one code.")
    _Checker().codes(codes)
    root = etree.Element(_tag(CODEBOOK_NAMESPACE, "CodeBook"), nsmap={None: CODEBOOK_NAMESPACE})
    _set(root, "origin", origin)
    holder = etree.SubElement(root, _tag(CODEBOOK_NAMESPACE, "Codes"))
    for code in codes:
        _code_element(holder, code, CODEBOOK_NAMESPACE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class _Checker:
    """What the schema demands and other tools rely on: GUID syntax, unique GUIDs, known references."""

    def __init__(self) -> None:
        self.owners: dict[str, str] = {}

    def claim(self, guid: str, what: str) -> None:
        if not isinstance(guid, str) or not _STRICT_GUID.fullmatch(guid):
            raise RefiQdaError(f"Cannot write {what}: its GUID {guid!r} is not of the form "
                               "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX (hexadecimal digits).")
        key = _key(guid)
        if key in self.owners:
            raise RefiQdaError(f"Cannot write {what}: its GUID {guid} is already used by {self.owners[key]}.")
        self.owners[key] = what

    def codes(self, codes: list[QdaCode]) -> None:
        for code in codes:
            self.claim(code.guid, f"code '{code.name}'")
            if code.color and not _RGB.fullmatch(code.color):
                raise RefiQdaError(f"Cannot write code '{code.name}': its colour {code.color!r} is not #RRGGBB.")
            self.codes(code.children)


def _check_project(project: QdaProject) -> None:
    checker = _Checker()
    for user in project.users:
        checker.claim(user.guid, f"user '{user.name}'")
    users = {_key(user.guid) for user in project.users}
    checker.codes(project.codes)
    codes = {_key(code.guid) for code in _walk(project.codes)}

    def known_user(guid: str | None, what: str) -> None:
        if guid is not None and _key(guid) not in users:
            raise RefiQdaError(f"Cannot write {what}: it names user {guid}, who is not among the project's users.")

    known_user(project.creating_user_guid, f"project '{project.name}'")
    for source in project.sources:
        checker.claim(source.guid, f"source '{source.name}'")
        known_user(source.user_guid, f"source '{source.name}'")
        for selection in source.selections:
            what = f"the selection {selection.start}-{selection.end} of source '{source.name}'"
            checker.claim(selection.guid, what)
            known_user(selection.user_guid, what)
            if not 0 <= selection.start <= selection.end <= len(source.text):
                raise RefiQdaError(f"Cannot write {what}: the text has {len(source.text)} characters.")
            for coding in selection.codings:
                checker.claim(coding.guid, f"a coding of {what}")
                known_user(coding.user_guid, f"a coding of {what}")
                if _key(coding.code_guid) not in codes:
                    raise RefiQdaError(f"Cannot write a coding of {what}: code {coding.code_guid} is not in the "
                                       "codebook.")


def _project_element(project: QdaProject) -> etree._Element:
    ns = PROJECT_NAMESPACE
    root = etree.Element(_tag(ns, "Project"), nsmap={None: ns})
    _set(root, "name", project.name, always=True)
    _set(root, "origin", project.origin)
    _set(root, "creatingUserGUID", project.creating_user_guid)
    _set(root, "creationDateTime", _format_datetime(project.created))
    # The schema fixes the order of the children: Users, CodeBook, ..., Sources, ..., Description.
    if project.users:
        holder = etree.SubElement(root, _tag(ns, "Users"))
        for user in project.users:
            element = etree.SubElement(holder, _tag(ns, "User"))
            _set(element, "guid", user.guid)
            _set(element, "name", user.name, always=True)
    if project.codes:
        holder = etree.SubElement(etree.SubElement(root, _tag(ns, "CodeBook")), _tag(ns, "Codes"))
        for code in project.codes:
            _code_element(holder, code, ns)
    if project.sources:
        holder = etree.SubElement(root, _tag(ns, "Sources"))
        for source in project.sources:
            _source_element(holder, source)
    _description(root, ns, project.description)
    return root


def _code_element(parent: etree._Element, code: QdaCode, ns: str) -> None:
    element = etree.SubElement(parent, _tag(ns, "Code"))
    _set(element, "guid", code.guid)
    _set(element, "name", code.name, always=True)
    element.set("isCodable", "true" if code.codable else "false")
    _set(element, "color", code.color)
    _description(element, ns, code.description)
    for child in code.children:
        _code_element(element, child, ns)


def _source_element(parent: etree._Element, source: QdaTextSource) -> None:
    ns = PROJECT_NAMESPACE
    element = etree.SubElement(parent, _tag(ns, "TextSource"))
    _set(element, "guid", source.guid)
    _set(element, "name", source.name, always=True)
    element.set("plainTextPath", f"internal://{source.guid}.txt")
    _set(element, "creatingUser", source.user_guid)
    _set(element, "creationDateTime", _format_datetime(source.created))
    _description(element, ns, source.description)
    for selection in source.selections:
        item = etree.SubElement(element, _tag(ns, "PlainTextSelection"))
        _set(item, "guid", selection.guid)
        _set(item, "name", selection.name)
        item.set("startPosition", str(selection.start))
        item.set("endPosition", str(selection.end))
        _set(item, "creatingUser", selection.user_guid)
        _set(item, "creationDateTime", _format_datetime(selection.created))
        _description(item, ns, selection.memo)
        for coding in selection.codings:
            coded = etree.SubElement(item, _tag(ns, "Coding"))
            _set(coded, "guid", coding.guid)
            _set(coded, "creatingUser", coding.user_guid)
            _set(coded, "creationDateTime", _format_datetime(coding.created))
            etree.SubElement(coded, _tag(ns, "CodeRef")).set("targetGUID", coding.code_guid)


def _description(parent: etree._Element, ns: str, text: str) -> None:
    if text:
        etree.SubElement(parent, _tag(ns, "Description")).text = _NOT_XML.sub("", text)


def _set(element: etree._Element, name: str, value: str | None, *, always: bool = False) -> None:
    if value or (always and value is not None):
        element.set(name, _NOT_XML.sub("", value))


def _tag(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _format_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _zip_time(created: datetime | None) -> tuple[int, int, int, int, int, int]:
    moment = created or datetime.now()
    # Zip timestamps cannot go before 1980.
    return (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _zip_info(name: str, stamp: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def _walk(codes: list[QdaCode]) -> Iterator[QdaCode]:
    for code in codes:
        yield code
        yield from _walk(code.children)


def _key(guid: str) -> str:
    return guid.strip().strip("{}").upper()


# -- reading -------------------------------------------------------------------------------------


class _Unavailable(Exception):
    """The text of one source or note cannot be had; the message says why, for `skipped`."""


def read_qdpx(data: bytes, *, max_bytes: int = 100 * 1024 * 1024) -> QdaProject:
    """The project in a `.qdpx` upload. `max_bytes` caps both the upload and what it unpacks to."""
    with _Archive(data, max_bytes) as archive:
        return _read_project(archive.read(archive.project_entry()), archive.text)


def read_qde(xml: bytes, source_texts: dict[str, str]) -> QdaProject:
    """The project in a `project.qde`; `source_texts` maps each `plainTextPath` as written in the file
    (say `internal://<guid>.txt`) to its text. Sources whose text is not given are skipped."""

    def text(path: str) -> str:
        if path not in source_texts:
            raise _Unavailable(f"its text ({path}) was not supplied")
        return source_texts[path]

    return _read_project(xml, text)


def read_qdc(xml: bytes) -> list[QdaCode]:
    """The codes of a `.qdc` codebook, nested as in the file."""
    root = _parse(xml, "The codebook")
    if _name(root) != "CodeBook":
        raise RefiQdaError("This is not a REFI-QDA codebook: its root element is not CodeBook.")
    reader = _ProjectReader(_no_files)
    return [reader.code(element) for holder in _children(root, "Codes") for element in _children(holder, "Code")]


def _no_files(path: str) -> str:
    raise _Unavailable(f"a codebook carries no files ({path})")


class _Archive:
    """A zip checked before anything in it is unpacked: size, entry count, expansion, names."""

    def __init__(self, data: bytes, max_bytes: int) -> None:
        if len(data) > max_bytes:
            raise RefiQdaError(f"The file is larger than the {_size(max_bytes)} allowed for a REFI-QDA project.")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            entries = self.zip.infolist()
        except _ZIP_ERRORS:
            raise RefiQdaError("This is not a REFI-QDA project (.qdpx): the file is not a readable zip archive.") \
                from None
        try:
            self._check(entries, max_bytes)
        except RefiQdaError:
            self.zip.close()
            raise

    def __enter__(self) -> _Archive:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.zip.close()

    def _check(self, entries: list[zipfile.ZipInfo], max_bytes: int) -> None:
        if len(entries) > MAX_ENTRIES:
            raise RefiQdaError(f"The .qdpx holds {len(entries)} files; more than {MAX_ENTRIES} are not accepted.")
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for entry in entries:
            name = entry.filename
            if _unsafe_name(name):
                raise RefiQdaError(f"The .qdpx contains a file with an unsafe name ({name!r}) and was refused.")
            if name in self.entries:
                raise RefiQdaError(f"The .qdpx contains two files named {name!r} and was refused.")
            if entry.flag_bits & 0x1:
                raise RefiQdaError("The .qdpx is encrypted; export it again without a password.")
            if entry.file_size > RATIO_FLOOR and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise RefiQdaError(f"The file {name!r} in the .qdpx would expand more than {MAX_RATIO} times; "
                                   "the archive looks like a zip bomb and was refused.")
            total += entry.file_size
            self.entries[name] = entry
        if total > max_bytes:
            raise RefiQdaError(f"The .qdpx would unpack to {_size(total)}, more than the {_size(max_bytes)} allowed.")
        self.folded = {name.lower(): entry for name, entry in self.entries.items()}

    def find(self, name: str) -> zipfile.ZipInfo | None:
        return self.entries.get(name) or self.folded.get(name.lower())

    def project_entry(self) -> zipfile.ZipInfo:
        entry = self.find("project.qde")
        if entry is not None:
            return entry
        top = [entry for name, entry in self.entries.items() if "/" not in name and name.lower().endswith(".qde")]
        if len(top) == 1:
            return top[0]
        raise RefiQdaError("This .qdpx has no project.qde, the file that describes a REFI-QDA project.")

    def read(self, entry: zipfile.ZipInfo) -> bytes:
        try:
            with self.zip.open(entry) as handle:
                # Never more than the size checked above, whatever the compressed stream holds.
                content = handle.read(entry.file_size + 1)
        except _ZIP_ERRORS:
            raise RefiQdaError(f"The file {entry.filename!r} in the .qdpx is damaged and cannot be read.") from None
        if len(content) != entry.file_size:
            raise RefiQdaError(f"The file {entry.filename!r} in the .qdpx is damaged and cannot be read.")
        return content

    def text(self, path: str) -> str:
        scheme, separator, rest = path.partition("://")
        scheme = scheme.lower() if separator else "relative"
        rest = (rest if separator else path).replace("\\", "/").lstrip("/")
        if scheme not in ("internal", "relative"):
            raise _Unavailable(f"its text is outside the .qdpx ({path})")
        names = [rest, unquote(rest)]
        if any(part == ".." for name in names for part in name.split("/")):
            raise _Unavailable(f"its text path ({path}) points outside the project")
        # internal:// names a file in the sources folder; relative:// is relative to the project's
        # base folder on the sender's disk, which a .qdpx may or may not carry along.
        candidates = [f"sources/{name}" for name in names]
        if scheme == "relative":
            candidates = names + candidates
        for candidate in candidates:
            entry = self.find(candidate)
            if entry is not None:
                try:
                    return self.read(entry).decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise _Unavailable(f"its text file {entry.filename!r} is not UTF-8") from None
        if scheme == "internal":
            raise _Unavailable(f"the .qdpx does not contain its text file sources/{rest}")
        raise _Unavailable(f"its text is linked outside the .qdpx ({path}) and not included in it")


def _unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return True
    parts = name.split("/")
    return ".." in parts or ":" in parts[0]


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.0f} MB" if count >= 1024 * 1024 else f"{count} bytes"


def _parse(xml: bytes, what: str) -> etree._Element:
    if _declares_doctype(xml):
        raise RefiQdaError(f"{what} declares a DOCTYPE, which REFI-QDA files never need; it was refused as unsafe.")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                             remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise RefiQdaError(f"{what} is not well-formed XML ({error.msg}).") from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None:
        raise RefiQdaError(f"{what} declares a DOCTYPE, which REFI-QDA files never need; it was refused as unsafe.")
    return root


def _declares_doctype(xml: bytes) -> bool:
    """Whether the prolog holds `<!DOCTYPE`, checked before the parser sees its entities."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = xml.decode("utf-16", errors="replace")
    elif b"\x00" in xml[:4]:
        head = xml.decode("utf-16-le" if xml[1:2] == b"\x00" else "utf-16-be", errors="replace")
    else:
        # UTF-8 and the other ASCII-based encodings; a DOCTYPE in anything rarer is caught after parsing.
        head = xml.decode("latin-1")
    position = 3 if head.startswith("\xef\xbb\xbf") else 1 if head.startswith("\ufeff") else 0
    # The prolog is only whitespace, the XML declaration, processing instructions and comments.
    while True:
        while position < len(head) and head[position] in " \t\r\n":
            position += 1
        if head.startswith("<?", position):
            closing = "?>"
        elif head.startswith("<!--", position):
            closing = "-->"
        else:
            return head.startswith("<!", position)
        end = head.find(closing, position)
        if end < 0:
            return False
        position = end + len(closing)


def _read_project(xml: bytes, text: Callable[[str], str]) -> QdaProject:
    root = _parse(xml, "The project file (project.qde)")
    if _name(root) == "CodeBook":
        raise RefiQdaError("This is a REFI-QDA codebook (.qdc), not a project (.qdpx).")
    if _name(root) != "Project":
        raise RefiQdaError("This is not a REFI-QDA project: the root element of project.qde is not Project.")
    return _ProjectReader(text).project(root)


class _ProjectReader:
    def __init__(self, text: Callable[[str], str]) -> None:
        self.text = text
        self.skipped: list[str] = []
        self.users: dict[str, QdaUser] = {}
        self.codes: dict[str, QdaCode] = {}
        self.guids: dict[str, str] = {}
        self.notes: dict[str, tuple[str, str]] = {}
        self.used_notes: set[str] = set()

    def project(self, root: etree._Element) -> QdaProject:
        for holder in _children(root, "Users"):
            for element in _children(holder, "User"):
                guid = self.guid(element)
                self.users.setdefault(guid, QdaUser(guid, element.get("name", "")))
        # Notes first: codes, sources and selections take their text in through NoteRef.
        for holder in _children(root, "Notes"):
            for element in _children(holder, "Note"):
                self.note(element)
        codes = [self.code(element) for book in _children(root, "CodeBook") for holder in _children(book, "Codes")
                 for element in _children(holder, "Code")]
        sources = [source for holder in _children(root, "Sources") for element in _all_children(holder)
                   if (source := self.source(element)) is not None]
        creator = self.user(root.get("creatingUserGUID"))
        description = self.memo(root)
        for guid, (name, _) in self.notes.items():
            if guid not in self.used_notes:
                self.skipped.append(f"Note '{name}' was not imported: it belongs to nothing that was imported.")
        return QdaProject(name=root.get("name", ""), users=list(self.users.values()), codes=codes, sources=sources,
                          origin=root.get("origin", ""), created=_parse_datetime(root.get("creationDateTime")),
                          creating_user_guid=creator, description=description, skipped=self.skipped)

    def code(self, element: etree._Element) -> QdaCode:
        guid = self.claim(element, "code")
        color = (element.get("color") or "").strip()
        code = QdaCode(guid=guid, name=element.get("name", ""), description=self.memo(element),
                       color=color if _RGB.fullmatch(color) else "",
                       codable=(element.get("isCodable") or "true").strip().lower() not in ("false", "0"))
        self.codes[guid] = code
        code.children = [self.code(child) for child in _children(element, "Code")]
        return code

    def note(self, element: etree._Element) -> None:
        name = element.get("name") or "untitled"
        body = self.body(element, f"Note '{name}'")
        if body is not None:
            self.notes[self.guid(element)] = (name, body)

    def source(self, element: etree._Element) -> QdaTextSource | None:
        kind = _name(element)
        name = element.get("name") or element.get("guid") or "untitled"
        if kind == "TextSource":
            return self.text_source(element, element, "Text source")
        if kind == "PDFSource":
            areas = len(list(_children(element, "PDFSelection")))
            representation = next(_children(element, "Representation"), None)
            if representation is None:
                self.skipped.append(f"PDF '{name}' was not imported: it has no plain-text representation.")
                return None
            if areas:
                self.skipped.append(f"{_count(areas, 'area selection')} on PDF '{name}' not imported; only its text "
                                    "representation and the selections on it were.")
            return self.text_source(representation, element, "PDF")
        labels = {"PictureSource": "Picture", "AudioSource": "Audio source", "VideoSource": "Video source"}
        if kind in labels:
            self.skipped.append(f"{labels[kind]} '{name}' was not imported: only texts can be imported.")
        return None

    def text_source(self, element: etree._Element, outer: etree._Element, label: str) -> QdaTextSource | None:
        """A text from `element`; its name, GUID and author from `outer` (a PDF keeps its own GUID)."""
        name = outer.get("name") or element.get("name") or outer.get("guid") or "untitled"
        text = self.body(element, f"{label} '{name}'")
        if text is None:
            return None
        layers = [outer, element] if outer is not element else [element]
        source = QdaTextSource(guid=self.claim(outer, "source"), name=name, text=text,
                               user_guid=self.user(outer.get("creatingUser") or element.get("creatingUser")),
                               created=_parse_datetime(outer.get("creationDateTime")
                                                       or element.get("creationDateTime")),
                               description="\n\n".join(memo for layer in layers if (memo := self.memo(layer))))
        source.selections = [self.selection(item, source) for item in _children(element, "PlainTextSelection")]
        whole = sum(1 for layer in layers for _ in _children(layer, "Coding"))
        if whole:
            self.skipped.append(f"{_count(whole, 'coding')} of the whole of {label.lower()} '{name}' not imported; "
                                "only codings of selections were.")
        return source

    def body(self, element: etree._Element, what: str) -> str | None:
        """The plain text of a TextSourceType element, or None with a line in `skipped`."""
        content = next(_children(element, "PlainTextContent"), None)
        if content is not None:
            return "".join(content.itertext())
        path = (element.get("plainTextPath") or "").strip()
        if path:
            try:
                return self.text(path)
            except _Unavailable as reason:
                self.skipped.append(f"{what} was not imported: {reason}.")
                return None
        if element.get("richTextPath"):
            self.skipped.append(f"{what} was not imported: it has only a rich-text file and no plain text.")
        else:
            self.skipped.append(f"{what} was not imported: it has no text.")
        return None

    def selection(self, element: etree._Element, source: QdaTextSource) -> QdaSelection:
        name = element.get("name", "")
        start = _position(element, "startPosition", source.name)
        end = _position(element, "endPosition", source.name)
        label = f"selection '{name}'" if name else f"the selection at {start}-{end}"
        if not 0 <= start <= end <= len(source.text):
            raise RefiQdaError(
                f"{label[0].upper()}{label[1:]} in source '{source.name}' does not fit its text "
                f"({len(source.text)} characters), so the file counts positions differently or has a different "
                "text; nothing was imported.")
        selection = QdaSelection(guid=self.claim(element, "selection"), start=start, end=end, name=name,
                                 user_guid=self.user(element.get("creatingUser")),
                                 created=_parse_datetime(element.get("creationDateTime")), memo=self.memo(element))
        for coding in _children(element, "Coding"):
            # A note on one coding is about this passage too, and the selection's memo is where it can go.
            if coding_memo := self.memo(coding):
                selection.memo = "\n\n".join(part for part in (selection.memo, coding_memo) if part)
            reference = next(_children(coding, "CodeRef"), None)
            target = _key(reference.get("targetGUID", "")) if reference is not None else ""
            if target not in self.codes:
                problem = f"refers to code {target}, which is not in the codebook" if target else "names no code"
                raise RefiQdaError(f"A coding of {label} in source '{source.name}' "
                                   f"{problem}; nothing was imported.")
            selection.codings.append(QdaCoding(guid=self.claim(coding, "coding"), code_guid=target,
                                               user_guid=self.user(coding.get("creatingUser")),
                                               created=_parse_datetime(coding.get("creationDateTime"))))
        return selection

    def memo(self, element: etree._Element) -> str:
        parts = ["".join(item.itertext()) for item in _children(element, "Description")]
        for reference in _children(element, "NoteRef"):
            target = _key(reference.get("targetGUID", ""))
            if target in self.notes:
                self.used_notes.add(target)
                parts.append(self.notes[target][1])
        return "\n\n".join(part for part in parts if part)

    def guid(self, element: etree._Element) -> str:
        value = (element.get("guid") or "").strip()
        return _key(value) if value else new_guid()

    def claim(self, element: etree._Element, kind: str) -> str:
        guid = self.guid(element)
        if guid in self.guids:
            raise RefiQdaError(f"The project uses GUID {guid} for two things (a {self.guids[guid]} and a {kind}); "
                               "nothing was imported.")
        self.guids[guid] = kind
        return guid

    def user(self, value: str | None) -> str | None:
        """A user GUID; a user named but not listed under Users is added without a name."""
        if not value or not value.strip():
            return None
        guid = _key(value)
        self.users.setdefault(guid, QdaUser(guid, ""))
        return guid


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _position(element: etree._Element, attribute: str, source: str) -> int:
    value = (element.get(attribute) or "").strip()
    try:
        return int(value)
    except ValueError:
        raise RefiQdaError(f"A selection in source '{source}' has {attribute} {value!r}, which is not a whole "
                           "number; nothing was imported.") from None


def _parse_datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        # .NET writes seven fractional digits; Python takes at most six.
        return datetime.fromisoformat(_FRACTION.sub(r"\1", value.strip()))
    except ValueError:
        return None


def _name(element: etree._Element) -> str | None:
    """The local name of a QDA-XML element; None for comments and foreign (extension) elements."""
    if not isinstance(element.tag, str):
        return None
    name = etree.QName(element)
    if name.namespace not in (None, PROJECT_NAMESPACE, CODEBOOK_NAMESPACE):
        return None
    return name.localname


def _all_children(element: etree._Element) -> Iterator[etree._Element]:
    return (child for child in element if _name(child) is not None)


def _children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    return (child for child in element if _name(child) == name)
