"""Demo content: the European evaluations of the shipped evidence base, loaded once."""

from sqlalchemy import func, select

from records.demo import evaluated_practices, load_demo_content
from records.models import OutboxEvent, Practice


def test_demo_content_loads_once(session_factory):
    first = load_demo_content(session_factory)
    second = load_demo_content(session_factory)
    expected = len(evaluated_practices())
    assert first.practices_added == expected > 50
    assert second.practices_added == 0 and second.practices_present == expected
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Practice)) == expected
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == expected


def test_every_demo_practice_cites_its_study():
    practices = evaluated_practices()
    assert all(p["source_citation"] and p["source_url"].startswith("http") for p in practices)
    garantie = [p for p in practices if p["name"].startswith("Garantie jeunes")]
    assert garantie and garantie[0]["countries"] == ["FR"]
