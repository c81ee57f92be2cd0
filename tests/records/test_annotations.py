"""Coding a source's text: each coder's annotations, the extractor's suggestions and what coders
decided about them, and the training passages the coding yields."""

import pytest
from sqlalchemy import func, select

from records.annotations import (
    ProposedSpan,
    accept_suggestion,
    accept_suggestions_above,
    annotate,
    annotations_of,
    delete_annotation,
    edit_annotation,
    forget_suggestions,
    pending_suggestions,
    reject_suggestion,
    store_suggestions,
    training_passages,
)
from records.configurations import ConfigurationDraft, Outcome, create_configuration, erase_configuration
from records.db import transaction
from records.errors import NotFound, ValidationError
from records.models import Annotation, AuditEntry, Suggestion, SuggestionDecision
from records.sessions import TurnSpan, add_text_source

TURN_1 = "Anna: The young people came from the suburbs. We paired each of them with a job coach."
TURN_2 = "Ben: Within a year most of them had found a job. Employers were reluctant at first."
TURN_3 = "Cleo: The regional office funded it for two years."
TEXT = f"{TURN_1}\n{TURN_2}\n\n{TURN_3}"
TURNS = [TurnSpan("Anna", 0, len(TURN_1)),
         TurnSpan("Ben", TEXT.index(TURN_2), TEXT.index(TURN_2) + len(TURN_2)),
         TurnSpan("Cleo", TEXT.index(TURN_3), len(TEXT))]


