"""What the extractor proposes, in each language, and how it handles bad input."""

import pytest

from nlp import extract
from nlp.languages import detect_language
from nlp.pipeline import get_pipeline

SENTENCES = {
    "en": "Wage subsidies raised the employment rate of long-term unemployed people by 5 percentage points.",
    "de": "Die berufliche Weiterbildung erhöht die Beschäftigungschancen von Langzeitarbeitslosen deutlich.",
    "fr": "L'accompagnement renforcé aide les jeunes peu qualifiés à retrouver un emploi durable.",
    "es": "La formación dual mejoró la inserción laboral de los parados de larga duración.",
    "it": "I tirocini hanno aumentato le opportunità occupazionali dei giovani disoccupati.",
}


def _labels(extraction):
    return {span.label for span in extraction.spans}


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_each_language_gets_context_mechanism_and_outcome(lang):
    text = SENTENCES[lang]
    [found] = extract([text])
    assert found.lang == lang
    assert _labels(found) == {"CONTEXT", "MECHANISM", "OUTCOME"}
    for span in found.spans:
        assert text[span.start:span.end] == span.text and span.text == span.text.strip()
        assert 0 < span.score <= 1 and span.evidence.startswith(("rule:", "concept:"))
    # One sentence: each mechanism in it, with its contexts and outcomes, is a proposed configuration.
    assert found.configurations
    for configuration in found.configurations:
        assert found.spans[configuration.mechanism].label == "MECHANISM" and configuration.unit == "sentence"
        assert {found.spans[n].label for n in configuration.outcomes} == {"OUTCOME"}


def test_spans_never_overlap_and_leading_function_words_are_trimmed():
    [found] = extract(["The wage subsidies for the young people in the recession raised their earnings."], "en")
    ends = [(s.start, s.end) for s in found.spans]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))
    assert not any(s.text.lower().startswith(("the ", "in ", "for ")) for s in found.spans)


def test_concepts_of_the_ontology_are_linked():
    [found] = extract(["Job search assistance helped long-term unemployed people in Austria."], "en")
    concepts = {s.text: s.concept for s in found.spans}
    assert concepts["Job search assistance"] == "programme-type:job_search_assistance"
    assert concepts["long-term unemployed people"] == "target-group:long_term_unemployed"
    assert concepts["Austria"] == "nuts2021:AT"


def test_speaker_turns_group_configurations_and_start_sentences():
    transcript = ("[00:00:05] Maria: The coaching sessions with employers helped young people.\n"
                  "[00:00:12] Jonas: After six months most of them found a job")
    [found] = extract([transcript], "en")
    doc = get_pipeline("en")(transcript)
    assert [turn.label_ for turn in doc.spans["turns"]] == ["Maria", "Jonas"]
    assert all(c.unit == "turn" for c in found.configurations)
    # The mechanism and the outcome were said by different people: no configuration joins them.
    mechanisms = [s for s in found.spans if s.label == "MECHANISM"]
    assert mechanisms and all(found.spans[c.mechanism].start < transcript.index("Jonas")
                              for c in found.configurations)
    assert not any(o for c in found.configurations for o in c.outcomes
                   if found.spans[o].start > transcript.index("Jonas"))


def test_empty_text_gives_no_spans_and_says_so():
    [empty, blank] = extract(["", "  \n\t "])
    assert empty.spans == [] and blank.spans == [] and "empty" in empty.notes[0]


def test_an_unsupported_language_falls_back_to_the_multilingual_rules_with_a_message():
    [given] = extract(["Het programma verhoogde de werkgelegenheid met 12%."], "nl")
    assert given.lang == "xx" and "not supported" in given.notes[0]
    assert [s.text for s in given.spans] == ["12%"]
    [detected] = extract(["Het programma verhoogde de werkgelegenheid van jongeren met 12% in de regio Utrecht."])
    assert detected.lang == "xx" and "'nl'" in detected.notes[0]


def test_mixed_languages_are_read_paragraph_by_paragraph():
    text = SENTENCES["en"] + "\n\n" + SENTENCES["de"] + "\n\n" + SENTENCES["fr"]
    [found] = extract([text])
    assert "mixes languages" in found.notes[-1]
    german = text.index(SENTENCES["de"])
    assert any(s.evidence.startswith("rule:de-") and s.start >= german for s in found.spans)
    assert [s.start for s in found.spans] == sorted(s.start for s in found.spans)
    for configuration in found.configurations:
        assert found.spans[configuration.mechanism].label == "MECHANISM"


def test_a_five_megabyte_text_is_read_piece_by_piece_with_offsets_into_the_whole():
    paragraph = SENTENCES["en"] + " " + "The programme ran for two years in several regions. " * 20
    text = "\n\n".join([paragraph] * (5_000_000 // len(paragraph) + 1))
    assert len(text) > 5_000_000
    [found] = extract([text], "en")
    assert len(found.spans) > 1000
    last = found.spans[-1]
    assert text[last.start:last.end] == last.text and last.start > 4_900_000


def test_language_detection():
    assert detect_language(SENTENCES["fr"])[0] == "fr"
    assert detect_language("12 345 %")[0] is None
