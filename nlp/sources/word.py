"""Word documents, read with python-docx once the package has passed the zip checks."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from nlp.sources.limits import check_chars, check_zip
from nlp.sources.model import SourceFileError

__all__ = ["read_docx"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Tables inside tables deeper than this are layout tricks or an attack on the recursion.
_MAX_TABLE_DEPTH = 8


def read_docx(data: bytes) -> str:
    """The paragraphs and table rows of the body in document order, one per line.

    Headers, footers, footnotes and comments are left out: they repeat on every page or are not
    part of what was said.
    """
    if data.startswith(_OLE):
        raise SourceFileError("This is not a DOCX file: it is an old Word .doc file or a password-protected "
                              "document. Save it as .docx without a password and upload it again.")
    if not data.startswith(b"PK\x03\x04"):
        raise SourceFileError("This is not a DOCX file (it is not a Word document package).")
    check_zip(data, "DOCX")
    try:
        document = docx.Document(io.BytesIO(data))
    # The bytes are untrusted: zipfile, lxml and python-docx each have their own errors for a
    # damaged package, and any of them means the same thing to the person who uploaded it.
    except Exception as error:
        raise SourceFileError("This DOCX file cannot be opened: it is damaged or not a Word document.") from error
    lines: list[str] = []
    length = 0
    try:
        for line in _lines(document, 0):
            lines.append(line)
            length += len(line) + 1
            check_chars(length, "The text of this document")
    except SourceFileError:
        raise
    except Exception as error:  # as above: the document body is untrusted XML
        raise SourceFileError("This DOCX file is damaged: its text cannot be read.") from error
    return "\n".join(lines)


def _lines(container, depth: int) -> Iterator[str]:
    for block in container.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table) and depth < _MAX_TABLE_DEPTH:
            yield from _table_lines(block, depth + 1)


def _table_lines(table: Table, depth: int) -> Iterator[str]:
    """One line per row, cells separated by a tab; a merged cell is read once."""
    seen = set()
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # python-docx repeats a merged cell for every grid column and row it spans.
            if cell._tc in seen:
                continue
            seen.add(cell._tc)
            text = " ".join(line.strip() for line in _lines(cell, depth) if line.strip())
            if text:
                cells.append(text)
        if cells:
            yield "\t".join(cells)
