"""Decoding, normalising, and finding turns in running text."""

from __future__ import annotations

import codecs
import re
import unicodedata

from nlp.components.turns import TURN_START
from nlp.sources.model import SourceFileError, Turn

__all__ = ["TextBuilder", "decode", "normalise", "paragraph_turns", "speaker_turns", "stripped_span", "whole_turn"]

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_LINE_BREAK = re.compile("\r\n|[\r\v\f\x85\u2028\u2029]")
# Controls other than tab and line feed, lone surrogates (only a pasted str can hold them) and
# byte-order marks left inside the text.
_UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_BINARY_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,](\d+))?")

_MAGIC = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a zip package (such as a Word .docx)"),
          (b"\xd0\xcf\x11\xe0", "an old-style Office document (such as a Word .doc)"))


def decode(data: bytes, kind: str) -> tuple[str, list[str]]:
    """The characters of a text upload, and a warning when its encoding had to be guessed."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise SourceFileError(f"This is not a {kind} file: it is {what}. Upload it with its own extension.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), []
            except UnicodeDecodeError as error:
                name = encoding.upper()
                raise SourceFileError(f"This {kind} file starts as {name} text but is not valid {name}.") from error
    if b"\x00" in data:
        raise SourceFileError(f"This is not a {kind} file: it contains binary data. Save it as plain text (UTF-8).")
    warnings = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise SourceFileError(
                f"This {kind} file is not in a text encoding that can be read. Save it as UTF-8.") from error
        warnings.append("The file is not UTF-8; it was read as Windows-1252 (Western European). "
                        "Check that accented letters look right.")
    # Binary data that happens to decode carries control characters no text editor writes.
    controls = len(_BINARY_CONTROL.findall(text))
    if controls > 8 and controls * 100 > len(text):
        raise SourceFileError(f"This is not a {kind} file: it contains binary data. Save it as plain text (UTF-8).")
    return text, warnings


def normalise(text: str) -> str:
    """Line feeds as the only line ends, NFC, and no control characters but tab and line feed."""
    text = _LINE_BREAK.sub("\n", text)
    text = _UNWANTED.sub("", text)
    return unicodedata.normalize("NFC", text)


def stripped_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    first = start + len(piece) - len(piece.lstrip())
    return first, first + len(stripped)


def whole_turn(text: str) -> list[Turn]:
    span = stripped_span(text, 0, len(text))
    return [Turn("", span[0], span[1], None, None)] if span else []


def paragraph_turns(text: str) -> list[Turn]:
    turns = []
    start = 0
    for brk in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = brk.start() if brk else len(text)
        span = stripped_span(text, start, end)
        if span:
            turns.append(Turn("", span[0], span[1], None, None))
        if brk:
            start = brk.end()
    return turns


def clean_speaker(name: str) -> str:
    return " ".join(name.split())


def clock_ms(stamp: str) -> int | None:
    """Milliseconds of "01:02:03", "01:05" (minutes and seconds) or "00:01:05.250"."""
    match = _CLOCK.search(stamp)
    if not match:
        return None
    first, second, third, fraction = match.groups()
    hours, minutes, seconds = (int(first), int(second), int(third)) if third else (0, int(first), int(second))
    millis = int((fraction or "0")[:3].ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def speaker_turns(text: str) -> list[Turn] | None:
    """Turns from "Name: text" lines, or None when fewer than two lines name a speaker.

    Text before the first speaker line (a title, a date) is kept as a turn without a speaker, so
    that no part of the document is left out of every turn.
    """
    starts = list(TURN_START.finditer(text))
    if len(starts) < 2:  # one "Note: ..." line does not make a transcript
        return None
    turns = []
    preamble = stripped_span(text, 0, starts[0].start())
    if preamble:
        turns.append(Turn("", preamble[0], preamble[1], None, None))
    for n, match in enumerate(starts):
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        span = stripped_span(text, match.end(), end)
        if span is None:
            continue
        before_speaker = text[match.start():match.start("speaker")]
        turns.append(Turn(clean_speaker(match.group("speaker")), span[0], span[1], clock_ms(before_speaker), None))
    return turns


class TextBuilder:
    """Writes turns as "Speaker: what was said" lines, keeping the offsets of what was said."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.turns: list[Turn] = []

    def _write(self, piece: str) -> None:
        self._parts.append(piece)
        self._length += len(piece)

    def add(self, speaker: str, said: str, start_ms: int | None, end_ms: int | None) -> None:
        said = said.strip()
        if not said:
            return
        if self._parts:
            self._write("\n")
        if speaker:
            self._write(f"{speaker}: ")
        start = self._length
        self._write(said)
        self.turns.append(Turn(speaker, start, self._length, start_ms, end_ms))

    def text(self) -> str:
        return "".join(self._parts)
