"""Keep the Whoosh index in line with folders of press releases, safely.

The index folder holds generations of the index and names the current one
(:mod:`searchapp.engine.whoosh.generations`); ``.lock`` in it is held by the one run allowed
at a time.

:func:`index_paths` is incremental: it hashes every file, parses only new and changed ones,
removes the documents of files that are gone, and commits once. Whoosh commits atomically (a
new table of contents replaces the old by rename), so searches see the index before or after a
run, never half of it, and a run that fails or is killed changes nothing. ``rebuild=True``
(and the first run) builds a new generation beside the current one and only then replaces
``CURRENT`` (``os.replace``); the previous generation is kept for searchers that still have it
open, older ones are deleted.

Exact duplicates (the same normalized title and body in several files, e.g. one press release
reprinted by several outlets) are all stored, but only one of them, the *representative*, is searchable;
the others are flagged ``duplicate`` and listed as its :attr:`Document.copies`.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from searchapp.analysis import UserDictionary
from searchapp.analysis import normalize
from searchapp.analysis import use_user_dictionary
from searchapp.document import Document
from searchapp.engine.whoosh.bookkeeping import committed_files
from searchapp.engine.whoosh.bookkeeping import duplicate_count
from searchapp.engine.whoosh.facet_columns import save_for_index
from searchapp.engine.whoosh.generations import CURRENT_FILE  # noqa: F401 (this module's interface)
from searchapp.engine.whoosh.generations import GENERATION_PREFIX
from searchapp.engine.whoosh.generations import IndexNotFound
from searchapp.engine.whoosh.generations import current_generation
from searchapp.engine.whoosh.generations import index_user_dictionary
from searchapp.engine.whoosh.generations import make_current
from searchapp.engine.whoosh.generations import open_index  # noqa: F401 (this module's interface)
from searchapp.engine.whoosh.generations import remove_stale_generations
from searchapp.engine.whoosh.generations import save_user_dictionary
from searchapp.engine.whoosh.generations import storage
from searchapp.engine.whoosh.schema import build_schema
from searchapp.engine.whoosh.schema import document_fields
from searchapp.engine.whoosh.schema import stored_document
from searchapp.engine.whoosh.writers import open_writer
from searchapp.ingest import IngestError
from searchapp.ingest import iter_files
from searchapp.ingest import extract_file

LOCK_FILE = ".lock"
#: How long a second index run waits for the first to finish before giving up.
LOCK_TIMEOUT_S = 30.0


_ITEM_PREFIX = re.compile(r"^item (?P<number>\d+): ")


class IndexLocked(Exception):
    """Another index run holds the folder's lock; the message says so in plain words."""


class UserDictionaryMismatch(Exception):
    """An update was given another user dictionary than the index was built with; the
    message says that a rebuild is needed. Nothing was changed."""


@dataclass
class IndexReport:
    """What an index run did.

    :param added: files indexed for the first time.
    :param updated: files whose content changed since the last run (their documents replaced).
    :param removed: files gone from the folders given (their documents removed).
    :param unchanged: files with the same content as last time (not read again).
    :param indexed: documents written by this run.
    :param duplicates: of those, exact duplicates of a document already in the index.
    :param skipped: ``(path, reason)`` for every file that could not be indexed, in input
        order; a changed file that cannot be read keeps its previous version, and says so.
    :param warnings: ``(path, message)`` for what a file held but the index could not use
        (a front-matter date that does not exist) and for a facet table that could not be
        saved; the documents are indexed all the same.
    :param documents: searchable documents in the index after the run.
    :param generation: the generation folder now current.
    :param rebuilt: whether this run built a new generation.
    :param seconds: wall time of the run.
    :param user_dictionary: the extra user dictionary the index is segmented with (no
        entries: the domain dictionary alone).
    """

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    indexed: int = 0
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    documents: int = 0
    generation: str = ""
    rebuilt: bool = False
    seconds: float = 0.0
    user_dictionary: UserDictionary = field(default_factory=UserDictionary)

    def skipped_by_reason(self) -> dict[str, list[str]]:
        """Group the skipped files (and items of files) by reason, most frequent first."""
        groups: dict[str, list[str]] = {}
        for path, reason in self.skipped:
            item = _ITEM_PREFIX.match(reason)
            if item:  # "item 14: no article text" of a multi-item file
                reason, path = reason[item.end() :], f"{path} (item {item['number']})"
            groups.setdefault(reason, []).append(path)
        return dict(sorted(groups.items(), key=lambda item: -len(item[1])))


def content_key(document: Document) -> str:
    """Return the key under which exact duplicates meet: a hash of the normalized title and
    body.

    Width, case and whitespace do not count, so a reprint that only re-spaced the text or
    turned full-width digits half-width is still the same article; a different headline
    over the same text is a different document (short notices often share one sentence).
    """
    text = "".join(normalize(f"{document.title}\n{document.body}").split())
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


