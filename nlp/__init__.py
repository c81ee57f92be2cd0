"""Context, Mechanism and Outcome spans proposed from text, with the reason for each.

`extract(texts, lang=None)` is the entry point; `evaluate` scores proposals against annotated
passages exactly as the CMO annotation guidelines define it. Nothing here knows Flask.
"""

from nlp.extract import Extraction, ProposedConfiguration, ProposedSpan, extract

__all__ = ["Extraction", "ProposedConfiguration", "ProposedSpan", "extract"]