def at(phrase: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


YOUTH = at("The young people came from the suburbs.")
COACH = at("We paired each of them with a job coach.")
JOB = at("Within a year most of them had found a job.")
RELUCTANT = at("Employers were reluctant at first.")
FUNDED = at("The regional office funded it for two years.")


def _source(factory, text: str = TEXT, turns=None, language: str | None = "en") -> str:
    with transaction(factory) as session:
        return add_text_source(session, title="Round", text=text, format="txt",
                               turns=TURNS if turns is None else turns, actor="fac", language=language).key


@pytest.fixture
def source(session_factory):
    return session_factory, _source(session_factory)


def _code(factory, source_key: str, coder: str, label: str, bounds: tuple[int, int], **extra) -> str:
    with transaction(factory) as session:
        return annotate(session, source_key=source_key, coder=coder, label=label, start=bounds[0], end=bounds[1],
                        **extra).key


def _annotation(factory, key: str) -> Annotation | None:
    with factory() as session:
        return session.scalar(select(Annotation).where(Annotation.key == key))


def _audit(factory, action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _count(factory, model) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


# -- annotations ---------------------------------------------------------------------------------


def test_an_annotation_keeps_the_words_it_covers_and_is_audited(source):
    factory, key = source
    coach = _code(factory, key, "fac", "mechanism", COACH, concept_scheme="mechanism", concept_code="human_capital",
                  memo="The core of it.")
    youth = _code(factory, key, "fac", "context", YOUTH, concept_scheme="target-group", concept_code="youth_neet")
    _code(factory, key, "boss", "context", YOUTH)
    with factory() as session:
        mine = annotations_of(session, key, "fac")
        assert [(a.key, a.quote) for a in mine] == [
            (youth, "The young people came from the suburbs."), (coach, "We paired each of them with a job coach.")]
        assert (mine[1].concept_scheme, mine[1].concept_code, mine[1].memo, mine[1].origin) == (
            "mechanism", "human_capital", "The core of it.", "manual")
        assert [a.coder for a in annotations_of(session, key)] == ["boss", "fac", "fac"]
    created = _audit(factory, "annotation.created")
    assert [(e.actor, e.target_id) for e in created][:2] == [("fac", coach), ("fac", youth)]
    assert created[0].detail == {"source": key, "label": "mechanism", "start": COACH[0], "end": COACH[1],
                                 "origin": "manual", "concept": "mechanism:human_capital"}
    assert created[2].detail["concept"] is None


@pytest.mark.parametrize("label, start, end, message", [
    ("context", 0, len(TEXT) + 1, "outside the text"),
    ("context", -1, 5, "outside the text"),
    ("context", 10, 10, "outside the text"),
    ("context", 12, 10, "outside the text"),
    ("context", len(TURN_1), len(TURN_1) + 1, "only blank space"),
    ("context", TEXT.index("\n\n"), TEXT.index("\n\n") + 2, "only blank space"),
    ("context", True, 10, "whole numbers"),
    ("context", 0, True, "whole numbers"),
    ("context", "0", 10, "whole numbers"),
    ("context", 0.0, 10, "whole numbers"),
    ("impact", 0, 10, "Unknown label 'impact'"),
    ("Context", 0, 10, "Unknown label 'Context'"),
])
def test_a_span_that_is_not_in_the_text_is_refused(source, label, start, end, message):
    factory, key = source
    with pytest.raises(ValidationError, match=message):
        _code(factory, key, "fac", label, (start, end))
    assert _count(factory, Annotation) == 0
    assert _audit(factory, "annotation.created") == []


def test_a_span_of_an_unknown_source_is_not_found(source):
    factory, _ = source
    with pytest.raises(NotFound):
        _code(factory, "source-nope", "fac", "context", (0, 5))


def test_a_coders_spans_never_overlap_but_two_coders_may_code_the_same_words(source):
    factory, key = source
    _code(factory, key, "fac", "mechanism", COACH)
    with pytest.raises(ValidationError, match="overlaps your mechanism span “We paired each of them with a job "
                                              rf"coach.” \({COACH[0]}–{COACH[1]}\)"):
        _code(factory, key, "fac", "context", (COACH[0] - 5, COACH[0] + 2))
    with pytest.raises(ValidationError, match="overlaps"):
        _code(factory, key, "fac", "outcome", (COACH[0] + 3, COACH[0] + 8))  # inside it
    with pytest.raises(ValidationError, match="overlaps"):
        _code(factory, key, "fac", "outcome", (COACH[0] - 3, COACH[1] + 3))  # around it
    _code(factory, key, "fac", "context", (YOUTH[0], COACH[0]))  # touching is not overlapping
    _code(factory, key, "boss", "context", COACH)
    with factory() as session:
        assert [(a.coder, a.label) for a in annotations_of(session, key)] == [
            ("fac", "context"), ("boss", "context"), ("fac", "mechanism")]


def test_a_long_overlapped_span_is_quoted_shortened(source):
    factory, key = source
    _code(factory, key, "fac", "context", (0, len(TURN_1)))
    with pytest.raises(ValidationError) as refused:
        _code(factory, key, "fac", "outcome", COACH)
    assert f"“{TURN_1[:57]}…” (0–{len(TURN_1)})" in str(refused.value)


@pytest.mark.parametrize("label, scheme, code, message", [
    ("mechanism", "outcome-measure", "employment", "A mechanism span links to a concept of mechanism, programme-type"),
    ("outcome", "mechanism", "human_capital", "not of 'mechanism'"),
    ("enabling", "target-group", "youth_neet", "not of 'target-group'"),
    ("context", None, "youth_neet", "not of None"),
    ("mechanism", "mechanism", "luck", "Unknown concept 'luck' in mechanism"),
    ("context", "nuts2021", "XX99", "Unknown concept 'XX99'"),
])
def test_a_concept_must_exist_and_fit_the_label(source, label, scheme, code, message):
    factory, key = source
    with pytest.raises(ValidationError, match=message):
        _code(factory, key, "fac", label, COACH, concept_scheme=scheme, concept_code=code)
    assert _count(factory, Annotation) == 0


@pytest.mark.parametrize("label, scheme, code", [
    ("mechanism", "programme-type", "training"),
    ("context", "nuts2021", "DE21"),
    ("outcome", "outcome-measure", "employment"),
    ("hindering", "condition-type", "employer_engagement"),
])
def test_a_fitting_concept_is_kept(source, label, scheme, code):
    factory, key = source
    annotation = _annotation(factory, _code(factory, key, "fac", label, COACH, concept_scheme=scheme,
                                            concept_code=code))
    assert (annotation.concept_scheme, annotation.concept_code) == (scheme, code)


def test_a_memo_is_limited_in_length(source):
    factory, key = source
    with pytest.raises(ValidationError, match="at most 10000"):
        _code(factory, key, "fac", "context", YOUTH, memo="m" * 10_001)
    ann = _code(factory, key, "fac", "context", YOUTH, memo="m" * 10_000)
    with pytest.raises(ValidationError, match="at most 10000"), transaction(factory) as session:
        edit_annotation(session, ann, coder="fac", memo="m" * 10_001)


def test_a_coder_cannot_change_or_delete_another_coders_annotation(source):
    factory, key = source
    ann = _code(factory, key, "fac", "mechanism", COACH, memo="mine")
    with pytest.raises(ValidationError, match="only your own"), transaction(factory) as session:
        edit_annotation(session, ann, coder="boss", memo="theirs", start=COACH[0] + 3)
    with pytest.raises(ValidationError, match="only your own"), transaction(factory) as session:
        delete_annotation(session, ann, coder="boss")
    kept = _annotation(factory, ann)
    assert (kept.memo, kept.start, kept.coder) == ("mine", COACH[0], "fac")
    assert _audit(factory, "annotation.edited") == _audit(factory, "annotation.deleted") == []
    with pytest.raises(NotFound), transaction(factory) as session:
        delete_annotation(session, "ann-nope", coder="fac")


def test_editing_moves_the_bounds_updates_the_quote_and_is_audited(source):
    factory, key = source
    ann = _code(factory, key, "fac", "mechanism", COACH, concept_scheme="mechanism", concept_code="human_capital")
    coach = at("a job coach")
    with transaction(factory) as session:
        edited = edit_annotation(session, ann, coder="fac", start=coach[0], memo="Just the coach.")
        assert edited.quote == "a job coach."
    annotation = _annotation(factory, ann)
    assert (annotation.start, annotation.end, annotation.quote, annotation.memo) == (
        coach[0], COACH[1], "a job coach.", "Just the coach.")
    assert annotation.concept_code == "human_capital"  # what was not given stays
    [entry] = _audit(factory, "annotation.edited")
    assert (entry.actor, entry.target_id) == ("fac", ann)
    assert entry.detail == {"start": [COACH[0], coach[0]], "memo": ["", "Just the coach."]}
    # An edit that changes nothing leaves no entry.
    with transaction(factory) as session:
        edit_annotation(session, ann, coder="fac", label="mechanism", start=coach[0], end=COACH[1])
    assert len(_audit(factory, "annotation.edited")) == 1


def test_an_edit_is_checked_like_a_new_span(source):
    factory, key = source
    ann = _code(factory, key, "fac", "mechanism", COACH)
    _code(factory, key, "fac", "context", YOUTH)
    for changes, message in [({"start": YOUTH[1] - 3}, "overlaps your context span"),
                             ({"end": len(TEXT) + 1}, "outside the text"),
                             ({"label": "impact"}, "Unknown label"),
                             ({"concept_scheme": "mechanism", "concept_code": "luck"}, "Unknown concept")]:
        with pytest.raises(ValidationError, match=message), transaction(factory) as session:
            edit_annotation(session, ann, coder="fac", **changes)
    annotation = _annotation(factory, ann)
    assert (annotation.start, annotation.end, annotation.label, annotation.concept_code) == (
        COACH[0], COACH[1], "mechanism", None)


def test_relabelling_drops_a_concept_that_no_longer_fits(source):
    factory, key = source
    mechanism = _code(factory, key, "fac", "mechanism", COACH, concept_scheme="mechanism",
                      concept_code="human_capital")
    condition = _code(factory, key, "fac", "enabling", RELUCTANT, concept_scheme="condition-type",
                      concept_code="employer_engagement")
    with transaction(factory) as session:
        edit_annotation(session, mechanism, coder="fac", label="outcome")
        edit_annotation(session, condition, coder="fac", label="hindering")
    relabelled = _annotation(factory, mechanism)
    assert (relabelled.label, relabelled.concept_scheme, relabelled.concept_code) == ("outcome", None, None)
    kept = _annotation(factory, condition)
    assert (kept.label, kept.concept_scheme, kept.concept_code) == ("hindering", "condition-type",
                                                                    "employer_engagement")
    entries = {e.target_id: e.detail for e in _audit(factory, "annotation.edited")}
    assert entries[mechanism] == {"label": ["mechanism", "outcome"], "concept": ["human_capital", None]}
    assert entries[condition] == {"label": ["enabling", "hindering"]}
    # Relabelling with a concept of the new scheme keeps that one.
    with transaction(factory) as session:
        edit_annotation(session, mechanism, coder="fac", label="mechanism", concept_scheme="programme-type",
                        concept_code="training")
    assert _annotation(factory, mechanism).concept_code == "training"


def test_deleting_an_annotation_removes_it_and_is_audited(source):
    factory, key = source
    ann = _code(factory, key, "fac", "outcome", JOB)
    with transaction(factory) as session:
        delete_annotation(session, ann, coder="fac")
    assert _annotation(factory, ann) is None
    [entry] = _audit(factory, "annotation.deleted")
    assert (entry.actor, entry.target_id, entry.detail) == (
        "fac", ann, {"source": key, "label": "outcome", "start": JOB[0], "end": JOB[1]})
    _code(factory, key, "fac", "context", JOB)  # the words are free again


def test_a_span_a_configuration_stands_on_keeps_its_bounds_and_label_but_not_its_memo(source):
    factory, key = source
    mechanism = _code(factory, key, "fac", "mechanism", COACH)
    outcome = _code(factory, key, "fac", "outcome", JOB)
    with transaction(factory) as session:
        create_configuration(session, ConfigurationDraft(
            source_key=key, programme_type="training", mechanism="human_capital",
            outcomes=[Outcome("employment", "positive", "medium_run")], spans=[mechanism, outcome]), key="cfg-1")
    for changes in ({"start": COACH[0] + 3}, {"end": COACH[1] - 1}, {"label": "context"}):
        with pytest.raises(ValidationError, match="part of configuration cfg-1"), transaction(factory) as session:
            edit_annotation(session, mechanism, coder="fac", **changes)
    with pytest.raises(ValidationError, match="part of configuration cfg-1"), transaction(factory) as session:
        delete_annotation(session, outcome, coder="fac")
    with transaction(factory) as session:
        edit_annotation(session, mechanism, coder="fac", memo="Kept.", concept_scheme="mechanism",
                        concept_code="human_capital")
    annotation = _annotation(factory, mechanism)
    assert (annotation.start, annotation.end, annotation.label, annotation.memo, annotation.concept_code) == (
        COACH[0], COACH[1], "mechanism", "Kept.", "human_capital")
    assert _annotation(factory, outcome) is not None
    assert _audit(factory, "annotation.deleted") == []
    with transaction(factory) as session:
        erase_configuration(session, "cfg-1")
        edit_annotation(session, mechanism, coder="fac", label="context")
        delete_annotation(session, outcome, coder="fac")
    assert _annotation(factory, outcome) is None


# -- suggestions ---------------------------------------------------------------------------------


def _suggest(factory, key: str, *proposals: ProposedSpan) -> int:
    with transaction(factory) as session:
        return store_suggestions(session, key, list(proposals), actor="system")


def _pending(factory, key: str, coder: str) -> list[tuple[str, int, int]]:
    with factory() as session:
        return [(s.label, s.start, s.end) for s in pending_suggestions(session, key, coder)]


def _suggestion_id(factory, key: str, label: str, bounds: tuple[int, int]) -> int:
    with factory() as session:
        return session.scalar(select(Suggestion.id).where(Suggestion.source_key == key, Suggestion.label == label,
                                                           Suggestion.start == bounds[0], Suggestion.end == bounds[1]))


def _decisions(factory) -> list[tuple[int, str, str]]:
    with factory() as session:
        return sorted(session.execute(select(SuggestionDecision.suggestion_id, SuggestionDecision.coder,
                                             SuggestionDecision.decision)).all())


def test_suggestions_proposed_again_take_the_new_score_and_keep_decisions(source):
    factory, key = source
    assert _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.6, "coach", "mechanism", "human_capital",
                                               "rules-1"),
                    ProposedSpan("outcome", *JOB, 0.7, model_version="rules-1")) == 2
    coach = _suggestion_id(factory, key, "mechanism", COACH)
    with transaction(factory) as session:
        reject_suggestion(session, coach, coder="fac")
    assert _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.9, "coached", model_version="model-2"),
                    ProposedSpan("outcome", *JOB, 0.8, model_version="model-2"),
                    ProposedSpan("context", *YOUTH, 0.5, model_version="model-2")) == 1
    with factory() as session:
        stored = {(s.label, s.start): s for s in session.scalars(select(Suggestion))}
    assert len(stored) == 3
    assert (stored["mechanism", COACH[0]].score, stored["mechanism", COACH[0]].model_version,
            stored["mechanism", COACH[0]].reason) == (0.9, "model-2", "coached")
    assert stored["mechanism", COACH[0]].id == coach
    assert _decisions(factory) == [(coach, "fac", "rejected")]
    assert _pending(factory, key, "fac") == [("context", *YOUTH), ("outcome", *JOB)]
    entries = _audit(factory, "suggestions.stored")
    assert [e.detail for e in entries] == [{"proposed": 2, "new": 2, "models": ["rules-1"]},
                                           {"proposed": 3, "new": 1, "models": ["model-2"]}]


