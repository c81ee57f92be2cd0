"""The survey engine: definitions checked on load, pages validated, skip logic applied."""

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from survey_forms.conditions import is_shown
from survey_forms.definition import load_definition
from survey_forms.errors import AnswerError, DefinitionError
from survey_forms.forms import page_form, read_answers

SMALL = (Path(__file__).parent / "small_survey.yaml").read_text("utf-8")


@pytest.fixture
def survey():
    return load_definition(SMALL)


def post(survey, page_id, data, earlier=None, language="en"):
    return read_answers(survey, survey.page(page_id), language, MultiDict(data), earlier or {})


def test_a_full_page_of_answers_is_read(survey):
    answers = post(survey, "A", [("A1", "DE"), ("A1b", "DE21"), ("A2", "pes"), ("A3", "yes"),
                                 ("A4", "pes"), ("A4", "research"), ("A5_data", "2"), ("A5_ai", "dk"),
                                 ("A6__1", "research"), ("A6__2", "pes"), ("A7", "  short  "),
                                 ("A8", "2015"), ("A9", "ana@example.org")])
    assert answers == {"A1": "DE", "A1b": "DE21", "A2": "pes", "A3": "yes", "A4": ["pes", "research"],
                       "A5_data": "2", "A5_ai": "dk", "A6": ["research", "pes"], "A7": "short",
                       "A8": 2015, "A9": "ana@example.org"}


def test_questions_hidden_by_skip_logic_are_not_kept(survey):
    answers = post(survey, "A", [("A1", "FR"), ("A2", "research"), ("A3", "yes")])
    assert "A3" not in answers
    answers = post(survey, "A", [("A1", "FR"), ("A2", "other"), ("A2_other", "NGO")])
    assert answers["A2_other"] == "NGO"
    assert "A2_other" not in post(survey, "A", [("A1", "FR"), ("A2", "pes"), ("A2_other", "stale")])


@pytest.mark.parametrize("data, field, text", [
    ([("A2", "pes")], "A1", "Please answer this question."),
    ([("A1", "XX"), ("A2", "pes")], "A1", "Not a valid choice"),
    ([("A1", "DE"), ("A2", "boss")], "A2", "Not a valid choice"),
    ([("A1", "DE"), ("A2", "pes"), ("A4", "pes"), ("A4", "research"), ("A4", "other")], "A4", "at most 2"),
    ([("A1", "DE"), ("A2", "pes"), ("A5_data", "7")], "A5_data", "Not a valid choice"),
    ([("A1", "DE"), ("A2", "pes"), ("A6__1", "pes"), ("A6__2", "pes")], "A6", "only once"),
    ([("A1", "DE"), ("A2", "pes"), ("A6__2", "pes")], "A6", "in order"),
    ([("A1", "DE"), ("A2", "pes"), ("A7", "x" * 21)], "A7", "20 characters"),
    ([("A1", "DE"), ("A2", "pes"), ("A8", "1800")], "A8", "from 1990 to 2030"),
    ([("A1", "DE"), ("A2", "pes"), ("A8", "soon")], "A8", "Not a valid integer"),
    ([("A1", "DE"), ("A2", "pes"), ("A9", "not-an-address")], "A9", "valid e-mail"),
    ([("A1", "DE"), ("A1b", "FR10"), ("A2", "pes")], "A1b", "not in the country"),
])
def test_bad_answers_get_a_message_on_the_right_field(survey, data, field, text):
    with pytest.raises(AnswerError) as raised:
        post(survey, "A", data)
    assert field in raised.value.errors
    assert any(text in message for message in raised.value.errors[field]), raised.value.errors


def test_messages_follow_the_language(survey):
    with pytest.raises(AnswerError) as raised:
        post(survey, "A", [("A2", "pes")], language="de")
    assert raised.value.errors["A1"] == ["Bitte beantworten Sie diese Frage."]
    with pytest.raises(AnswerError) as raised:
        post(survey, "consent", [], language="de")
    assert "bestätigen Sie bitte" in raised.value.errors["consent"][0]


def test_forms_are_labelled_in_the_chosen_language(survey):
    form = page_form(survey, survey.page("A"), "de", {"A1": "DE"})
    assert form.A2.label.text == "Organisation" and form.A5_data.label.text == "Daten helfen"
    assert ("DE", "Deutschland") in [(c.value, c.label) for c in form.A1.choices]
    assert form.A1.data == "DE"


@pytest.mark.parametrize("condition, answers, shown", [
    ({"q": "A", "eq": "x"}, {"A": "x"}, True),
    ({"q": "A", "eq": "x"}, {"A": ["x", "y"]}, False),
    ({"q": "A", "in": ["x"]}, {"A": ["y", "x"]}, True),
    ({"q": "A", "not_in": ["x"]}, {}, True),
    ({"q": "A", "answered": True}, {"A": ""}, False),
    ({"all": [{"q": "A", "eq": "x"}, {"q": "B", "ne": "y"}]}, {"A": "x", "B": "y"}, False),
    ({"any": [{"q": "A", "eq": "x"}, {"q": "B", "ne": "y"}]}, {"A": "x", "B": "y"}, True),
])
def test_conditions(condition, answers, shown):
    assert is_shown(condition, answers) is shown


@pytest.mark.parametrize("change, message", [
    (("label: {en: Comment, de: Kommentar}", "label: {en: Comment}"), "no text in de"),
    (("choices: orgs, other_text", "choices: orgz, other_text"), "unknown choice list 'orgz'"),
    (("scale: AGR", "scale: AGREE"), "unknown scale 'AGREE'"),
    (("relevant: {q: A2, eq: pes}", "relevant: {q: A9, eq: pes}"), "not an earlier question"),
    (("type: textarea", "type: essay"), "unknown type 'essay'"),
    (("id: A8,", "id: A7,"), "an id of its own"),
    (("version: 1", "version: 0"), "needs an id and a version"),
])
def test_broken_definitions_are_refused_with_the_place(change, message):
    with pytest.raises(DefinitionError, match=message):
        load_definition(SMALL.replace(*change))
    with pytest.raises(DefinitionError, match="not valid YAML"):
        load_definition("pages: [")
