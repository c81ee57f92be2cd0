"""Coding a source's text: annotations by each coder, and the extractor's suggestions with what each
coder decided about them. Every change is in the audit log.

Rules that hold whatever the caller is (the browser, the API, a REFI-QDA import):
- a span lies inside its text and is not blank;
- one coder's spans never overlap (the annotation guidelines, rule 5);
- a coder changes only their own annotations;
- a span a configuration was built from cannot be deleted or moved from under it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.audit import record_action
from records.errors import NotFound, ValidationError
from records.models import (
    ANNOTATION_LABELS,
    Annotation,
    ConfigurationSpan,
    Segment,
    SourceText,
    Suggestion,
    SuggestionDecision,
)

__all__ = [
    "CONCEPT_SCHEMES", "ProposedSpan", "accept_suggestion", "accept_suggestions_above", "annotate",
    "annotations_of", "delete_annotation", "edit_annotation", "forget_suggestions", "pending_suggestions",
    "reject_suggestion", "store_suggestions", "training_passages",
]

# Which concepts a span of each label may stand for.
CONCEPT_SCHEMES: dict[str, tuple[Scheme, ...]] = {
    "context": (Scheme.TARGET_GROUP, Scheme.NUTS2021, Scheme.SKILL_LEVEL, Scheme.UNEMPLOYMENT_BAND),
    "mechanism": (Scheme.MECHANISM, Scheme.PROGRAMME_TYPE),
    "outcome": (Scheme.OUTCOME_MEASURE,),
    "enabling": (Scheme.CONDITION_TYPE,),
    "hindering": (Scheme.CONDITION_TYPE,),
}
MAX_MEMO = 10_000


@dataclass(frozen=True)
class ProposedSpan:
    """A suggestion as the extractor hands it over."""
    label: str
    start: int
    end: int
    score: float
    reason: str = ""
    concept_scheme: str | None = None
    concept_code: str | None = None
    # Which rule set or trained model proposed it.
    model_version: str = "unknown"


def _text_of(session: Session, source_key: str) -> str:
    text = session.scalar(select(SourceText.text).where(SourceText.source_key == source_key))
    if text is None:
        raise NotFound(f"No source text {source_key!r}.")
    return text


def _check_span(text: str, label: str, start: int, end: int) -> None:
    if label not in ANNOTATION_LABELS:
        raise ValidationError(f"Unknown label {label!r}: use one of {', '.join(ANNOTATION_LABELS)}.")
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        raise ValidationError("A span's start and end are character positions (whole numbers).")
    if not 0 <= start < end <= len(text):
        raise ValidationError(f"The span {start}–{end} is outside the text (0–{len(text)}).")
    if not text[start:end].strip():
        raise ValidationError("The span holds only blank space.")


def _check_concept(label: str, scheme: str | None, code: str | None) -> None:
    if not scheme and not code:
        return
    allowed = CONCEPT_SCHEMES[label]
    if scheme not in {s.value for s in allowed}:
        names = ", ".join(s.value for s in allowed)
        raise ValidationError(f"A {label} span links to a concept of {names}, not of {scheme!r}.")
    if not concept_index().has(Scheme(scheme), code):
        raise ValidationError(f"Unknown concept {code!r} in {scheme}.")


def _overlapping(session: Session, source_key: str, coder: str, start: int, end: int,
                 ignore_key: str | None = None) -> Annotation | None:
    query = select(Annotation).where(Annotation.source_key == source_key, Annotation.coder == coder,
                                     Annotation.start < end, Annotation.end > start)
    if ignore_key:
        query = query.where(Annotation.key != ignore_key)
    return session.scalars(query.limit(1)).first()


def _refuse_overlap(found: Annotation | None) -> None:
    if found is not None:
        quote = found.quote if len(found.quote) <= 60 else found.quote[:57] + "…"
        raise ValidationError(f"This span overlaps your {found.label} span “{quote}” ({found.start}–{found.end}); "
                              "spans never overlap: shorten or delete that one first.")


def annotate(session: Session, *, source_key: str, coder: str, label: str, start: int, end: int,
             concept_scheme: str | None = None, concept_code: str | None = None, memo: str = "",
             origin: str = "manual", suggestion_id: int | None = None) -> Annotation:
    text = _text_of(session, source_key)
    _check_span(text, label, start, end)
    _check_concept(label, concept_scheme, concept_code)
    if len(memo or "") > MAX_MEMO:
        raise ValidationError(f"A memo has at most {MAX_MEMO} characters.")
    _refuse_overlap(_overlapping(session, source_key, coder, start, end))
    annotation = Annotation(key=f"ann-{uuid.uuid4().hex[:12]}", source_key=source_key, coder=coder, label=label,
                            start=start, end=end, quote=text[start:end], concept_scheme=concept_scheme or None,
                            concept_code=concept_code or None, memo=memo or "", origin=origin,
                            suggestion_id=suggestion_id)
    session.add(annotation)
    session.flush()
    record_action(session, coder, "annotation.created", "annotation", annotation.key, source=source_key,
                  label=label, start=start, end=end, origin=origin,
                  concept=f"{concept_scheme}:{concept_code}" if concept_code else None)
    return annotation


def _own(session: Session, key: str, coder: str, source_key: str | None = None) -> Annotation:
    """The coder's annotation (of `source_key`, when given: a page changes only its own source's)."""
    annotation = session.scalar(select(Annotation).where(Annotation.key == key))
    if annotation is None:
        raise NotFound(f"No annotation {key!r}.")
    if source_key is not None and annotation.source_key != source_key:
        raise NotFound(f"No annotation {key!r} in this source.")
    if annotation.coder != coder:
        raise ValidationError("You can change only your own annotations.")
    return annotation


def _used_in(session: Session, key: str) -> str | None:
    return session.scalar(select(ConfigurationSpan.configuration_key)
                          .where(ConfigurationSpan.annotation_key == key).limit(1))


_UNSET = object()


def edit_annotation(session: Session, key: str, *, coder: str, label: str | None = None,
                    start: int | None = None, end: int | None = None, concept_scheme=_UNSET,
                    concept_code=_UNSET, memo: str | None = None, source_key: str | None = None) -> Annotation:
    """Change an annotation's label, bounds, concept or memo; only what is given changes."""
    annotation = _own(session, key, coder, source_key)
    label = label or annotation.label
    start = annotation.start if start is None else start
    end = annotation.end if end is None else end
    scheme = annotation.concept_scheme if concept_scheme is _UNSET else (concept_scheme or None)
    code = annotation.concept_code if concept_code is _UNSET else (concept_code or None)
    if label != annotation.label and concept_scheme is _UNSET and scheme and \
            scheme not in {s.value for s in CONCEPT_SCHEMES[label]}:
        scheme = code = None  # the old concept does not fit the new label
    text = _text_of(session, annotation.source_key)
    _check_span(text, label, start, end)
    _check_concept(label, scheme, code)
    if memo is not None and len(memo) > MAX_MEMO:
        raise ValidationError(f"A memo has at most {MAX_MEMO} characters.")
    moved = (start, end, label) != (annotation.start, annotation.end, annotation.label)
    used = _used_in(session, key) if moved else None
    if used:
        raise ValidationError(f"This span is part of configuration {used}: its bounds and label stay as they are.")
    _refuse_overlap(_overlapping(session, annotation.source_key, coder, start, end, ignore_key=key))
    before = {"label": annotation.label, "start": annotation.start, "end": annotation.end,
              "concept": annotation.concept_code, "memo": annotation.memo}
    annotation.label, annotation.start, annotation.end = label, start, end
    annotation.quote = text[start:end]
    annotation.concept_scheme, annotation.concept_code = scheme, code
    if memo is not None:
        annotation.memo = memo
    after = {"label": label, "start": start, "end": end, "concept": code, "memo": annotation.memo}
    changed = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    if changed:
        session.flush()
        record_action(session, coder, "annotation.edited", "annotation", key, **changed)
    return annotation