def test_a_suggestion_outside_the_text_is_refused(source):
    factory, key = source
    with pytest.raises(ValidationError, match="outside the text"):
        _suggest(factory, key, ProposedSpan("outcome", *JOB, 0.7), ProposedSpan("outcome", 5, len(TEXT) + 5, 0.9))
    assert _count(factory, Suggestion) == 0
    with pytest.raises(NotFound):
        _suggest(factory, "source-nope", ProposedSpan("outcome", *JOB, 0.7))


def test_a_rejection_is_remembered_for_its_coder_only(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.6), ProposedSpan("outcome", *JOB, 0.7))
    coach = _suggestion_id(factory, key, "mechanism", COACH)
    with transaction(factory) as session:
        reject_suggestion(session, coach, coder="fac")
    assert _audit(factory, "suggestion.rejected")[0].detail == {"model": "unknown", "score": 0.6}
    assert _pending(factory, key, "fac") == [("outcome", *JOB)]
    assert _pending(factory, key, "boss") == [("mechanism", *COACH), ("outcome", *JOB)]
    # A newer model proposes again: what nobody decided on goes, the rejection stays.
    with transaction(factory) as session:
        forget_suggestions(session, key)
    with factory() as session:
        assert [(s.id, s.label) for s in session.scalars(select(Suggestion))] == [(coach, "mechanism")]
    _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.95, model_version="model-3"),
             ProposedSpan("outcome", *JOB, 0.7, model_version="model-3"))
    assert _pending(factory, key, "fac") == [("outcome", *JOB)]
    assert _pending(factory, key, "boss") == [("mechanism", *COACH), ("outcome", *JOB)]


