"""Communities of Practice sessions, their sources, and configurations built from coded spans: what is
refused, what is stored, and what reaches the audit log, the outbox and the graph."""

from datetime import date

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

import records.users
from graph.memory_store import MemoryStore
from graph.projector import initialise_graph, project_pending
from graph.store import NodeRef
from ontology.vocab import NodeLabel, RelType
from records.annotations import annotate, delete_annotation
from records.configurations import (
    ConfigurationDraft,
    Outcome,
    create_configuration,
    edit_configuration,
    erase_configuration,
    owned_node_keys,
    snapshot,
    span_states,
)
from records.db import transaction
from records.errors import Conflict, NotFound, ValidationError
from records.models import (
    AuditEntry,
    Configuration,
    ConfigurationSpan,
    CopSession,
    OutboxEvent,
    Segment,
    Source,
    SourceText,
)
from records.outbox import START, events_after
from records.sessions import (
    TurnSpan,
    add_text_source,
    get_source_text,
    list_sessions,
    save_session,
    segments_of,
    session_sources,
    text_sha256,
)
from records.users import create_user, set_active

TURN_1 = "Anna: The young people came from the suburbs. We paired each of them with a job coach."
TURN_2 = "Ben: Within a year most of them had found a job. Employers were reluctant at first."
TRANSCRIPT = f"{TURN_1}\n{TURN_2}\n"
TURNS = [TurnSpan("Anna", 0, len(TURN_1), 0, 61_000),
         TurnSpan("Ben", len(TURN_1) + 1, len(TURN_1) + 1 + len(TURN_2), 61_000, 95_000)]


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    # Accounts are only needed as facilitators here; Argon2's default cost would make each one take
    # a sizeable fraction of a second.
    monkeypatch.setattr(records.users, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def people(session_factory):
    """Facilitator 'fac', admin 'boss', analyst 'ana' and the deactivated facilitator 'gone'."""
    with transaction(session_factory) as session:
        create_user(session, "fac", "facilitator")
        create_user(session, "boss", "admin")
        create_user(session, "ana", "analyst")
        gone, _ = create_user(session, "gone", "facilitator")
        set_active(session, gone, False, actor="boss")
    return session_factory


def _count(factory, model, *where) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _audit(factory, action: str) -> list[AuditEntry]:
    with factory() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def _events(factory) -> list[tuple[str, str, dict]]:
    with factory() as session:
        return [(e.event_type, e.aggregate_key, e.payload) for e in events_after(session, START, 1000)]


def _new_session(factory, **overrides) -> str:
    values = dict(title="Youth guarantee peer review", language="en", facilitators=["fac"], actor="fac")
    with transaction(factory) as session:
        return save_session(session, **(values | overrides)).key


def _new_source(factory, session_key: str | None = None, **overrides) -> str:
    values = dict(title="Morning round", text=TRANSCRIPT, format="vtt", turns=TURNS, actor="fac",
                  session_key=session_key, filename="morning.vtt")
    with transaction(factory) as session:
        return add_text_source(session, **(values | overrides)).key


# -- sessions ------------------------------------------------------------------------------------


def test_a_session_is_recorded_with_what_was_given_and_an_audit_entry(people):
    key = _new_session(people, title="  Peer review in Lyon  ", language="fr", region="FR10",
                       held_on=date(2026, 3, 4), facilitators=["fac", "boss", "fac"], sector=" public employment ",
                       participants={"pes_staff": 4, "researcher": 0, "ngo": 2}, notes="Two tables.")
    with people() as session:
        record = session.scalar(select(CopSession).where(CopSession.key == key))
        assert record.title == "Peer review in Lyon"
        assert record.country == "FR"  # taken from the region when not given
        assert record.region == "FR10" and record.held_on == date(2026, 3, 4)
        assert record.facilitators == ["boss", "fac"]  # an admin may facilitate; each name once
        assert record.participants == {"pes_staff": 4, "ngo": 2}  # nobody of a role: not kept
        assert record.sector == "public employment" and record.created_by == "fac"
    [entry] = _audit(people, "session.created")
    assert (entry.actor, entry.target_id, entry.detail) == ("fac", key, {"title": "Peer review in Lyon"})


def test_a_title_of_the_maximum_length_is_kept_whole(people):
    key = _new_session(people, title="t" * 300, country="EL")
    with people() as session:
        record = session.scalar(select(CopSession).where(CopSession.key == key))
        assert record.title == "t" * 300 and record.country == "EL"


@pytest.mark.parametrize("overrides, message", [
    ({"title": ""}, "needs a title"),
    ({"title": "   "}, "needs a title"),
    ({"title": "t" * 301}, "at most 300 characters"),
    ({"language": "nl"}, "language is one of"),
    ({"language": ""}, "language is one of"),
    ({"country": "XX"}, "Unknown NUTS region 'XX'"),
    ({"region": "FR99"}, "Unknown NUTS region 'FR99'"),
    ({"country": "DE21"}, "two-letter NUTS code"),
    ({"country": "DE", "region": "FR10"}, "The region FR10 is not in DE"),
    ({"facilitators": []}, "at least one facilitator"),
    ({"facilitators": ["ana"]}, "Not an active facilitator: ana"),
    ({"facilitators": ["fac", "gone"]}, "Not an active facilitator: gone"),
    ({"facilitators": ["nobody"]}, "Not an active facilitator: nobody"),
    ({"participants": {"journalist": 1}}, "Unknown participant role 'journalist'"),
    ({"participants": {"researcher": -1}}, "researcher participants must be a whole number"),
    ({"participants": {"researcher": True}}, "researcher participants must be a whole number"),
    ({"participants": {"researcher": 2.0}}, "researcher participants must be a whole number"),
    ({"participants": {"researcher": "3"}}, "researcher participants must be a whole number"),
    ({"participants": {"researcher": 10_001}}, "researcher participants must be a whole number"),
])
def test_a_session_with_bad_details_is_refused_and_nothing_is_stored(people, overrides, message):
    with pytest.raises(ValidationError, match=message):
        _new_session(people, **overrides)
    assert _count(people, CopSession) == 0
    assert _audit(people, "session.created") == []


def test_editing_a_session_records_which_fields_changed(people):
    key = _new_session(people, participants={"pes_staff": 3})
    with transaction(people) as session:
        edited = save_session(session, key=key, title="Youth guarantee peer review", language="de",
                              facilitators=["fac", "boss"], actor="boss", participants={"pes_staff": 3},
                              country="DE")
        assert edited.key == key
    with people() as session:
        record = session.scalar(select(CopSession))
        assert (record.language, record.country, record.facilitators) == ("de", "DE", ["boss", "fac"])
        assert record.created_by == "fac"  # the creator stays
    [entry] = _audit(people, "session.edited")
    assert entry.actor == "boss" and entry.target_id == key
    assert entry.detail == {"changed": ["country", "facilitators", "language"]}
    # Saving it unchanged changes nothing, and says nothing.
    with transaction(people) as session:
        save_session(session, key=key, title="Youth guarantee peer review", language="de",
                     facilitators=["boss", "fac"], actor="boss", participants={"pes_staff": 3}, country="DE")
    assert len(_audit(people, "session.edited")) == 1
    assert _count(people, CopSession) == 1


def test_editing_is_checked_like_creating_and_an_unknown_session_is_not_found(people):
    key = _new_session(people)
    with pytest.raises(ValidationError, match="Not an active facilitator: ana"), transaction(people) as session:
        save_session(session, key=key, title="Other", language="en", facilitators=["ana"], actor="boss")
    with people() as session:
        assert session.scalar(select(CopSession.title)) == "Youth guarantee peer review"
    with pytest.raises(NotFound), transaction(people) as session:
        save_session(session, key="session-nope", title="Other", language="en", facilitators=["fac"], actor="boss")
    assert _audit(people, "session.edited") == []


def test_sessions_are_listed_newest_first_with_their_number_of_sources(people):
    old = _new_session(people, title="Old", held_on=date(2025, 1, 10))
    new = _new_session(people, title="New", held_on=date(2026, 5, 2))
    undated = _new_session(people, title="Undated")
    _new_source(people, old)
    _new_source(people, old, text="Another text, another file.", turns=[])
    _new_source(people, None, text="A source outside any session.", turns=[])
    with people() as session:
        listed = [(record.key, count) for record, count in list_sessions(session)]
    assert listed == [(new, 0), (old, 2), (undated, 0)]


# -- sources -------------------------------------------------------------------------------------


def test_a_source_keeps_its_text_turns_event_and_audit_entries(people):
    session_key = _new_session(people, language="fr")
    key = _new_source(people, session_key, warnings=["Two cues overlapped."], kind="session_transcript")
    with people() as session:
        text = get_source_text(session, key)
        assert text.text == TRANSCRIPT and text.sha256 == text_sha256(TRANSCRIPT)
        assert text.language == "fr"  # the session's, when the reader did not tell
        assert text.session_key == session_key and text.warnings == ["Two cues overlapped."]
        assert [(s.key, s.speaker, TRANSCRIPT[s.start:s.end], s.start_ms, s.end_ms)
                for s in segments_of(session, key)] == [
            (f"{key}.t0", "Anna", TURN_1, 0, 61_000), (f"{key}.t1", "Ben", TURN_2, 61_000, 95_000)]
        [(source, source_text, annotations)] = session_sources(session, session_key)
        assert (source.key, source.kind, source.title, source_text.id, annotations) == (
            key, "session_transcript", "Morning round", text.id, 0)
    [(kind, aggregate, payload)] = [e for e in _events(people) if e[0] == "source.created"]
    assert aggregate == key and payload["kind"] == "session_transcript" and payload["title"] == "Morning round"
    [created] = _audit(people, "source.created")
    [uploaded] = _audit(people, "source.uploaded")
    assert created.target_id == uploaded.target_id == key
    assert created.actor == uploaded.actor == "fac"
    assert uploaded.detail == {"cop_session": session_key, "format": "vtt", "filename": "morning.vtt",
                               "characters": len(TRANSCRIPT), "turns": 2}


def test_a_source_in_no_session_has_the_language_it_was_given(people):
    key = _new_source(people, None, language="de", title="", filename="notes.txt")
    with people() as session:
        text = get_source_text(session, key)
        assert text.language == "de" and text.session_key is None
        assert session.scalar(select(Source.title).where(Source.key == key)) == "notes.txt"


def test_session_sources_count_the_annotations_of_each_source(people):
    session_key = _new_session(people)
    first = _new_source(people, session_key)
    second = _new_source(people, session_key, text="Second file.", turns=[])
    with transaction(people) as session:
        annotate(session, source_key=first, coder="fac", label="context", start=6, end=22)
        annotate(session, source_key=first, coder="boss", label="context", start=6, end=22)
    with people() as session:
        assert [(source.key, n) for source, _, n in session_sources(session, session_key)] == [(first, 2), (second, 0)]


def _stored(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Source, SourceText, Segment, OutboxEvent, AuditEntry))


