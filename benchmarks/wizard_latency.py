"""Design Wizard latency at 10k and 100k configurations on both graph backends.

The synthetic configurations of `graph_projection.py` are projected into each store; then random
contexts (a region, one or two target groups, a skill level, an objective, a horizon) are asked of
the Wizard, without a business-cycle phase and with one (then each question ranks twice, with and
without it, as the pages do for a country with labour-market figures). The baseline, measured in
the same run on the same store, is the cheapest question a graph answers: one configuration looked
up by its indexed key. The time to rebuild the context index, which the first question after any
change to the graph pays, is printed too.

    .venv/bin/python benchmarks/wizard_latency.py --neo4j-uri bolt://127.0.0.1:7688
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.graph_projection import project, records_with, synthetic_states  # noqa: E402
from graph.context_index import build  # noqa: E402
from graph.memory_store import MemoryStore  # noqa: E402
from graph.wizard import HORIZONS, OBJECTIVES, CyclePhaseContext, WizardQuery, recommend  # noqa: E402
from ontology.concepts import concept_index  # noqa: E402
from ontology.vocab import NodeLabel, Scheme  # noqa: E402


def random_questions(count: int, seed: int = 11) -> list[WizardQuery]:
    rng = random.Random(seed)
    index = concept_index()
    groups = [c.code for c in index.concepts(Scheme.TARGET_GROUP) if c.code != "all_unemployed"]
    regions = [c.code for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 2]
    return [WizardQuery(region=rng.choice(regions), target_groups=tuple(rng.sample(groups, rng.randint(1, 2))),
                        skill_level=rng.choice([None, "low", "high"]), objective=rng.choice(list(OBJECTIVES)),
                        horizon=rng.choice(list(HORIZONS))) for _ in range(count)]


def percentiles(timings: list[float]) -> tuple[float, float]:
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


# The phase the Wizard reads for a country from its labour-market figures: with one, every question
# ranks twice (with and without the phase), as the pages do for any country with figures.
COUNTRY_PHASE = CyclePhaseContext(country="DE", phase="slowdown", period="2021-Q4", indicator="tightness",
                                  reading="benchmark")


def wizard_latency(store, questions: list[WizardQuery], phase: CyclePhaseContext | None = None
                   ) -> tuple[float, float, float]:
    recommend(store, questions[0])  # warm caches and, on Neo4j, the query plans
    timings, matched = [], []
    for question in questions:
        started = time.perf_counter()
        answer = recommend(store, question, country_phase=phase)
        timings.append((time.perf_counter() - started) * 1000)
        matched.append(answer.matched)
    return (*percentiles(timings), statistics.mean(matched))


def lookup_latency(store, size: int, count: int) -> tuple[float, float]:
    rng = random.Random(3)
    keys = [f"bench-{rng.randrange(size):07d}" for _ in range(count)]
    store.node(NodeLabel.CONFIGURATION, keys[0])
    timings = []
    for key in keys:
        started = time.perf_counter()
        assert store.node(NodeLabel.CONFIGURATION, key) is not None
        timings.append((time.perf_counter() - started) * 1000)
    return percentiles(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--neo4j-uri", default=os.environ.get("ALMPO_NEO4J_URI"))
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    stores = [("memory", MemoryStore)]
    if args.neo4j_uri:
        from graph.neo4j_store import Neo4jStore
        stores.append(("neo4j", lambda: Neo4jStore(args.neo4j_uri)))
    else:
        print("No --neo4j-uri: Neo4j rows skipped.", file=sys.stderr)
    questions = random_questions(args.questions)
    print("configs | backend | question | wizard p50 ms | wizard p95 ms | evidence read | lookup p50 ms | "
          "lookup p95 ms | p95 ratio wizard/lookup", flush=True)
    builds = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            factory = records_with(synthetic_states(size), Path(folder))
            for name, make in stores:
                store = make()
                store.clear()
                project(factory, store, size)
                # What the first question after a change to the graph pays on top: reading every
                # configuration's context again (graph/context_index.py).
                builds.append((size, name, build(store)[1].seconds))
                lookup_p50, lookup_p95 = lookup_latency(store, size, args.questions)
                for label, phase in (("no phase", None), ("country phase", COUNTRY_PHASE)):
                    p50, p95, matched = wizard_latency(store, questions, phase)
                    print(f"{size:,} | {name} | {label} | {p50:.1f} | {p95:.1f} | {matched:.0f} | {lookup_p50:.2f} | "
                          f"{lookup_p95:.2f} | {p95 / lookup_p95:.0f}", flush=True)
                if name == "neo4j":
                    store.clear()
                store.close()
    print("context index rebuilt after a change: " + "; ".join(
        f"{size:,} {name} {seconds:.2f} s" for size, name, seconds in builds))


if __name__ == "__main__":
    main()
