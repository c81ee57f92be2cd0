"""Projection throughput and context-query latency on both graph backends.

Synthetic configurations (random but valid concepts) are written to a fresh records database as
outbox events; the projector then applies them to each store. On Neo4j the same rows are also
written by a bare `UNWIND ... CREATE` (no MERGE, no checks, no checkpoint), the fastest a
client can put them there: the ratio projector/bare says what the projector's guarantees cost.

    .venv/bin/python benchmarks/graph_projection.py --neo4j-uri bolt://127.0.0.1:7688
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

from sqlalchemy import insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.memory_store import MemoryStore  # noqa: E402
from graph.projector import _configuration_nodes, initialise_graph, project_pending  # noqa: E402
from graph.queries import ContextQuery, configurations_matching_context  # noqa: E402
from ontology.concepts import concept_index  # noqa: E402
from ontology.vocab import Scheme  # noqa: E402
from records.db import make_engine, make_session_factory, transaction  # noqa: E402
from records.migrate import upgrade  # noqa: E402
from records.models import OutboxEvent  # noqa: E402
from records.outbox import emit  # noqa: E402

SOURCE_KEY = "bench-source"


def synthetic_states(count: int, seed: int = 42) -> list[dict]:
    rng = random.Random(seed)
    index = concept_index()
    codes = {scheme: [c.code for c in index.concepts(scheme)] for scheme in Scheme}
    regions = [c.code for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 2]
    states = []
    for n in range(count):
        region = rng.choice(regions)
        states.append({
            "key": f"bench-{n:07d}", "status": rng.choice(["validated", "validated", "draft"]),
            "source_key": SOURCE_KEY, "segment_key": None, "practice_key": None, "finding_id": None,
            "programme_type": rng.choice(codes[Scheme.PROGRAMME_TYPE]),
            "mechanism": rng.choice(codes[Scheme.MECHANISM]),
            "target_groups": rng.sample(codes[Scheme.TARGET_GROUP], rng.randint(1, 2)),
            "countries": [region[:2]], "region": region,
            "skill_level": rng.choice(["1", "2", "3", "4", None]),
            "unemployment_band": rng.choice(codes[Scheme.UNEMPLOYMENT_BAND] + [None]),
            "context_note": "synthetic context", "mechanism_note": "",
            "outcomes": [{"measure": rng.choice(codes[Scheme.OUTCOME_MEASURE]),
                          "direction": rng.choice(codes[Scheme.OUTCOME_DIRECTION]),
                          "horizon": rng.choice(["short_run", "medium_run", "long_run"]),
                          "effect_size": ""} for _ in range(rng.randint(1, 2))],
            "conditions": [{"kind": rng.choice(["enabling", "hindering"]),
                            "type": rng.choice(codes[Scheme.CONDITION_TYPE]), "note": ""}
                           for _ in range(rng.randint(0, 2))],
        })
    return states


def records_with(states: list[dict], folder: Path):
    engine = make_engine(f"sqlite:///{folder / f'bench-{len(states)}.db'}")
    upgrade(engine)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        emit(session, "source.created", "source", SOURCE_KEY,
             {"key": SOURCE_KEY, "kind": "document", "citation": "Synthetic", "url": ""})
    with engine.begin() as connection:
        for start in range(0, len(states), 10_000):
            connection.execute(insert(OutboxEvent), [
                {"event_type": "configuration.created", "aggregate_type": "configuration",
                 "aggregate_key": s["key"], "payload": s} for s in states[start:start + 10_000]])
    return factory


def project(factory, store, count: int) -> float:
    initialise_graph(store)
    started = time.perf_counter()
    report = project_pending(factory, store, batch_size=1000)
    elapsed = time.perf_counter() - started
    assert report.dead_letters == [], report.dead_letters[:3]
    return count / elapsed


def bare_create(store, states: list[dict]) -> float:
    """The same nodes and relationships with plain CREATE statements, 1000 rows a transaction."""
    from graph.neo4j_store import _statement_batches
    from graph.store import MergeNode, MergeRelationship
    store.clear()
    initialise_graph(store)
    store._run("MERGE (:Source {key: $key})", key=SOURCE_KEY)
    driver = store._driver
    started = time.perf_counter()
    for start in range(0, len(states), 1000):
        changes = [c for s in states[start:start + 1000] for c in _configuration_nodes(s)]
        with driver.session() as session, session.begin_transaction() as tx:
            for batch in _statement_batches(changes):
                first = batch[0]
                if isinstance(first, MergeNode):
                    tx.run(f"UNWIND $rows AS row CREATE (n:{first.label}) SET n = row",
                           rows=[{"key": c.key, **c.properties} for c in batch]).consume()
                elif isinstance(first, MergeRelationship):
                    tx.run(f"UNWIND $rows AS row MATCH (a:{first.start.label} {{key: row.s}}) "
                           f"MATCH (b:{first.end.label} {{key: row.e}}) CREATE (a)-[:{first.type}]->(b)",
                           rows=[{"s": c.start.key, "e": c.end.key} for c in batch]).consume()
            tx.commit()
    return len(states) / (time.perf_counter() - started)


def query_latency(store, queries: list[ContextQuery]) -> tuple[float, float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        configurations_matching_context(store, query)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def random_queries(count: int, seed: int = 7) -> list[ContextQuery]:
    rng = random.Random(seed)
    index = concept_index()
    groups = [c.code for c in index.concepts(Scheme.TARGET_GROUP)]
    regions = [c.code for c in index.concepts(Scheme.NUTS2021) if c.facts.get("nuts_level") == 2]
    return [ContextQuery(target_groups=(rng.choice(groups),), region=rng.choice(regions),
                         unemployment_band=rng.choice(["low", "medium", "high"]),
                         skill_level=rng.choice(["low", "high"]), limit=100) for _ in range(count)]


def print_row(row: dict, with_neo4j: bool) -> None:
    cells = [f"{row['size']:,}", f"{row['memory_cfg_s']:,.0f}", f"{row['memory_p50']:.1f}",
             f"{row['memory_p95']:.1f}"]
    if with_neo4j:
        cells += [f"{row['neo4j_cfg_s']:,.0f}", f"{row['bare_cfg_s']:,.0f}", f"{row['ratio']:.2f}",
                  f"{row['neo4j_p50']:.1f}", f"{row['neo4j_p95']:.1f}"]
    print(" | ".join(cells), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--neo4j-uri", default=os.environ.get("ALMPO_NEO4J_URI"))
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    neo4j = None
    if args.neo4j_uri:
        from graph.neo4j_store import Neo4jStore
        neo4j = Neo4jStore(args.neo4j_uri)
    else:
        print("No --neo4j-uri: Neo4j columns skipped.", file=sys.stderr)
    header = ("configs", "memory cfg/s", "memory p50 ms", "memory p95 ms", "neo4j cfg/s",
              "bare CREATE cfg/s", "ratio", "neo4j p50 ms", "neo4j p95 ms")
    print(" | ".join(header if neo4j else header[:4]), flush=True)
    queries = random_queries(args.queries)
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            states = synthetic_states(size)
            factory = records_with(states, Path(folder))
            row = {"size": size}
            memory = MemoryStore()
            row["memory_cfg_s"] = project(factory, memory, size)
            row["memory_p50"], row["memory_p95"] = query_latency(memory, queries)
            del memory
            if neo4j:
                neo4j.clear()
                row["neo4j_cfg_s"] = project(factory, neo4j, size)
                row["neo4j_p50"], row["neo4j_p95"] = query_latency(neo4j, queries)
                row["bare_cfg_s"] = bare_create(neo4j, states)
                row["ratio"] = row["neo4j_cfg_s"] / row["bare_cfg_s"]
                neo4j.clear()
            print_row(row, with_neo4j=neo4j is not None)
    if neo4j:
        neo4j.close()


if __name__ == "__main__":
    main()
