"""The `almpo` command (the same commands answer `flask --app webapp`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, ScriptInfo, routes_command, shell_command
from flask.cli import run_command as flask_run_command
from sqlalchemy import select

import nlp.cli
from exports.registry import write_export
from graph.errors import GraphError
from graph.projector import initialise_graph, pending_events, project_pending
from labour.defaults import load_default_figures
from labour.importer import ImportRefused, import_file, read_upload
from labour.observations import coverage
from labour.shortage_records import ShortageImportRefused, count_by_kind, import_shortage_file
from nlp.cli import nlp_cli
from records.annotations import training_passages
from records.db import transaction
from records.demo import load_demo_content
from records.errors import RecordsError
from records.migrate import current_revision, head_revision, make_revision, schema_differences, upgrade
from records.models import ROLES, Survey
from records.surveys import count_responses, get_survey, purge_expired, set_survey_status
from records.users import (
    create_user,
    ensure_first_admin,
    generate_password,
    list_users,
    set_active,
    set_password,
    set_role,
)
from survey_forms.errors import SurveyError
from survey_forms.xlsform import XLSFormError, read_xlsform
from webapp.database import engine, session_factory
from webapp.graph_access import graph_store, synced_graph
from webapp.survey.install import install_definition, install_raw

db_cli = AppGroup("db", help="The records database: migrations and checks.")
users_cli = AppGroup("users", help="Accounts of admins, analysts and facilitators.")
demo_cli = AppGroup("demo", help="Demo content for a first look at the platform.")
graph_cli = AppGroup("graph", help="The knowledge graph.")
export_cli = AppGroup("export", help="The knowledge graph in formats other tools read.")
survey_cli = AppGroup("survey", help="Surveys: install definitions, open and close, apply retention.")
SHORTAGE_KIND_NAMES = {"list": "shortage and surplus list", "indicators": "occupation indicator values",
                       "cutoffs": "indicator cut-offs"}
labour_cli = AppGroup("labour", help="Labour-market figures: import Eurostat tables, see what is covered.")


def register_commands(app) -> None:
    for group in (db_cli, users_cli, demo_cli, graph_cli, export_cli, survey_cli, labour_cli):
        app.cli.add_command(group)
    # Extraction and evaluation need no database or app state: a plain click group. Training from
    # the records gets them through this one function.
    app.cli.add_command(nlp_cli)
    nlp.cli.records_passages = _coded_passages


def _coded_passages() -> list[dict]:
    """The speaker turns facilitators coded, as training passages (see records.annotations)."""
    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context(), transaction(session_factory()) as session:
        return training_passages(session)


def _fail(message: str) -> None:
    click.secho(message, fg="red", err=True)
    sys.exit(1)


# -- db ------------------------------------------------------------------------------------------

@db_cli.command("upgrade", help="Apply every migration the database lacks (safe to repeat).")
def db_upgrade() -> None:
    upgrade(engine())
    click.echo(f"Database at revision {current_revision(engine())} ({engine().dialect.name}).")


@db_cli.command("current", help="Show the database's revision and the newest one.")
def db_current() -> None:
    click.echo(f"current: {current_revision(engine())}\nhead:    {head_revision(engine())}")


@db_cli.command("check", help="Exit non-zero when the models and the migrated database differ.")
def db_check() -> None:
    differences = schema_differences(engine())
    if differences:
        _fail("The models and the database differ:\n" + "\n".join(map(str, differences)))
    click.echo("The models and the database agree.")


@db_cli.command("revision", help="Write a new migration from the models (for developers).")
@click.option("-m", "--message", required=True, help="What the migration changes.")
def db_revision(message: str) -> None:
    make_revision(engine(), message)


# -- users ---------------------------------------------------------------------------------------

def _find_user(session, username: str):
    for user in list_users(session):
        if user.username == username.strip().lower():
            return user
    _fail(f"No user called {username!r}.")


@users_cli.command("create", help="Create an account; a password is generated unless given.")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--display-name", default="", help="The person's name as the pages show it.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_create(username: str, role: str, display_name: str, password_stdin: bool) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        with transaction(session_factory()) as session:
            user, password = create_user(session, username, role, password,
                                         display_name=display_name, actor="cli")
    except RecordsError as error:
        _fail(f"Not created: {error}")
    click.echo(f"Created {user.username} ({user.role}).")
    if not password_stdin:
        click.echo(f"Password (shown once): {password}")


@users_cli.command("list", help="List every account.")
def users_list() -> None:
    with session_factory()() as session:
        for user in list_users(session):
            state = "active" if user.active else "deactivated"
            click.echo(f"{user.username:24} {user.role:12} {state}")


def _change_account(username: str, change, done: str) -> None:
    """Apply `change(session, user)` in one transaction, or say why nothing changed."""
    try:
        with transaction(session_factory()) as session:
            change(session, _find_user(session, username))
    except RecordsError as error:
        _fail(f"Not changed: {error}")
    click.echo(done)


@users_cli.command("set-role", help="Give an account another role.")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
def users_set_role(username: str, role: str) -> None:
    _change_account(username, lambda session, user: set_role(session, user, role, actor="cli"),
                    f"{username} is now {role}.")


@users_cli.command("deactivate", help="Stop an account from signing in (it is kept).")
@click.argument("username")
def users_deactivate(username: str) -> None:
    _change_account(username, lambda session, user: set_active(session, user, False, actor="cli"),
                    f"{username} is deactivated.")


@users_cli.command("reset-password", help="Give an account a new generated password.")
@click.argument("username")
def users_reset_password(username: str) -> None:
    password = generate_password()
    _change_account(username, lambda session, user: set_password(session, user, password, actor="cli"),
                    f"New password for {username} (shown once): {password}")


# -- demo ----------------------------------------------------------------------------------------

@demo_cli.command("load", help="Load the demo content; loading it again adds nothing.")
def demo_load() -> None:
    report = load_demo_content(session_factory())
    with transaction(session_factory()) as session:
        survey = install_definition(session, actor="demo")
        survey_key = survey.key
    click.echo(f"Survey {survey_key} is installed.")
    click.echo(f"Demo content: {report.practices_added} practices added, "
               f"{report.practices_present} already present; {report.sources_added} sources and "
               f"{report.configurations_added} evidence configurations added, "
               f"{report.configurations_present} already present.")
    for figures in load_default_figures(session_factory()):
        state = "already loaded" if figures.already_imported else "loaded"
        click.echo(f"Labour-market figures {figures.file_name} ({', '.join(figures.datasets)}, Source: Eurostat): "
                   f"{figures.observations} {state}.")


# -- labour market -------------------------------------------------------------------------------

@labour_cli.command("import", help="Import Eurostat tables (TSV or SDMX-CSV, detected); each file whole or not at all.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def labour_import(files: tuple[Path, ...]) -> None:
    refused = 0
    for path in files:
        data = path.read_bytes()
        try:
            # Read and checked first, so that the bar below measures the writing of a file known to be good.
            upload = read_upload(path.name, data)
        except ImportRefused as error:
            click.secho(f"Refused, nothing imported: {error}", fg="red", err=True)
            refused += 1
            continue
        with transaction(session_factory()) as session, click.progressbar(
                length=len(upload.figures.observations), label=f"Importing {path.name}", file=sys.stderr) as bar:
            report = import_file(session, path.name, data, actor="cli", on_progress=bar.update, upload=upload)
        if report.already_imported:
            click.echo(f"{path.name}: already imported on {report.imported_at:%Y-%m-%d %H:%M} "
                       f"(import {report.import_id}); nothing changed.")
            continue
        click.echo(f"{path.name} ({report.format}, {', '.join(report.datasets)}): {report.observations} figures "
                   f"imported, {report.missing} missing, {report.flagged} flagged"
                   + (f", {report.outside_scope} outside the EU-27 left out" if report.outside_scope else "") + ".")
    if refused:
        sys.exit(1)


@labour_cli.command("import-shortages",
                    help="Import shortage files (CSV): shortage/surplus lists, occupation indicator values or "
                         "their cut-offs, told apart by the header; each file whole or not at all.")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def labour_import_shortages(files: tuple[Path, ...]) -> None:
    refused = 0
    for path in files:
        try:
            with transaction(session_factory()) as session:
                report = import_shortage_file(session, path.name, path.read_bytes(), actor="cli")
        except ShortageImportRefused as error:
            click.secho(f"Refused, nothing imported: {error}", fg="red", err=True)
            refused += 1
            continue
        if report.already_imported:
            click.echo(f"{path.name}: already imported on {report.imported_at:%Y-%m-%d %H:%M} "
                       f"(import {report.import_id}); nothing changed.")
            continue
        click.echo(f"{path.name} ({SHORTAGE_KIND_NAMES[report.kind]}): {report.rows} rows imported"
                   + (f", {report.outside_scope} outside the EU-27 left out" if report.outside_scope else "") + ".")
    if refused:
        sys.exit(1)


@labour_cli.command("status", help="Show which datasets and places hold figures, their periods, and the shortage "
                                   "signals held.")
def labour_status() -> None:
    with session_factory()() as session:
        rows = coverage(session)
        shortage_rows = count_by_kind(session)
    if not rows:
        click.echo("No labour-market figures yet: run `almpo labour import FILE...` or `almpo demo load`.")
    for row in rows:
        click.echo(f"{row.dataset:14} {row.geo:10} {row.first} to {row.last}: {row.periods} periods, "
                   f"{row.missing} missing, {row.flagged} flagged")
    if shortage_rows:
        click.echo("Shortage signals: " + ", ".join(f"{rows_} rows of {SHORTAGE_KIND_NAMES[kind]}"
                                                     for kind, rows_ in sorted(shortage_rows.items())) + ".")
    else:
        click.echo("No shortage signals yet: run `almpo labour import-shortages FILE...`.")


# -- graph ---------------------------------------------------------------------------------------

def _project_with_progress(project, store, batch_size: int, label: str):
    pending = pending_events(session_factory(), store)
    with click.progressbar(length=pending, label=label, file=sys.stderr) as bar:
        return project(session_factory(), store, batch_size=batch_size, on_batch=bar.update)


def _report(report, store) -> None:
    click.echo(f"{report.events_applied} events applied in {report.batches} batches; "
               f"the {store.backend} graph is at event {report.position.event_id}.")
    for event_id, reason in report.dead_letters:
        click.secho(f"  event {event_id} set aside: {reason}", fg="yellow")


@graph_cli.command("init", help="Create the graph's constraints and concept nodes (safe to repeat).")
def graph_init() -> None:
    try:
        store = graph_store()
        initialise_graph(store)
    except GraphError as error:
        _fail(f"The graph could not be initialised: {error}")
    counts = store.counts()
    click.echo(f"The {store.backend} graph holds {sum(v for k, v in counts.items() if k != 'relationships')} "
               f"nodes and {counts['relationships']} relationships.")


@graph_cli.command("sync", help="Apply to the graph every recorded change it has not seen yet.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--follow", is_flag=True, help="Keep running and apply new changes as they are recorded.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="With --follow: seconds between looks at the outbox.")
def graph_sync(batch_size: int, follow: bool, interval: float) -> None:
    import time

    try:
        store = graph_store()
        report = _project_with_progress(project_pending, store, batch_size, "Projecting events")
        _report(report, store)
        while follow:
            time.sleep(interval)
            report = project_pending(session_factory(), store, batch_size=batch_size)
            if report.batches:
                _report(report, store)
    except GraphError as error:
        _fail(f"The graph could not be brought up to date: {error}")
    except KeyboardInterrupt:
        click.echo("Stopped.")
    if store.backend == "memory":
        click.echo("Note: the embedded graph lives in memory; the web app rebuilds it at start. "
                   "Set ALMPO_NEO4J_URI to keep a persistent graph.")


@graph_cli.command("rebuild", help="Empty the graph and project every recorded change again.")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def graph_rebuild(batch_size: int, yes: bool) -> None:
    if not yes:
        click.confirm("This empties the graph and rebuilds it from the records. Go on?", abort=True)
    try:
        store = graph_store()
        store.clear()
        initialise_graph(store)
        report = _project_with_progress(project_pending, store, batch_size, "Rebuilding")
    except GraphError as error:
        _fail(f"The graph could not be rebuilt: {error}")
    _report(report, store)


@graph_cli.command("dead-letters", help="List the recorded changes the graph could not apply.")
def graph_dead_letters() -> None:
    from records.projection import dead_letters
    with session_factory()() as session:
        letters = dead_letters(session)
    if not letters:
        click.echo("No recorded change was set aside.")
    for letter in letters:
        click.echo(f"event {letter.event_id} ({letter.event_type} {letter.aggregate_key}): {letter.reason}")


@graph_cli.command("status", help="Show the graph backend, its counts and how far behind it is.")
def graph_status() -> None:
    try:
        store = graph_store()
        if store.backend == "memory":
            # The embedded graph lives in this process: build it first, or there is nothing to show.
            project_pending(session_factory(), store)
        health = store.health()
        pending = pending_events(session_factory(), store)
    except GraphError as error:
        _fail(f"The graph is unavailable: {error}")
    click.echo(f"backend: {health['backend']}  last applied event: {health['last_applied_event']}  "
               f"pending: {pending}")
    for name, count in sorted(store.counts().items()):
        click.echo(f"  {name:20} {count}")


# -- export --------------------------------------------------------------------------------------

def _write_export(name: str, out: Path) -> None:
    try:
        written = write_export(synced_graph(), name, out)
    except GraphError as error:
        _fail(f"Nothing exported: {error}")
    except OSError as error:
        _fail(f"Nothing exported: cannot write {out}: {error.strerror}")
    for path in written:
        click.echo(f"Wrote {path} ({path.stat().st_size} bytes).")


def _export_command(name: str, description: str):
    @export_cli.command(name, help=f"Write the knowledge graph as {description}.")
    @click.option("-o", "--out", type=click.Path(path_type=Path), required=True,
                  help="The file to write (for csv: a folder).")
    def command(out: Path) -> None:
        _write_export(name, out)
    return command


@export_cli.command("rdf", help="Write the knowledge graph as RDF (Turtle, JSON-LD or N-Triples).")
@click.option("--format", "rdf_format", type=click.Choice(["turtle", "json-ld", "nt"]), default="turtle",
              show_default=True)
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="The file to write.")
def export_rdf(rdf_format: str, out: Path) -> None:
    _write_export(rdf_format, out)


_export_command("graphml", "GraphML (for Gephi, Cytoscape, yEd)")
_export_command("csv", "two CSV tables, nodes.csv and edges.csv")


# -- survey --------------------------------------------------------------------------------------

@survey_cli.command("install", help="Check a survey definition (YAML) and install it; the shipped survey by default.")
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@click.option("--closed", is_flag=True, help="Install it closed (open it later with `almpo survey open`).")
def survey_install(definition: Path | None, closed: bool) -> None:
    try:
        text = definition.read_text("utf-8") if definition else None
        with transaction(session_factory()) as session:
            survey = install_definition(session, text, status="closed" if closed else "open", actor="cli")
            click.echo(f"Survey {survey.key} ({survey.status}): {survey.title}")
    except (SurveyError, UnicodeDecodeError) as error:
        _fail(f"Not installed: {error}")


@survey_cli.command("import", help="Create a survey from an XLSForm workbook (.xlsx).")
@click.argument("workbook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--closed", is_flag=True, help="Install it closed.")
def survey_import(workbook: Path, closed: bool) -> None:
    try:
        definition, raw = read_xlsform(workbook.read_bytes())
    except XLSFormError as error:
        click.secho("Not imported. The form has these problems:", fg="red", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    with transaction(session_factory()) as session:
        survey = install_raw(session, raw, status="closed" if closed else "open", actor="cli")
        click.echo(f"Survey {survey.key} ({survey.status}): {len(definition.questions())} questions in "
                   f"{len(definition.pages)} pages, languages {', '.join(definition.languages)}.")


@survey_cli.command("list", help="List the surveys with their state and number of responses.")
def survey_list() -> None:
    with session_factory()() as session:
        for survey in session.scalars(select(Survey).order_by(Survey.id)):
            click.echo(f"{survey.key:28} {survey.status:8} {count_responses(session, survey):6} submitted  "
                       f"{survey.title}")


def _set_status(key: str, status: str) -> None:
    try:
        with transaction(session_factory()) as session:
            set_survey_status(session, get_survey(session, key), status, actor="cli")
    except RecordsError as error:
        _fail(str(error))
    click.echo(f"{key} is {status}.")


@survey_cli.command("open", help="Open a survey for answers.")
@click.argument("key")
def survey_open(key: str) -> None:
    _set_status(key, "open")


@survey_cli.command("close", help="Close a survey: it accepts no more answers.")
@click.argument("key")
def survey_close(key: str) -> None:
    _set_status(key, "closed")


@survey_cli.command("purge", help="Erase responses past their retention period (run it daily).")
def survey_purge() -> None:
    with transaction(session_factory()) as session:
        erased = purge_expired(session)
    click.echo(f"{erased} responses erased.")


# -- run -----------------------------------------------------------------------------------------

@click.command("run", params=list(flask_run_command.params),
               help="Serve the platform (default http://127.0.0.1:5000). Migrates the database and "
                    "creates the first admin, printing its password once, when there is none.")
@click.pass_context
def run_command(ctx: click.Context, **options) -> None:
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        upgrade(engine())
        with transaction(session_factory()) as session:
            password = ensure_first_admin(session)
        if password:
            click.secho("\n" + "=" * 64, fg="yellow")
            click.secho("First start: an admin account was created.", fg="yellow", bold=True)
            click.echo("  user name: admin")
            click.echo(f"  password:  {password}")
            click.secho("This password is shown only now. Sign in and keep it safe.", fg="yellow")
            click.secho("=" * 64 + "\n", fg="yellow")
        current_app.logger.info("Serving with the %s records database", engine().dialect.name)
    ctx.invoke(flask_run_command, **options)


def _create_app():
    from webapp import create_app
    return create_app()


cli = FlaskGroup(
    name="almpo", create_app=_create_app, add_default_commands=False, load_dotenv=False,
    help="EU-ALMPO: the observatory platform for Active Labour Market Policies.")
cli.add_command(run_command)
cli.add_command(shell_command)
cli.add_command(routes_command)


def main() -> None:
    cli.main(prog_name="almpo")
