"""Survey responses in the records: one submission, practices into the graph, withdrawal, retention."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from graph.memory_store import MemoryStore
from graph.projector import initialise_graph, project_pending
from ontology.vocab import NodeLabel, RelType
from records.db import transaction
from records.errors import Conflict
from records.models import OutboxEvent, Practice, Source, Survey, SurveyResponse
from records.surveys import (
    erase_response,
    find_by_receipt,
    find_by_resume_token,
    install_survey,
    purge_expired,
    save_answers,
    start_response,
    submit_response,
)

PRACTICE = {"F1": "One-stop youth hub", "F2": "FR", "F2b": "FR10", "F2c": "regional", "F3": "almp_programme",
            "F3b": "counselling_case_management", "F5": ["youth_neet", "other"], "F8": "Joint counselling.",
            "F9": ["partnership", "funding"], "F9t": "Municipal partners.", "F10": ["data_availability"],
            "F13": "publish_anonymous"}


@pytest.fixture
def survey(session_factory):
    with transaction(session_factory) as session:
        return install_survey(session, "cop-v1", "Survey", {"id": "cop", "version": 1})


def _respond(session_factory, survey, answers):
    with transaction(session_factory) as session:
        response, token = start_response(session, session.merge(survey), "fr")
        save_answers(session, response, answers, list(answers), page_id="A")
        return response.key, token


def _count(factory, model):
    with factory() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_tokens_are_kept_only_as_hashes(session_factory, survey):
    key, token = _respond(session_factory, survey, {"A1": "FR"})
    with session_factory() as session:
        response = find_by_resume_token(session, token)
        assert response.key == key and token not in response.resume_token_hash
        assert find_by_resume_token(session, token + "x") is None
        assert find_by_resume_token(session, "x" * 5000) is None


def test_a_submission_shares_its_practices_with_the_graph_and_withdrawal_takes_them_back(session_factory, survey):
    key, _ = _respond(session_factory, survey, {"A1": "FR", "A2": "pes_regional_local", "F0": "yes",
                                                "F": [PRACTICE, {"F1": ""}]})
    with transaction(session_factory) as session:
        code = submit_response(session, session.scalar(select(SurveyResponse)))
    with session_factory() as session:
        practice = session.scalar(select(Practice))
        assert practice.name == "One-stop youth hub" and practice.countries == "FR10"
        assert practice.target_groups == ["youth_neet", "other"]
        assert [(c["kind"], c["type"]) for c in practice.conditions] == [
            ("enabling", "local_partnerships"), ("enabling", "funding_stability"), ("hindering", "data_it_systems")]
        assert session.scalar(select(Source)).kind == "survey_response"
    graph = MemoryStore()
    initialise_graph(graph)
    assert project_pending(session_factory, graph).dead_letters == []
    node = graph.node(NodeLabel.PRACTICE, f"response-{key}-0")
    assert node["programme_type"] == "counselling_case_management"
    ref = graph.relationships(RelType.DOCUMENTED_BY)[0]
    assert graph.node(ref.end.label, ref.end.key)["kind"] == "survey_response"
    assert len(graph.relationships(RelType.HAS_CONDITION)) == 3
    assert [r.end.key for r in graph.relationships(RelType.IMPLEMENTED_IN)] == ["FR10"]

    with transaction(session_factory) as session:
        erase_response(session, find_by_receipt(session, code), reason="withdrawn")
    assert _count(session_factory, SurveyResponse) == _count(session_factory, Practice) == 0
    assert _count(session_factory, Source) == 0
    project_pending(session_factory, graph)
    assert graph.nodes(NodeLabel.PRACTICE) == [] and graph.nodes(NodeLabel.SOURCE) == []
    assert graph.nodes(NodeLabel.CONDITION) == []


def test_submitting_twice_is_refused_and_stores_nothing_twice(session_factory, survey):
    _respond(session_factory, survey, {"A1": "FR", "F": [PRACTICE]})
    with transaction(session_factory) as session:
        submit_response(session, session.scalar(select(SurveyResponse)))
    with pytest.raises(Conflict), transaction(session_factory) as session:
        submit_response(session, session.scalar(select(SurveyResponse)))
    assert _count(session_factory, Practice) == 1


def test_two_submissions_of_one_response_racing_each_other_store_one(session_factory, survey):
    # Two requests (say a double click) each read the response while it was still in progress.
    _respond(session_factory, survey, {"A1": "FR", "A2": "pes_national"})
    with session_factory() as first, session_factory() as second:
        mine, theirs = first.scalar(select(SurveyResponse)), second.scalar(select(SurveyResponse))
        receipt = submit_response(first, mine)
        first.commit()
        with pytest.raises(Conflict):
            submit_response(second, theirs)
        second.rollback()
    with session_factory() as session:
        assert find_by_receipt(session, receipt).status == "submitted"
        assert session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.event_type == "survey_response.submitted")) == 1


def test_a_crash_mid_submit_leaves_no_partial_response(session_factory, survey, monkeypatch):
    _respond(session_factory, survey, {"A1": "FR", "F": [PRACTICE, PRACTICE | {"F1": "Second"}]})
    import records.surveys
    real = records.surveys.create_practice
    calls = []

    def crash_on_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("the machine stopped")
        return real(*args, **kwargs)

    monkeypatch.setattr(records.surveys, "create_practice", crash_on_second)
    with pytest.raises(RuntimeError), transaction(session_factory) as session:
        submit_response(session, session.scalar(select(SurveyResponse)))
    with session_factory() as session:
        assert session.scalar(select(SurveyResponse)).status == "in_progress"
        assert session.scalar(select(SurveyResponse)).receipt_code_hash is None
    assert _count(session_factory, Practice) == _count(session_factory, Source) == 0


def test_retention_erases_old_unfinished_and_expired_responses(session_factory, survey):
    _respond(session_factory, survey, {"A1": "FR"})
    _respond(session_factory, survey, {"A1": "DE"})
    with transaction(session_factory) as session:
        finished = session.scalars(select(SurveyResponse).order_by(SurveyResponse.id)).all()[1]
        submit_response(session, finished)
        target = session.merge(survey)
        target.closed_at = datetime.now(UTC) - timedelta(days=30 * 25)
        target.retention_months = 24
    with transaction(session_factory) as session:
        assert purge_expired(session, now=datetime.now(UTC)) == 1  # the submitted one, past retention
    with transaction(session_factory) as session:
        assert purge_expired(session, now=datetime.now(UTC) + timedelta(days=61)) == 1  # the abandoned one
    assert _count(session_factory, SurveyResponse) == 0
    assert _count(session_factory, Survey) == 1


def test_a_closed_survey_takes_no_new_response(session_factory, survey):
    with transaction(session_factory) as session:
        session.merge(survey).status = "closed"
    with pytest.raises(Conflict, match="not open"), transaction(session_factory) as session:
        start_response(session, session.scalar(select(Survey)), "en")
