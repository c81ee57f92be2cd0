"""`almpo nlp extract` and `almpo nlp evaluate`, as a user runs them."""

import json

from click.testing import CliRunner

from nlp.cli import SKIPPED_LINES, nlp_cli
from tests.services import require_shared_data

GOLD = [
    {"id": "g1", "lang": "en", "text": "Wage subsidies raised the earnings of older workers.",
     "spans": [{"start": 0, "end": 14, "label": "MECHANISM"}, {"start": 15, "end": 34, "label": "OUTCOME"},
               {"start": 38, "end": 51, "label": "CONTEXT"}]},
    {"id": "g2", "lang": "en", "text": "The method section describes the sample.", "spans": []},
]


def _write(path, rows, raw_lines=()):
    path.write_text("\n".join([json.dumps(r) for r in rows] + list(raw_lines)) + "\n", encoding="utf-8")
    return path


def test_extract_writes_one_line_per_passage_and_names_each_bad_line(tmp_path):
    source = _write(tmp_path / "in.jsonl", [{"id": "a", "text": GOLD[0]["text"]}],
                    ["{not json", json.dumps({"text": "no id"}), json.dumps({"id": "b", "text": "", "lang": "en"})])
    result = CliRunner().invoke(nlp_cli, ["extract", str(source), "-o", str(tmp_path / "out.jsonl")])
    assert result.exit_code == SKIPPED_LINES
    assert "line 2: not valid JSON" in result.output and "line 3: \"id\" is missing" in result.output
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["lang"] == "en" and {s["label"] for s in lines[0]["spans"]} == {"CONTEXT", "MECHANISM", "OUTCOME"}
    assert set(lines[0]["spans"][0]) == {"start", "end", "label", "score", "concept", "evidence"}
    assert lines[1]["spans"] == []


def test_evaluate_scores_extracted_or_given_proposals(tmp_path):
    gold = _write(tmp_path / "gold.jsonl", GOLD)
    result = CliRunner().invoke(nlp_cli, ["evaluate", "--gold", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["passages"] == 2 and 0 < scores["token"]["macro_f1"] <= 1

    perfect = _write(tmp_path / "pred.jsonl", [{"id": g["id"], "spans": g["spans"]} for g in GOLD])
    result = CliRunner().invoke(nlp_cli, ["evaluate", "--gold", str(gold), "--pred", str(perfect), "--json"])
    assert json.loads(result.output)["token"]["macro_f1"] == 1.0

    partial = _write(tmp_path / "partial.jsonl", [{"id": "g1", "spans": GOLD[0]["spans"][:1]}])
    result = CliRunner().invoke(nlp_cli, ["evaluate", "--gold", str(gold), "--pred", str(partial)])
    assert "1 gold passage(s) have no proposal" in result.output and "token    macro" in result.output


def test_evaluate_refuses_gold_spans_outside_their_text(tmp_path):
    bad = dict(GOLD[0], spans=[{"start": 0, "end": 999, "label": "OUTCOME"}])
    gold = _write(tmp_path / "gold.jsonl", [bad, GOLD[1]])
    result = CliRunner().invoke(nlp_cli, ["evaluate", "--gold", str(gold)])
    assert result.exit_code == SKIPPED_LINES and "line 1: span 1 has offsets outside the text" in result.output


def test_the_dev_set_scores_at_least_the_rules_baseline():
    # The figure reported in the README; this guards it against regressions of the rules.
    dev = require_shared_data("cmo_dev.jsonl")
    result = CliRunner().invoke(nlp_cli, ["evaluate", "--gold", str(dev), "--json"])
    scores = json.loads(result.output)
    assert scores["passages"] == 19
    assert scores["token"]["macro_f1"] >= 0.5 and scores["passage"]["macro_f1"] >= 0.8
