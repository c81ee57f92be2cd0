"""The Design Wizard's question: ranked, explained recommendations that depend on the context, the
same on both backends, and clear refusals of questions it cannot answer."""

import pytest

from graph.queries import QueryError
from graph.wizard import WizardQuery, recommend, region_band

HIGH = WizardQuery(region="ES61", target_groups=("youth_neet",))  # Andalucía, 19 % unemployed in 2022
LOW = WizardQuery(region="CZ01", target_groups=("youth_neet",))  # Praha, 2.1 % in 2023


def test_the_band_comes_from_the_published_rate_never_an_estimate():
    assert region_band("ES61")[0] == "high" and region_band("ES61")[1]["rate"] == 19.0
    assert region_band("CZ01")[0] == "low"
    # A region without a published figure on the platform gets no band at all.
    assert region_band("AT11") == (None, None)


def test_a_high_and_a_low_unemployment_region_get_different_explained_answers(evidence_graph):
    high, low = recommend(evidence_graph, HIGH), recommend(evidence_graph, LOW)
    assert (high.unemployment_band, high.band_source) == ("high", "region")
    assert (low.unemployment_band, low.band_source) == ("low", "region")
    top_high = [r.code for r in high.mechanisms[:5]]
    top_low = [r.code for r in low.mechanisms[:5]]
    assert top_high != top_low
    # Threat effects (sanctions, compulsory participation) rank high in slack labour markets; better
    # matching of jobseekers to vacancies in tight ones.
    assert "threat_effect" in top_high and "threat_effect" not in top_low
    assert "job_matching" in top_low and "job_matching" not in top_high
    for answer in (high, low):
        scores = [r.score for r in answer.mechanisms]
        assert scores == sorted(scores, reverse=True)
        best = answer.mechanisms[0]
        assert best.evidence and best.sources >= 1 and best.why
        assert all(item.source for item in best.evidence)  # every claim drills down to its source
        assert {reason for reason, _ in best.why} >= {"why_groups", "why_sources"}
    assert ("why_band", {"count": 3, "band": "high"}) in next(r for r in high.mechanisms
                                                              if r.code == "threat_effect").why


def test_contested_evidence_is_flagged(evidence_graph):
    answer = recommend(evidence_graph, HIGH)
    stepping_stone = next(r for r in answer.mechanisms if r.code == "work_experience_stepping_stone")
    signals = {item.signal for item in stepping_stone.evidence if item.signal is not None}
    assert stepping_stone.contested and max(signals) > 0 >= min(signals)
    assert ("why_contested", {}) in stepping_stone.why


def test_the_user_may_override_the_band(evidence_graph):
    answer = recommend(evidence_graph, WizardQuery(region="ES61", unemployment_band="low",
                                                   target_groups=("youth_neet",)))
    assert (answer.unemployment_band, answer.band_source) == ("low", "user")
    assert [r.code for r in answer.mechanisms] != [r.code for r in recommend(evidence_graph, HIGH).mechanisms]


def test_both_backends_give_the_same_answer(evidence_graph, reference_graph):
    for query in (HIGH, LOW, WizardQuery(unemployment_band="medium", skill_level="low", objective="earnings",
                                         horizon="medium")):
        mine, theirs = recommend(evidence_graph, query), recommend(reference_graph, query)
        assert [(r.code, r.score, r.sources, r.contested) for r in mine.mechanisms] == \
            [(r.code, r.score, r.sources, r.contested) for r in theirs.mechanisms]
        assert [(r.code, r.score) for r in mine.programme_types] == [(r.code, r.score) for r in theirs.programme_types]


@pytest.mark.parametrize("query, message", [
    (WizardQuery(), "Describe the context"),
    (WizardQuery(region="XX99"), "Unknown region 'XX99'"),
    (WizardQuery(target_groups=("aliens",)), "Unknown target group 'aliens'"),
    (WizardQuery(target_groups=("all_unemployed", "women")), "already covers every group"),
    (WizardQuery(region="ES61", objective="happiness"), "Unknown objective"),
    (WizardQuery(region="ES61", horizon="forever"), "Unknown horizon"),
    (WizardQuery(region="ES61", unemployment_band="extreme"), "Unknown unemployment band"),
])
def test_questions_it_cannot_answer_get_a_clear_message(store, query, message):
    with pytest.raises(QueryError, match=message):
        recommend(store, query)


def test_a_pathway_follows_the_stages_with_the_best_backed_programme_at_each(evidence_graph):
    from graph.wizard import PATHWAY_STAGES, pathway

    answer = recommend(evidence_graph, WizardQuery(region="ES61", target_groups=("long_term_unemployed",)))
    far, close = pathway(answer, "far"), pathway(answer, "close")
    assert [step.stage for step in far.steps] == ["orientation", "skills", "work_experience", "job_entry"]
    assert [step.stage for step in close.steps] == ["job_entry"]
    scores = {r.code: r.score for r in answer.programme_types}
    for step in far.steps:
        if step.proposed:
            assert step.proposed.code in PATHWAY_STAGES[step.stage] and step.proposed.score > 0
            # Nothing of the same stage is better backed than what is proposed.
            assert all(scores.get(code, 0) <= step.proposed.score for code in PATHWAY_STAGES[step.stage])
    assert any(step.proposed for step in far.steps)
    with pytest.raises(QueryError, match="distance"):
        pathway(answer, "nowhere")