@pytest.mark.parametrize("text, turns, error, message", [
    ("", [], ValidationError, "The text is empty"),
    (" \n\t ", [], ValidationError, "The text is empty"),
    (TRANSCRIPT, [TurnSpan("Anna", 0, len(TRANSCRIPT) + 1)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Anna", -1, 10)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Anna", 10, 10)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Anna", 20, 10)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Anna", 0, 30), TurnSpan("Ben", 29, 60)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Ben", 40, 60), TurnSpan("Anna", 0, 30)], ValidationError, "do not fit"),
    (TRANSCRIPT, [TurnSpan("Anna", 0, 30), TurnSpan("Ben", 30, 60), TurnSpan("Cleo", 50, 90)],
     ValidationError, "do not fit"),
])
def test_a_source_that_does_not_fit_is_refused_and_nothing_is_stored(people, text, turns, error, message):
    session_key = _new_session(people)
    with people() as session:
        before = _stored(session)
        with pytest.raises(error, match=message):
            add_text_source(session, title="Bad", text=text, format="txt", turns=turns, actor="fac",
                            session_key=session_key)
        assert not session.new  # nothing was even handed to the session
        assert _stored(session) == before
        session.rollback()
    with people() as session:
        assert _stored(session) == before
    assert _count(people, SourceText, SourceText.session_key == session_key) == 0