class _Batch:
    """Writes one run's documents and decides which of them are duplicates.

    Of all live documents with one content key, the representative is the one that comes
    first in path order (file path, then item number), whatever order the runs came in:
    an index kept up by incremental runs folds duplicates exactly as a rebuild of the same
    files does. A committed representative that a new, earlier copy outranks is demoted,
    and when a committed representative's file is changed or gone, the first remaining
    copy is promoted in its place. (Documents of this run are never demoted: runs write in
    path order, see :func:`index_paths`; :func:`index_documents` keeps the first it is given.)

    :param writer: the open Whoosh writer of this run.
    :param searcher: a searcher over the committed index, ``None`` for a new generation.
    :param dying: absolute paths whose committed documents this run replaces or removes.
    """

    def __init__(self, writer, searcher, dying: set[str]):
        self.writer = writer
        self.searcher = searcher
        self.dying = dying
        # content key -> the committed documents with that key that this run keeps
        self.survivors: dict[str, list[dict]] = {}
        # content key -> (path order, written by this run) of its first live document
        self.first: dict[str, tuple[tuple[str, int], bool] | None] = {}

    def add(self, document: Document, abspath: str, item: int) -> bool:
        """Write ``document`` (item ``item`` of the file at ``abspath``); return whether it
        is a duplicate."""
        key = content_key(document)
        self._look_up(key)
        first = self.first[key]
        order = (abspath, item)
        duplicate = first is not None and (first[1] or first[0] < order)
        if not duplicate:
            self.first[key] = (order, True)
        self.writer.add_document(
            **document_fields(
                document,
                abspath=abspath,
                file_hash=document.id.split("-")[0],
                key=f"{abspath}#{item}",
                content_key=key,
                duplicate="1" if duplicate else "0",
            )
        )
        return duplicate

    def finish(self, dying_keys: Iterable[str]) -> None:
        """Set the duplicate flag of every committed copy of the content keys this run
        touched (added, or removed with ``dying_keys``): only the first copy is searchable.
        Call once, after the last :meth:`add`."""
        for key in dying_keys:
            self._look_up(key)
        for key, survivors in self.survivors.items():
            first = self.first[key]
            for stored in survivors:
                is_first = first is not None and not first[1] and _path_order(stored) == first[0]
                if (stored.get("duplicate") == "1") == is_first:
                    self._rewrite(stored, duplicate=not is_first)

    def _look_up(self, key: str) -> None:
        """Read the committed, surviving documents with ``key`` once per run."""
        if key in self.first:
            return
        survivors = []
        if self.searcher is not None:
            survivors = [
                stored
                for stored in self.searcher.documents(content_key=key)
                if stored["abspath"] not in self.dying
            ]
        self.survivors[key] = survivors
        self.first[key] = (min(map(_path_order, survivors)), False) if survivors else None

    def _rewrite(self, stored: dict, duplicate: bool) -> None:
        """Replace a committed document by itself with its duplicate flag changed."""
        self.writer.delete_by_term("key", stored["key"])
        bookkeeping = {name: stored[name] for name in ("abspath", "file_hash", "key", "content_key")}
        self.writer.add_document(
            **document_fields(
                stored_document(stored), **bookkeeping, duplicate="1" if duplicate else "0"
            )
        )


def _path_order(stored: dict) -> tuple[str, int]:
    """``(file path, item number)`` of a stored document, from its ``key`` (``path#item``)."""
    abspath, _, item = stored["key"].rpartition("#")
    return abspath, int(item)


