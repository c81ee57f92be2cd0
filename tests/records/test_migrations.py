"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from sqlalchemy import inspect, text

from records.migrate import current_revision, downgrade, head_revision, schema_differences, upgrade


def test_migrated_database_matches_the_models(engine):
    assert current_revision(engine) == head_revision(engine)
    assert schema_differences(engine) == []


def test_upgrading_twice_changes_nothing(engine):
    tables = set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == tables
    assert {"users", "audit_log", "outbox_events", "practices"} <= tables


def test_a_schema_that_drifted_from_the_models_is_reported(engine):
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE stray_table (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE INDEX ix_stray_practice_name ON practices (name)"))
    differences = [str(d) for d in schema_differences(engine)]
    assert any("stray_table" in d for d in differences)
    assert any("ix_stray_practice_name" in d for d in differences)


def test_downgrade_to_nothing_and_back(engine):
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert schema_differences(engine) == []