def test_suggestions_overlapping_the_coders_own_spans_are_not_pending(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("mechanism", *at("a job coach"), 0.6), ProposedSpan("outcome", *JOB, 0.7))
    _code(factory, key, "fac", "context", COACH)
    assert _pending(factory, key, "fac") == [("outcome", *JOB)]
    assert _pending(factory, key, "boss") == [("mechanism", *at("a job coach")), ("outcome", *JOB)]
    _code(factory, key, "fac", "context", (JOB[1], RELUCTANT[1]))  # touching the outcome: still pending
    assert _pending(factory, key, "fac") == [("outcome", *JOB)]


def test_accepting_a_suggestion_makes_it_the_coders_annotation(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.8, "pairs with a coach", "mechanism",
                                        "human_capital", "model-7"))
    suggestion = _suggestion_id(factory, key, "mechanism", COACH)
    with transaction(factory) as session:
        accepted = accept_suggestion(session, suggestion, coder="fac", source_key=key).key
    annotation = _annotation(factory, accepted)
    assert (annotation.coder, annotation.label, annotation.start, annotation.end, annotation.quote) == (
        "fac", "mechanism", *COACH, "We paired each of them with a job coach.")
    assert (annotation.origin, annotation.suggestion_id) == ("suggestion", suggestion)
    assert (annotation.concept_scheme, annotation.concept_code) == ("mechanism", "human_capital")
    [entry] = _audit(factory, "suggestion.accepted")
    assert (entry.actor, entry.target_id) == ("fac", str(suggestion))
    assert entry.detail == {"annotation": accepted, "model": "model-7", "score": 0.8, "edited": False}
    assert _audit(factory, "annotation.created")[0].detail["origin"] == "suggestion"
    assert _decisions(factory) == [(suggestion, "fac", "accepted")]
    assert _pending(factory, key, "fac") == []
    assert _pending(factory, key, "boss") == [("mechanism", *COACH)]


