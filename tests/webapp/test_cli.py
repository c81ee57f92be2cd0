"""The `almpo` command, as an operator uses it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.cli import cli

ALMPO = Path(sys.executable).with_name("almpo")


@pytest.fixture
def run_cli(tmp_path):
    """Runs `almpo ARGS` in-process against a fresh SQLite database in tmp_path."""
    from click.testing import CliRunner

    env = {"ALMPO_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "ALMPO_SECRET_KEY": "cli-tests"}

    def run(*args: str, input: str | None = None):
        return CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)

    return run


@pytest.mark.parametrize("command", [
    [], ["run"], ["db"], ["db", "upgrade"], ["db", "check"], ["users"], ["users", "create"],
    ["users", "list"], ["demo"], ["demo", "load"], ["graph"], ["graph", "sync"], ["graph", "status"],
    ["graph", "init"], ["graph", "rebuild"], ["graph", "dead-letters"], ["export"], ["export", "rdf"],
    ["export", "graphml"], ["export", "csv"],
])
def test_every_command_explains_itself(run_cli, command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_the_console_script_and_flask_entry_point_are_installed(tmp_path):
    env = os.environ | {"ALMPO_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    for command in ([str(ALMPO), "--help"], [sys.executable, "-m", "flask", "--app", "webapp", "--help"]):
        output = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=True)
        assert "users" in output.stdout and "graph" in output.stdout


def test_upgrade_create_users_and_load_demo(run_cli):
    assert "Database at revision" in run_cli("db", "upgrade").output
    assert run_cli("db", "check").exit_code == 0
    created = run_cli("users", "create", "Ana.Lyst", "--role", "analyst", "--display-name", "Ana")
    assert created.exit_code == 0
    assert "Created ana.lyst (analyst)" in created.output and "Password (shown once):" in created.output
    duplicate = run_cli("users", "create", "ana.lyst", "--role", "facilitator")
    assert duplicate.exit_code == 1 and "taken" in duplicate.output
    chosen = run_cli("users", "create", "fac", "--role", "facilitator", "--password-stdin",
                     input="a chosen long password\n")
    assert chosen.exit_code == 0 and "Password" not in chosen.output
    short = run_cli("users", "create", "fac2", "--role", "facilitator", "--password-stdin", input="short\n")
    assert short.exit_code == 1 and "at least 12" in short.output
    assert "ana.lyst" in run_cli("users", "list").output and "fac2" not in run_cli("users", "list").output

    first = run_cli("demo", "load").output
    again = run_cli("demo", "load").output
    added = int(first.split(":")[1].split()[0])
    assert added > 50 and "206 evidence configurations added" in first
    assert f"0 practices added, {added} already present" in again and "206 already present" in again


def test_graph_sync_projects_what_was_recorded(run_cli):
    run_cli("db", "upgrade")
    run_cli("demo", "load")
    result = run_cli("graph", "sync", "--batch-size", "100")
    assert result.exit_code == 0
    assert "events applied in 5 batches" in result.output
    status = run_cli("graph", "status").output
    assert "backend: memory" in status and "Practice" in status and "Configuration" in status
    assert "No recorded change was set aside." in run_cli("graph", "dead-letters").output


def test_export_commands_write_files_other_tools_read(run_cli, tmp_path):
    from rdflib import Graph
    run_cli("db", "upgrade")
    run_cli("demo", "load")
    for rdf_format, parser in (("turtle", "turtle"), ("json-ld", "json-ld"), ("nt", "nt")):
        out = tmp_path / f"graph.{rdf_format}"
        result = run_cli("export", "rdf", "--format", rdf_format, "-o", str(out))
        assert result.exit_code == 0 and "Wrote" in result.output
        assert len(Graph().parse(out, format=parser)) > 5000
    assert run_cli("export", "graphml", "-o", str(tmp_path / "g.graphml")).exit_code == 0
    assert run_cli("export", "csv", "-o", str(tmp_path / "tables")).exit_code == 0
    assert (tmp_path / "tables" / "edges.csv").stat().st_size > 10_000
    refused = run_cli("export", "rdf", "--format", "rdfxml", "-o", str(tmp_path / "x"))
    assert refused.exit_code == 2 and "'rdfxml' is not one of" in refused.output
    blocked = tmp_path / "file-in-the-way"
    blocked.write_text("")
    unwritable = run_cli("export", "csv", "-o", str(blocked))
    assert unwritable.exit_code == 1 and "Nothing exported" in unwritable.output


def test_graph_init_and_rebuild(run_cli):
    run_cli("db", "upgrade")
    run_cli("demo", "load")
    assert "nodes and" in run_cli("graph", "init").output
    refused = run_cli("graph", "rebuild", input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    rebuilt = run_cli("graph", "rebuild", "--yes")
    assert rebuilt.exit_code == 0 and "events applied" in rebuilt.output


def test_bad_arguments_get_a_clear_message(run_cli):
    result = run_cli("users", "create", "someone", "--role", "emperor")
    assert result.exit_code == 2 and "'emperor' is not one of" in result.output
    run_cli("db", "upgrade")
    missing = run_cli("users", "set-role", "nobody", "analyst")
    assert missing.exit_code == 1 and "No user called 'nobody'" in missing.output


def test_account_commands_change_what_they_say(run_cli):
    run_cli("db", "upgrade")
    run_cli("users", "create", "root", "--role", "admin")
    run_cli("users", "create", "ana", "--role", "analyst")
    assert run_cli("users", "set-role", "ana", "facilitator").output.strip() == "ana is now facilitator."
    assert run_cli("users", "deactivate", "ana").exit_code == 0
    listing = run_cli("users", "list").output
    assert "ana" in listing and "facilitator" in listing and "deactivated" in listing
    last_admin = run_cli("users", "deactivate", "root")
    assert last_admin.exit_code == 1 and "last active admin" in last_admin.output
    reset = run_cli("users", "reset-password", "root")
    assert "New password for root (shown once):" in reset.output


def test_survey_commands(run_cli, tmp_path):
    from tests.survey_forms.test_xlsform import SURVEY, workbook
    run_cli("db", "upgrade")
    assert "eu-almpo-cop-v1 (open)" in run_cli("survey", "install").output
    (tmp_path / "pilot.xlsx").write_bytes(workbook())
    imported = run_cli("survey", "import", str(tmp_path / "pilot.xlsx"), "--closed")
    assert imported.exit_code == 0 and "pilot-v2024110101 (closed)" in imported.output
    (tmp_path / "bad.xlsx").write_bytes(workbook(survey=SURVEY + [["calculate", "s", "S", "S"]]))
    refused = run_cli("survey", "import", str(tmp_path / "bad.xlsx"))
    assert refused.exit_code == 1 and "calculate" in refused.output
    assert "eu-almpo-cop-v1 is closed." in run_cli("survey", "close", "eu-almpo-cop-v1").output
    listing = run_cli("survey", "list").output
    assert "eu-almpo-cop-v1" in listing and "closed" in listing
    assert run_cli("survey", "open", "nope").exit_code == 1
    assert "0 responses erased." in run_cli("survey", "purge").output


def test_nlp_train_from_records_learns_from_what_facilitators_coded(run_cli, tmp_path):
    """The loop that makes the extractor learn: coded speaker turns in the records become training
    passages; the model card names them."""
    from records.annotations import annotate
    from records.db import make_engine, make_session_factory, transaction
    from records.sessions import TurnSpan, add_text_source, save_session
    from records.users import create_user

    run_cli("db", "upgrade")
    groups = ["young people", "older workers", "lone parents", "refugees", "low-skilled adults"]
    programmes = ["wage subsidies", "job search training", "mentoring", "work placements"]
    results = ["raised their employment rate", "shortened their time on benefits", "improved their earnings"]
    lines, spans = [], []
    offset = 0
    for n in range(60):
        group, programme, result = groups[n % 5], programmes[n % 4], results[n % 3]
        said = f"For {group}, {programme} {result}."
        line = f"Speaker {n % 3}: {said}"
        start = offset + line.index(said)
        lines.append(line)
        spans.append((start, start + len(said),
                      [(said.index(part), part, label) for part, label in
                       ((group, "context"), (programme, "mechanism"), (result, "outcome"))]))
        offset += len(line) + 1
    text = "\n".join(lines)
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with transaction(make_session_factory(engine)) as session:
        create_user(session, "fatima", "facilitator", "a long enough password", actor="test")
        record = save_session(session, title="Coded", language="en", facilitators=["fatima"], actor="fatima")
        source = add_text_source(session, title="t", text=text, format="paste", session_key=record.key,
                                 turns=[TurnSpan(f"Speaker {n % 3}", start, end) for n, (start, end, _) in
                                        enumerate(spans)], language="en", actor="fatima")
        for start, _, parts in spans:
            for at, part, label in parts:
                annotate(session, source_key=source.key, coder="fatima", label=label, start=start + at,
                         end=start + at + len(part))
    engine.dispose()

    out = tmp_path / "models"
    result = run_cli("nlp", "train", "--from-records", "--out", str(out), "--epochs", "4")
    assert result.exit_code == 0, result.output
    assert "60 coded speaker turns from the records" in result.output
    current = json.loads((out / "current.json").read_text())
    card = json.loads((out / current["version"] / "card.json").read_text())
    assert card["data"] == ["records (60 coded turns)"]
    assert card["training"]["passages"] + card["held_out"]["passages"] == 60

    nothing = run_cli("nlp", "train", "--out", str(out))
    assert nothing.exit_code == 2 and "--from-records" in nothing.output
