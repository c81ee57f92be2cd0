"""The graph explorer: the graph around a node, drawn and listed, filtered; bad choices are 4xx."""

import pytest

from records.demo import load_demo_content
from tests.conftest import ANALYST_PASSWORD


@pytest.fixture
def evidence_app(app):
    with app.app_context():
        from webapp.database import session_factory
        load_demo_content(session_factory())
    return app


def test_the_explorer_lists_what_it_draws_and_filters_it(evidence_app, client, auth):
    auth.login("analyst", ANALYST_PASSWORD)
    page = client.get("/explore/graph?node=Mechanism:threat_effect&depth=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-node="Mechanism:threat_effect"' in html and html.count('data-node="Configuration:') >= 3
    assert "vendor/cytoscape-3.34.4/cytoscape.min.js" in html
    only = client.get("/explore/graph?node=Mechanism:threat_effect&depth=2&label=Configuration&label=Mechanism")
    only_html = only.get_data(as_text=True)
    assert 'data-node="Outcome:' not in only_html and 'data-node="Configuration:' in only_html
    drafts = client.get("/explore/graph?node=Mechanism:threat_effect&status=draft").get_data(as_text=True)
    assert 'data-node="Configuration:' not in drafts  # the evidence base is all validated


@pytest.mark.parametrize("query, status", [
    ("node=Nope:x", 400), ("node=Mechanism:", 400), ("depth=7", 400), ("depth=x", 400),
    ("status=weird", 400), ("node=Mechanism:no_such_thing", 404),
])
def test_bad_choices_get_a_clear_4xx(evidence_app, client, auth, query, status):
    auth.login("analyst", ANALYST_PASSWORD)
    assert client.get(f"/explore/graph?{query}").status_code == status


def test_the_explorer_is_for_signed_in_users(evidence_app, client):
    assert client.get("/explore/graph").status_code == 302
