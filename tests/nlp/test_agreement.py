"""Inter-coder agreement over units of a coded text, on small cases that can be checked by hand."""

import pytest

from nlp.agreement import AgreementReport, CodedSpan, Disagreement, agreement, format_report, word_units

# Ten two-letter words; word i is characters 3i..3i+2.
TEN = "aa bb cc dd ee ff gg hh ii jj"
TEN_UNITS = word_units(TEN)


def words(flags, label="context"):
    """One span per word i whose flag is truthy (or, for a string flag, labelled with that string)."""
    return [CodedSpan(3 * i, 3 * i + 2, flag if isinstance(flag, str) else label)
            for i, flag in enumerate(flags) if flag]


def test_word_units_are_the_word_runs():
    assert TEN_UNITS[:3] == [(0, 2), (3, 5), (6, 8)]
    assert len(TEN_UNITS) == 10
    assert word_units("Job-search, 2 weeks.") == [(0, 3), (4, 10), (12, 13), (14, 19)]
    assert word_units("") == []


def test_perfect_agreement():
    coding = [CodedSpan(0, 8, "context"), CodedSpan(3, 8, "enabling"), CodedSpan(12, 20, "outcome")]
    report = agreement(len(TEN), {"ana": coding, "ben": list(coding)}, TEN_UNITS)
    assert report.alpha == pytest.approx(1.0)
    assert report.alpha_by_label == pytest.approx({"context": 1.0, "outcome": 1.0, "enabling": 1.0})
    [pair] = report.pairs
    assert (pair.coder_a, pair.coder_b, pair.units) == ("ana", "ben", 10)
    assert pair.kappa == pytest.approx(1.0)
    assert pair.kappa_by_label == pytest.approx({"context": 1.0, "outcome": 1.0, "enabling": 1.0})
    assert report.percent_agreement == 1.0
    assert report.disagreements == []


# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", example A: binary data, two
# observers, ten units, no missing data. Here 1 is "context" and 0 is no label.
KRIPPENDORFF_A = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
KRIPPENDORFF_B = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]


def test_alpha_matches_krippendorffs_binary_example():
    # Coincidences: o00 = 10, o01 = o10 = 4, o11 = 2; n0 = 14, n1 = 6, n = 20.
    # alpha = 1 - (n - 1) * o01 / (n0 * n1) = 1 - 19 * 4 / 84 = 8 / 84, the textbook's 0.095.
    report = agreement(len(TEN), {"A": words(KRIPPENDORFF_A), "B": words(KRIPPENDORFF_B)}, TEN_UNITS)
    assert report.alpha == pytest.approx(8 / 84, abs=1e-9)
    assert report.alpha_by_label["context"] == pytest.approx(8 / 84, abs=1e-9)
    assert round(report.alpha, 3) == 0.095


def test_kappa_of_a_two_by_two_table():
    # Same data.            B context  B none
    #          A context        1         1      (A: 2)
    #          A none           3         5      (A: 8)
    #                          (B: 4)    (B: 6)
    # p_o = (1 + 5) / 10 = 0.6; p_e = 0.2 * 0.4 + 0.8 * 0.6 = 0.56; kappa = 0.04 / 0.44 = 1 / 11.
    report = agreement(len(TEN), {"A": words(KRIPPENDORFF_A), "B": words(KRIPPENDORFF_B)}, TEN_UNITS)
    [pair] = report.pairs
    assert pair.kappa == pytest.approx(1 / 11, abs=1e-9)
    assert pair.kappa_by_label["context"] == pytest.approx(1 / 11, abs=1e-9)
    assert report.percent_agreement == pytest.approx(0.6)


def test_overall_kappa_over_three_nominal_categories():
    ana = ["context", "context", "context", "outcome", "outcome", "outcome", 0, 0, 0, 0]
    ben = ["context", "context", "outcome", "outcome", "outcome", 0, 0, 0, 0, "context"]
    #                 ben context  outcome  none
    # ana context          2          1       0     (3)
    # ana outcome          0          2       1     (3)
    # ana none             1          0       3     (4)
    #                     (3)        (3)     (4)
    # p_o = 7 / 10; p_e = (3*3 + 3*3 + 4*4) / 100 = 0.34; kappa = 0.36 / 0.66 = 6 / 11.
    report = agreement(len(TEN), {"ana": words(ana), "ben": words(ben)}, TEN_UNITS)
    assert report.pairs[0].kappa == pytest.approx(6 / 11, abs=1e-9)
    # Per label the question is binary: context is 3 of 10 for each, agreeing on 2 yes and 6 no;
    # p_o = 0.8, p_e = 0.3 * 0.3 + 0.7 * 0.7 = 0.58, kappa = 0.22 / 0.42 = 11 / 21.
    assert report.pairs[0].kappa_by_label["context"] == pytest.approx(11 / 21, abs=1e-9)