def test_the_same_file_twice_in_a_session_is_a_conflict_and_stores_nothing(people):
    session_key = _new_session(people)
    other = _new_session(people, title="Another session")
    _new_source(people, session_key)
    with people() as session:
        before = _stored(session)
    with pytest.raises(Conflict, match="already among the session's sources"):
        _new_source(people, session_key, title="Same file, other name", filename="copy.vtt")
    with people() as session:
        assert _stored(session) == before
    # The same bytes (as hashed by the reader) count as the same file even if read differently.
    with pytest.raises(Conflict):
        _new_source(people, session_key, text="Read differently.", turns=[], sha256=text_sha256(TRANSCRIPT))
    # The same file may go to another session, and a different file to this one.
    _new_source(people, other)
    _new_source(people, session_key, text=TRANSCRIPT + "Cleo: One more thing.", turns=TURNS)
    assert _count(people, SourceText, SourceText.session_key == session_key) == 2
    assert _count(people, SourceText, SourceText.session_key == other) == 1


def test_a_source_for_an_unknown_session_is_not_found(people):
    with pytest.raises(NotFound):
        _new_source(people, "session-nope")
    assert _count(people, Source) == 0


def test_a_document_source_may_have_no_turns_and_long_speakers_are_cut(people):
    key = _new_source(people, None, kind="document", turns=[TurnSpan("S" * 200, 0, 10)])
    with people() as session:
        [segment] = segments_of(session, key)
        assert segment.speaker == "S" * 120
        assert session.scalar(select(Source.kind).where(Source.key == key)) == "document"
    with pytest.raises(ValidationError, match="not 'podcast'"):
        _new_source(people, None, kind="podcast", text="Other text.", turns=[])


