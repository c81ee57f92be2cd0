"""The Design Wizard in a real browser: the same young people in a high- and a low-unemployment
region get different recommendations, each explained and backed by the default evidence base."""

from __future__ import annotations

import pytest

from tests.e2e.test_survey_in_browser import run_axe

pytestmark = pytest.mark.browser


@pytest.fixture
def page(axe_page):
    return axe_page


def _ask(page, base_url: str, region: str) -> dict:
    page.goto(f"{base_url}/wizard/?lang=en")
    page.get_by_label("NUTS region (optional)").select_option(region)
    page.get_by_label("Young people and NEETs").check()
    page.get_by_label("Employment", exact=True).check()
    page.get_by_label("Short run (within a year)").check()
    page.get_by_role("button", name="Show what works here").click()
    page.locator("#results").wait_for()
    mechanisms = page.locator("section[aria-labelledby=mechanisms-title] article.recommendation")
    return {
        "band": page.locator("#band-summary").inner_text(),
        "summary": page.locator("#context-summary").inner_text(),
        "top": [mechanisms.nth(n).get_attribute("data-code") for n in range(min(5, mechanisms.count()))],
        "first_why": mechanisms.first.locator(".why").inner_text(),
        "url": page.url,
    }


def test_the_wizard_answers_a_high_and_a_low_unemployment_region_differently(page, platform):
    high = _ask(page, platform.url, "ES61")
    assert high["band"] == "Unemployment level: High unemployment"
    assert "Andalucía: 19.0 % unemployed in 2022" in high["summary"]
    assert "independent source" in high["first_why"] and "Young people and NEETs" in high["first_why"]
    assert run_axe(page) == []
    # The evidence behind a recommendation, down to its study.
    threat = page.locator("section[aria-labelledby=mechanisms-title] article[data-code=threat_effect]")
    threat.locator("summary").click()
    first_study = threat.locator(".evidence li a").first
    assert first_study.get_attribute("href").startswith("http")
    assert "high unemployment" in threat.locator(".why").inner_text()

    low = _ask(page, platform.url, "CZ01")
    assert low["band"] == "Unemployment level: Low unemployment"
    assert "Praha: 2.1 % unemployed in 2023" in low["summary"]
    assert high["top"] != low["top"]
    assert "threat_effect" in high["top"] and "threat_effect" not in low["top"]
    # Both countries were in an expansion in their latest quarter (read from their figures), which
    # lifts job matching everywhere; it still ranks higher where unemployment is low.
    assert "Business-cycle phase: Expansion" in high["summary"] and "Business-cycle phase: Expansion" in low["summary"]
    assert "job_matching" in low["top"]
    assert "job_matching" not in high["top"] or high["top"].index("job_matching") > low["top"].index("job_matching")

    # The answer is in the address: the same link gives the same page, in another language too.
    page.goto(high["url"])
    page.locator("#results").wait_for()
    page.get_by_role("link", name="DE", exact=True).click()
    page.locator("#results").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    assert "Hohe Erwerbslosigkeit" in page.locator("#band-summary").inner_text()


def test_a_question_it_cannot_answer_is_explained_on_the_page(page, platform):
    page.goto(f"{platform.url}/wizard/?group=all_unemployed&group=women")
    alert = page.get_by_role("alert")
    assert "already covers every group" in alert.inner_text()
    page.goto(f"{platform.url}/wizard/?region=XX99")
    assert "Unknown region 'XX99'" in page.get_by_role("alert").inner_text()


def _ask_with_phase(page, base_url: str, phase: str) -> dict:
    page.goto(f"{base_url}/wizard/?lang=en")
    page.get_by_label("NUTS region (optional)").select_option("DE21")
    page.get_by_label("All unemployed").check()
    page.get_by_label("Business-cycle phase").select_option(label=phase)
    page.get_by_label("Medium run (2–3 years)").check()
    page.get_by_role("button", name="Show what works here").click()
    page.locator("#results").wait_for()
    mechanisms = page.locator("section[aria-labelledby=mechanisms-title] article.recommendation")
    lock_in = page.locator("section[aria-labelledby=mechanisms-title] article[data-code=lock_in]")
    return {
        "phase": page.locator("#phase-summary").inner_text(),
        "summary": page.locator("#context-summary").inner_text(),
        "order": [mechanisms.nth(n).get_attribute("data-code") for n in range(mechanisms.count())],
        "lock_in_why": lock_in.locator(".why").inner_text(),
        "lock_in_rank": lock_in.locator(".rank-change").inner_text(),
    }


def test_one_region_under_two_phases_gets_different_explained_rankings(page, platform):
    # Without a choice the phase is Germany's, read from its figures; then the user overrides it.
    page.goto(f"{platform.url}/wizard/?lang=en&region=DE21&group=all_unemployed&horizon=medium")
    page.locator("#results").wait_for()
    assert "Read from Germany's labour-market figures for 2021-Q4" in page.locator("#context-summary").inner_text()

    slack = _ask_with_phase(page, platform.url, "Slowdown")
    assert slack["phase"] == "Business-cycle phase: Slowdown" and "You chose this phase" in slack["summary"]
    assert run_axe(page) == []
    tight = _ask_with_phase(page, platform.url, "Expansion")
    assert tight["phase"] == "Business-cycle phase: Expansion"
    assert slack["order"] != tight["order"]
    assert slack["order"].index("lock_in") < tight["order"].index("lock_in")
    # The explanation names the mechanism by which the phase matters, and the rank it changes.
    assert "same phase of the business cycle (slowdown)" in slack["lock_in_why"]
    assert "search time given up during a long course costs less" in slack["lock_in_why"]
    assert "Up" in slack["lock_in_rank"] and "without it" in slack["lock_in_rank"]
    assert "business cycle" not in tight["lock_in_why"]