def test_disagreements_merge_neighbouring_units_with_the_same_pattern():
    text = "Local employers joined early, so trainees found jobs quickly."
    first = text.index("Local")
    early_end = text.index(",")
    trainees = text.index("trainees")
    found = text.index("found")
    codings = {
        "ana": [CodedSpan(first, text.index(" joined"), "context"), CodedSpan(first, early_end, "enabling"),
                CodedSpan(trainees, len(text) - 1, "outcome")],
        "ben": [CodedSpan(first, early_end, "context"), CodedSpan(found, len(text) - 1, "outcome")],
    }
    report = agreement(len(text), codings, word_units(text))
    assert report.disagreements == [
        Disagreement(0, 15, {"ana": ["context", "enabling"], "ben": ["context"]}),  # "Local employers"
        Disagreement(16, 28, {"ana": ["enabling"], "ben": ["context"]}),  # "joined early"
        Disagreement(33, 41, {"ana": ["outcome"], "ben": []}),  # "trainees"
    ]
    assert text[16:28] == "joined early" and text[33:41] == "trainees"
    # Agreed: "so", "found", "jobs", "quickly".
    assert report.percent_agreement == pytest.approx(4 / 9)


def test_disagreements_are_in_text_order_whatever_order_units_come_in():
    units = list(reversed(TEN_UNITS))
    report = agreement(len(TEN), {"A": words(KRIPPENDORFF_A), "B": words(KRIPPENDORFF_B)}, units)
    # Words 0 and 2 disagree the same way, but word 1 between them is agreed, so they stay apart.
    assert [(d.start, d.end) for d in report.disagreements] == [(0, 2), (6, 8), (15, 17), (24, 26)]
    assert report.disagreements[0].labels == {"A": [], "B": ["context"]}
    assert report.disagreements[-1].labels == {"A": ["context"], "B": []}


def test_a_different_pattern_starts_a_new_disagreement():
    report = agreement(len(TEN), {"A": words([1, 1, "outcome"]), "B": []}, TEN_UNITS)
    assert [(d.start, d.end, d.labels["A"]) for d in report.disagreements] == [
        (0, 5, ["context"]), (6, 8, ["outcome"])]


