"""An in-process index of every configuration's context, for the Design Wizard's first step.

Finding the configurations that share most parts of a context is a ranking over the whole graph:
a region's country, a broad target group or an unemployment band each match a large share of all
configurations, so a graph query that ranks them reads tens of thousands of rows per question. The
index holds, for each context concept (a target group, a region, a band, a skill level, a phase),
the configurations linked to it as an array of row numbers, and ranks with array arithmetic.

It is a cache of the graph, never a second source: it is built from the store, remembers the
store's generation (which every change to the graph moves), and is built again on the first
question after the graph changed. Both backends answer through it, so they rank alike by
construction; `GraphStore.configurations_in_context` stays the reference it is tested against.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np

from graph.store import GraphStore
from ontology.vocab import RelType

# The relationship that links a configuration to each part of its context.
CONTEXT_RELATIONSHIPS = (RelType.FOR_TARGET_GROUP, RelType.IN_REGION, RelType.IN_UNEMPLOYMENT_BAND,
                         RelType.FOR_SKILL_LEVEL, RelType.IN_CYCLE_PHASE)
# The parts of a question, in the order rows name them, with the relationship each is read through.
_PARTS = (("target_group", RelType.FOR_TARGET_GROUP), ("region", RelType.IN_REGION),
          ("country", RelType.IN_REGION), ("unemployment_band", RelType.IN_UNEMPLOYMENT_BAND),
          ("skill_level", RelType.FOR_SKILL_LEVEL), ("cycle_phase", RelType.IN_CYCLE_PHASE))


@dataclass
class BuildReport:
    configurations: int
    seconds: float


class ContextIndex:
    def __init__(self, contexts: dict[str, Any], generation: tuple) -> None:
        self.generation = generation
        configurations = sorted(contexts["configurations"])
        # Row n is the n-th configuration by key, so a lower row number is the earlier key.
        self.keys = [c[0] for c in configurations]
        self.programme_types = [c[1] for c in configurations]
        self.mechanisms = [c[2] for c in configurations]
        self.statuses = [c[3] for c in configurations]
        self.validated = np.array([status == "validated" for status in self.statuses], dtype=bool)
        number_of = {key: n for n, key in enumerate(self.keys)}
        self._linked = {(str(rel), code): np.array([number_of[key] for key in keys], dtype=np.int64)
                        for (rel, code), keys in contexts["links"].items()}

    def __len__(self) -> int:
        return len(self.keys)

    def _part(self, rel: RelType, codes) -> np.ndarray:
        mask = np.zeros(len(self.keys), dtype=bool)
        for code in codes:
            numbers = self._linked.get((str(rel), code))
            if numbers is not None:
                mask[numbers] = True
        return mask

    def in_context(self, *, target_groups, region_codes, country_codes, unemployment_band, skill_codes,
                   validated_only, limit=None, cycle_codes=()) -> list[dict[str, Any]]:
        """The same rows, in the same order, as `GraphStore.configurations_in_context`."""
        wanted = {"target_group": target_groups, "region": region_codes, "country": country_codes,
                  "unemployment_band": [unemployment_band] if unemployment_band else [],
                  "skill_level": skill_codes, "cycle_phase": cycle_codes}
        masks = [(part, self._part(rel, wanted[part])) for part, rel in _PARTS]
        by_part = dict(masks)
        score = np.zeros(len(self.keys), dtype=np.int64)
        for _, mask in masks:
            score += mask
        # Elsewhere in the country does not count beside the region itself.
        score -= by_part["region"] & by_part["country"]
        candidates = np.flatnonzero((score > 0) & (self.validated if validated_only else True))
        # Most parts first, then by key: row numbers are in key order.
        order = np.lexsort((candidates, -score[candidates]))
        chosen = candidates[order[:limit] if limit is not None else order]
        rows = []
        for number in chosen.tolist():
            dims = sorted(part for part, mask in masks if mask[number])
            rows.append({"key": self.keys[number], "programme_type": self.programme_types[number],
                         "mechanism": self.mechanisms[number], "status": self.statuses[number], "dims": dims})
        return rows


# Weakly held: a store that is gone takes its index with it.
_indexes: weakref.WeakKeyDictionary[GraphStore, ContextIndex] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def context_index_of(store: GraphStore) -> ContextIndex:
    """The store's index, built again when the graph has changed since it was built."""
    generation = store.generation()
    index = _indexes.get(store)
    if index is not None and index.generation == generation:
        return index
    with _lock:
        index = _indexes.get(store)
        if index is None or index.generation != generation:
            index, _ = build(store)
            _indexes[store] = index
            # The index, and everything loaded before it (schemes, templates, the app), lives as long
            # as the process. Moved out of the collector's reach, it is not walked again by every
            # full collection the questions' short-lived objects set off: at 100,000 configurations
            # those walks were the slowest questions' extra 100 ms. Reference counting still frees
            # an index that a newer one replaces.
            gc.freeze()
    return index


def build(store: GraphStore) -> tuple[ContextIndex, BuildReport]:
    started = time.perf_counter()
    # The generation is read first: a change during the read makes the next question build again.
    generation = store.generation()
    index = ContextIndex(store.configuration_contexts(), generation)
    return index, BuildReport(len(index), time.perf_counter() - started)


def forget(store: GraphStore) -> None:
    """Drop a store's index (when the store is closed)."""
    _indexes.pop(store, None)
