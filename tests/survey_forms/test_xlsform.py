"""XLSForm import: real .xlsx workbooks written here, read back into surveys, and refused with reasons."""

import io

import pytest
from openpyxl import Workbook

from survey_forms.xlsform import XLSFormError, read_xlsform

SURVEY = [
    ["type", "name", "label::English (en)", "label::Deutsch (de)", "hint::English (en)", "hint::Deutsch (de)",
     "required", "relevant", "constraint"],
    ["begin group", "about", "About you", "Über Sie", None, None, None, None, None],
    ["select_one org", "org", "Organisation", "Organisation", "One only", "Nur eine", "yes", None, None],
    ["integer", "years", "Years in the field", "Jahre im Bereich", None, None, None, "${org} = 'pes'",
     ". >= 0 and . <= 60"],
    ["select_multiple org", "partners", "Partners", "Partner", None, None, None, "selected(${org}, 'other')", None],
    ["text", "remark", "Remark", "Bemerkung", None, None, None, "${org} != ''", "string-length(.) <= 300"],
    ["end group", None, None, None, None, None, None, None, None],
    ["begin repeat", "practice", "Practice", "Praxis", None, None, None, None, None],
    ["text", "title", "Title", "Titel", None, None, "yes", None, None],
    ["end repeat", None, None, None, None, None, None, None, None],
]
CHOICES = [["list_name", "name", "label::English (en)", "label::Deutsch (de)"],
           ["org", "pes", "PES", "ÖAV"], ["org", "other", "Other", "Andere"]]
SETTINGS = [["form_title", "form_id", "version", "default_language"], ["Pilot", "pilot", "2024110101", "English (en)"]]


def workbook(survey=SURVEY, choices=CHOICES, settings=SETTINGS) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in (("survey", survey), ("choices", choices), ("settings", settings)):
        if rows is None:
            continue
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsform_becomes_a_survey_with_pages_languages_and_logic():
    definition, raw = read_xlsform(workbook())
    assert definition.key == "pilot-v2024110101" and definition.languages == ("en", "de")
    assert [p.id for p in definition.pages] == ["about", "practice"]
    assert definition.page("practice").repeat is not None
    org = definition.question("org")
    assert org.type == "single" and org.required and org.label["de"] == "Organisation"
    assert [c.value for c in org.choices] == ["pes", "other"] and org.help["de"] == "Nur eine"
    years = definition.question("years")
    assert (years.min, years.max) == (0, 60) and years.relevant == {"q": "org", "eq": "pes"}
    assert definition.question("partners").relevant == {"q": "org", "in": ["other"]}
    assert definition.question("remark").relevant == {"q": "org", "answered": True}
    assert definition.question("remark").max_length == 300
    assert raw["pages"][0]["questions"][0]["id"] == "org"


@pytest.mark.parametrize("change, message", [
    (lambda s: s + [["geopoint", "where", "Where", "Wo", None, None, None, None, None]],
     "question type 'geopoint' is not supported"),
    (lambda s: s + [["calculate", "sum", "Sum", "Summe", None, None, None, None, None]],
     "question type 'calculate' is not supported"),
    (lambda s: s + [["text", "x", "X", "X", None, None, None, "${org} > 3", None]], "relevant expression"),
    (lambda s: s + [["integer", "n", "N", "N", None, None, None, None, "regex(., '[0-9]')"]], "constraint"),
    (lambda s: s + [["select_one nolist", "y", "Y", "Y", None, None, None, None, None]], "choice list 'nolist'"),
    (lambda s: s + [["text", "z", "Only English", None, None, None, None, None, None]], "no label in de"),
])
def test_each_unsupported_feature_is_named_with_its_row(change, message):
    with pytest.raises(XLSFormError) as raised:
        read_xlsform(workbook(survey=change([list(r) for r in SURVEY])))
    assert any(message in problem and "row" in problem for problem in raised.value.problems), raised.value.problems


def test_files_that_are_not_xlsforms_are_refused():
    with pytest.raises(XLSFormError, match="not an .xlsx workbook"):
        read_xlsform(b"PK\x03\x04 not really a zip")
    with pytest.raises(XLSFormError, match="no 'survey' sheet"):
        read_xlsform(workbook(survey=None))