# -- configurations built from coded spans -------------------------------------------------------


@pytest.fixture
def coded(session_factory):
    """A transcript (in no CoP session) with one coder's spans: context and mechanism in Anna's turn,
    two outcomes and a hindering condition in Ben's, a mechanism of another coder, and a mechanism
    coded in another source."""
    source = _new_source(session_factory)
    other = _new_source(session_factory, text="Elsewhere: coaching helped a lot.", turns=[])
    spans = {}
    with transaction(session_factory) as session:
        for name, label, phrase, coder in [
            ("context", "context", "The young people came from the suburbs.", "fac"),
            ("mechanism", "mechanism", "We paired each of them with a job coach.", "fac"),
            ("outcome", "outcome", "Within a year most of them had found a job.", "fac"),
            ("hindering", "hindering", "Employers were reluctant at first.", "fac"),
            ("other_mechanism", "mechanism", "We paired each of them", "boss"),
        ]:
            start = TRANSCRIPT.index(phrase)
            spans[name] = annotate(session, source_key=source, coder=coder, label=label, start=start,
                                   end=start + len(phrase)).key
        spans["crossing_outcome"] = annotate(session, source_key=source, coder="boss", label="outcome",
                                             start=TRANSCRIPT.index("job coach."),
                                             end=TRANSCRIPT.index(" most")).key
        spans["elsewhere"] = annotate(session, source_key=other, coder="fac", label="mechanism", start=11,
                                      end=19).key
    return session_factory, source, spans