def index_paths(
    paths: Iterable[str | os.PathLike],
    index_dir: str | os.PathLike,
    rebuild: bool = False,
    on_file: Callable[[Path, int], None] | None = None,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
    processes: int | None = None,
    user_dictionary: UserDictionary | None = None,
) -> IndexReport:
    """Bring the index in line with the files under ``paths``.

    New and changed files (by content hash) are read and indexed, documents of files that
    are gone from the folders given are removed, unchanged files are not read again.
    Documents of files outside ``paths`` are left alone.

    :param paths: files and folders (read recursively, hidden files skipped).
    :param index_dir: the index folder; created when missing.
    :param rebuild: start over in a new generation instead of updating the current one.
    :param on_file: called after each file with its path and the number of documents it
        gave, e.g. to advance a progress bar.
    :param lock_timeout_s: seconds to wait for another index run to finish.
    :param processes: writer processes when many files are to be read (see
        :func:`searchapp.engine.whoosh.writers.open_writer`); default: one per core.
    :param user_dictionary: an extra jieba user dictionary to segment with, recorded in the
        index (searches of it then use it too). ``None``: an update keeps the index's own, a
        new generation has none. An update cannot change it: every document would have to
        be segmented anew, including those of folders this run was not given.
    :raises IngestError: a path given does not exist (nothing is changed).
    :raises IndexLocked: another run held the lock for longer than ``lock_timeout_s``.
    :raises UserDictionaryMismatch: an update was given another user dictionary than the
        index's (nothing is changed; rebuild instead).
    :raises OSError: the index folder cannot be written. The previous index stays as it was.
    """
    started = time.monotonic()
    files = list(iter_files(paths))
    roots = [os.path.abspath(path) for path in paths]
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    report = IndexReport()
    with _exclusive_lock(index_dir / LOCK_FILE, lock_timeout_s):
        try:
            current = current_generation(index_dir)
        except IndexNotFound:
            current = None
        report.user_dictionary = _run_dictionary(
            index_dir, None if rebuild else current, user_dictionary
        )
        use_user_dictionary(report.user_dictionary.entries)
        generations = sorted(p.name for p in index_dir.glob(f"{GENERATION_PREFIX}*"))
        previous = [name for name in generations if current and name < current][-1:]
        remove_stale_generations(index_dir, keep={current, *previous})
        generation = None if rebuild else current
        report.rebuilt = generation is None
        with _writable_index(index_dir, generation) as ix:
            if report.rebuilt:
                save_user_dictionary(Path(ix.storage.folder), report.user_dictionary)
            searcher = None if report.rebuilt else ix.searcher()
            try:
                committed = committed_files(searcher) if searcher else {}
                hashes = {file: _file_hash(file) for file in files}
                present = {os.path.abspath(file) for file in files}
                gone = {
                    abspath
                    for abspath in committed
                    if abspath not in present and _is_under(abspath, roots)
                }
                changed = {
                    os.path.abspath(file)
                    for file, digest in hashes.items()
                    if os.path.abspath(file) in committed
                    and committed[os.path.abspath(file)] != digest
                }
                to_read = sum(
                    1 for file in present if file not in committed or file in changed
                )
                writer = open_writer(ix, to_read, processes)
                try:
                    dying_keys = _content_keys(searcher, changed | gone)
                    batch = _Batch(writer, searcher, dying=changed | gone)
                    for abspath in sorted(gone):
                        writer.delete_by_term("abspath", abspath)
                        report.removed += 1
                    # Path order, so that the first copy of a duplicate is written first
                    # (see _Batch) whatever order the folders were given in.
                    for file in sorted(files, key=os.path.abspath):
                        abspath = os.path.abspath(file)
                        count = 0
                        if abspath in committed and abspath not in changed:
                            report.unchanged += 1
                        else:
                            count = _index_file(file, abspath, abspath in changed, batch, report)
                        if on_file:
                            on_file(file, count)
                    batch.finish(dying_keys)
                except BaseException:
                    batch.writer.cancel()
                    raise
                batch.writer.commit()
            finally:
                if searcher is not None:
                    searcher.close()
            with ix.searcher() as after:
                report.documents = after.doc_count() - duplicate_count(after)
            _save_facet_table(ix, report)
        if report.rebuilt:
            make_current(index_dir, ix.storage.folder)
        report.generation = Path(ix.storage.folder).name
    report.seconds = time.monotonic() - started
    return report


def _index_file(file: Path, abspath: str, changed: bool, batch: _Batch, report: IndexReport) -> int:
    """Read one new or changed file and write its documents; return how many.

    Items of a multi-item file that yield nothing are reported as skipped; a file that
    yields no document at all keeps its previous version, if it had one.
    """
    extractions = extract_file(file)
    report.warnings += [
        (str(file), warning)
        for extraction in extractions
        if extraction.document
        for warning in extraction.warnings
    ]
    documents = [extraction.document for extraction in extractions if extraction.document]
    errors = [extraction.error for extraction in extractions if extraction.error]
    if not documents:
        suffix = "; the previous version stays indexed" if changed else ""
        report.skipped += [(error.path, error.reason + suffix) for error in errors]
        return 0
    report.skipped += [(error.path, error.reason) for error in errors]
    if changed:
        batch.writer.delete_by_term("abspath", abspath)
        report.updated += 1
    else:
        report.added += 1
    for item, document in enumerate(documents):
        report.duplicates += batch.add(document, abspath, item)
        report.indexed += 1
    return len(documents)


