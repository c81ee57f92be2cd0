"""Labour-market import throughput, against a bare pandas.read_csv of the same file in the same run.

A synthetic Eurostat TSV of about one million observations (the layout of `une_rt_m`: 29 places,
3 age groups, 2 units, 3 sexes, 3 adjustments, 639 months, a few flags and missing values) is
imported into the records (SQLite, or PostgreSQL with --database-url, which is emptied), then read
by pandas alone. Also times the indicators (tightness, Beveridge path, cycle phases) for every
place and quarter of the shipped figures.

    .venv/bin/python benchmarks/labour_import.py [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas  # noqa: E402
from sqlalchemy import text  # noqa: E402

from labour.defaults import load_default_figures  # noqa: E402
from labour.importer import import_file  # noqa: E402
from labour.observations import places  # noqa: E402
from labour.picture import picture  # noqa: E402
from records.db import make_engine, make_session_factory, transaction  # noqa: E402
from records.migrate import upgrade  # noqa: E402

PLACES = ["AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE", "IT", "LT",
          "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "EA20", "EU27_2020"]
AGES, UNITS, SEXES, ADJUSTMENTS = ("TOTAL", "Y_LT25", "Y25-74"), ("PC_ACT", "THS_PER"), ("T", "M", "F"), (
    "SA", "NSA", "TC")
MONTHS = [f"{year}-{month:02d}" for year in range(1971, 2025) for month in range(1, 13)][:639]


def synthetic_tsv(path: Path, seed: int = 5) -> int:
    """Write the file; returns how many observations it holds."""
    rng = random.Random(seed)
    count = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("freq,s_adj,age,unit,sex,geo\\TIME_PERIOD\t" + "\t".join(f"{m} " for m in MONTHS) + "\n")
        for geo in PLACES:
            for age in AGES:
                for unit in UNITS:
                    for sex in SEXES:
                        for adjustment in ADJUSTMENTS:
                            cells = []
                            for _ in MONTHS:
                                draw = rng.random()
                                if draw < 0.03:
                                    cells.append(": ")
                                elif draw < 0.06:
                                    cells.append(f"{rng.uniform(2, 25):.1f} {rng.choice(['p', 'e', 'b', 'bu'])}")
                                else:
                                    cells.append(f"{rng.uniform(2, 25):.1f} ")
                            out.write(f"M,{adjustment},{age},{unit},{sex},{geo}\t" + "\t".join(cells) + "\n")
                            count += len(cells)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url",
                        help="PostgreSQL to import into (emptied); SQLite in a temporary folder otherwise")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "estat_une_rt_m.tsv"
        observations = synthetic_tsv(path)
        size = path.stat().st_size / 1e6
        url = args.database_url or f"sqlite:///{Path(folder) / 'records.db'}"
        engine = make_engine(url)
        if url.startswith("postgresql"):
            with engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade(engine)
        factory = make_session_factory(engine)
        data = path.read_bytes()

        gc.collect()
        started = time.perf_counter()
        baseline = pandas.read_csv(path, sep="\t", dtype=str)
        pandas_seconds = time.perf_counter() - started
        del baseline

        gc.collect()
        started = time.perf_counter()
        with transaction(factory) as session:
            report = import_file(session, path.name, data, actor="benchmark")
        import_seconds = time.perf_counter() - started
        assert report.observations == observations - report.outside_scope, report

        started = time.perf_counter()
        with transaction(factory) as session:
            again = import_file(session, path.name, data, actor="benchmark")
        repeat_seconds = time.perf_counter() - started
        assert again.already_imported

        # The indicators of every place of the shipped figures: tightness, Beveridge path and moves,
        # and cycle phases (seasonal adjustment where needed, HP trend), as a page computes them.
        engine.dispose()
        shipped = make_engine(f"sqlite:///{Path(folder) / 'shipped.db'}")
        upgrade(shipped)
        factory = make_session_factory(shipped)
        load_default_figures(factory)
        with factory() as session:
            every_place = places(session)
            started = time.perf_counter()
            pictures = [picture(session, geo) for geo in every_place]
            indicator_seconds = time.perf_counter() - started
        quarters = sum(len(p.phases) for p in pictures)
        shipped.dispose()

    print(f"synthetic une_rt_m TSV: {observations:,} observations, {size:.0f} MB, "
          f"{'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}")
    print("step | seconds | observations/s")
    print(f"pandas.read_csv (baseline) | {pandas_seconds:.2f} | {observations / pandas_seconds:,.0f}")
    print(f"almpo import (read, check, store) | {import_seconds:.2f} | {observations / import_seconds:,.0f}")
    print(f"the same file again (recognised) | {repeat_seconds:.2f} | -")
    print(f"ratio import/pandas throughput: {pandas_seconds / import_seconds:.3f}")
    print(f"imported {report.observations:,}: {report.missing:,} missing, {report.flagged:,} flagged")
    print(f"indicators and phases of the shipped figures: {len(pictures)} places, {quarters} phased quarters, "
          f"{indicator_seconds:.2f} s ({indicator_seconds / len(pictures) * 1000:.0f} ms a place)")


if __name__ == "__main__":
    main()