def test_a_suggestion_can_be_accepted_with_other_bounds_and_label(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("outcome", *JOB, 0.8, model_version="model-7"))
    suggestion = _suggestion_id(factory, key, "outcome", JOB)
    found_a_job = at("most of them had found a job.")
    with transaction(factory) as session:
        accepted = accept_suggestion(session, suggestion, coder="fac", label="context", start=found_a_job[0],
                                     end=found_a_job[1] - 1).key
    annotation = _annotation(factory, accepted)
    assert (annotation.label, annotation.quote, annotation.origin) == (
        "context", "most of them had found a job", "suggestion")
    assert _audit(factory, "suggestion.accepted")[0].detail["edited"] is True
    with factory() as session:
        assert session.scalar(select(Suggestion.label).where(Suggestion.id == suggestion)) == "outcome"


def test_relabelling_a_suggestion_with_a_concept_drops_the_concept_that_no_longer_fits(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.8, "", "mechanism", "human_capital", "model-7"))
    suggestion = _suggestion_id(factory, key, "mechanism", COACH)
    with transaction(factory) as session:
        accepted = accept_suggestion(session, suggestion, coder="fac", label="context").key
    annotation = _annotation(factory, accepted)
    assert (annotation.label, annotation.concept_scheme, annotation.concept_code) == ("context", None, None)


