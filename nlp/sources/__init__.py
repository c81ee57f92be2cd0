"""Uploaded session transcripts and documents turned into text with speaker turns.

`read_source(filename, data)` reads a .txt, .docx, .vtt, .srt or .pdf upload; `read_pasted(text)`
reads text pasted into a form. Both return a `SourceText`: the normalised text, the speaker turns
as character offsets into it, the detected language and warnings for the user. Anything that
cannot be read raises `SourceFileError`, whose message can be shown to the user as it is.

The checks that bound the cost of a hostile upload (size, zip bombs, page and character counts)
run before the bytes reach a parser.
"""

from __future__ import annotations

from nlp.languages import SUPPORTED, detect_language
from nlp.sources.captions import read_srt, read_vtt
from nlp.sources.limits import DEFAULT_MAX_BYTES, MAX_CHARS, check_chars, check_size
from nlp.sources.model import SourceFileError, SourceText, Turn
from nlp.sources.pdf import read_pdf
from nlp.sources.text import decode, normalise, paragraph_turns, speaker_turns, whole_turn
from nlp.sources.word import read_docx

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "MAX_CHARS", "SourceFileError", "SourceText", "Turn", "read_pasted",
           "read_source"]

FORMATS = {
    "txt": "Plain text (UTF-8), with speaker lines such as “Maria: …” or “[00:01:05] Maria: …”",
    "docx": "Word document",
    "vtt": "WebVTT transcript, as saved by Microsoft Teams or Zoom",
    "srt": "SubRip subtitles",
    "pdf": "PDF document with a text layer",
}

# Fewer letters than this say too little to tell the language apart.
_MIN_DETECT_LETTERS = 40
_DETECT_SAMPLE = 2000


def read_source(filename: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceText:
    """Read an uploaded file; its extension says the format, and the content must agree."""
    kind = _extension(filename)
    if kind not in FORMATS:
        allowed = ", ".join(f".{ext}" for ext in list(FORMATS)[:-1]) + f" or .{list(FORMATS)[-1]}"
        shown = f"type .{kind}" if kind else "type (the file name has no extension)"
        raise SourceFileError(f"Unsupported file {shown}: upload {allowed}.")
    check_size(data, max_bytes)
    warnings: list[str] = []
    if kind == "docx":
        text = normalise(read_docx(data))
        turns = speaker_turns(text) or whole_turn(text)
    elif kind == "pdf":
        text, warnings = read_pdf(data)
        turns = paragraph_turns(text)
    else:
        label = {"txt": "text", "vtt": "WebVTT", "srt": "SubRip"}[kind]
        decoded, warnings = decode(data, label)
        text = normalise(decoded)
        check_chars(len(text), "The text of this file")
        if kind == "vtt":
            text, turns, caption_warnings = read_vtt(text)
            warnings += caption_warnings
        elif kind == "srt":
            text, turns, caption_warnings = read_srt(text)
            warnings += caption_warnings
        else:
            turns = speaker_turns(text) or whole_turn(text)
    empty = "This Word document has no text." if kind == "docx" else "This file has no text."
    return _finish(text, turns, kind, warnings, empty)


def read_pasted(text: str, *, max_chars: int = MAX_CHARS) -> SourceText:
    """Read text pasted into a form: speaker turns from "Name: text" lines, as in a .txt upload."""
    # Browsers send a textarea's line ends as CR LF, so the raw length may be up to twice the text's.
    if len(text) > 2 * max_chars:
        raise SourceFileError(f"The pasted text is too long: over {max_chars:,} characters.")
    text = normalise(text)
    if len(text) > max_chars:
        raise SourceFileError(f"The pasted text is too long: {len(text):,} characters, over the limit of "
                              f"{max_chars:,}.")
    return _finish(text, speaker_turns(text) or whole_turn(text), "paste", [], "The pasted text is empty.")


def _extension(filename: str) -> str:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[1].strip().lower() if "." in name else ""


def _finish(text: str, turns: list[Turn], kind: str, warnings: list[str], empty: str) -> SourceText:
    check_chars(len(text))
    if not text.strip() or not turns:
        raise SourceFileError(empty)
    # Construction already keeps to these rules; checking them here keeps the promise to callers
    # whatever a reader does.
    kept: list[Turn] = []
    for turn in sorted(turns, key=lambda turn: turn.start):
        said = text[turn.start:turn.end] if 0 <= turn.start < turn.end <= len(text) else ""
        if said and said == said.strip() and (not kept or turn.start >= kept[-1].end):
            kept.append(turn)
    turns = kept
    language, note = _language(text, turns)
    if note:
        warnings.append(note)
    return SourceText(text=text, turns=tuple(turns), format=kind, language=language, warnings=tuple(warnings))


def _language(text: str, turns: list[Turn]) -> tuple[str | None, str | None]:
    """The language of what was said (speaker names left out), and a note when it is not supported."""
    sample = []
    size = 0
    for turn in turns:
        sample.append(text[turn.start:turn.end])
        size += turn.end - turn.start
        if size > _DETECT_SAMPLE:
            break
    said = "\n".join(sample)[:_DETECT_SAMPLE]
    if sum(ch.isalpha() for ch in said) < _MIN_DETECT_LETTERS:
        return None, "The text is too short to tell its language."
    language, _ = detect_language(said)
    if language is None:
        return None, "The language of the text could not be determined."
    if language not in SUPPORTED:
        return None, (f"The text seems to be in a language other than those supported "
                      f"({', '.join(SUPPORTED)}): “{language}”.")
    return language, None
