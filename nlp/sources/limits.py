"""Bounds on what an upload may cost to read, checked before any parser sees the bytes."""

from __future__ import annotations

import io
import math
import zipfile

from nlp.sources.model import SourceFileError

__all__ = ["DEFAULT_MAX_BYTES", "MAX_CHARS", "MAX_PDF_PAGES", "check_chars", "check_size", "check_zip", "megabytes"]

MiB = 1024 * 1024
DEFAULT_MAX_BYTES = 10 * MiB
# About 700 pages of prose: more than any session transcript, and past it the extractor's
# memory and time grow beyond what one web request should take.
MAX_CHARS = 2_000_000
# A 10 MB report has a few hundred pages; thousands are a sign of a generated or hostile file,
# and each page costs a text extraction.
MAX_PDF_PAGES = 2_000

# A Word package is a few dozen parts (a few hundred with many images). The declared sizes
# bound what python-docx will inflate, because zipfile stops each entry at its declared size.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNCOMPRESSED = 64 * MiB
# Word XML rarely compresses more than 30 times; a large entry far beyond that is padding
# built to expand, not text.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = MiB
ZIP_MAX_DEPTH = 12


def megabytes(size: int, round_up: bool = False) -> str:
    tenths = size / MiB * 10
    value = f"{(math.ceil(tenths) if round_up else round(tenths)) / 10:.1f}".rstrip("0").rstrip(".")
    return value if value != "0" else f"{size / MiB:.2g}"


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        # Rounded up, so that a file just over the limit never reads as being at it.
        size = megabytes(len(data), round_up=True)
        raise SourceFileError(f"This file is {size} MB; files over {megabytes(max_bytes)} MB cannot be uploaded.")
    if not data.strip():
        raise SourceFileError("This file is empty." if not data else "This file contains only blank space.")


def check_chars(length: int, what: str = "The text") -> None:
    if length > MAX_CHARS:
        raise SourceFileError(
            f"{what} is too long: {length:,} characters, over the limit of {MAX_CHARS:,}. "
            "Split it into smaller parts.")


def check_zip(data: bytes, kind: str) -> None:
    """Refuse a zip package that would expand too far, or that names files outside itself."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    # zipfile raises half a dozen kinds of error on a forged central directory (BadZipFile,
    # NotImplementedError for an unknown zip version, struct.error...): all mean a damaged file.
    except Exception as error:
        raise SourceFileError(f"This {kind} file is damaged (its zip package cannot be opened).") from error
    if len(entries) > ZIP_MAX_ENTRIES:
        raise SourceFileError(
            f"This {kind} file holds {len(entries):,} parts, more than a document has; it was not opened.")
    total = sum(entry.file_size for entry in entries)
    if total > ZIP_MAX_UNCOMPRESSED:
        raise SourceFileError(
            f"This {kind} file would expand to {megabytes(total)} MB, over the {megabytes(ZIP_MAX_UNCOMPRESSED)} MB "
            "allowed; it was not opened.")
    names = set()
    for entry in entries:
        if entry.file_size > ZIP_RATIO_FROM and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
            raise SourceFileError(
                f"This {kind} file contains a part that expands over {ZIP_MAX_RATIO} times its size "
                "(a zip bomb); it was not opened.")
        if _unsafe_name(entry.filename) or entry.filename in names:
            raise SourceFileError(f"This {kind} file contains a part with a suspicious name "
                                  f"({entry.filename[:80]!r}); it was not opened.")
        names.add(entry.filename)


def _unsafe_name(name: str) -> bool:
    if not name or "\\" in name or "\x00" in name or ":" in name or name.startswith("/"):
        return True
    parts = name.split("/")
    return ".." in parts or len(parts) > ZIP_MAX_DEPTH
