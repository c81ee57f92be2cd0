"""The shipped vocabulary: every scheme complete in five languages, aligned with the data it types."""

import csv
import importlib.util
from collections import Counter
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from labour.shortages import isco_uri
from ontology.concepts import LANGUAGES, UnknownConcept, concept_index
from ontology.regions import band_for_rate, regional_rates
from ontology.vocab import ALMPO, CONCEPT_LABELS, NodeLabel, Scheme

CONCEPT_NODE_LABELS = set(CONCEPT_LABELS.values())
ISCO_BUILDER = Path(__file__).resolve().parents[2] / "tools" / "build_isco_scheme.py"


def described_concepts(scheme: Scheme):
    """The concepts a scheme labels in every language and defines. ISCO-08 does so for its major
    and sub-major groups; its minor and unit groups have the ILO's English title only."""
    concepts = concept_index().concepts(scheme)
    if scheme is Scheme.ISCO08:
        return [concept for concept in concepts if len(concept.code) <= 2]
    return concepts


@pytest.mark.parametrize("scheme", [s for s in Scheme if s is not Scheme.NUTS2021])
def test_every_concept_is_labelled_in_five_languages(scheme):
    concepts = described_concepts(scheme)
    assert concepts, f"the {scheme} scheme is empty"
    for concept in concepts:
        assert set(LANGUAGES) <= set(concept.labels), f"{scheme}/{concept.code} lacks a language"
        assert all(concept.labels[lang].strip() for lang in LANGUAGES)
        assert concept.definition, f"{scheme}/{concept.code} has no definition"
        assert concept.uri.endswith(f"/{scheme}/{concept.code}")


def test_translations_are_real_not_copies_of_english():
    for scheme in (Scheme.TARGET_GROUP, Scheme.MECHANISM, Scheme.PROGRAMME_TYPE, Scheme.OUTCOME_MEASURE,
                   Scheme.ISCO08):
        for concept in described_concepts(scheme):
            others = {concept.labels[lang] for lang in ("de", "fr", "es", "it")}
            assert concept.labels["en"] not in others or concept.code == "other", concept.code


def test_every_code_of_the_evidence_base_is_a_concept():
    text = resources.files("records.default_content").joinpath("almp_findings.csv").read_text("utf-8")
    index = concept_index()
    for row in csv.DictReader(text.splitlines()):
        assert index.has(Scheme.PROGRAMME_TYPE, row["programme_type"]), row["id"]
        assert index.has(Scheme.OUTCOME_MEASURE, row["outcome_measure"]), row["id"]
        assert index.has(Scheme.HORIZON, row["horizon"]), row["id"]
        assert index.has(Scheme.OUTCOME_DIRECTION, row["direction"]), row["id"]
        for group in row["target_group"].split(";"):
            assert index.has(Scheme.TARGET_GROUP, group), row["id"]


def test_lmp_categories_and_their_mappings():
    index = concept_index()
    assert [c.code for c in index.concepts(Scheme.LMP_CATEGORY)] == [str(n) for n in range(1, 10)]
    assert index.get(Scheme.LMP_CATEGORY, "2").label("de").startswith("Aus- und Weiterbildung")
    assert (Scheme.LMP_CATEGORY, "2") in index.get(Scheme.PROGRAMME_TYPE, "training").broad_match
    assert index.ancestors(Scheme.OECD_PROGRAMME, "21") == ["20"]


def test_nuts_regions_form_a_hierarchy():
    index = concept_index()
    regions = index.concepts(Scheme.NUTS2021)
    assert len(regions) == 361
    assert sum(1 for r in regions if r.facts["nuts_level"] == 0) == 27
    assert index.ancestors(Scheme.NUTS2021, "DE21") == ["DE2", "DE"]
    bavaria = index.get(Scheme.NUTS2021, "DE21")
    assert bavaria.label("de") == "Oberbayern"
    assert index.get(Scheme.NUTS2021, "DE").label("fr") == "Allemagne"


