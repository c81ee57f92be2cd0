"""WebVTT and SubRip captions, read with webvtt-py: one turn per run of cues by one speaker.

Microsoft Teams names the speaker in a voice span (`<v Maria Keller>...</v>`); Zoom and most
SubRip files start the cue text with "Name: ". A cue without either continues nobody's turn: it
becomes a turn of its own with no speaker, since the next cue may be someone else.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Sequence

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError

from nlp.components.turns import TURN_START
from nlp.sources.model import SourceFileError, Turn
from nlp.sources.text import TextBuilder, clean_speaker, normalise

__all__ = ["read_srt", "read_vtt"]

# SubRip players honour ASS overrides such as {\an8} (move to the top) and show no text for them.
_SRT_OVERRIDE = re.compile(r"\{\\[^{}]*\}")
_VTT_TIMINGS = "00:00:01.000 --> 00:00:04.000"
_SRT_TIMINGS = "00:00:01,000 --> 00:00:04,000"

Read = tuple[str, list[Turn], list[str]]


def read_vtt(text: str) -> Read:
    if not text.startswith("WEBVTT"):
        hint = " It looks like SubRip: upload it as .srt." if _looks_like_srt(text) else ""
        raise SourceFileError(f"This is not a WebVTT file: it does not start with the “WEBVTT” header.{hint}")
    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError) as error:
        raise SourceFileError(f"This WebVTT file cannot be read ({error}).") from error
    _refuse_dropped_cues(text, len(captions), "WebVTT", _vtt_timing_problem)
    if not captions:
        raise SourceFileError(f"This WebVTT file has no cues (no timing lines such as {_VTT_TIMINGS}).")
    return _turns(captions, html_text=True)


def read_srt(text: str) -> Read:
    body = text.lstrip()
    if body.startswith("WEBVTT"):
        raise SourceFileError("This is not a SubRip file: it is WebVTT. Upload it as .vtt.")
    try:
        captions = webvtt.from_buffer(io.StringIO(body), format="srt").captions
    except (MalformedFileError, MalformedCaptionError) as error:
        raise SourceFileError(
            "This is not a SubRip file: it does not start with a cue number and a timing line "
            f"such as {_SRT_TIMINGS}.") from error
    _refuse_dropped_cues(text, len(captions), "SubRip", _srt_timing_problem)
    if not captions:
        raise SourceFileError("This SubRip file has no captions with text.")
    return _turns(captions, html_text=False)


def _looks_like_srt(text: str) -> bool:
    lines = text.lstrip().split("\n", 2)
    return len(lines) > 1 and lines[0].strip().isdigit() and "-->" in lines[1]


def _refuse_dropped_cues(text: str, parsed: int, kind: str, problem: Callable[[str], str | None]) -> None:
    """Name the first timing line webvtt-py skipped, since it skips bad cues without a word.

    Each "-->" line starts a cue, so fewer captions than such lines means some were dropped, or
    (in SubRip) had no text. The lines are then tried one at a time to find the culprit.
    """
    timing_lines = [(number, line) for number, line in enumerate(text.split("\n"), 1) if "-->" in line]
    if parsed >= len(timing_lines):
        return
    for number, line in timing_lines:
        reason = problem(line)
        if reason:
            shown = line.strip()
            shown = shown if len(shown) <= 100 else shown[:100] + "…"
            raise SourceFileError(f"This {kind} file has a malformed cue on line {number}: “{shown}” ({reason}).")


def _vtt_timing_problem(line: str) -> str | None:
    cue = f"WEBVTT\n\n{line}\nx\n"
    if webvtt.from_string(cue).captions:
        return None
    try:
        webvtt.from_string(cue, strict=True)
    except MalformedCaptionError as error:
        message = str(error)
        if message.startswith("Invalid timestamp"):
            return "i" + message[1:]
    return f"the timings should look like {_VTT_TIMINGS}"


def _srt_timing_problem(line: str) -> str | None:
    if webvtt.from_buffer(io.StringIO(f"1\n{line}\nx\n"), format="srt").captions:
        return None
    return f"the timings should look like {_SRT_TIMINGS}"


def _turns(captions: Sequence[webvtt.Caption], html_text: bool) -> Read:
    cues = [(caption, _cue_lines(caption, html_text)) for caption in captions]
    # A "Word: " line inside a cue that has a voice span is the speaker's own words, not a name.
    prefixed = sum(1 for _, lines in cues if not _has_voice(lines) for _, said in lines if TURN_START.match(said))
    # As in running text, one "Note: ..." caption does not make the file speaker-labelled.
    use_prefixes = prefixed >= 2

    runs: list[list] = []  # [speaker, said, start_ms, end_ms], one per run of the same speaker
    unnamed = empty = 0
    for caption, lines in cues:
        segments = _segments(lines, use_prefixes and not _has_voice(lines))
        if not segments:
            empty += 1
            continue
        unnamed += any(not speaker for speaker, _ in segments)
        start_ms, end_ms = caption.start_time.in_milliseconds(), caption.end_time.in_milliseconds()
        for speaker, said in segments:
            last = runs[-1] if runs else None
            if speaker and last and last[0] == speaker:
                last[1] += " " + said
                last[3] = max(last[3], end_ms)
            else:
                runs.append([speaker, said, start_ms, end_ms])

    builder = TextBuilder()
    for speaker, said, start_ms, end_ms in runs:
        builder.add(speaker, said, start_ms, end_ms)

    warnings = []
    if not any(speaker for speaker, *_ in runs):
        warnings.append("No speakers are named in these captions; each cue is a turn without a speaker.")
    elif unnamed:
        warnings.append(f"{_count(unnamed, 'cue')} without a speaker.")
    if empty:
        warnings.append(f"{_count(empty, 'empty cue')} left out.")
    return builder.text(), builder.turns, warnings


def _cue_lines(caption: webvtt.Caption, html_text: bool) -> list[tuple[str | None, str]]:
    """(voice, text) for each line of a cue: the voice span opening the line, if any, and the text without tags."""
    if not caption.lines:
        return []
    lines = []
    # caption.text strips the tags line by line in linear time, so its lines match caption.lines.
    for raw, plain in zip(caption.lines, caption.text.split("\n"), strict=True):
        voice = webvtt.Caption.VOICE_SPAN_PATTERN.match(raw.lstrip())
        said = html.unescape(plain) if html_text else _SRT_OVERRIDE.sub("", plain)
        speaker = None
        if voice:
            speaker = clean_speaker(normalise(html.unescape(voice.group(1)) if html_text else voice.group(1)))
        lines.append((speaker, normalise(said).strip()))
    return lines


def _has_voice(lines: list[tuple[str | None, str]]) -> bool:
    return any(voice is not None for voice, _ in lines)


def _segments(lines: list[tuple[str | None, str]], use_prefixes: bool) -> list[tuple[str, str]]:
    """Who said what within one cue: a line without a voice or a name prefix goes on with the line before."""
    segments: list[tuple[str, str]] = []
    speaker = ""
    for voice, said in lines:
        if voice is not None:
            speaker = voice
        elif use_prefixes and (match := TURN_START.match(said)):
            speaker, said = clean_speaker(match.group("speaker")), said[match.end():]
        said = " ".join(said.split())
        if not said:
            continue
        if segments and segments[-1][0] == speaker:
            segments[-1] = (speaker, f"{segments[-1][1]} {said}")
        else:
            segments.append((speaker, said))
    return segments


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
