"""Throughput of `nlp.extract` on a corpus of at least a million words, single process, beside
spaCy's bare tokenizer with a sentencizer on the same texts in the same run; and peak memory.

    .venv/bin/python benchmarks/nlp_throughput.py [--words 1000000]

With `--models DIR` the current trained model runs too, combined with the rules. The corpus is
generated here from sentence templates in five languages written for this benchmark (passages of
the annotated sets are never copied into the project). Target: at least 10,000 words per second
for the full extraction.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TEMPLATES = {
    "en": [
        "In {place}, {group} who took part in {programme} were more likely to find a stable job after {n} months.",
        "The {programme} raised the employment rate of {group} by {n} percentage points in the medium run.",
        "Caseworkers said that {programme} helped {group} to gain confidence, although effects were small during "
        "the recession.",
        "We met employers every week and connected {group} with vacancies in the region.",
    ],
    "de": [
        "In {place} erhöhte die {programme} die Beschäftigungschancen von {group} um {n} Prozentpunkte.",
        "Nach {n} Monaten waren {group} in der Maßnahme häufiger in ungeförderter Beschäftigung.",
    ],
    "fr": [
        "En {place}, l'accompagnement renforcé a permis aux {group} de retrouver un emploi durable après {n} mois.",
        "Les conseillers ont constaté un effet positif sur le retour à l'emploi des jeunes peu qualifiés.",
    ],
    "es": ["En {place}, la formación dual mejoró la inserción laboral de los parados de larga duración."],
    "it": ["In {place} i tirocini hanno aumentato le opportunità occupazionali dei giovani disoccupati."],
}
FILL = {
    "place": ["Austria", "Flanders", "Bavaria", "Lombardy", "Andalusia", "Brittany", "Estonia"],
    "group": ["young people", "long-term unemployed people", "older workers", "women", "low-skilled adults",
              "Langzeitarbeitslosen", "Jugendlichen", "jeunes", "demandeurs d'emploi"],
    "programme": ["wage subsidy", "vocational training", "job search assistance", "Weiterbildung", "coaching"],
    "n": ["3", "6", "12", "18", "24"],
}


def corpus(words: int, seed: int = 7) -> list[tuple[str, str]]:
    """(language, text) passages of three to six sentences until `words` words are reached."""
    rng = random.Random(seed)
    found, total = [], 0
    while total < words:
        lang = rng.choice(["en", "en", "en", "de", "fr", "es", "it"])
        text = " ".join(rng.choice(TEMPLATES[lang]).format(**{k: rng.choice(v) for k, v in FILL.items()})
                        for _ in range(rng.randint(3, 6)))
        found.append((lang, text))
        total += len(text.split())
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=1_000_000)
    parser.add_argument("--detect", action="store_true", help="let extract() detect each text's language too")
    parser.add_argument("--models", default=None, help="a models folder (from `almpo nlp train`): its current "
                                                       "model is combined with the rules, as in use")
    args = parser.parse_args()

    import spacy

    from nlp import extract
    from nlp.pipeline import get_pipeline

    texts = corpus(args.words)
    words = sum(len(text.split()) for _, text in texts)
    by_lang: dict[str, list[str]] = {}
    for lang, text in texts:
        by_lang.setdefault(lang, []).append(text)
    for lang in by_lang:
        get_pipeline(lang)  # built before timing, as a running service has them
    if args.models:
        from nlp.train import load_model

        load_model(args.models)

    bare = {lang: spacy.blank(lang) for lang in by_lang}
    for pipeline in bare.values():
        pipeline.add_pipe("sentencizer")
    started = time.perf_counter()
    for lang, group in by_lang.items():
        for _ in bare[lang].pipe(group, batch_size=256):
            pass
    bare_seconds = time.perf_counter() - started

    started = time.perf_counter()
    spans = 0
    for lang, group in by_lang.items():
        for extraction in extract(group, None if args.detect else lang, batch_size=256, models=args.models):
            spans += len(extraction.spans)
    extract_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"corpus: {len(texts):,} passages, {words:,} words, languages {', '.join(sorted(by_lang))}")
    print("step | seconds | words/s")
    print(f"bare tokenizer + sentencizer | {bare_seconds:.1f} | {words / bare_seconds:,.0f}")
    label = "extract (language detected)" if args.detect else "extract (language given)"
    label += " with the trained model" if args.models else ", rules only"
    print(f"{label} | {extract_seconds:.1f} | {words / extract_seconds:,.0f}")
    print(f"ratio extract/bare: {bare_seconds / extract_seconds:.3f}")
    print(f"spans proposed: {spans:,}; peak memory (max RSS): {peak_mb:,.0f} MB")
    verdict = "meets" if words / extract_seconds >= 10_000 else "MISSES"
    print(f"target 10,000 words/s: {verdict}")


if __name__ == "__main__":
    main()
