"""Scoring exactly as the CMO annotation guidelines define it."""

import pytest

from nlp.evaluate import score_passages, token_labels

TEXT = "Wage subsidies raised employment of young people in rural areas."
#       0    5        15     22                        46
MECHANISM = (0, 14, "MECHANISM")  # Wage subsidies
OUTCOME = (15, 32, "OUTCOME")  # raised employment
CONTEXT = (36, 48, "CONTEXT")  # young people


def test_a_token_takes_the_label_of_the_span_covering_its_first_character():
    # "subsidies" starts at 5: a span from 6 does not cover its first character.
    assert token_labels(TEXT, [(6, 14, "MECHANISM")])[:2] == [None, None]
    assert token_labels(TEXT, [(5, 7, "MECHANISM")])[:2] == [None, "MECHANISM"]
    assert token_labels("a-b c", [(0, 3, "OUTCOME")]) == ["OUTCOME", "OUTCOME", None]


def test_per_label_precision_recall_and_macro_versus_micro():
    gold = [MECHANISM, OUTCOME, CONTEXT]
    # The prediction finds the mechanism, half the outcome, and calls the context an outcome.
    predicted = [MECHANISM, (15, 21, "OUTCOME"), (36, 48, "OUTCOME")]
    scores = score_passages([(TEXT, "en", gold, predicted)])
    mechanism, outcome, context = (scores.token.per_label[label] for label in ("MECHANISM", "OUTCOME", "CONTEXT"))
    assert (mechanism.precision, mechanism.recall) == (1.0, 1.0)
    assert (outcome.tp, outcome.fp, outcome.fn) == (1, 2, 1)  # "raised" right, "young people" wrong
    assert (context.tp, context.fp, context.fn) == (0, 0, 2)
    assert scores.token.macro_f1 == pytest.approx((1.0 + 0.4 + 0.0) / 3)
    assert scores.token.micro.f1 == pytest.approx(2 * 3 / (2 * 3 + 2 + 3))
    # Passage level: all three labels were present in both, except context in the prediction.
    assert scores.passage.per_label["CONTEXT"].fn == 1 and scores.passage.per_label["OUTCOME"].tp == 1
    assert scores.by_language["en"].passages == 1


def test_tagging_everything_as_outcome_scores_poorly_on_the_macro_average():
    gold = [MECHANISM, OUTCOME, CONTEXT]
    everything = [(0, len(TEXT), "OUTCOME")]
    scores = score_passages([(TEXT, None, gold, everything)])
    assert scores.token.macro_f1 < scores.token.micro.f1
    assert scores.token.macro_f1 < 0.2


def test_no_spans_at_all_gives_zeros_not_an_error():
    scores = score_passages([("", None, [], []), (TEXT, None, [], [])])
    assert scores.passages == 2 and scores.token.macro_f1 == 0.0