def delete_annotation(session: Session, key: str, *, coder: str, source_key: str | None = None) -> None:
    annotation = _own(session, key, coder, source_key)
    used = _used_in(session, key)
    if used:
        raise ValidationError(f"This span is part of configuration {used}; remove it there first.")
    record_action(session, coder, "annotation.deleted", "annotation", key, source=annotation.source_key,
                  label=annotation.label, start=annotation.start, end=annotation.end)
    session.delete(annotation)
    session.flush()


def annotations_of(session: Session, source_key: str, coder: str | None = None) -> list[Annotation]:
    query = select(Annotation).where(Annotation.source_key == source_key)
    if coder is not None:
        query = query.where(Annotation.coder == coder)
    return list(session.scalars(query.order_by(Annotation.start, Annotation.coder)))


# -- suggestions -------------------------------------------------------------------------------------

def store_suggestions(session: Session, source_key: str, proposals: list[ProposedSpan], *, actor: str) -> int:
    """Keep the extractor's proposals for a source; a span proposed again keeps what coders decided
    about it (a rejection stays a rejection) and takes the newer score, reason and model version.
    Returns how many are new."""
    text = _text_of(session, source_key)
    existing = {(s.label, s.start, s.end): s for s in
                session.scalars(select(Suggestion).where(Suggestion.source_key == source_key))}
    new = 0
    for proposal in proposals:
        _check_span(text, proposal.label, proposal.start, proposal.end)
        found = existing.get((proposal.label, proposal.start, proposal.end))
        if found is None:
            found = Suggestion(source_key=source_key, label=proposal.label, start=proposal.start,
                               end=proposal.end)
            session.add(found)
            existing[(proposal.label, proposal.start, proposal.end)] = found
            new += 1
        found.score = float(proposal.score)
        found.reason = proposal.reason
        found.concept_scheme, found.concept_code = proposal.concept_scheme, proposal.concept_code
        found.model_version = proposal.model_version
    session.flush()
    record_action(session, actor, "suggestions.stored", "source", source_key, proposed=len(proposals), new=new,
                  models=sorted({p.model_version for p in proposals}))
    return new


