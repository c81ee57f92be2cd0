"""A facilitator codes a Teams transcript with the keyboard, builds and validates a configuration, and
an analyst finds it in the knowledge graph with the words it came from. Real browser, `almpo run`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.e2e.test_admin_in_browser import sign_in
from tests.e2e.test_survey_in_browser import run_axe

pytestmark = pytest.mark.browser

TRANSCRIPT = Path(__file__).resolve().parents[1] / "nlp" / "fixtures" / "sources" / "teams_cop_session_en.vtt"
OUTCOME = "employment among participants was about eight percentage points higher"
FACILITATOR_PASSWORD = "coding-in-gdansk-2026"
ANALYST_PASSWORD = "reading-the-graph-2026"


def _suggestion_count(page) -> int:
    return int(re.match(r"(\d+)", page.locator("#suggestion-count").inner_text()).group(1))


def _go_to_suggestion_labelled(page, label: str, limit: int = 40) -> None:
    """Press n until the current suggestion carries `label`."""
    for _ in range(limit):
        page.keyboard.press("n")
        panel = page.locator("#item-panel")
        panel.wait_for()
        if page.locator("#item-title").inner_text() == "Suggestion" and \
                page.locator("#item-label").input_value() == label:
            return
    raise AssertionError(f"no {label} suggestion reached with n")


@pytest.fixture
def page(axe_page):
    return axe_page


def test_facilitator_codes_a_webvtt_transcript_and_an_analyst_finds_it_in_the_graph(page, platform):
    platform.almpo("users", "create", "fatima", "--role", "facilitator", "--display-name", "Fatima Haddad",
                   "--password-stdin", stdin=FACILITATOR_PASSWORD + "\n")
    platform.almpo("users", "create", "ana", "--role", "analyst", "--password-stdin", stdin=ANALYST_PASSWORD + "\n")

    # A session, and its Teams transcript uploaded.
    sign_in(page, platform.url, "fatima", FACILITATOR_PASSWORD)
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="New session").click()
    page.get_by_label("Title").fill("Long-term unemployment: peer review in Pomorskie")
    page.get_by_label("Country").select_option("PL")
    page.get_by_label("PES staff").fill("4")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Long-term unemployment: peer review in Pomorskie").wait_for()
    page.get_by_label("Transcript or document").set_input_files(str(TRANSCRIPT))
    page.get_by_role("button", name="Upload").click()

    # The coding page: speakers and times kept, suggestions waiting.
    page.locator("#coding.ready").wait_for()
    transcript = page.locator("#transcript")
    assert "Tomasz Nowak" in transcript.inner_text()
    assert "0:00:14" in transcript.inner_text()
    waiting = _suggestion_count(page)
    assert waiting >= 3
    assert page.locator("#model-link").inner_text().startswith("rules-")
    assert run_axe(page) == []

    # Keyboard only: to a mechanism suggestion, accept it; to the next one, reject it.
    transcript.focus()
    _go_to_suggestion_labelled(page, "mechanism")
    accepted_quote = page.locator("#item-quote").inner_text().strip("“”")
    assert float(page.locator("#item-score").inner_text()) > 0
    assert page.locator("#item-reason").inner_text() != "—"
    page.keyboard.press("a")
    page.locator("#span-list li", has_text=accepted_quote).wait_for()
    assert _suggestion_count(page) == waiting - 1
    page.keyboard.press("x")
    page.wait_for_function(f"document.getElementById('suggestion-count').textContent.startsWith('{waiting - 2} ')")

    # The outcome no rule proposed: words selected with the arrow keys, labelled with 3.
    text = json.loads(page.locator("#coding-text").text_content())
    start = text.index(OUTCOME)
    words_before = len(re.findall(r"\S+", text[:start]))
    transcript.focus()
    page.keyboard.press("Escape")
    for _ in range(words_before + 1):
        page.keyboard.press("ArrowRight")
    for _ in range(len(OUTCOME.split()) - 1):
        page.keyboard.press("Shift+ArrowRight")
    assert page.locator("#selection-quote").inner_text().strip("“”") == OUTCOME
    page.keyboard.press("3")
    page.locator("#span-list li", has_text="Outcome: " + OUTCOME).wait_for()
    # Its bounds edited with the keyboard: the start one word later, then back.
    page.keyboard.press("e")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Enter")
    shorter = OUTCOME.split(" ", 1)[1]
    page.locator("#span-list li", has_text="Outcome: " + shorter).wait_for()
    assert page.locator("#span-list li", has_text="Outcome: " + OUTCOME).count() == 0
    page.keyboard.press("e")
    page.keyboard.press("Shift+ArrowLeft")
    page.keyboard.press("Enter")
    page.locator("#span-list li", has_text="Outcome: " + OUTCOME).wait_for()
    # A second try on the same words is refused, with a reason, and nothing is added.
    spans_before = page.locator("#span-list li").count()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("1")
    page.locator("#coding-message.flash-error", has_text="overlaps").wait_for()
    assert page.locator("#span-list li").count() == spans_before

    # A configuration from those spans, validated.
    page.get_by_role("link", name="Build a configuration").click()
    page.get_by_label(accepted_quote).first.check()
    page.get_by_label(OUTCOME).check()
    page.get_by_label("Measure").select_option("employment")
    page.get_by_label("Programme type").select_option("employment_incentives_wage_subsidy")
    page.get_by_label("Mechanism concept").select_option("caseworker_intensity")
    page.get_by_label("Practice", exact=True).select_option("__new__")
    page.get_by_label("Name of the new practice").fill("Gdańsk individual action plans")
    page.get_by_role("button", name="Save and validate").click()
    status = page.locator("#configuration-status")
    status.wait_for()
    assert "Validated by fatima" in status.inner_text()
    configuration_key = page.url.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Sign out (fatima)").click()

    # The analyst finds it in the graph, with what was said and by whom.
    sign_in(page, platform.url, "ana", ANALYST_PASSWORD)
    page.get_by_role("link", name="Knowledge graph").click()
    page.get_by_label("Words in the source text").fill("percentage points")
    page.get_by_role("button", name="Show").click()
    page.locator(f"tr[data-configuration='{configuration_key}'] a").click()
    provenance = page.locator("#provenance")
    provenance.wait_for()
    assert OUTCOME in provenance.inner_text()
    assert "Ingrid Larsen" in provenance.inner_text()
    assert accepted_quote in provenance.inner_text()
    assert "Validated" in page.locator("#graph-status").inner_text()
    assert run_axe(page) == []

    # The graph explorer around the configuration: drawn, and listed, spans and source included.
    page.get_by_role("link", name="In the graph explorer").click()
    page.locator("#graph-canvas canvas").first.wait_for()
    nodes = page.locator("#graph-nodes")
    assert nodes.locator("tr", has_text="Segment").count() >= 2
    nodes.locator(f"tr[data-node='Configuration:{configuration_key}'] a").first.click()
    details = page.locator("#node-properties")
    assert "validated" in details.inner_text() and "fatima" in details.inner_text()
    assert page.locator("#node-provenance").is_visible()
    segment = nodes.locator("tr", has_text="Segment").filter(has_text=OUTCOME[:40]).locator("a").first
    segment.click()
    assert OUTCOME in details.inner_text() and "Ingrid Larsen" in details.inner_text()
    assert run_axe(page) == []