def test_three_coders_give_three_pairs():
    codings = {"ana": words([1, 1, 1, 0, 0, 0, 0, 0, 0, 0]),
               "ben": words([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
               "cai": words([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])}
    report = agreement(len(TEN), codings, TEN_UNITS)
    assert report.coders == ["ana", "ben", "cai"]
    assert [(p.coder_a, p.coder_b) for p in report.pairs] == [("ana", "ben"), ("ana", "cai"), ("ben", "cai")]
    assert all(p.kappa is not None and p.units == 10 for p in report.pairs)
    assert report.alpha is not None and 0 < report.alpha < 1
    assert report.percent_agreement == pytest.approx(0.8)
    assert report.disagreements == [Disagreement(6, 8, {"ana": ["context"], "ben": [], "cai": ["context"]}),
                                    Disagreement(9, 11, {"ana": [], "ben": [], "cai": ["context"]})]


@pytest.mark.parametrize("codings", [
    {"ana": [], "ben": []},  # nobody coded anything: every unit is "none" for both
    {"ana": [CodedSpan(0, 29, "context")], "ben": [CodedSpan(0, 29, "context")]},  # one category everywhere
])
def test_undefined_statistics_are_none_without_warnings(codings):
    # pytest turns warnings into errors here, so a warning from either library would fail this test.
    report = agreement(len(TEN), codings, TEN_UNITS)
    [pair] = report.pairs
    assert report.alpha is None and pair.kappa is None
    assert all(value is None for value in report.alpha_by_label.values())
    assert all(value is None for value in pair.kappa_by_label.values())
    assert report.percent_agreement == 1.0
    assert "-" in format_report(report)


def test_a_label_nobody_used_is_undefined_while_the_others_are_not():
    report = agreement(len(TEN), {"A": words(KRIPPENDORFF_A), "B": words(KRIPPENDORFF_B)}, TEN_UNITS,
                       labels=["context", "outcome"])
    assert report.alpha_by_label["outcome"] is None
    assert report.pairs[0].kappa_by_label["outcome"] is None
    assert report.alpha_by_label["context"] == pytest.approx(8 / 84)


def test_fewer_than_two_coders_or_no_units():
    alone = agreement(len(TEN), {"ana": words([1, 1])}, TEN_UNITS)
    assert alone == AgreementReport(coders=["ana"], units=10, alpha=None, alpha_by_label={"context": None},
                                    pairs=[], disagreements=[], percent_agreement=None)
    assert agreement(0, {}).pairs == []
    empty = agreement(0, {"ana": [], "ben": []})
    assert (empty.units, empty.alpha, empty.pairs[0].kappa, empty.percent_agreement) == (0, None, None, None)
    assert "ana" in format_report(alone)


@pytest.mark.parametrize(("span", "message"), [
    (CodedSpan(-1, 2, "context"), "outside the text"),
    (CodedSpan(20, 30, "context"), "outside the text"),
    (CodedSpan(4, 4, "context"), "empty or reversed"),
    (CodedSpan(5, 2, "context"), "empty or reversed"),
    (CodedSpan(0, 2, ""), "non-empty string label"),
    (CodedSpan(0.5, 2, "context"), "not a character offset"),
])
def test_bad_spans_raise(span, message):
    with pytest.raises(ValueError, match=message):
        agreement(len(TEN), {"ana": [span], "ben": []}, TEN_UNITS)


def test_bad_units_and_unknown_labels_raise():
    with pytest.raises(ValueError, match="unit"):
        agreement(len(TEN), {"ana": [], "ben": []}, [(0, 2), (28, 31)])
    with pytest.raises(ValueError, match="outside the given labels"):
        agreement(len(TEN), {"ana": words([1]), "ben": []}, TEN_UNITS, labels=["outcome"])
    with pytest.raises(ValueError, match="text_length"):
        agreement(-1, {})


@pytest.mark.parametrize(("word", "span_end", "counted"), [
    ("abcd", 2, True),  # exactly half of four characters
    ("abcd", 1, False),
    ("abc", 2, True),
    ("abc", 1, False),  # a third is less than half
])
def test_a_unit_takes_a_label_covering_at_least_half_of_it(word, span_end, counted):
    text = f"{word} zz"
    report = agreement(len(text), {"partial": [CodedSpan(0, span_end, "context")],
                                   "whole": [CodedSpan(0, len(word), "context")]}, word_units(text))
    assert (report.disagreements == []) is counted


def test_spans_of_one_label_cover_a_unit_together():
    # Neither half of "abcde" alone reaches half of it; together they cover all of it.
    text = "abcde zz"
    split = [CodedSpan(0, 2, "context"), CodedSpan(2, 5, "context")]
    report = agreement(len(text), {"split": split, "whole": [CodedSpan(0, 5, "context")]}, word_units(text))
    assert report.disagreements == []


def test_overall_category_is_the_label_covering_most_then_the_first_in_order():
    text = "abcd zz"
    units = word_units(text)
    # ana's "enabling" covers all of "abcd", her "context" three quarters: overall she says enabling.
    most = agreement(len(text), {"ana": [CodedSpan(1, 4, "context"), CodedSpan(0, 4, "enabling")],
                                 "ben": [CodedSpan(0, 4, "enabling")]}, units)
    assert most.pairs[0].kappa == pytest.approx(1.0)
    assert most.pairs[0].kappa_by_label["context"] == pytest.approx(0.0)
    assert most.disagreements == [Disagreement(0, 4, {"ana": ["context", "enabling"], "ben": ["enabling"]})]
    # Equal cover: the label order decides, so ana's unit is context by default and enabling when
    # the caller puts enabling first. Then ana says (enabling, none) and ben (context, none):
    # p_o = 1/2, p_e = P(none)^2 = 1/4, kappa = (1/2 - 1/4) / (3/4) = 1/3.
    tie = {"ana": [CodedSpan(0, 4, "context"), CodedSpan(0, 4, "enabling")], "ben": [CodedSpan(0, 4, "context")]}
    assert agreement(len(text), tie, units).pairs[0].kappa == pytest.approx(1.0)
    assert agreement(len(text), tie, units, labels=["enabling", "context"]).pairs[0].kappa == pytest.approx(1 / 3)


def test_labels_default_to_the_coding_scheme_order_then_alphabetical():
    codings = {"ana": [CodedSpan(0, 2, "zeta"), CodedSpan(3, 5, "outcome"), CodedSpan(6, 8, "alpha")],
               "ben": [(0, 2, "context"), (9, 11, "hindering")]}
    report = agreement(len(TEN), codings, TEN_UNITS)
    assert list(report.alpha_by_label) == ["context", "outcome", "hindering", "alpha", "zeta"]


def test_without_units_every_character_is_a_unit():
    report = agreement(10, {"ana": [CodedSpan(0, 4, "context")], "ben": [CodedSpan(0, 5, "context")]})
    assert report.units == 10
    assert report.disagreements == [Disagreement(4, 5, {"ana": [], "ben": ["context"]})]
    assert report.percent_agreement == pytest.approx(0.9)


def test_format_report_is_a_small_table():
    report = agreement(len(TEN), {"A": words(KRIPPENDORFF_A), "B": words(KRIPPENDORFF_B)}, TEN_UNITS)
    lines = format_report(report).splitlines()
    assert lines[0] == "2 coders (A, B), 10 units"
    assert lines[1] == "all coders agree on 60.0% of units"
    assert "alpha" in lines[2] and "kappa A/B" in lines[2]
    assert lines[3].split() == ["overall", "0.095", "0.091"]
    assert lines[4].split() == ["context", "0.095", "0.091"]
    assert lines[5] == "4 disagreements:"
    assert lines[6].split() == ["0-2", "A:", "none;", "B:", "context"]
