"""The EU-ALMPO vocabulary in Python: namespaces, node labels, relationship types, concept schemes.

These are the only source of labels and relationship types used in Cypher: a graph store refuses
any other, so a typo fails loudly instead of creating a stray label. The RDF side (`almpo.ttl`,
`schemes/*.ttl`, `shapes.ttl`) uses the same names.
"""

from __future__ import annotations

from enum import StrEnum

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "ALMPO", "CHECKPOINT_LABEL", "CONCEPT", "CONCEPT_LABELS", "ID", "KEY_PROPERTY", "NUTS",
    "NodeLabel", "PREFIXES", "RelType", "Scheme", "concept_uri", "instance_uri",
]

BASE = "https://w3id.org/eu-almpo/"
ALMPO = Namespace(BASE + "ontology#")
CONCEPT = Namespace(BASE + "concept/")
ID = Namespace(BASE + "id/")
NUTS = Namespace("http://data.europa.eu/nuts/code/")

PREFIXES = {
    "almpo": ALMPO, "concept": CONCEPT, "id": ID, "nuts": NUTS, "skos": SKOS, "prov": PROV,
    "dct": DCTERMS, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
}


class Scheme(StrEnum):
    """Concept schemes shipped in `ontology/schemes/<value>.ttl`."""
    LMP_CATEGORY = "lmp-category"
    OECD_PROGRAMME = "oecd-programme"
    PROGRAMME_TYPE = "programme-type"
    TARGET_GROUP = "target-group"
    OUTCOME_MEASURE = "outcome-measure"
    HORIZON = "horizon"
    OUTCOME_DIRECTION = "outcome-direction"
    CONDITION_TYPE = "condition-type"
    SKILL_LEVEL = "skill-level"
    UNEMPLOYMENT_BAND = "unemployment-band"
    CYCLE_PHASE = "cycle-phase"
    STUDY_DESIGN = "study-design"
    MECHANISM = "mechanism"
    NUTS2021 = "nuts2021"
    # Occupations, by which shortage lists name what is short. A vocabulary for titles only: it
    # has no graph label in CONCEPT_LABELS, so its 619 groups never become graph nodes.
    ISCO08 = "isco-08"


class NodeLabel(StrEnum):
    # The realist core: a configuration links context, mechanism and outcome for a practice.
    PRACTICE = "Practice"
    CONFIGURATION = "Configuration"
    CONTEXT = "Context"
    OUTCOME = "Outcome"
    CONDITION = "Condition"
    # Provenance: where a configuration came from.
    SOURCE = "Source"
    SEGMENT = "Segment"
    # Concepts of the shipped schemes, as graph nodes keyed by their code.
    PROGRAMME_TYPE = "ProgrammeType"
    LMP_CATEGORY = "LmpCategory"
    TARGET_GROUP = "TargetGroup"
    MECHANISM = "Mechanism"
    OUTCOME_MEASURE = "OutcomeMeasure"
    CONDITION_TYPE = "ConditionType"
    SKILL_LEVEL = "SkillLevel"
    UNEMPLOYMENT_BAND = "UnemploymentBand"
    CYCLE_PHASE = "CyclePhase"
    STUDY_DESIGN = "StudyDesign"
    REGION = "Region"


class RelType(StrEnum):
    OF_TYPE = "OF_TYPE"                        # Practice -> ProgrammeType
    IMPLEMENTED_IN = "IMPLEMENTED_IN"          # Practice -> Region
    DOCUMENTED_BY = "DOCUMENTED_BY"            # Practice -> Source
    CONFIGURATION_OF = "CONFIGURATION_OF"      # Configuration -> Practice
    ABOUT_PROGRAMME_TYPE = "ABOUT_PROGRAMME_TYPE"  # Configuration -> ProgrammeType
    HAS_CONTEXT = "HAS_CONTEXT"                # Configuration -> Context
    FOR_TARGET_GROUP = "FOR_TARGET_GROUP"      # Configuration -> TargetGroup
    IN_REGION = "IN_REGION"                    # Configuration -> Region
    FOR_SKILL_LEVEL = "FOR_SKILL_LEVEL"        # Configuration -> SkillLevel
    IN_UNEMPLOYMENT_BAND = "IN_UNEMPLOYMENT_BAND"  # Configuration -> UnemploymentBand
    IN_CYCLE_PHASE = "IN_CYCLE_PHASE"          # Configuration -> CyclePhase
    HAS_MECHANISM = "HAS_MECHANISM"            # Configuration -> Mechanism
    HAS_OUTCOME = "HAS_OUTCOME"                # Configuration -> Outcome
    MEASURED_AS = "MEASURED_AS"                # Outcome -> OutcomeMeasure
    HAS_CONDITION = "HAS_CONDITION"            # Configuration -> Condition
    OF_CONDITION_TYPE = "OF_CONDITION_TYPE"    # Condition -> ConditionType
    DERIVED_FROM = "DERIVED_FROM"              # Configuration -> Segment or Source (prov:wasDerivedFrom)
    PART_OF = "PART_OF"                        # Segment -> Source
    USES_DESIGN = "USES_DESIGN"                # Source -> StudyDesign
    BROADER = "BROADER"                        # concept -> broader concept (same scheme)
    MAPS_TO = "MAPS_TO"                        # ProgrammeType -> LmpCategory (skos:broadMatch)
    HAS_UNEMPLOYMENT_BAND = "HAS_UNEMPLOYMENT_BAND"  # Region -> UnemploymentBand, with its figure


# Which graph label holds the concepts of which scheme. The schemes left out (OECD programmes,
# horizons, outcome directions, ISCO-08) are read for labels only and are not graph nodes.
CONCEPT_LABELS: dict[Scheme, NodeLabel] = {
    Scheme.PROGRAMME_TYPE: NodeLabel.PROGRAMME_TYPE,
    Scheme.LMP_CATEGORY: NodeLabel.LMP_CATEGORY,
    Scheme.TARGET_GROUP: NodeLabel.TARGET_GROUP,
    Scheme.MECHANISM: NodeLabel.MECHANISM,
    Scheme.OUTCOME_MEASURE: NodeLabel.OUTCOME_MEASURE,
    Scheme.CONDITION_TYPE: NodeLabel.CONDITION_TYPE,
    Scheme.SKILL_LEVEL: NodeLabel.SKILL_LEVEL,
    Scheme.UNEMPLOYMENT_BAND: NodeLabel.UNEMPLOYMENT_BAND,
    Scheme.CYCLE_PHASE: NodeLabel.CYCLE_PHASE,
    Scheme.STUDY_DESIGN: NodeLabel.STUDY_DESIGN,
    Scheme.NUTS2021: NodeLabel.REGION,
}

# Every node is addressed by this property, unique per label.
KEY_PROPERTY = "key"

# The node where a graph store remembers the last outbox event it applied. Bookkeeping, not
# knowledge: stores leave it out of every query answer.
CHECKPOINT_LABEL = "AlmpoProjectorCheckpoint"


def concept_uri(scheme: Scheme, code: str):
    return CONCEPT[f"{scheme}/{code}"]


def instance_uri(label: NodeLabel, key: str):
    return ID[f"{label.lower()}/{key}"]