def _draft(source: str, spans: list[str]) -> ConfigurationDraft:
    return ConfigurationDraft(source_key=source, programme_type="training", mechanism="human_capital",
                              outcomes=[Outcome("employment", "positive", "medium_run")], spans=spans)


@pytest.mark.parametrize("names, message", [
    (["context", "outcome"], "exactly one mechanism span, not 0"),
    (["mechanism", "other_mechanism", "outcome"], "exactly one mechanism span, not 2"),
    (["context", "mechanism", "hindering"], "at least one outcome span"),
    (["mechanism", "outcome", "elsewhere"], "comes from its source"),
    (["mechanism", "outcome", "ann-unknown"], "Unknown span"),
    (["mechanism", "outcome", "mechanism"], "listed twice"),
])
def test_a_configuration_from_spans_that_do_not_make_one_is_refused(coded, names, message):
    factory, source, spans = coded
    with pytest.raises(ValidationError, match=message), transaction(factory) as session:
        create_configuration(session, _draft(source, [spans.get(name, name) for name in names]), key="cfg-1")
    assert _count(factory, Configuration) == _count(factory, ConfigurationSpan) == 0
    assert [kind for kind, _, _ in _events(factory)] == ["source.created", "source.created"]


def test_a_configuration_from_spans_carries_their_words_roles_and_speakers(coded):
    factory, source, spans = coded
    chosen = [spans["outcome"], spans["mechanism"], spans["context"], spans["hindering"]]
    with transaction(factory) as session:
        create_configuration(session, _draft(source, chosen), key="cfg-1", actor="fac")
    [(kind, key, payload)] = [e for e in _events(factory) if e[0] == "configuration.created"]
    assert key == "cfg-1"
    assert [(s["role"], s["text"], s["speaker"], s["start_ms"], s["coder"], s["source_key"])
            for s in payload["spans"]] == [
        ("context", "The young people came from the suburbs.", "Anna", 0, "fac", source),
        ("mechanism", "We paired each of them with a job coach.", "Anna", 0, "fac", source),
        ("outcome", "Within a year most of them had found a job.", "Ben", 61_000, "fac", source),
        ("hindering", "Employers were reluctant at first.", "Ben", 61_000, "fac", source),
    ]
    for span in payload["spans"]:
        assert TRANSCRIPT[span["start"]:span["end"]] == span["text"]
    assert owned_node_keys(payload)["Segment"] == [f"cfg-1.span.{n}" for n in range(4)]
    with factory() as session:
        configuration = session.scalar(select(Configuration))
        assert snapshot(configuration, span_states(session, "cfg-1")) == payload
        assert dict(session.execute(select(ConfigurationSpan.annotation_key, ConfigurationSpan.role)).all()) == {
            spans["outcome"]: "outcome", spans["mechanism"]: "mechanism", spans["context"]: "context",
            spans["hindering"]: "hindering"}


def test_a_span_across_two_turns_has_no_single_speaker(coded):
    factory, source, spans = coded
    with transaction(factory) as session:
        create_configuration(session, _draft(source, [spans["other_mechanism"], spans["crossing_outcome"]]),
                             key="cfg-1")
        states = span_states(session, "cfg-1")
    assert [(s["role"], s["speaker"], s["start_ms"]) for s in states] == [
        ("mechanism", "Anna", 0), ("outcome", "", None)]
    assert states[1]["text"] == "job coach.\nBen: Within a year"


def _graph(factory) -> MemoryStore:
    graph = MemoryStore()
    initialise_graph(graph)
    return graph


