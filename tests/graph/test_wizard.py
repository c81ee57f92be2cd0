"""The Design Wizard's question: ranked, explained recommendations that depend on the context, the
same on both backends, and clear refusals of questions it cannot answer."""

import pytest

from graph.queries import QueryError
from graph.wizard import CyclePhaseContext, WizardQuery, recommend, region_band

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
                                         horizon="medium"),
                  WizardQuery(region="DE21", target_groups=("all_unemployed",), cycle_phase="slowdown")):
        mine, theirs = recommend(evidence_graph, query), recommend(reference_graph, query)
        assert [(r.code, r.score, r.sources, r.contested) for r in mine.mechanisms] == \
            [(r.code, r.score, r.sources, r.contested) for r in theirs.mechanisms]
        assert [(r.code, r.score, r.rank_without_phase) for r in mine.programme_types] == \
            [(r.code, r.score, r.rank_without_phase) for r in theirs.programme_types]


@pytest.mark.parametrize("query, message", [
    (WizardQuery(), "Describe the context"),
    (WizardQuery(region="XX99"), "Unknown region 'XX99'"),
    (WizardQuery(target_groups=("aliens",)), "Unknown target group 'aliens'"),
    (WizardQuery(target_groups=("all_unemployed", "women")), "already covers every group"),
    (WizardQuery(region="ES61", objective="happiness"), "Unknown objective"),
    (WizardQuery(region="ES61", horizon="forever"), "Unknown horizon"),
    (WizardQuery(region="ES61", unemployment_band="extreme"), "Unknown unemployment band"),
    (WizardQuery(region="ES61", cycle_phase="boomtime"), "Unknown business-cycle phase 'boomtime'"),
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


# -- the business cycle --------------------------------------------------------------------------

ALL = dict(region="DE21", target_groups=("all_unemployed",), horizon="medium")


def test_the_phase_changes_the_ranking_and_says_how(evidence_graph):
    slack = recommend(evidence_graph, WizardQuery(**ALL, cycle_phase="slowdown"))
    tight = recommend(evidence_graph, WizardQuery(**ALL, cycle_phase="expansion"))
    assert (slack.cycle_phase, slack.phase_source) == ("slowdown", "user")
    assert [r.code for r in slack.mechanisms] != [r.code for r in tight.mechanisms]
    # Lock-in (the search time a course costs) is cheaper in a slack market: four findings say so
    # (Card, Kluve & Weber 2018; Lechner & Wunsch 2009; Forslund et al. 2011; a Slovenian study).
    lock_in = {a: next(r for r in answer.mechanisms if r.code == "lock_in") for a, answer in
               (("slack", slack), ("tight", tight))}
    assert lock_in["slack"].score > lock_in["tight"].score
    cycle = dict(lock_in["slack"].why)["why_cycle"]
    assert cycle == {"count": 4, "phase": "slowdown", "market": "below_trend"}
    assert "why_cycle" not in dict(lock_in["tight"].why)
    # Job matching (more vacancies to place people into) gains in a tight market instead.
    matching = next(r for r in tight.mechanisms if r.code == "job_matching")
    assert dict(matching.why)["why_cycle"]["market"] == "above_trend"
    # Each recommendation says where it would rank without the phase.
    ranks = {r.code: (n, r.rank_without_phase) for n, r in enumerate(slack.mechanisms, start=1)}
    assert ranks["lock_in"][0] < ranks["lock_in"][1]
    assert all(r.rank_without_phase is None for r in recommend(evidence_graph, WizardQuery(**ALL)).mechanisms)


def test_the_opposite_cycle_findings_are_flagged_contested_with_both_studies(evidence_graph):
    answer = recommend(evidence_graph, WizardQuery(**ALL, cycle_phase="recovery"))
    every_programme = next(r for r in answer.programme_types if r.code == "other")
    studies = dict(every_programme.why)["why_contested_study"]["studies"]
    assert every_programme.contested
    assert any(s.startswith("Card, Kluve & Weber 2018") for s in studies)
    assert any(s.startswith("Levy Yeyati, Montané & Sartorio") for s in studies)


def test_the_phase_of_the_country_is_used_unless_the_user_overrides_it(evidence_graph):
    germany = CyclePhaseContext(country="DE", phase="expansion", period="2021-Q4", indicator="tightness",
                                reading="gap +0.27 (above trend), rising")
    derived = recommend(evidence_graph, WizardQuery(**ALL), country_phase=germany)
    assert (derived.cycle_phase, derived.phase_source, derived.phase_context) == ("expansion", "country", germany)
    chosen = recommend(evidence_graph, WizardQuery(**ALL, cycle_phase="slowdown"), country_phase=germany)
    assert (chosen.cycle_phase, chosen.phase_source, chosen.phase_context) == ("slowdown", "user", None)
