"""Evaluate the committed reference-entry model on AnyStyle's gold.xml; exit 1 below the floors.

    python benchmarks/reference_quality.py [--corpus DIR]

Prints the share of tokens labelled right, of references with every token right, and of titles
extracted exactly (the title tokens joined equal the gold title), then checks the floors of
issue 11: >= 90% of references fully right and >= 95% of titles exact. CI runs it as a check.

The corpus is not in this repository (it is a shared copy of AnyStyle's res/parser, BSD-2): it is
looked up in $CLAIMGRAPH_ANYSTYLE, else ../shared/anystyle relative to the repository. gold.xml is
for evaluation only; the model is trained on core.xml (benchmarks/train_references.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FLOOR_FULLY_RIGHT = 90.0
FLOOR_TITLES_EXACT = 95.0

Labelled = tuple[list[str], list[str]]


def corpus_dir(explicit: str | None = None) -> Path:
    """Where the AnyStyle corpus is: --corpus, $CLAIMGRAPH_ANYSTYLE, or ../shared/anystyle."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("CLAIMGRAPH_ANYSTYLE")
    if env:
        return Path(env)
    return REPO.parent / "shared" / "anystyle"


def missing_message(directory: Path, name: str) -> str | None:
    """None when directory/name exists, else a one-line explanation of what to provide."""
    if (directory / name).is_file():
        return None
    return (
        f"AnyStyle corpus file {directory / name} not found: set CLAIMGRAPH_ANYSTYLE to a copy "
        "of AnyStyle's res/parser directory (core.xml, gold.xml) or pass --corpus DIR"
    )


def load_sequences(path: Path) -> list[Labelled]:
    """Each <sequence> as (tokens, labels): every whitespace token of an element gets its tag."""
    out: list[Labelled] = []
    for seq in ET.parse(path).getroot().iter("sequence"):
        tokens: list[str] = []
        labels: list[str] = []
        for el in seq:
            for tok in (el.text or "").split():
                tokens.append(tok)
                labels.append(el.tag)
        if tokens:
            out.append((tokens, labels))
    return out


def evaluate(
    tag: Callable[[list[str]], Sequence[str]], data: list[Labelled]
) -> dict[str, float]:
    """Tokens right %, references fully right %, titles exact % (of references with a title)."""
    tok_right = tok_all = full = titled = title_exact = 0
    for tokens, gold in data:
        pred = list(tag(tokens))
        right = sum(p == g for p, g in zip(pred, gold, strict=True))
        tok_right += right
        tok_all += len(gold)
        full += right == len(gold)
        gold_title = [t for t, g in zip(tokens, gold, strict=True) if g == "title"]
        if gold_title:
            titled += 1
            pred_title = [t for t, p in zip(tokens, pred, strict=True) if p == "title"]
            title_exact += pred_title == gold_title
    return {
        "tokens_right": 100.0 * tok_right / tok_all,
        "fully_right": 100.0 * full / len(data),
        "titles_exact": 100.0 * title_exact / titled,
        "references": float(len(data)),
    }


def report(scores: dict[str, float]) -> str:
    return (
        f"gold.xml: {int(scores['references'])} references; "
        f"tokens right {scores['tokens_right']:.2f}%; "
        f"references fully right {scores['fully_right']:.2f}% (floor {FLOOR_FULLY_RIGHT:.0f}%); "
        f"titles exact {scores['titles_exact']:.2f}% (floor {FLOOR_TITLES_EXACT:.0f}%)"
    )


def below_floors(scores: dict[str, float]) -> list[str]:
    bad = []
    if scores["fully_right"] < FLOOR_FULLY_RIGHT:
        bad.append(f"references fully right {scores['fully_right']:.2f}% < {FLOOR_FULLY_RIGHT}%")
    if scores["titles_exact"] < FLOOR_TITLES_EXACT:
        bad.append(f"titles exact {scores['titles_exact']:.2f}% < {FLOOR_TITLES_EXACT}%")
    return bad


def committed_tagger() -> Callable[[list[str]], list[str]]:
    sys.path.insert(0, str(REPO / "src"))
    from claimgraph.ingest.references import tag_tokens

    return tag_tokens


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="directory holding gold.xml (default: see module doc)")
    args = ap.parse_args(argv)
    directory = corpus_dir(args.corpus)
    msg = missing_message(directory, "gold.xml")
    if msg:
        print(f"reference_quality: {msg}", file=sys.stderr)
        return 2
    scores = evaluate(committed_tagger(), load_sequences(directory / "gold.xml"))
    print(report(scores))
    bad = below_floors(scores)
    for line in bad:
        print(f"reference_quality: below the floor: {line}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
