"""`almpo nlp ...`: extraction and evaluation from the command line (no web app needed)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from nlp.corpus import LineError, Passage, parse_passage, read_passages, read_predictions

__all__ = ["nlp_cli"]

# Exit status when some input lines were unusable (the others were processed).
SKIPPED_LINES = 2

# Set by the platform's command line: a function that returns the speaker turns facilitators coded,
# as passages (dicts in the JSON Lines shape). nlp itself never reads the records.
records_passages: Callable[[], list[dict]] | None = None


@click.group("nlp", help="Context, Mechanism and Outcome spans: extraction and evaluation.")
def nlp_cli() -> None:
    pass


def _report_errors(errors: list[LineError]) -> None:
    for error in errors:
        click.secho(f"skipped {error}", fg="yellow", err=True)
    if errors:
        click.secho(f"{len(errors)} line(s) skipped; the others were processed.", fg="yellow", err=True)


_MODELS = click.option("--models", type=click.Path(file_okay=False, path_type=Path), default=None,
                       envvar="ALMPO_NLP_MODELS", show_envvar=True,
                       help="Folder of trained models (from `almpo nlp train`); its current model is combined "
                            "with the rules. Without it, the rules alone propose.")


@nlp_cli.command("extract", help="Propose spans for each line of IN (JSON Lines with \"id\", \"text\" and "
                                 "optionally \"lang\"); write one JSON line per input line.")
@click.argument("source", metavar="IN", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the proposals (JSON Lines).")
@click.option("--lang", default=None, help="Language of lines that do not say (default: detected).")
@click.option("--batch-size", default=64, show_default=True, type=click.IntRange(1, 10_000),
              help="Lines read and processed together.")
@_MODELS
def extract_command(source: Path, out: Path, lang: str | None, batch_size: int, models: Path | None) -> None:
    from nlp.extract import extract_passages  # spaCy loads only for the commands that need it

    errors: list[LineError] = []
    with source.open(encoding="utf-8", errors="replace") as counting:
        total = sum(1 for line in counting if line.strip())
    written = 0
    with out.open("w", encoding="utf-8") as sink, click.progressbar(
            length=total, label="Extracting", file=sys.stderr, show_pos=True) as progress:
        batch: list[Passage] = []

        def flush() -> None:
            nonlocal written
            for passage, extraction in zip(batch, extract_passages(batch, lang, models=models), strict=True):
                sink.write(json.dumps(extraction.as_json(passage.id), ensure_ascii=False) + "\n")
            written += len(batch)
            progress.update(len(batch))
            batch.clear()

        for passage in read_passages(source, errors):
            batch.append(passage)
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    click.echo(f"{written} passage(s) written to {out}", err=True)
    _report_errors(errors)
    if errors:
        sys.exit(SKIPPED_LINES)


@nlp_cli.command("evaluate", help="Score proposals against annotated passages, as the CMO annotation "
                                  "guidelines define it (token and passage level, per label, macro and micro).")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="Annotated passages (JSON Lines with \"spans\").")
@click.option("--pred", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Proposals to score (output of `almpo nlp extract`); by default the gold texts are extracted now.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@_MODELS
def evaluate_command(gold: Path, pred: Path | None, as_json: bool, models: Path | None) -> None:
    from nlp.evaluate import format_scores, score_passages
    from nlp.extract import extract_passages

    errors: list[LineError] = []
    passages = list(read_passages(gold, errors, need_spans=True))
    if pred is None:
        predicted = [[(s.start, s.end, s.label) for s in extraction.spans]
                     for extraction in extract_passages(passages, models=models)]
    else:
        by_id = {key: [(s.start, s.end, s.label) for s in spans]
                 for key, spans in read_predictions(pred, errors).items()}
        missing = [p.id for p in passages if p.id not in by_id]
        if missing:
            click.secho(f"{len(missing)} gold passage(s) have no proposal and count as none: "
                        + ", ".join(missing[:10]), fg="yellow", err=True)
        predicted = [by_id.get(p.id, []) for p in passages]
    scores = score_passages((p.text, p.lang, [(s.start, s.end, s.label) for s in p.spans], predicted[n])
                            for n, p in enumerate(passages))
    click.echo(json.dumps(scores.as_dict(), indent=2) if as_json else format_scores(scores))
    _report_errors(errors)
    if errors:
        sys.exit(SKIPPED_LINES)


@nlp_cli.command("train", help="Train a span model on annotated passages, write it with its model card, and make "
                               "it current only if it beats the current model on the same held-out passages.")
@click.option("--data", "data", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help="Annotated passages (JSON Lines with \"spans\"); repeat for several files.")
@click.option("--from-records", "from_records", is_flag=True,
              help="Also train on the speaker turns facilitators coded on the platform (their accepted and own "
                   "spans), read from the records database.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Models folder: the new model goes to OUT/<version>/, the current one is named in OUT/current.json.")
@click.option("--epochs", default=30, show_default=True, type=click.IntRange(1, 1000))
@click.option("--held-out", "held_out", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.5),
              help="Share of the passages of each language held out for measuring and choosing.")
@click.option("--seed", default=0, show_default=True, type=int)
def train_command(data: tuple[Path, ...], from_records: bool, out: Path, epochs: int, held_out: float,
                  seed: int) -> None:
    from nlp.train import train

    if not data and not from_records:
        raise click.UsageError("Give passages with --data FILE, or --from-records, or both.")
    errors: list[LineError] = []
    passages = [p for path in data for p in read_passages(path, errors, need_spans=True)]
    _report_errors(errors)
    names = [path.name for path in data]
    if from_records:
        if records_passages is None:
            raise click.ClickException("--from-records needs the platform's command (`almpo nlp train`).")
        coded = [parse_passage(raw, need_spans=True) for raw in records_passages()]
        click.echo(f"{len(coded)} coded speaker turns from the records", err=True)
        passages += coded
        names.append(f"records ({len(coded)} coded turns)")
    out.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=epochs, label="Training", file=sys.stderr) as progress:
        try:
            card = train(passages, out, data_names=names, epochs=epochs,
                         held_out_share=held_out, seed=seed, progress=lambda epoch, score: progress.update(1))
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    chosen = card["scores"][card["mode"]]["token"]["macro_f1"]
    rules = card["scores"]["rules"]["token"]["macro_f1"]
    click.echo(f"{card['version']}: held-out token macro F1 {chosen:.3f} as {card['mode']} "
               f"(rules alone {rules:.3f}); model card in {out / card['version'] / 'card.md'}")
    click.echo("now the current model" if card["promoted"] else
               f"not better than the current model {card['current_before']['version']} "
               f"({card['current_before']['held_out_macro_f1']:.3f}); the current one stays")