def test_the_graph_shows_the_spans_as_segments_of_the_source_until_the_configuration_is_erased(coded):
    factory, source, spans = coded
    with transaction(factory) as session:
        create_configuration(session, _draft(source, [spans["context"], spans["mechanism"], spans["outcome"]]),
                             key="cfg-1", actor="fac")
    graph = _graph(factory)
    assert project_pending(factory, graph).dead_letters == []
    configuration = NodeRef(NodeLabel.CONFIGURATION, "cfg-1")
    segments = {node["key"]: node for node in graph.nodes(NodeLabel.SEGMENT)}
    assert sorted(segments) == ["cfg-1.span.0", "cfg-1.span.1", "cfg-1.span.2"]
    assert [(segments[k]["role"], segments[k]["text"], segments[k]["speaker"]) for k in sorted(segments)] == [
        ("context", "The young people came from the suburbs.", "Anna"),
        ("mechanism", "We paired each of them with a job coach.", "Anna"),
        ("outcome", "Within a year most of them had found a job.", "Ben"),
    ]
    assert segments["cfg-1.span.2"]["start_ms"] == 61_000
    assert segments["cfg-1.span.1"]["annotation_key"] == spans["mechanism"]
    derived = {r.end: r.properties for r in graph.relationships(RelType.DERIVED_FROM, start=configuration)}
    assert derived[NodeRef(NodeLabel.SOURCE, source)] == {}
    for n, role in enumerate(["context", "mechanism", "outcome"]):
        assert derived[NodeRef(NodeLabel.SEGMENT, f"cfg-1.span.{n}")] == {"role": role}
        [part_of] = graph.relationships(RelType.PART_OF, start=NodeRef(NodeLabel.SEGMENT, f"cfg-1.span.{n}"))
        assert part_of.end == NodeRef(NodeLabel.SOURCE, source)

    # While the configuration stands on them, its spans stay; once it is erased they go, in the
    # graph too, and may be deleted.
    with pytest.raises(ValidationError, match="part of configuration cfg-1"), transaction(factory) as session:
        delete_annotation(session, spans["mechanism"], coder="fac")
    with transaction(factory) as session:
        erase_configuration(session, "cfg-1", actor="fac", reason="test")
    assert project_pending(factory, graph).dead_letters == []
    assert graph.nodes(NodeLabel.SEGMENT) == [] and graph.node(NodeLabel.CONFIGURATION, "cfg-1") is None
    assert graph.relationships(RelType.PART_OF) == []
    assert graph.node(NodeLabel.SOURCE, source) is not None
    assert _count(factory, ConfigurationSpan) == 0
    with transaction(factory) as session:
        delete_annotation(session, spans["mechanism"], coder="fac")


def test_editing_a_configuration_replaces_its_spans_in_the_records_and_the_graph(coded):
    factory, source, spans = coded
    with transaction(factory) as session:
        create_configuration(session, _draft(source, [spans["context"], spans["mechanism"], spans["outcome"]]),
                             key="cfg-1")
    graph = _graph(factory)
    project_pending(factory, graph)
    with transaction(factory) as session:
        edit_configuration(session, "cfg-1", _draft(source, [spans["other_mechanism"], spans["crossing_outcome"]]))
    [(_, _, payload)] = [e for e in _events(factory) if e[0] == "configuration.edited"]
    assert [s["annotation_key"] for s in payload["spans"]] == [spans["other_mechanism"], spans["crossing_outcome"]]
    assert payload["removed"]["Segment"] == ["cfg-1.span.2"]
    with factory() as session:
        assert set(session.scalars(select(ConfigurationSpan.annotation_key))) == {
            spans["other_mechanism"], spans["crossing_outcome"]}
    assert project_pending(factory, graph).dead_letters == []
    assert [(n["key"], n["role"], n["text"]) for n in graph.nodes(NodeLabel.SEGMENT)] == [
        ("cfg-1.span.0", "mechanism", "We paired each of them"),
        ("cfg-1.span.1", "outcome", "job coach.\nBen: Within a year")]
    assert len(graph.relationships(RelType.DERIVED_FROM, start=NodeRef(NodeLabel.CONFIGURATION, "cfg-1"))) == 3
    # The spans it no longer uses are free again; the new ones are held.
    with transaction(factory) as session:
        delete_annotation(session, spans["context"], coder="fac")
    with pytest.raises(ValidationError, match="part of configuration"), transaction(factory) as session:
        delete_annotation(session, spans["other_mechanism"], coder="boss")
