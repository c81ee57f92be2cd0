"""Survey intake under load: concurrent respondents completing the whole survey through gunicorn
against PostgreSQL, and, in the same server, a bare endpoint that inserts the same rows (the response
and its outbox event) with plain SQL: no forms, no validation, no session, no ORM.

    .venv/bin/python benchmarks/survey_intake.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/db

Prints submissions per second, p50 and p99 latency of one complete submission, the ratio of the
survey path to the bare path, and checks that every acknowledged submission is stored.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SURVEY = "eu-almpo-cop-v1"
ANSWERS = {  # a respondent from a national PES who does not use AI and shares no practice
    "consent": {"consent": "y"},
    "A": {"A1": "DE", "A1b": "DE21", "A2": "pes_national", "A3": "pes_manager", "A5": "no"},
    "B": {"B1_frontline": "3", "B2": "2", "B4__1": "it_systems", "B4__2": "data_access", "B8": "Shared data."},
    "C": {"C1_registers": "4", "C2": "3", "C3": "read"},
    "D": {"D2": "no", "D3_design": "3", "D7__1": "bias"},
    "E": {"E7_override": "5", "E10": "4"},
    "F0": {"F0": "not_now"},
    "G": {"G3": "easy"},
}


def bench_app():
    """The platform plus one benchmark-only endpoint that stores a response with a plain INSERT."""
    from flask import Blueprint, jsonify, request
    from sqlalchemy import text

    from webapp import create_app
    from webapp.database import engine
    from webapp.security import csrf

    app = create_app({"RATELIMIT_ENABLED": False, "SESSION_COOKIE_SECURE": False})
    bare = Blueprint("bench", __name__)

    @bare.route("/bench/bare-submit", methods=["POST"])
    @csrf.exempt
    def bare_submit():
        answers = request.get_json()
        key = uuid.uuid4().hex
        with engine().begin() as connection:
            # The same rows the survey's submit writes: the response and its domain event.
            connection.execute(text(
                "INSERT INTO outbox_events (occurred_at, event_type, aggregate_type, aggregate_key, payload, "
                "transaction_id) VALUES (now(), 'survey_response.submitted', 'survey_response', :key, "
                "CAST(:payload AS JSONB), pg_current_xact_id()::text::bigint)"),
                {"key": key, "payload": json.dumps({"key": key, "practices": 0})})
            connection.execute(text(
                "INSERT INTO survey_responses (key, survey_id, language, status, answers, current_page, "
                "resume_token_hash, receipt_code_hash, country, organisation_type, created_at, updated_at, "
                "submitted_at) SELECT :key, id, 'en', 'submitted', CAST(:answers AS JSONB), 'G', :token, :receipt, "
                ":country, :organisation, now(), now(), now() FROM surveys WHERE key = :survey"),
                {"key": key, "answers": json.dumps(answers), "token": uuid.uuid4().hex * 2,
                 "receipt": uuid.uuid4().hex * 2, "country": "DE", "organisation": "pes_national", "survey": SURVEY})
        return jsonify(stored=True)

    app.register_blueprint(bare)
    return app


class Respondent:
    """A browser-like client: keeps the session cookie and reads each page's CSRF token."""

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, content_type: str | None = None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read().decode()
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, response.getheader("Location") or "", data

    def token(self, html: str) -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    def complete_survey(self, stop_before_last: bool = False) -> bool:
        """Answer every page; with `stop_before_last`, stop at the last page, ready to submit."""
        _, _, start = self.request("GET", f"/survey/{SURVEY}/?lang=en")
        status, location, _ = self.request("POST", f"/survey/{SURVEY}/", urlencode(
            {"lang": "en", "csrf_token": self.token(start)}), "application/x-www-form-urlencoded")
        for _ in range(12):
            page_id = location.rstrip("/").rsplit("/", 1)[-1]
            _, _, html = self.request("GET", location)
            fields = [(k, v) for k, v in ANSWERS.get(page_id, {}).items()] + [("csrf_token", self.token(html))]
            if stop_before_last and page_id == "G":
                self.final = (location, urlencode(fields))
                return True
            status, location, body = self.request("POST", location, urlencode(fields),
                                                  "application/x-www-form-urlencoded")
            if status != 302:
                raise RuntimeError(f"page {page_id} answered {status}: {body[:300]}")
            if location.endswith("/done"):
                _, _, done = self.request("GET", location)
                return "data-receipt" in done
        return False

    def submit_last_page(self) -> bool:
        """Post the last page of an otherwise complete response: the request that submits it."""
        location, body = self.final
        status, redirect, _ = self.request("POST", location, body, "application/x-www-form-urlencoded")
        return status == 302 and redirect.endswith("/done")

    def bare_submit(self) -> bool:
        answers = {k: v for page in ANSWERS.values() for k, v in page.items()}
        status, _, _ = self.request("POST", "/bench/bare-submit", json.dumps(answers), "application/json")
        return status == 200


