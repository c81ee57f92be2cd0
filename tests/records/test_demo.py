"""Demo content: the shipped evidence base and the practices it evaluates, loaded once."""

from sqlalchemy import func, select

from records.demo import evaluated_practices, load_demo_content
from records.models import Configuration, OutboxEvent, Practice, Source


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_content_loads_once(session_factory):
    first = load_demo_content(session_factory)
    second = load_demo_content(session_factory)
    practices = len(evaluated_practices())
    assert first.practices_added == practices > 50
    assert first.configurations_added == 206 and first.sources_added >= 100
    assert second.practices_added == second.sources_added == second.configurations_added == 0
    assert second.practices_present == practices and second.configurations_present == 206
    with session_factory() as session:
        assert _count(session, Practice) == practices
        assert _count(session, Configuration) == 206
        events = _count(session, OutboxEvent)
        assert events == practices + 206 + _count(session, Source)


def test_every_demo_practice_and_configuration_cites_its_study(session_factory):
    practices = evaluated_practices()
    assert all(p["source_citation"] and p["source_url"].startswith("http") for p in practices)
    garantie = [p for p in practices if p["name"].startswith("Garantie jeunes")]
    assert garantie and garantie[0]["countries"] == ["FR"]
    load_demo_content(session_factory)
    with session_factory() as session:
        sources = {s.key: s for s in session.scalars(select(Source))}
        for configuration in session.scalars(select(Configuration)):
            assert configuration.status == "validated"
            assert sources[configuration.source_key].citation
