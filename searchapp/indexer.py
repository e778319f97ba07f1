"""Build the Whoosh index from documents, atomically, and open it for searching.

Layout of an index folder (``index/`` by default)::

    index/
      CURRENT        name of the generation readers should open, e.g. "gen-20261129T211500-k3j2"
      gen-…/         one complete Whoosh index per build
      .lock          held (fcntl) by the one index run allowed at a time

A run writes a new generation beside the current one and only then replaces ``CURRENT``
(``os.replace``, atomic), so searches keep using the previous index while a run is under way,
and a run that fails or is killed leaves it untouched. The generation before the current one
is kept for searchers that still have it open; older ones are deleted.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from whoosh import index as whoosh_index

from searchapp.document import Document
from searchapp.ingest import IngestError
from searchapp.schema import build_schema

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
GENERATION_PREFIX = "gen-"
#: How long a second index run waits for the first to finish before giving up.
LOCK_TIMEOUT_S = 30.0


class IndexNotFound(Exception):
    """There is no usable index in the folder; the message says how to build one."""


class IndexLocked(Exception):
    """Another index run holds the folder's lock; the message says so in plain words."""


@dataclass
class IndexReport:
    """What an index run did.

    :param indexed: documents written.
    :param skipped: ``(path, reason)`` for every file or document left out, in input order.
    :param generation: the generation folder name now current.
    :param seconds: wall time of the run.
    """

    indexed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    generation: str = ""
    seconds: float = 0.0


def document_fields(document: Document) -> dict[str, str]:
    """Map a Document onto the schema's fields (empty values are left out)."""
    values = {
        "id": document.id,
        "path": document.path,
        "title": document.title,
        "title_ngram": document.title,
        "body": document.body,
        "body_ngram": document.body,
        "date": document.date or "",
        "dated": "1" if document.date else "0",
        "year": str(document.year) if document.year else "",
        "date_source": document.date_source or "",
        "source": document.source,
        "feed": document.feed,
        "origin": document.origin,
        "url": document.url,
        "operations": ",".join(document.operations),
        "format": document.format,
        "lang": document.lang,
        "copies": [(copy.path, copy.source, copy.url) for copy in document.copies],
    }
    return {name: value for name, value in values.items() if value}


def index_documents(
    items: Iterable[Document | IngestError],
    index_dir: str | os.PathLike,
    on_item: Callable[[Document | IngestError], None] | None = None,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
) -> IndexReport:
    """Build a new index generation from ``items`` and make it current.

    :param items: documents to index and ingestion errors to report (as yielded by
        :func:`searchapp.ingest.read_documents`); consumed once, streaming.
    :param index_dir: the index folder; created when missing.
    :param on_item: called after each item, e.g. to advance a progress bar.
    :param lock_timeout_s: seconds to wait for another index run to finish.
    :returns: the report; files that could not be read, and second copies of a file already
        indexed (same bytes, same id), are listed in ``skipped`` with the reason.
    :raises IndexLocked: another run held the lock for longer than ``lock_timeout_s``.
    :raises OSError: the index folder cannot be written. The previous index stays current.
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    report = IndexReport()
    with _exclusive_lock(index_dir / LOCK_FILE, lock_timeout_s):
        prefix = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-"
        generation_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=index_dir))
        generation_dir.chmod(0o755)  # mkdtemp makes it private; readers may be other users
        generation = generation_dir.name
        try:
            ix = whoosh_index.create_in(generation_dir, build_schema())
            writer = ix.writer(limitmb=256)
            try:
                first_path_by_id: dict[str, str] = {}
                for item in items:
                    if isinstance(item, IngestError):
                        report.skipped.append((item.path, item.reason))
                    elif item.id in first_path_by_id:
                        report.skipped.append(
                            (item.path, f"same content as {first_path_by_id[item.id]}")
                        )
                    else:
                        first_path_by_id[item.id] = item.path
                        writer.add_document(**document_fields(item))
                        report.indexed += 1
                    if on_item:
                        on_item(item)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
        except BaseException:
            shutil.rmtree(generation_dir, ignore_errors=True)
            raise
        _make_current(index_dir, generation)
        report.generation = generation
    report.seconds = time.monotonic() - started
    return report


def current_generation(index_dir: str | os.PathLike) -> str:
    """Return the name of the current generation folder.

    :raises IndexNotFound: no index has been built in ``index_dir``.
    """
    index_dir = Path(index_dir)
    try:
        generation = (index_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotFound(
            f"no index in {index_dir}: build one with `searchapp index [PATH ...]`"
        ) from None
    if not (index_dir / generation).is_dir():
        raise IndexNotFound(f"the index in {index_dir} is incomplete: run `searchapp index` again")
    return generation


def open_index(index_dir: str | os.PathLike, generation: str | None = None) -> whoosh_index.Index:
    """Open a generation of the index in ``index_dir`` for reading.

    :param generation: the generation folder to open, as :func:`current_generation` named
        it; default: the current one.
    :raises IndexNotFound: no index has been built there yet.
    """
    return whoosh_index.open_dir(Path(index_dir) / (generation or current_generation(index_dir)))


def _make_current(index_dir: Path, generation: str) -> None:
    """Point CURRENT at ``generation`` atomically; keep the previous one, delete older ones."""
    try:
        previous = current_generation(index_dir)
    except IndexNotFound:
        previous = None
    pending = index_dir / f"{CURRENT_FILE}.{os.getpid()}.tmp"
    with open(pending, "w", encoding="utf-8") as out:
        out.write(generation + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(pending, index_dir / CURRENT_FILE)
    keep = {generation, previous}
    for entry in index_dir.iterdir():
        if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)


@contextmanager
def _exclusive_lock(path: Path, timeout_s: float):
    """Hold an exclusive ``flock`` on ``path``, waiting up to ``timeout_s`` seconds.

    The lock dies with the process, so a killed run never leaves a stale lock behind.
    """
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise IndexLocked(
                        f"the index in {path.parent} is being updated by another run; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