def run_clients(port: int, clients: int, per_client: int, work: str) -> tuple[list[float], int, float]:
    prepared: list[list[Respondent]] = []
    if work == "submit_last_page":
        # Each submission needs a response answered up to its last page; those are made first, untimed.
        for _ in range(clients):
            batch = []
            for _ in range(per_client):
                respondent = Respondent(port)
                respondent.complete_survey(stop_before_last=True)
                batch.append(respondent)
            prepared.append(batch)

    def one_client(index):
        respondent, timings, acknowledged = Respondent(port), [], 0
        for n in range(per_client):
            if prepared:
                respondent = prepared[index][n]
            started = time.perf_counter()
            if getattr(respondent, work)():
                acknowledged += 1
            timings.append(time.perf_counter() - started)
        return timings, acknowledged

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(one_client, range(clients)))
    elapsed = time.perf_counter() - started
    return [t for timings, _ in results for t in timings], sum(a for _, a in results), elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("ALMPO_DATABASE_URL"), required=False)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--flow-per-client", type=int, default=10,
                        help="complete surveys per client, page by page (slow: about 20 requests each)")
    parser.add_argument("--per-client", type=int, default=40, help="submissions per client and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgresql"):
        sys.exit("Give a PostgreSQL database with --database-url (it is emptied).")

    from sqlalchemy import func, select, text

    from records.db import make_engine, make_session_factory, transaction
    from records.migrate import upgrade
    from records.models import SurveyResponse
    from webapp.survey.install import install_definition

    engine = make_engine(args.database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(engine)
    with transaction(make_session_factory(engine)) as session:
        install_definition(session)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"ALMPO_DATABASE_URL": args.database_url, "ALMPO_SECRET_KEY": "bench", "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}", "--workers",
         str(args.workers), "--log-level", "warning", "benchmarks.survey_intake:bench_app()"],
        cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        # Warm every worker (parsed definition, form classes, compiled statements) on both paths,
        # so that neither measurement pays for first requests.
        _, warm_flow, _ = run_clients(port, args.workers * 2, 1, "complete_survey")
        _, warm_bare, _ = run_clients(port, args.workers * 2, 2, "bare_submit")
        flow_times, flow_ok, flow_elapsed = run_clients(port, args.clients, args.flow_per_client,
                                                        "complete_survey")
        # The two paths take turns, round after round, so that a slow moment of the machine weighs
        # on both alike; rates are totals over the rounds.
        survey_times, bare_times = [], []
        survey_ok = bare_ok = 0
        survey_elapsed = bare_elapsed = 0.0
        for _ in range(args.rounds):
            times, ok, elapsed = run_clients(port, args.clients, args.per_client, "submit_last_page")
            survey_times, survey_ok, survey_elapsed = survey_times + times, survey_ok + ok, survey_elapsed + elapsed
            times, ok, elapsed = run_clients(port, args.clients, args.per_client, "bare_submit")
            bare_times, bare_ok, bare_elapsed = bare_times + times, bare_ok + ok, bare_elapsed + elapsed
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    with make_session_factory(engine)() as session:
        stored = session.scalar(select(func.count()).select_from(SurveyResponse).where(
            SurveyResponse.status == "submitted"))
    survey_rate, bare_rate = survey_ok / survey_elapsed, bare_ok / bare_elapsed
    print(f"clients {args.clients} x {args.per_client} x {args.rounds} rounds, gunicorn workers {args.workers}, "
          "PostgreSQL")
    print("path | submissions/s | p50 ms | p99 ms | acknowledged")
    print(f"whole survey, every page (20 requests) | {flow_ok / flow_elapsed:,.1f} | "
          f"{percentile(flow_times, .5):.0f} | {percentile(flow_times, .99):.0f} | {flow_ok}")
    print(f"submit: last page of a complete response | {survey_rate:,.1f} | {percentile(survey_times, .5):.1f} | "
          f"{percentile(survey_times, .99):.1f} | {survey_ok}")
    print(f"bare INSERT | {bare_rate:,.1f} | {percentile(bare_times, .5):.1f} | {percentile(bare_times, .99):.1f} | "
          f"{bare_ok}")
    print(f"ratio submit/bare: {survey_rate / bare_rate:.3f}")
    expected = flow_ok + survey_ok + bare_ok + warm_flow + warm_bare  # the warm-up responses count too
    verdict = "OK" if stored == expected else "MISMATCH"
    print(f"stored submitted responses: {stored} (acknowledged {expected}) -> {verdict}")


if __name__ == "__main__":
    main()
