"""PDF documents: the text layer of every page, read with pypdf."""

from __future__ import annotations

import io

from pypdf import PdfReader

from nlp.sources.limits import MAX_PDF_PAGES, check_chars
from nlp.sources.model import SourceFileError
from nlp.sources.text import normalise

__all__ = ["read_pdf"]

_NO_TEXT = ("This PDF has no text layer; it is probably a scanned image. Run it through text recognition "
            "(OCR) first, or upload the text as .txt or .docx.")


def read_pdf(data: bytes) -> tuple[str, list[str]]:
    """The pages' text separated by a blank line, and a warning for pages without text."""
    # PDF readers accept the header anywhere in the first kilobyte, after junk some servers prepend.
    if b"%PDF-" not in data[:1024]:
        raise SourceFileError("This is not a PDF file (it does not start with the %PDF- header).")
    try:
        pages = _page_texts(data)
    except SourceFileError:
        raise
    # pypdf raises many kinds of error on damaged or hostile files (its own, but also KeyError,
    # TypeError, zlib.error, RecursionError...); none of them may reach the caller.
    except Exception as error:
        raise SourceFileError("This PDF file is damaged or uses features that cannot be read.") from error
    texts = [text for text in pages if text]
    if not texts:
        raise SourceFileError(_NO_TEXT)
    warnings = []
    if len(texts) < len(pages):
        blank = len(pages) - len(texts)
        warnings.append(f"{blank} of {len(pages)} pages have no text layer (scanned images?) and were left out."
                        if blank > 1 else
                        f"1 of {len(pages)} pages has no text layer (a scanned image?) and was left out.")
    return "\n\n".join(texts), warnings


def _page_texts(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not _opens_without_password(reader):
        raise SourceFileError("This PDF is password-protected. Upload a copy without a password.")
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise SourceFileError(f"This PDF has {count:,} pages; at most {MAX_PDF_PAGES:,} can be read.")
    texts = []
    length = 0
    for page in reader.pages:
        text = normalise(page.extract_text() or "").strip()
        length += len(text) + 2
        check_chars(length, "The text of this PDF")
        texts.append(text)
    return texts


def _opens_without_password(reader: PdfReader) -> bool:
    """Whether an encrypted PDF only restricts printing or copying, with an empty password to open it."""
    try:
        return bool(reader.decrypt(""))
    # An encryption pypdf cannot undo without an optional package counts as a password.
    except Exception:  # noqa: BLE001
        return False
