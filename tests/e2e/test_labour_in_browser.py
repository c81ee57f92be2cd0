"""The labour-market pages in a real browser, on the shipped Eurostat figures: a country's Beveridge
curve and its phases over time are drawn, the phases are named beside their colours, the pages pass
axe, and nothing scrolls sideways on a 320 px wide screen."""

from __future__ import annotations

import pytest

from tests.e2e.test_survey_in_browser import run_axe

pytestmark = pytest.mark.browser

# Pixels of the canvas that are not transparent, and how many have the tint of a phase (from labour.css).
PAINTED = """(args) => {
  const canvas = document.getElementById(args.id);
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const tint = getComputedStyle(document.documentElement).getPropertyValue(args.tint).trim();
  const [r, g, b] = [1, 3, 5].map(i => parseInt(tint.slice(i, i + 2), 16));
  let painted = 0, tinted = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3]) painted++;
    if (data[i] === r && data[i + 1] === g && data[i + 2] === b) tinted++;
  }
  return {painted, tinted};
}"""


@pytest.fixture
def page(axe_page):
    return axe_page


def _charts_drawn(page) -> None:
    page.wait_for_function("() => window.Chart && document.querySelectorAll('canvas[data-labour-chart]').length"
                           " && [...document.querySelectorAll('canvas[data-labour-chart]')].every(c => Chart.getChart(c))")


def test_a_country_page_draws_its_curve_and_names_its_phases(page, platform):
    page.goto(f"{platform.url}/labour/DE?lang=en")
    _charts_drawn(page)
    curve = page.evaluate("() => Chart.getChart(document.getElementById('beveridge-chart')).data.datasets[0].data")
    assert len(curve) == 21 and curve[0]["label"] == "2016-Q4" and curve[0]["y"] == 2.5
    assert page.evaluate(PAINTED, {"id": "beveridge-chart", "tint": "--phase-expansion"})["painted"] > 2000
    # The chart over time is shaded in the phases' colours behind its lines.
    over_time = page.evaluate(PAINTED, {"id": "time-chart", "tint": "--phase-expansion"})
    assert over_time["tinted"] > 1000
    assert page.evaluate(PAINTED, {"id": "time-chart", "tint": "--phase-recovery"})["tinted"] > 1000

    legend = page.locator("#phase-legend")
    assert legend.is_visible()
    for name in ("Expansion", "Downturn", "Slowdown", "Recovery"):
        assert legend.get_by_text(name, exact=True).is_visible()
    current = page.locator(".current-line")
    assert current.is_visible() and "Phase in 2021-Q4: Expansion" in current.inner_text()
    assert page.locator("#provisional").is_visible()
    # The figures behind the curve are a click away, in a table.
    page.locator("#beveridge summary").click()
    assert page.locator('#beveridge-table tr[data-period="2016-Q4"]').inner_text().split() == ["2016-Q4", "3.93", "2.5"]
    assert run_axe(page) == []


def test_the_index_and_a_page_without_vacancies_pass_axe(page, platform):
    page.goto(f"{platform.url}/labour/?quarter=2019-Q4")
    assert page.locator('#comparison-table tr[data-geo="DE"] td[data-figure="tightness"]').inner_text() == "0.959"
    assert run_axe(page) == []
    page.get_by_label("Quarter", exact=True).select_option("2021-Q1")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**quarter=2021-Q1**")
    assert page.locator("#comparison-table caption").inner_text().endswith("in 2021-Q1")
    page.get_by_role("link", name="Spain").first.click()
    _charts_drawn(page)
    assert "No job vacancy figures are held for Spain" in page.locator("#no-vacancy").inner_text()
    assert run_axe(page) == []
    page.get_by_role("link", name="DE", exact=True).click()
    _charts_drawn(page)
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#phase-legend").get_by_text("Erholung", exact=True).is_visible()
    assert run_axe(page) == []


@pytest.mark.parametrize("path", ["/labour/", "/labour/DE", "/labour/ES?lang=fr", "/labour/XX"])
def test_nothing_scrolls_sideways_at_320_px(page, platform, path):
    page.set_viewport_size({"width": 320, "height": 720})
    page.goto(f"{platform.url}{path}")
    if page.locator("canvas[data-labour-chart]").count():
        _charts_drawn(page)
    # Every table open, as a reader who wants the figures would have them.
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert page.evaluate("() => document.body.scrollWidth") <= 320


def test_the_shortage_page_shows_imported_signals_passes_axe_and_fits_320_px(page, platform):
    from tests.labour.test_shortage_records import CUTOFFS, INDICATORS, LIST

    files = []
    for name, data in (("list.csv", LIST), ("cutoffs.csv", CUTOFFS), ("indicators.csv", INDICATORS)):
        (platform.workdir / name).write_bytes(data)
        files.append(str(platform.workdir / name))
    assert "5 rows imported" in platform.almpo("labour", "import-shortages", *files)
    page.goto(f"{platform.url}/labour/?lang=en")
    page.get_by_role("link", name="Occupational shortages by country").click()
    row = page.locator('#signals-table tr[data-isco="2512"]')
    assert "Software developers" in row.inner_text() and "Shortage" in row.inner_text()
    assert run_axe(page) == []
    page.get_by_label("Year").select_option("2023")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**year=2023**")
    assert page.locator("#signals-title").inner_text() == "Germany, 2023"
    page.goto(f"{platform.url}/labour/shortages?country=DE&lang=it")
    assert run_axe(page) == []
    page.set_viewport_size({"width": 320, "height": 720})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    assert page.evaluate("() => document.body.scrollWidth") <= 320
