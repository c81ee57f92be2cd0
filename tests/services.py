"""Where the real services for tests are, and what happens when one is missing.

`make test` starts PostgreSQL and Neo4j and sets the variables below. Run alone, a test that needs
a missing service is skipped with a message that says how to get it; under CI=true it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ON_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get("ALMPO_TEST_POSTGRES_URL")
NEO4J_URI = os.environ.get("ALMPO_TEST_NEO4J_URI")
CHROMIUM = os.environ.get("ALMPO_TEST_CHROMIUM", "/usr/bin/chromium")

HOW_TO = {
    "postgres": "run `make test` (it starts PostgreSQL 15; as root on Debian it installs it), or set "
                "ALMPO_TEST_POSTGRES_URL=postgresql+psycopg://USER@HOST:PORT/DB",
    "neo4j": "run `make test` (it resolves Neo4j 5.26 from Maven Central and starts it; needs Java 17 "
             "and Maven), or set ALMPO_TEST_NEO4J_URI=bolt://127.0.0.1:PORT",
    "browser": "install Chromium (`apt-get install chromium`) or set ALMPO_TEST_CHROMIUM to its path",
    "shared data": "put the shared data folder (with cmo_dev.jsonl) beside the repository, as CI has it",
}


def missing(service: str, detail: str = "") -> None:
    """Skip, or fail under CI=true, because `service` is not available."""
    reason = f": {detail}" if detail else ""
    message = f"{service} is not available{reason}. To run this test, {HOW_TO[service]}."
    if ON_CI:
        pytest.fail(f"CI=true requires every real service. {message}", pytrace=False)
    pytest.skip(message)


def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        missing("browser", f"no browser at {CHROMIUM}")
    return CHROMIUM


def shared_data_dir() -> Path | None:
    """The real data beside the repository (in a user's clone it is absent)."""
    path = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    return path if path.is_dir() else None


def require_shared_data(name: str) -> Path:
    """A file of the shared data; skipped without it, except under CI=true where it must be there."""
    folder = shared_data_dir()
    if folder is None or not (folder / name).is_file():
        missing("shared data", f"no {name} beside the repository")
    return folder / name
