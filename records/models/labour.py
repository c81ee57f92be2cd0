"""Labour-market figures as published: one row per figure and file it came in.

Each imported file is a vintage. Figures are revised, so the same series, place and period may be
held several times, once per vintage; views read the newest. Nothing here is estimated: a period
Eurostat left empty is a row with no value, kept so that coverage can be shown as it is.
"""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from records.db import Base
from records.models._columns import JSONDocument, utcnow


class LabourImport(Base):
    """One imported file: where its figures come from and when they were published and read."""

    __tablename__ = "labour_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    # The same file imported twice is recognised by its hash and changes nothing.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    format: Mapped[str] = mapped_column(String(16))
    datasets: Mapped[list] = mapped_column(JSONDocument, default=list)
    # The publisher's newest "last update" in the file (SDMX-CSV carries one per row; TSV none).
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")
    attribution: Mapped[str] = mapped_column(String(200), default="")
    observations: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    # Rows of countries outside the platform's scope (Norway, Switzerland...) left out of the file.
    outside_scope: Mapped[int] = mapped_column(Integer, default=0)


class LabourSeries(Base):
    """One series of one dataset for one place: the dimensions every figure of it shares."""

    __tablename__ = "labour_series"
    __table_args__ = (UniqueConstraint("dataset", "series", "geo"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(40))
    # Every dimension but geo and time, as 'freq=Q,s_adj=SA,...' (see labour.datasets.series_key).
    series: Mapped[str] = mapped_column(String(400))
    geo: Mapped[str] = mapped_column(String(16))
    # The same dimensions as a document, for exports and the API.
    dimensions: Mapped[dict] = mapped_column(JSONDocument, default=dict)


class LabourObservation(Base):
    """One figure of a series as one file gave it."""

    __tablename__ = "labour_observations"
    __table_args__ = (UniqueConstraint("series_id", "period", "import_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    series_id: Mapped[int] = mapped_column(ForeignKey("labour_series.id", ondelete="CASCADE"))
    import_id: Mapped[int] = mapped_column(ForeignKey("labour_imports.id", ondelete="CASCADE"), index=True)
    # '2021', '2021-Q3' or '2021-07'.
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Eurostat's flags as published ('p', 'e', 'b', 'bu'...).
    flags: Mapped[str] = mapped_column(String(8), default="")
    # When the publisher last updated this figure, where the file says so.
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class LabourPhase(Base):
    """The business-cycle phase of a place in a period, with the inputs and method it was read from.

    Computed from the figures after every import (labour.picture.refresh_phases), so that a page or
    the Design Wizard can cite why a quarter is, say, a downturn.
    """

    __tablename__ = "labour_phases"
    __table_args__ = (UniqueConstraint("geo", "period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geo: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(7))
    phase: Mapped[str] = mapped_column(String(16))
    # The cyclical indicator: "tightness" or "unemployment_rate".
    indicator: Mapped[str] = mapped_column(String(32))
    # The figures, thresholds and reading behind the phase (labour.phases.explain).
    inputs: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    method: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# -- Shortage signals by occupation ----------------------------------------------------------------


class ShortageImport(Base):
    """One imported shortage file: a shortage/surplus list, indicator values or cut-offs (labour.shortages)."""

    __tablename__ = "shortage_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    # The same file imported twice is recognised by its hash and changes nothing.
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    # "list", "indicators" or "cutoffs".
    kind: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    # Rows of countries outside the EU-27 (EURES lists cover Norway, Iceland...) left out of the file.
    outside_scope: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(64), default="")


class ShortageListEntry(Base):
    """An occupation on a country's shortage or surplus list for a year, as its source published it."""

    __tablename__ = "shortage_list_entries"
    __table_args__ = (UniqueConstraint("import_id", "country", "isco", "year", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("shortage_imports.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    # ISCO-08 code of 1 to 4 digits, a concept of the isco-08 scheme.
    isco: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(300))


class OccupationIndicatorValue(Base):
    """One indicator of an occupation in a country and year, for the shortage scorecard."""

    __tablename__ = "occupation_indicator_values"
    __table_args__ = (UniqueConstraint("import_id", "country", "isco", "year", "indicator", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("shortage_imports.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    isco: Mapped[str] = mapped_column(String(4))
    year: Mapped[int] = mapped_column(Integer)
    indicator: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))


class IndicatorCutoff(Base):
    """The three cut-offs that score an indicator 0 to 3, and where they come from; the newest import wins."""

    __tablename__ = "indicator_cutoffs"
    __table_args__ = (UniqueConstraint("import_id", "indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("shortage_imports.id", ondelete="CASCADE"), index=True)
    indicator: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200), default="")
    cutoff_1: Mapped[float] = mapped_column(Float)
    cutoff_2: Mapped[float] = mapped_column(Float)
    cutoff_3: Mapped[float] = mapped_column(Float)
    higher_means_shortage: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(300))
