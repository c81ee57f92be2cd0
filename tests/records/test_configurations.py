"""CMO configurations: checked against the vocabulary, and every change leaves its event."""

import pytest
from sqlalchemy import func, select

from records.configurations import (
    ConditionStatement,
    ConfigurationDraft,
    Outcome,
    create_configuration,
    create_source,
    edit_configuration,
    erase_configuration,
    validate_configuration,
)
from records.db import transaction
from records.errors import NotFound, ValidationError
from records.evidence import evidence_configurations, stated_unemployment_band
from records.models import Configuration, OutboxEvent
from records.outbox import START, events_after


@pytest.fixture
def with_source(session_factory):
    with transaction(session_factory) as session:
        create_source(session, key="study-1", kind="document", citation="Author 2020", design="rct")
    return session_factory


def draft(**overrides) -> ConfigurationDraft:
    fields = dict(source_key="study-1", programme_type="training", mechanism="human_capital",
                  outcomes=[Outcome("employment", "positive", "medium_run")],
                  target_groups=["long_term_unemployed"], countries=["DE"], region="DE21",
                  conditions=[ConditionStatement("enabling", "employer_engagement", "firms co-design")])
    return ConfigurationDraft(**(fields | overrides))


def _events(factory):
    with factory() as session:
        return [(e.event_type, e.payload) for e in events_after(session, START, 100)]


def test_a_configuration_is_recorded_with_its_full_state_in_the_event(with_source):
    with transaction(with_source) as session:
        create_configuration(session, draft(), key="cfg-1", actor="fac")
    (_, _source), (kind, payload) = _events(with_source)
    assert kind == "configuration.created"
    assert payload["status"] == "draft" and payload["region"] == "DE21"
    assert payload["conditions"] == [{"kind": "enabling", "type": "employer_engagement",
                                      "note": "firms co-design"}]


@pytest.mark.parametrize("overrides, message", [
    ({"programme_type": "magic"}, "Unknown programme type 'magic'"),
    ({"mechanism": "luck"}, "Unknown mechanism 'luck'"),
    ({"target_groups": ["pirates"]}, "Unknown target group 'pirates'"),
    ({"region": "XX99"}, "Unknown NUTS region 'XX99'"),
    ({"outcomes": []}, "at least one outcome"),
    ({"outcomes": [Outcome("employment", "upwards", "short_run")]}, "Unknown outcome direction"),
    ({"conditions": [ConditionStatement("neutral", "funding_stability")]}, "enabling or hindering"),
    ({"source_key": "nowhere"}, "Unknown source 'nowhere'"),
    ({"practice_key": "no-practice"}, "Unknown practice"),
])
def test_a_configuration_with_unknown_terms_is_refused_and_leaves_nothing(with_source, overrides, message):
    with pytest.raises(ValidationError, match=message), transaction(with_source) as session:
        create_configuration(session, draft(**overrides))
    with with_source() as session:
        assert session.scalar(select(func.count()).select_from(Configuration)) == 0
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1  # the source's


def test_edit_validate_and_erase_each_leave_an_event(with_source):
    with transaction(with_source) as session:
        create_configuration(session, draft(), key="cfg-1", validated_by="ana")
    with transaction(with_source) as session:
        edited = edit_configuration(session, "cfg-1", draft(conditions=[], target_groups=["youth_neet"]))
        assert edited.status == "draft"  # an edit needs validating again
    with transaction(with_source) as session:
        assert validate_configuration(session, "cfg-1", actor="ana").status == "validated"
    with transaction(with_source) as session:
        erase_configuration(session, "cfg-1", actor="ana", reason="withdrawn")
    kinds = [kind for kind, _ in _events(with_source)]
    assert kinds == ["source.created", "configuration.created", "configuration.edited",
                     "configuration.validated", "configuration.erased"]
    edit_payload = _events(with_source)[2][1]
    assert edit_payload["removed"]["Condition"] == ["cfg-1.condition.0"]
    erase_payload = _events(with_source)[4][1]
    assert erase_payload["owned"]["Outcome"] == ["cfg-1.outcome.0"]
    with pytest.raises(NotFound), transaction(with_source) as session:
        validate_configuration(session, "cfg-1", actor="ana")


def test_the_evidence_base_yields_one_valid_configuration_per_finding():
    configurations = list(evidence_configurations({}))
    assert len(configurations) == 206
    keys = {key for key, _ in configurations}
    assert len(keys) == 206
    by_finding = {d.finding_id: d for _, d in configurations}
    assert by_finding["EU002"].countries == ["DE"]
    assert by_finding["EU015"].region is None and by_finding["EU015"].countries == ["BE"]


@pytest.mark.parametrize("text, band", [
    ("regions with bad labour market conditions (high unemployment)", "high"),
    ("early-1990s recession", "high"),
    ("tight local labour market (cross-border employment hub)", "low"),
    ("higher GDP growth and lower unemployment", "low"),
    ("business cycle: recession vs boom", None),
    ("seven central qualification programmes", None),
])
def test_the_band_a_study_states_for_its_labour_market(text, band):
    assert stated_unemployment_band(text) == band
