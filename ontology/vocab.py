"""Node labels and relationship types of the knowledge graph.

These enums are the only source of labels and relationship types used in Cypher: a graph store
refuses any other, so a typo fails loudly instead of creating a stray label.
"""

from enum import StrEnum

__all__ = ["CHECKPOINT_LABEL", "KEY_PROPERTY", "NodeLabel", "RelType"]


class NodeLabel(StrEnum):
    PRACTICE = "Practice"
    PROGRAMME_TYPE = "ProgrammeType"
    REGION = "Region"
    SOURCE = "Source"


class RelType(StrEnum):
    OF_TYPE = "OF_TYPE"
    IMPLEMENTED_IN = "IMPLEMENTED_IN"
    DOCUMENTED_BY = "DOCUMENTED_BY"


# Every node is addressed by this property, unique per label.
KEY_PROPERTY = "key"

# The node where a graph store remembers the last outbox event it applied. Bookkeeping, not
# knowledge: stores leave it out of every query answer.
CHECKPOINT_LABEL = "AlmpoProjectorCheckpoint"