def test_an_accepted_suggestion_is_checked_like_a_new_span(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("outcome", *JOB, 0.8))
    suggestion = _suggestion_id(factory, key, "outcome", JOB)
    _code(factory, key, "boss", "context", JOB)
    with pytest.raises(ValidationError, match="outside the text"), transaction(factory) as session:
        accept_suggestion(session, suggestion, coder="fac", end=len(TEXT) + 1)
    assert _decisions(factory) == []
    with pytest.raises(ValidationError, match="overlaps your context span"), transaction(factory) as session:
        accept_suggestion(session, suggestion, coder="boss")
    assert _decisions(factory) == [] and _audit(factory, "suggestion.accepted") == []
    assert _pending(factory, key, "fac") == [("outcome", *JOB)]


def test_a_suggestion_of_another_source_is_not_found(source):
    factory, key = source
    other = _source(factory, text="Elsewhere, coaching helped.", turns=[])
    _suggest(factory, other, ProposedSpan("outcome", 0, 9, 0.8))
    suggestion = _suggestion_id(factory, other, "outcome", (0, 9))
    with pytest.raises(NotFound), transaction(factory) as session:
        accept_suggestion(session, suggestion, coder="fac", source_key=key)
    with pytest.raises(NotFound), transaction(factory) as session:
        reject_suggestion(session, suggestion, coder="fac", source_key=key)
    with pytest.raises(NotFound), transaction(factory) as session:
        accept_suggestion(session, suggestion + 1000, coder="fac")
    assert _count(factory, Annotation) == 0 and _decisions(factory) == []
    assert _pending(factory, other, "fac") == [("outcome", 0, 9)]


def test_accepting_above_a_threshold_takes_the_higher_of_two_overlapping_suggestions(source):
    factory, key = source
    _suggest(factory, key,
             ProposedSpan("mechanism", *COACH, 0.7),
             ProposedSpan("context", *at("a job coach"), 0.9),
             ProposedSpan("outcome", *JOB, 0.8),
             ProposedSpan("hindering", *RELUCTANT, 0.6),
             ProposedSpan("context", *FUNDED, 0.3))
    with transaction(factory) as session:
        accepted = [(a.label, a.quote, a.origin)
                    for a in accept_suggestions_above(session, key, coder="fac", threshold=0.6)]
    assert accepted == [("context", "a job coach", "suggestion"),
                        ("outcome", "Within a year most of them had found a job.", "suggestion"),
                        ("hindering", "Employers were reluctant at first.", "suggestion")]
    mechanism = _suggestion_id(factory, key, "mechanism", COACH)
    # The lower of the two overlapping ones is left undecided; while the coder's span covers it it is
    # not offered, and it comes back if that span goes.
    assert mechanism not in {suggestion for suggestion, _, _ in _decisions(factory)}
    assert len(_decisions(factory)) == 3
    assert _pending(factory, key, "fac") == [("context", *FUNDED)]
    with factory() as session:
        coach = session.scalar(select(Annotation.key).where(Annotation.quote == "a job coach"))
    with transaction(factory) as session:
        delete_annotation(session, coach, coder="fac")
    assert _pending(factory, key, "fac") == [("mechanism", *COACH), ("context", *FUNDED)]
    # What another coder has not decided on stays pending for them.
    assert len(_pending(factory, key, "boss")) == 5