def test_an_unknown_code_is_named_in_the_error():
    with pytest.raises(UnknownConcept, match="'ZZ99' is not a concept of the nuts2021 scheme"):
        concept_index().get(Scheme.NUTS2021, "ZZ99")


@pytest.mark.parametrize("rate, band", [(0, "low"), (4.9, "low"), (5, "medium"), (9.99, "medium"),
                                        (10, "high"), (28.4, "high")])
def test_unemployment_bands_have_stated_bounds(rate, band):
    assert band_for_rate(Decimal(str(rate))) == band


def test_regional_rates_are_the_shipped_figures():
    rates = regional_rates()
    assert len(rates) == 73
    assert rates["ES63"].rate == Decimal("28.4") and rates["ES63"].year == 2022
    assert all(concept_index().has(Scheme.NUTS2021, code) for code in rates)


def test_the_ontology_declares_a_class_for_every_node_label():
    ontology = Graph().parse(data=resources.files("ontology").joinpath("almpo.ttl").read_text("utf-8"))
    classes = set(ontology.subjects(RDF.type, OWL.Class))
    for label in NodeLabel:
        if label in (NodeLabel.SOURCE, NodeLabel.CONDITION) or label not in CONCEPT_NODE_LABELS:
            assert ALMPO[str(label)] in classes, label
    assert ALMPO.EnablingCondition in classes and ALMPO.SessionTranscript in classes


def test_regions_are_aligned_with_eurostat_nuts_uris():
    from rdflib import URIRef
    from rdflib.namespace import SKOS
    index = concept_index()
    bavaria = URIRef(index.get(Scheme.NUTS2021, "DE21").uri)
    assert URIRef("http://data.europa.eu/nuts/code/DE21") in set(index.graph.objects(bavaria, SKOS.exactMatch))


def test_isco_has_the_groups_of_each_level():
    groups = concept_index().concepts(Scheme.ISCO08)
    assert Counter(len(group.code) for group in groups) == {1: 10, 2: 43, 3: 130, 4: 436}
    assert all(group.code.isdigit() for group in groups)


def test_every_isco_group_below_the_top_is_narrower_than_its_parent():
    index = concept_index()
    for group in index.concepts(Scheme.ISCO08):
        expected = () if len(group.code) == 1 else (group.code[:-1],)
        assert group.broader == expected, group.code
    assert index.ancestors(Scheme.ISCO08, "2512") == ["251", "25", "2"]
    assert index.ancestors(Scheme.ISCO08, "0110") == ["011", "01", "0"]


def test_isco_groups_are_aligned_with_esco():
    index = concept_index()
    developers = index.get(Scheme.ISCO08, "2512")
    assert developers.label("en") == "Software developers"
    assert developers.exact_match == ("http://data.europa.eu/esco/isco/C2512",)
    # The same URI the shortage pages link to, for every group.
    assert all(group.exact_match == (isco_uri(group.code),) for group in index.concepts(Scheme.ISCO08))


def test_isco_titles_in_german_and_the_english_fallback():
    index = concept_index()
    assert index.label_of(Scheme.ISCO08, "2", "de") == "Akademische Berufe"
    assert index.label_of(Scheme.ISCO08, "52", "de") == "Verkaufskräfte"
    developers = index.get(Scheme.ISCO08, "2512")
    assert "de" not in developers.labels
    assert developers.label("de") == "Software developers"


def test_isco_is_a_vocabulary_not_graph_nodes():
    # 619 occupation groups only name codes on pages; no query reaches them through the graph.
    assert Scheme.ISCO08 not in CONCEPT_LABELS


def test_the_isco_scheme_is_generated_from_the_table(tmp_path):
    spec = importlib.util.spec_from_file_location("build_isco_scheme", ISCO_BUILDER)
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    fresh = tmp_path / "isco-08.ttl"
    assert builder.main(["--out", str(fresh)]) == 0
    shipped = resources.files("ontology").joinpath("schemes", "isco-08.ttl").read_text("utf-8")
    assert fresh.read_text("utf-8") == shipped, "run tools/build_isco_scheme.py after changing ontology/data/isco08.csv"
