"""The Communities of Practice survey in a real browser: every language, the keyboard alone, axe,
and a 320 px wide screen."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

SURVEY = "eu-almpo-cop-v1"
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
LANGUAGES = ["en", "de", "fr", "es", "it"]


def fill_visible_page(page) -> None:
    """Answer every visible question on the page with the first sensible option."""
    page.evaluate("""() => {
      const visible = el => !el.closest('[hidden]');
      const groups = new Set();
      document.querySelectorAll('#survey-form input[type=radio]').forEach(r => {
        if (!visible(r) || groups.has(r.name)) return;
        groups.add(r.name);
        const choices = [...document.querySelectorAll(`input[type=radio][name="${r.name}"]`)];
        // Say no to optional branches (sharing a practice, personal AI use) to keep the path short.
        const no = choices.find(c => ['not_now', 'no'].includes(c.value));
        const pick = ['F0', 'D2', 'G2'].includes(r.name) && no ? no : choices[0];
        pick.click();
      });
      document.querySelectorAll('#survey-form input[type=checkbox]').forEach(c => {
        if (visible(c) && !c.checked && (c.name === 'consent' || !document.querySelector(`input[name="${c.name}"]:checked`))) c.click();
      });
      document.querySelectorAll('#survey-form select').forEach(s => {
        if (!visible(s)) return;
        const place = Number((s.name.split('__')[1]) || 1);
        const options = [...s.options].filter(o => o.value && !o.disabled && !o.closest('optgroup[disabled]'));
        if (options.length >= place) { s.value = options[place - 1].value; s.dispatchEvent(new Event('change', {bubbles: true})); }
      });
      document.querySelectorAll('#survey-form textarea, #survey-form input[type=text]').forEach(t => {
        if (visible(t) && !t.readOnly && !t.value) t.value = 'Answer';
      });
      document.querySelectorAll('#survey-form input[type=number]').forEach(n => { if (visible(n)) n.value = '2020'; });
    }""")


def run_axe(page) -> list:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def complete_survey(page, base_url, language, on_each_page=None) -> str:
    page.goto(f"{base_url}/survey/{SURVEY}/?lang={language}")
    assert page.locator("html").get_attribute("lang") == language
    if on_each_page:
        on_each_page(page)
    page.locator("form button[type=submit]").first.click()
    for _ in range(20):
        page.wait_for_load_state()
        if "/done" in page.url:
            break
        assert page.locator("html").get_attribute("lang") == language
        if on_each_page:
            on_each_page(page)
        fill_visible_page(page)
        page.locator("button[name=action][value=next]").click()
        page.wait_for_load_state()
        errors = page.locator(".error-summary")
        assert errors.count() == 0, f"{page.url}: {errors.inner_text()}"
    assert "/done" in page.url
    if on_each_page:
        on_each_page(page)
    return page.locator("[data-receipt]").inner_text()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_new_respondent_completes_the_survey_in_each_language(page, platform, language):
    code = complete_survey(page, platform.url, language)
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}", code)


def test_every_survey_page_passes_axe_and_fits_320_pixels(browser, platform):
    context = browser.new_context(viewport={"width": 320, "height": 640}, bypass_csp=True)
    page = context.new_page()
    seen = []

    def check(current):
        seen.append(current.url)
        violations = run_axe(current)
        assert violations == [], f"{current.url}: {violations}"
        width = current.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 320, f"{current.url} is {width} px wide"

    complete_survey(page, platform.url, "en", on_each_page=check)
    assert len(seen) >= 9
    context.close()


def test_the_survey_can_be_completed_with_the_keyboard_only(page, platform):
    page.goto(f"{platform.url}/survey/{SURVEY}/?lang=en")
    page.keyboard.press("Tab")
    for _ in range(40):
        if page.evaluate("() => document.activeElement.matches('form button[type=submit]')"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(12):
        page.wait_for_load_state()
        if "/done" in page.url:
            break
        answer_with_keyboard(page)
    assert "/done" in page.url and page.locator("[data-receipt]").count() == 1


def answer_with_keyboard(page) -> None:
    """Tab through the page, answering each control as it gets focus, then press the next button."""
    answered_groups = set()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(400):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => { const e = document.activeElement; return e ? {
            tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '', checked: !!e.checked,
            action: e.getAttribute('value') } : null; }""")
        if focus is None:
            continue
        if focus["tag"] == "BUTTON" and focus["name"] == "action" and focus["action"] == "next":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.locator(".error-summary").count() == 0, page.locator(".error-summary").inner_text()
            return
        if focus["type"] == "radio" and focus["name"] not in answered_groups:
            answered_groups.add(focus["name"])
            if focus["name"] in ("F0", "D2", "G2"):
                page.keyboard.press("ArrowDown")  # the second option: "not now" / "yes, occasionally" / "no"
                if focus["name"] == "D2":
                    page.keyboard.press("ArrowDown")  # "no"
            page.keyboard.press("Space")
        elif focus["type"] == "checkbox" and not focus["checked"] and focus["name"] not in answered_groups:
            answered_groups.add(focus["name"])
            page.keyboard.press("Space")
        elif focus["tag"] == "SELECT" and not focus["value"]:
            place = int(focus["name"].split("__")[1]) if "__" in focus["name"] else 1
            for _ in range(place):
                page.keyboard.press("ArrowDown")
        elif focus["tag"] == "TEXTAREA" or (focus["tag"] == "INPUT" and focus["type"] == "text"
                                            and focus["name"] != "" and not focus["value"]):
            page.keyboard.type("Typed")
    raise AssertionError("never reached the next button")