def test_accepting_above_skips_what_the_coder_decided_or_coded(source):
    factory, key = source
    _suggest(factory, key, ProposedSpan("mechanism", *COACH, 0.9), ProposedSpan("outcome", *JOB, 0.9),
             ProposedSpan("hindering", *RELUCTANT, 0.9))
    with transaction(factory) as session:
        reject_suggestion(session, _suggestion_id(factory, key, "mechanism", COACH), coder="fac")
    _code(factory, key, "fac", "context", RELUCTANT)
    with transaction(factory) as session:
        accepted = accept_suggestions_above(session, key, coder="fac", threshold=1.0)
        assert accepted == []
        accepted = [a.label for a in accept_suggestions_above(session, key, coder="fac", threshold=0.0)]
    assert accepted == ["outcome"]


@pytest.mark.parametrize("threshold", [-0.01, 1.01, 2.0, float("nan")])
def test_a_threshold_outside_zero_to_one_is_refused(source, threshold):
    factory, key = source
    _suggest(factory, key, ProposedSpan("outcome", *JOB, 0.9))
    with pytest.raises(ValidationError, match="from 0 to 1"), transaction(factory) as session:
        accept_suggestions_above(session, key, coder="fac", threshold=threshold)
    assert _count(factory, Annotation) == 0


# -- training passages ---------------------------------------------------------------------------


def test_training_passages_are_coded_turns_of_one_coder_each(session_factory):
    factory = session_factory
    key = _source(factory, language="de")
    _source(factory, text="Nobody coded this one.", turns=[])  # no passage
    anna = TURNS[0].start
    ben = TURNS[1].start
    # Anna's turn: 'fac' codes two short spans, 'boss' one long one: boss coded more of it.
    _code(factory, key, "fac", "context", at("young people"))
    _code(factory, key, "fac", "mechanism", at("job coach"))
    _code(factory, key, "boss", "mechanism", COACH)
    # Ben's turn: 'fac' codes an outcome; 'boss' only a condition, which is not for training.
    _code(factory, key, "fac", "outcome", JOB)
    _code(factory, key, "boss", "hindering", (JOB[0], RELUCTANT[1]))
    _code(factory, key, "fac", "enabling", RELUCTANT)
    # Cleo's turn: only a condition, so no passage.
    _code(factory, key, "fac", "enabling", FUNDED)
    # A span across two turns belongs to neither.
    _code(factory, key, "eve", "outcome", (TURNS[1].end - 6, TURNS[2].start + 4))
    with factory() as session:
        passages = training_passages(session)
    assert [(p["id"], p["coder"], p["lang"], p["source"]) for p in passages] == [
        (f"{key}.t0", "boss", "de", key), (f"{key}.t1", "fac", "de", key)]
    first, second = passages
    assert first["text"] == TURN_1 and second["text"] == TURN_2
    assert first["spans"] == [{"start": COACH[0] - anna, "end": COACH[1] - anna, "label": "MECHANISM"}]
    assert second["spans"] == [{"start": JOB[0] - ben, "end": JOB[1] - ben, "label": "OUTCOME"}]
    assert second["text"][second["spans"][0]["start"]:second["spans"][0]["end"]] == \
        "Within a year most of them had found a job."


def test_a_passage_keeps_every_trainable_span_of_its_coder_and_a_text_without_turns_is_one_passage(
        session_factory):
    factory = session_factory
    key = _source(factory, language=None)
    _code(factory, key, "fac", "context", YOUTH)
    _code(factory, key, "fac", "mechanism", COACH)
    _code(factory, key, "fac", "hindering", at("Anna"))
    whole = _source(factory, text="Ana: Coaching worked.\nBo: Jobs came.", turns=[], language="it")
    _code(factory, whole, "fac", "outcome", at("Jobs came", "Ana: Coaching worked.\nBo: Jobs came."))
    with factory() as session:
        passages = {p["source"]: p for p in training_passages(session)}
    assert passages[key]["lang"] == "en"  # no language known: English
    assert [(s["label"], TURN_1[s["start"]:s["end"]]) for s in passages[key]["spans"]] == [
        ("CONTEXT", "The young people came from the suburbs."),
        ("MECHANISM", "We paired each of them with a job coach.")]
    assert passages[whole]["text"] == "Ana: Coaching worked.\nBo: Jobs came."
    assert passages[whole]["lang"] == "it" and passages[whole]["id"] == f"{whole}.all"
    assert passages[whole]["spans"] == [{"start": 26, "end": 35, "label": "OUTCOME"}]