def pending_suggestions(session: Session, source_key: str, coder: str) -> list[Suggestion]:
    """Suggestions this coder has not decided on and that no span of theirs overlaps, by position."""
    decided = exists().where(SuggestionDecision.suggestion_id == Suggestion.id, SuggestionDecision.coder == coder)
    covered = exists().where(and_(Annotation.source_key == source_key, Annotation.coder == coder,
                                  Annotation.start < Suggestion.end, Annotation.end > Suggestion.start))
    return list(session.scalars(select(Suggestion).where(Suggestion.source_key == source_key, ~decided, ~covered)
                                .order_by(Suggestion.start, Suggestion.end)))


def _suggestion(session: Session, suggestion_id: int, source_key: str | None = None) -> Suggestion:
    suggestion = session.get(Suggestion, suggestion_id)
    if suggestion is None or (source_key is not None and suggestion.source_key != source_key):
        raise NotFound(f"No suggestion {suggestion_id}.")
    return suggestion


def _decide(session: Session, suggestion: Suggestion, coder: str, decision: str) -> None:
    found = session.scalar(select(SuggestionDecision).where(SuggestionDecision.suggestion_id == suggestion.id,
                                                            SuggestionDecision.coder == coder))
    if found is None:
        session.add(SuggestionDecision(suggestion_id=suggestion.id, coder=coder, decision=decision))
    else:
        found.decision = decision