def index_documents(
    items: Iterable[Document | IngestError],
    index_dir: str | os.PathLike,
    on_item: Callable[[Document | IngestError], None] | None = None,
    lock_timeout_s: float = LOCK_TIMEOUT_S,
    user_dictionary: UserDictionary | None = None,
) -> IndexReport:
    """Build a new index generation from documents and make it current.

    For tools and tests that produce :class:`Document` objects themselves; files on disk
    are better indexed with :func:`index_paths`, which is incremental.

    :param items: documents to index and ingestion errors to report (as yielded by
        :func:`searchapp.ingest.read_documents`); consumed once, streaming.
    :param on_item: called after each item, e.g. to advance a progress bar.
    :param user_dictionary: an extra jieba user dictionary to segment with, recorded in the
        index; default none.
    :raises IndexLocked: another run held the lock for longer than ``lock_timeout_s``.
    """
    started = time.monotonic()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    report = IndexReport(rebuilt=True, user_dictionary=user_dictionary or UserDictionary())
    use_user_dictionary(report.user_dictionary.entries)
    with _exclusive_lock(index_dir / LOCK_FILE, lock_timeout_s):
        with _writable_index(index_dir, None) as ix:
            save_user_dictionary(Path(ix.storage.folder), report.user_dictionary)
            writer = open_writer(ix, files_to_read=0, processes=1)
            try:
                batch = _Batch(writer, None, dying=set())
                items_per_file: Counter[str] = Counter()
                for item in items:
                    if isinstance(item, IngestError):
                        report.skipped.append((item.path, item.reason))
                    else:
                        abspath = os.path.abspath(item.path)
                        report.duplicates += batch.add(item, abspath, items_per_file[abspath])
                        items_per_file[abspath] += 1
                        report.indexed += 1
                    if on_item:
                        on_item(item)
            except BaseException:
                batch.writer.cancel()
                raise
            batch.writer.commit()
            _save_facet_table(ix, report)
            report.added = len(items_per_file)
            report.documents = report.indexed - report.duplicates
        make_current(index_dir, ix.storage.folder)
        report.generation = Path(ix.storage.folder).name
    report.seconds = time.monotonic() - started
    return report


def _run_dictionary(
    index_dir: Path, generation: str | None, given: UserDictionary | None
) -> UserDictionary:
    """Return the user dictionary a run writes with: ``given`` (or none) for a new
    generation; the index's own for an update of ``generation``, which ``given`` must match.

    :raises UserDictionaryMismatch: ``given`` differs from the index's dictionary.
    """
    if generation is None:
        return given or UserDictionary()
    own = index_user_dictionary(index_dir, generation)
    if given is not None and given.entries != own.entries:
        built = (
            f"with the user dictionary {own.describe()}" if own.entries
            else "without a user dictionary"
        )
        raise UserDictionaryMismatch(
            f"the index in {index_dir} was built {built}, not {given.describe()}: run "
            "`searchapp index --rebuild` with it to segment every document anew (an update "
            "would mix two segmentations)"
        )
    return own


@contextmanager
def _writable_index(index_dir: Path, generation: str | None):
    """Yield the index to write: the named generation, or a new one (``None``).

    A new generation that fails before it is made current is deleted again.
    """
    if generation is not None:
        # Whoosh's writer keeps its sorting runs in "<segment>.tmp" folders; a run that was
        # killed leaves them behind. This run holds the lock, so none of them is in use.
        for leftover in (index_dir / generation).glob("*.tmp"):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
        yield storage(index_dir / generation).open_index()
        return
    prefix = f"{GENERATION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-"
    generation_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=index_dir))
    generation_dir.chmod(0o755)  # mkdtemp makes it private; readers may be other users
    try:
        yield storage(generation_dir).create_index(build_schema())
    except BaseException:
        shutil.rmtree(generation_dir, ignore_errors=True)
        raise


def _save_facet_table(ix, report: IndexReport) -> None:
    """Save the facet table of the new commit beside it.

    The commit is already searchable: searchers build the table themselves when no table
    saved for their commit exists, so a failure here (disk full, an unforeseen index shape)
    is a warning in ``report``, never a failed run after its commit.
    """
    try:
        save_for_index(ix)
    except Exception as error:  # noqa: BLE001 (the run's commit stands; see docstring)
        report.warnings.append(
            (str(ix.storage.folder), f"facet table not saved ({type(error).__name__}: {error}); "
             "searches build it from the index")
        )


def _content_keys(searcher, abspaths: set[str]) -> set[str]:
    """Return the content keys of the committed documents of ``abspaths``."""
    if searcher is None:
        return set()
    keys = set()
    for abspath in abspaths:
        keys.update(stored["content_key"] for stored in searcher.documents(abspath=abspath))
    return keys


def _file_hash(path: Path) -> str:
    """Return the first 16 hex digits of the SHA-1 of the file (as in Document ids)."""
    try:
        return hashlib.sha1(Path(path).read_bytes()).hexdigest()[:16]
    except OSError:
        return ""  # unreadable: read_file reports why


def _is_under(abspath: str, roots: list[str]) -> bool:
    return any(abspath == root or abspath.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


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
