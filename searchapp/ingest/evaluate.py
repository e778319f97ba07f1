"""Measure ingestion against hand-written labels: precision and recall per field.

The labels (``tests/labels/ingest-labels.yaml``) were written by reading each document, not
by running the extractor. Run ``searchapp evaluate-ingest`` or
``python -m searchapp.ingest.evaluate``.

Labels file: a YAML list, one entry per document::

    - path: ../shared/corpus/cctv-xwlb/news/20230517.md   # relative to --root
      item: 3            # the N-th item of a multi-item file (daily transcript), else absent
      title: 李强会见新加坡副总理兼财政部长
      date: "2023-05-17"  # "" when the document states no date
      source: 央视网       # "" when it names no outlet
      operations: []      # canonical names, order irrelevant
    - path: …
      skip: true          # the file must be skipped (no article text)

Counting, per field: a *prediction* is a non-empty extracted value, a *truth* a non-empty
label. ``title``, ``date``, ``source``: a prediction equal to the truth is a true positive;
precision = TP / predictions, recall = TP / truths (titles compared with whitespace runs
collapsed). ``operations``: every name counts, micro-averaged over documents. ``skip``:
a skipped file is a prediction, a ``skip: true`` label a truth. A labelled document the
extractor did not produce counts as predicting nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import yaml

from searchapp.ingest import extract_file

def _repository() -> Path:
    """Return the checkout holding ``tests/labels``: this package's own when run from a
    checkout, else the working directory (an installed package has no tests folder)."""
    checkout = Path(__file__).resolve().parents[2]
    return checkout if (checkout / "tests" / "labels").is_dir() else Path.cwd()


#: The repository's root (labels' paths are relative to it by default).
REPOSITORY = _repository()
DEFAULT_LABELS = REPOSITORY / "tests" / "labels" / "ingest-labels.yaml"
FIELDS = ("title", "date", "source", "operations", "skip")


class LabelsError(Exception):
    """A labels file that cannot be used (missing, malformed, or naming missing files)."""


@dataclass
class FieldScore:
    """Counts for one field.

    :param true_positives: predicted values that equal a label (names, for operations).
    :param predictions: non-empty predicted values.
    :param truths: non-empty labelled values.
    :param errors: ``(path, item, expected, actual)`` for every disagreement.
    """

    true_positives: int = 0
    predictions: int = 0
    truths: int = 0
    errors: list[tuple[str, int | None, object, object]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """TP / predictions; 1.0 when nothing was predicted."""
        return self.true_positives / self.predictions if self.predictions else 1.0

    @property
    def recall(self) -> float:
        """TP / truths; 1.0 when nothing was labelled."""
        return self.true_positives / self.truths if self.truths else 1.0


@dataclass
class Report:
    """The result of :func:`evaluate`: documents compared and a score per field."""

    documents: int
    scores: dict[str, FieldScore]


def load_labels(path: Path) -> list[dict]:
    """Read a labels file (values stay strings; lists stay lists).

    :raises LabelsError: when the file is missing or not a list of entries with ``path``.
    """
    try:
        entries = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, yaml.YAMLError) as error:
        raise LabelsError(f"cannot read labels {path}: {error}") from error
    if not isinstance(entries, list) or not all(isinstance(e, dict) and e.get("path") for e in entries):
        raise LabelsError(f"{path}: expected a list of entries, each with a path")
    return entries


def evaluate(labels_path: Path, root: Path | None = None) -> Report:
    """Extract every labelled document and compare it with its labels.

    :param labels_path: the labels file.
    :param root: folder the labels' paths are relative to (default: the repository).
    :raises LabelsError: for a bad labels file or a labelled file that does not exist.
    """
    root = Path(root) if root else REPOSITORY
    scores = {name: FieldScore() for name in FIELDS}
    entries = load_labels(labels_path)
    cache: dict[Path, list] = {}
    for entry in entries:
        path = (root / entry["path"]).resolve()
        if not path.is_file():
            raise LabelsError(f"labelled file not found: {entry['path']} (under {root})")
        if path not in cache:
            cache[path] = extract_file(path)
        extractions = cache[path]
        item = int(entry["item"]) if entry.get("item") else None
        extraction = extractions[item - 1] if item and item <= len(extractions) else (
            extractions[0] if not item else None)
        document = extraction.document if extraction else None
        where = (entry["path"], item)
        _score(scores["skip"], where, entry.get("skip") == "true", document is None)
        if entry.get("skip") == "true":
            continue
        _score(scores["title"], where, _one_line(entry.get("title", "")),
               _one_line(document.title) if document else "")
        _score(scores["date"], where, entry.get("date", ""), (document.date or "") if document else "")
        _score(scores["source"], where, entry.get("source", ""), document.source if document else "")
        _score_set(scores["operations"], where, set(entry.get("operations") or ()),
                   set(document.operations) if document else set())
    return Report(documents=len(entries), scores=scores)


def format_report(report: Report, show_errors: bool = False) -> str:
    """Render a report as a small table (and the disagreements when asked)."""
    lines = [f"{report.documents} labelled documents", "",
             f"{'field':<12}{'precision':>10}{'recall':>8}{'TP':>6}{'pred':>6}{'true':>6}"]
    for name, score in report.scores.items():
        lines.append(f"{name:<12}{score.precision:>10.3f}{score.recall:>8.3f}"
                     f"{score.true_positives:>6}{score.predictions:>6}{score.truths:>6}")
    if show_errors:
        for name, score in report.scores.items():
            for path, item, expected, actual in score.errors:
                where = f"{path}#{item}" if item else path
                lines.append(f"{name}: {where}\n    expected {expected!r}\n    got      {actual!r}")
    return "\n".join(lines)


def _score(score: FieldScore, where, expected, actual) -> None:
    """Count one single-valued field (booleans count True as a value)."""
    score.predictions += bool(actual)
    score.truths += bool(expected)
    if actual and actual == expected:
        score.true_positives += 1
    elif expected != actual:
        score.errors.append((*where, expected, actual))


def _score_set(score: FieldScore, where, expected: set, actual: set) -> None:
    """Count one set-valued field name by name."""
    score.predictions += len(actual)
    score.truths += len(expected)
    score.true_positives += len(expected & actual)
    if expected != actual:
        score.errors.append((*where, sorted(expected), sorted(actual)))


def _one_line(text: str) -> str:
    return " ".join(text.split())


if __name__ == "__main__":  # python -m searchapp.ingest.evaluate [--errors]
    import sys

    try:
        print(format_report(evaluate(DEFAULT_LABELS), show_errors="--errors" in sys.argv))
    except LabelsError as error:
        sys.exit(f"Error: {error} (run from the repository, with ../shared/corpus beside it)")
