"""The shipped concept schemes (`schemes/*.ttl`), loaded once into plain Python objects.

Other packages look concepts up here by scheme and code, never by parsing the Turtle themselves.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from ontology.vocab import ALMPO, CONCEPT, Scheme

__all__ = ["Concept", "ConceptIndex", "LANGUAGES", "UnknownConcept", "concept_index"]

# The languages every concept is labelled in.
LANGUAGES = ("en", "de", "fr", "es", "it")

# Numeric or text facts some schemes attach to their concepts, by the name code reads them under.
_FACTS = {
    "lower_bound_percent": ALMPO.lowerBoundPercent,
    "upper_bound_percent": ALMPO.upperBoundPercent,
    "evidence_rank": ALMPO.evidenceRank,
    "expected_sign": ALMPO.expectedSign,
    "nuts_level": ALMPO.nutsLevel,
    "lmp_type": ALMPO.lmpType,
    "horizon_months_min": ALMPO.horizonMonthsMin,
    "horizon_months_max": ALMPO.horizonMonthsMax,
}


class UnknownConcept(LookupError):
    """A code that the named scheme does not hold."""


@dataclass(frozen=True)
class Concept:
    scheme: Scheme
    code: str
    uri: str
    labels: dict[str, str]
    alt_labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definition: str = ""
    broader: tuple[str, ...] = ()
    # Concepts of other schemes this one maps to, as (scheme, code).
    broad_match: tuple[tuple[Scheme, str], ...] = ()
    # URIs of the same concept elsewhere (skos:exactMatch): for NUTS the EU's region URI, for ISCO-08
    # ESCO's ISCO URI.
    exact_match: tuple[str, ...] = ()
    facts: dict[str, object] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        """The label in `lang`, else English, else the code."""
        return self.labels.get(lang) or self.labels.get("en") or self.labels.get("") or self.code


def _split_uri(uri: URIRef) -> tuple[Scheme, str] | None:
    text = str(uri)
    if not text.startswith(str(CONCEPT)):
        return None
    scheme, _, code = text[len(str(CONCEPT)):].partition("/")
    try:
        return Scheme(scheme), code
    except ValueError:
        return None


class ConceptIndex:
    """Every concept of every shipped scheme, by scheme and code."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._concepts: dict[Scheme, dict[str, Concept]] = {scheme: {} for scheme in Scheme}
        for uri in graph.subjects(RDF.type, SKOS.Concept):
            place = _split_uri(uri)
            if place is None:
                continue
            scheme, code = place
            self._concepts[scheme][code] = self._read(graph, uri, scheme, code)

    @staticmethod
    def _read(graph: Graph, uri: URIRef, scheme: Scheme, code: str) -> Concept:
        labels: dict[str, str] = {}
        for label in graph.objects(uri, SKOS.prefLabel):
            labels[label.language or ""] = str(label)
        alt: dict[str, list[str]] = {}
        for label in graph.objects(uri, SKOS.altLabel):
            alt.setdefault(label.language or "", []).append(str(label))
        definition = next((str(d) for d in graph.objects(uri, SKOS.definition)
                           if getattr(d, "language", None) in (None, "en")), "")
        broader = tuple(sorted(place[1] for b in graph.objects(uri, SKOS.broader)
                               if (place := _split_uri(b)) and place[0] == scheme))
        broad_match = tuple(sorted(place for b in graph.objects(uri, SKOS.broadMatch)
                                   if (place := _split_uri(b))))
        exact_match = tuple(sorted(str(match) for match in graph.objects(uri, SKOS.exactMatch)))
        facts = {}
        for name, predicate in _FACTS.items():
            value = graph.value(uri, predicate)
            if isinstance(value, Literal):
                facts[name] = value.toPython()
        return Concept(scheme=scheme, code=code, uri=str(uri), labels=labels,
                       alt_labels={lang: tuple(sorted(v)) for lang, v in alt.items()},
                       definition=definition, broader=broader, broad_match=broad_match,
                       exact_match=exact_match, facts=facts)

    def concepts(self, scheme: Scheme) -> list[Concept]:
        return sorted(self._concepts[scheme].values(), key=lambda c: c.code)

    def has(self, scheme: Scheme, code: str | None) -> bool:
        return code is not None and code in self._concepts[scheme]

    def get(self, scheme: Scheme, code: str) -> Concept:
        try:
            return self._concepts[scheme][code]
        except KeyError:
            raise UnknownConcept(f"{code!r} is not a concept of the {scheme} scheme.") from None

    def label_of(self, scheme: Scheme, code: str | None, language: str = "en", missing: str = "") -> str:
        """What pages call a code: its label in `language`; an unknown code as it is; `missing` for none."""
        if not code:
            return missing
        return self._concepts[scheme][code].label(language) if code in self._concepts[scheme] else code

    def ancestors(self, scheme: Scheme, code: str) -> list[str]:
        """Broader concepts up to the top, nearest first (for NUTS: level 1, then the country)."""
        found, frontier = [], list(self.get(scheme, code).broader)
        while frontier:
            current = frontier.pop(0)
            if current not in found:
                found.append(current)
                frontier.extend(self.get(scheme, current).broader)
        return found


@functools.cache
def concept_index() -> ConceptIndex:
    """All shipped schemes, parsed once per process."""
    graph = Graph()
    folder = resources.files("ontology").joinpath("schemes")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl"):
            graph.parse(data=entry.read_text("utf-8"), format="turtle")
    return ConceptIndex(graph)