def accept_suggestion(session: Session, suggestion_id: int, *, coder: str, source_key: str | None = None,
                      label: str | None = None, start: int | None = None, end: int | None = None,
                      concept_scheme: str | None = None, concept_code: str | None = None) -> Annotation:
    """Turn a suggestion into the coder's annotation, as proposed or edited on the way."""
    suggestion = _suggestion(session, suggestion_id, source_key)
    edited = any(value is not None for value in (label, start, end, concept_code))
    label = label or suggestion.label
    if concept_code:
        scheme, code = concept_scheme, concept_code
    elif suggestion.concept_scheme in {s.value for s in CONCEPT_SCHEMES.get(label, ())}:
        scheme, code = suggestion.concept_scheme, suggestion.concept_code
    else:
        scheme = code = None  # the proposed concept does not fit the label the coder chose
    annotation = annotate(
        session, source_key=suggestion.source_key, coder=coder, label=label,
        start=suggestion.start if start is None else start, end=suggestion.end if end is None else end,
        concept_scheme=scheme, concept_code=code, origin="suggestion", suggestion_id=suggestion.id)
    _decide(session, suggestion, coder, "accepted")
    record_action(session, coder, "suggestion.accepted", "suggestion", str(suggestion.id),
                  annotation=annotation.key, model=suggestion.model_version, score=suggestion.score, edited=edited)
    return annotation


def reject_suggestion(session: Session, suggestion_id: int, *, coder: str, source_key: str | None = None) -> None:
    suggestion = _suggestion(session, suggestion_id, source_key)
    _decide(session, suggestion, coder, "rejected")
    session.flush()
    record_action(session, coder, "suggestion.rejected", "suggestion", str(suggestion.id),
                  model=suggestion.model_version, score=suggestion.score)


def accept_suggestions_above(session: Session, source_key: str, *, coder: str, threshold: float) -> list[Annotation]:
    """Accept every pending suggestion scoring at least `threshold`; where two overlap, the higher
    score wins and the other is left undecided (hidden while the accepted span covers it, back if
    that span is deleted)."""
    if not 0.0 <= threshold <= 1.0:
        raise ValidationError("The threshold is a score from 0 to 1.")
    chosen: list[Suggestion] = []
    candidates = [s for s in pending_suggestions(session, source_key, coder) if s.score >= threshold]
    for suggestion in sorted(candidates, key=lambda s: (-s.score, s.start)):
        if all(suggestion.end <= kept.start or suggestion.start >= kept.end for kept in chosen):
            chosen.append(suggestion)
    return [accept_suggestion(session, s.id, coder=coder) for s in sorted(chosen, key=lambda s: s.start)]


# -- the learning loop -------------------------------------------------------------------------------

# The extractor's labels; conditions are coded by people only.
TRAINABLE = {"context": "CONTEXT", "mechanism": "MECHANISM", "outcome": "OUTCOME"}


def training_passages(session: Session) -> list[dict]:
    """Coded speaker turns as training passages (the shape `almpo nlp train` reads): one per turn that
    someone coded. Where several coders coded a turn, the one who coded most of it is taken, so that
    no passage mixes two people's readings."""
    passages = []
    sources = session.execute(select(SourceText.source_key, SourceText.text, SourceText.language)
                              .where(exists().where(Annotation.source_key == SourceText.source_key)))
    for source_key, text, language in sources:
        annotations = annotations_of(session, source_key)
        segments = list(session.scalars(select(Segment).where(Segment.source_key == source_key)
                                        .order_by(Segment.position))) or [
            Segment(key=f"{source_key}.all", start=0, end=len(text), position=0)]
        for segment in segments:
            inside = [a for a in annotations if a.start >= segment.start and a.end <= segment.end
                      and a.label in TRAINABLE]
            if not inside:
                continue
            by_coder: dict[str, list[Annotation]] = {}
            for annotation in inside:
                by_coder.setdefault(annotation.coder, []).append(annotation)
            coder = max(sorted(by_coder), key=lambda name: sum(a.end - a.start for a in by_coder[name]))
            passages.append({
                "id": segment.key, "lang": language or "en", "text": text[segment.start:segment.end],
                "spans": [{"start": a.start - segment.start, "end": a.end - segment.start,
                           "label": TRAINABLE[a.label]} for a in by_coder[coder]],
                "source": source_key, "coder": coder,
            })
    return passages


def forget_suggestions(session: Session, source_key: str) -> None:
    """Drop the suggestions nobody decided on (before proposing again with a newer model)."""
    decided = select(SuggestionDecision.suggestion_id)
    session.execute(delete(Suggestion).where(Suggestion.source_key == source_key, Suggestion.id.not_in(decided)))
