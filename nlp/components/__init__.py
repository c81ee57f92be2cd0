"""spaCy components of the extractor, registered with `@Language.factory` when imported."""

from nlp.components import rules, turns  # noqa: F401  (registration happens on import)
