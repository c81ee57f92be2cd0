"""Write the labour-market figures shipped as default content, from the curated extracts.

    .venv/bin/python tools/labour_defaults.py ../shared/data/labour

The extracts hold figures Eurostat's dissemination API returned, one row per figure with the date
it was retrieved (its vintage). This writes them in Eurostat's SDMX-CSV layout, the vintage as the
LAST UPDATE, so that the platform loads its defaults through the same importer as any download.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "labour" / "default_data"
TABLES = {
    # extract file: (output file, DATAFLOW, dimension columns and their fixed codes)
    "job_vacancy_rate_q.csv": ("jvs_q_nace2.csv", "ESTAT:JVS_Q_NACE2(1.0)",
                               {"freq": "Q", "s_adj": "SA", "nace_r2": "B-S", "sizeclas": "TOTAL",
                                "indic_em": "JOBRATE"}),
    "unemployment_rate_m.csv": ("une_rt_m.csv", "ESTAT:UNE_RT_M(1.0)",
                                {"freq": "M", "s_adj": "SA", "age": "TOTAL", "unit": "PC_ACT", "sex": "T"}),
}


def main(folder: Path) -> None:
    for extract, (name, dataflow, dimensions) in TABLES.items():
        with (folder / extract).open(encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        with (OUT / name).open("w", encoding="utf-8", newline="") as target:
            writer = csv.writer(target, lineterminator="\n")
            writer.writerow(["DATAFLOW", "LAST UPDATE", *dimensions, "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"])
            for row in sorted(rows, key=lambda r: (r["country"], r["period"])):
                if row["seasonal_adjustment"] != dimensions["s_adj"]:
                    raise SystemExit(f"{extract}: {row['country']} {row['period']} is not {dimensions['s_adj']}")
                writer.writerow([dataflow, row["vintage_committed"], *dimensions.values(), row["country"],
                                 row["period"], row["value"], ""])
        print(f"{OUT / name}: {len(rows)} figures")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/labour"))
