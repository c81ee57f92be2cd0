"""The default evidence base: published findings turned into validated CMO configurations.

Each finding of `default_content/almp_findings.csv` becomes one configuration whose source is its
study; the mechanism each finding is about is in `default_content/finding_mechanisms.csv`.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from importlib import resources

from ontology.concepts import concept_index
from ontology.vocab import Scheme
from records.configurations import ConfigurationDraft, Outcome

__all__ = ["EVIDENCE_CURATOR", "cycle_findings", "evidence_configurations", "evidence_sources", "findings",
           "stated_unemployment_band", "study_key"]

# Who validated the default evidence base: each finding was checked against its source.
EVIDENCE_CURATOR = "evidence-base"

DESIGNS = {"meta-analysis": "meta_analysis", "review": "review", "RCT": "rct",
           "quasi-experimental": "quasi_experimental", "descriptive": "descriptive"}

# How studies describe the labour market they ran in. A finding stated for a slack market falls in
# the high unemployment band, one for a tight market in the low band; a finding that contrasts
# both (recession versus boom) gets no band.
_SLACK = re.compile(r"high (youth |regional )?unemployment|mass unemployment|recession|slack|"
                    r"weak labour market|bad labour market|less prosperous", re.IGNORECASE)
_TIGHT = re.compile(r"lower (regional )?unemployment|tight (local )?labour market|expansion|boom|"
                    r"better local labour market", re.IGNORECASE)
_NUTS_CODE = re.compile(r"\b[A-Z]{2}[0-9A-Z]{0,2}\b")


def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("records.default_content").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def findings() -> list[dict[str, str]]:
    return _read("almp_findings.csv")


def cycle_findings() -> dict[str, dict[str, str]]:
    """The findings that state the business-cycle phase they hold in, and the pairs that contradict
    each other (`cycle_findings.csv`: curated by hand, since the phase of a study's context is read,
    not matched by a pattern)."""
    return {row["finding_id"]: row for row in _read("cycle_findings.csv")}


def study_key(row: dict[str, str]) -> str:
    digest = hashlib.sha1(f"{row['study']}\n{row['source_url']}".encode(), usedforsecurity=False)
    return f"study-{digest.hexdigest()[:12]}"


def stated_unemployment_band(text: str) -> str | None:
    slack, tight = bool(_SLACK.search(text)), bool(_TIGHT.search(text))
    if slack == tight:
        return None
    return "high" if slack else "low"


def evidence_sources() -> list[dict]:
    """One document source per study, first finding's details win."""
    sources: dict[str, dict] = {}
    for row in findings():
        key = study_key(row)
        if key not in sources:
            sources[key] = {"key": key, "kind": "document", "title": row["study"],
                            "citation": row["study"], "url": row["source_url"],
                            "design": DESIGNS.get(row["design"]),
                            "year": int(row["year"]) if row["year"].isdigit() else None}
    return list(sources.values())


def evidence_configurations(practice_keys: dict[tuple[str, str], str]) -> Iterator[tuple[str, ConfigurationDraft]]:
    """(key, draft) per finding; `practice_keys` maps (programme name, countries) to a practice."""
    index = concept_index()
    mechanisms = {row["finding_id"]: row["mechanism"] for row in _read("finding_mechanisms.csv")}
    cycles = cycle_findings()
    for row in findings():
        codes = [c for c in row["countries"].split(";") if c and c != "multi"]
        countries = [c for c in codes if index.has(Scheme.NUTS2021, c)]
        outside = [c for c in codes if c not in countries]
        regions = [c for c in _NUTS_CODE.findall(row["region"]) if index.has(Scheme.NUTS2021, c)]
        context = "; ".join(part for part in (
            row["context_conditions"], row["region"],
            f"countries outside the EU-27: {', '.join(outside)}" if outside else "") if part)
        draft = ConfigurationDraft(
            source_key=study_key(row),
            programme_type=row["programme_type"],
            mechanism=mechanisms[row["id"]],
            mechanism_note=row["mechanism_note"],
            outcomes=[Outcome(measure=row["outcome_measure"], direction=row["direction"],
                              horizon=row["horizon"], effect_size=row["effect_size"])],
            target_groups=[g for g in row["target_group"].split(";") if g],
            countries=countries,
            region=regions[0] if len(regions) == 1 else None,
            unemployment_band=stated_unemployment_band(f"{row['context_conditions']} {row['region']}"),
            context_note=context,
            practice_key=practice_keys.get((row["programme_name"], row["countries"])),
            finding_id=row["id"],
            cycle_phase=cycles[row["id"]]["cycle_phase"] if row["id"] in cycles else None,
            contested_by=[f"finding-{other.lower()}" for other in
                          cycles.get(row["id"], {}).get("contested_by", "").split(";") if other],
        )
        yield f"finding-{row['id'].lower()}", draft
