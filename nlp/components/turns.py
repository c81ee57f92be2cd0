"""Speaker turns in transcripts: "Name: text" at the start of a line, with an optional timestamp.

The component puts each turn in `doc.spans["turns"]` (labelled with the speaker) and starts a
sentence where a turn starts, so that nothing said by two people ends up in one sentence.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

__all__ = ["TURN_START", "SpeakerTurns"]

# "[00:01:02] Maria: ...", "00:12 INTERVIEWER: ...", "Speaker 2: ...", "- Jean-Luc: ...".
TURN_START = re.compile(
    r"^[ \t]*(?:[-–•][ \t]*)?(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?[ \t]*)?"
    r"(?P<speaker>[^\W\d][\w .'’-]{0,38}?)[ \t]*:[ \t]+", re.MULTILINE)


class SpeakerTurns:
    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        starts = [(m.start(), m.end(), m.group("speaker").strip()) for m in TURN_START.finditer(text)]
        if len(starts) < 2:  # one "Note: ..." line does not make a transcript
            doc.spans["turns"] = []
            return doc
        turns = []
        for n, (_, content_start, speaker) in enumerate(starts):
            end = starts[n + 1][0] if n + 1 < len(starts) else len(text)
            span = doc.char_span(content_start, len(text[:end].rstrip()), label=speaker, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            turns.append(span)
            span[0].is_sent_start = True
        doc.spans["turns"] = turns
        return doc


@Language.factory("almpo_speaker_turns")
def make_speaker_turns(nlp: Language, name: str) -> SpeakerTurns:
    return SpeakerTurns()
