"""Training a span model: a versioned model with its card, promoted only when it does better."""

import json
import random

from click.testing import CliRunner

from nlp import extract
from nlp.cli import nlp_cli
from nlp.train import load_model

GROUPS = ["young people", "older workers", "lone parents", "refugees", "low-skilled adults"]
PROGRAMMES = ["wage subsidies", "job search training", "mentoring", "work placements"]
RESULTS = ["raised their employment rate", "shortened their time on benefits", "improved their earnings"]


def _passages(count, seed=3):
    rng = random.Random(seed)
    rows = []
    for n in range(count):
        programme, group, result = rng.choice(PROGRAMMES), rng.choice(GROUPS), rng.choice(RESULTS)
        text = f"For {group}, {programme} {result}."
        spans = []
        for part, label in ((group, "CONTEXT"), (programme, "MECHANISM"), (result, "OUTCOME")):
            start = text.index(part)
            spans.append({"start": start, "end": start + len(part), "label": label})
        rows.append({"id": f"t{n}", "lang": "en", "text": text, "spans": spans})
    return rows


def _train(tmp_path, data, *extra):
    return CliRunner().invoke(nlp_cli, ["train", "--data", str(data), "--out", str(tmp_path / "models"),
                                        "--epochs", "4", *extra])


def test_training_writes_a_versioned_model_with_its_card_and_extract_uses_it(tmp_path):
    data = tmp_path / "train.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in _passages(60)) + "\n", encoding="utf-8")
    result = _train(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert "now the current model" in result.output
    current = json.loads((tmp_path / "models" / "current.json").read_text())
    card = json.loads((tmp_path / "models" / current["version"] / "card.json").read_text())
    assert card["training"]["passages"] + card["held_out"]["passages"] == 60 and card["held_out"]["passages"] == 12
    assert set(card["scores"]) == {"rules", "model", "model_then_rules", "rules_then_model"}
    assert card["mode"] == current["mode"]
    chosen = card["scores"][card["mode"]]["token"]["macro_f1"]
    assert chosen >= card["scores"]["rules"]["token"]["macro_f1"]
    assert (tmp_path / "models" / current["version"] / "card.md").read_text().startswith("# Model card")

    model = load_model(tmp_path / "models")
    text = "For young people, mentoring improved their earnings."
    assert {label for _, _, label in model.spans(text)} <= {"CONTEXT", "MECHANISM", "OUTCOME"}
    [found] = extract([text], "en", models=tmp_path / "models")
    assert all(s.evidence.startswith(("rule:", "concept:", "model:")) for s in found.spans)

    # The same data, seed and epochs give a model that is not better: the current one stays.
    again = _train(tmp_path, data)
    assert again.exit_code == 0, again.output
    assert "the current one stays" in again.output
    assert json.loads((tmp_path / "models" / "current.json").read_text())["version"] == current["version"]


def test_training_refuses_data_it_cannot_use(tmp_path):
    rows = _passages(10)
    rows[1]["id"] = rows[0]["id"]
    data = tmp_path / "dup.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = _train(tmp_path, data)
    assert result.exit_code == 1 and "passage ids repeat" in result.output
    assert not (tmp_path / "models" / "current.json").exists()
