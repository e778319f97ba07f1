"""The index folder on disk: generations of a Whoosh index and which one is current.

Layout of an index folder (``index/`` by default)::

    index/
      CURRENT        name of the generation readers should open, e.g. "gen-20261129T211500-k3j2"
      gen-…/         one complete Whoosh index
        userdict.json  the extra user dictionary it was segmented with, if any
      .lock          held (fcntl) by the one index run allowed at a time

Searching needs only this module (opening the current generation); writing is
:mod:`searchapp.indexer`'s. Kept apart so that a search does not import the ingest stack.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher  # noqa: F401 (the searcher type other modules name)

from searchapp.analysis import UserDictionary
from searchapp.analysis import use_user_dictionary

CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"
#: In a generation folder: the extra user dictionary its documents were segmented with.
USER_DICTIONARY_FILE = "userdict.json"


class IndexNotFound(Exception):
    """There is no usable index in the folder; the message says how to build one."""


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

    Also puts the generation's user dictionary in use for this process
    (:func:`searchapp.analysis.use_user_dictionary`; the domain dictionary alone when it
    has none), so that queries are segmented as its documents were.

    :param generation: the generation folder to open, as :func:`current_generation` named
        it; default: the current one.
    :raises IndexNotFound: no index has been built there yet, or its user dictionary
        record is damaged.
    """
    generation = generation or current_generation(index_dir)
    ix = storage(Path(index_dir) / generation).open_index()
    use_user_dictionary(index_user_dictionary(index_dir, generation).entries)
    return ix


def index_user_dictionary(
    index_dir: str | os.PathLike, generation: str | None = None
) -> UserDictionary:
    """Return the extra user dictionary a generation was built with.

    Read from ``userdict.json`` in the generation folder (:func:`save_user_dictionary`):
    ``{"format": 1, "source": "/abs/dict.txt", "entries": [["goip设备", 10], ...]}``.

    :param generation: default: the current one.
    :returns: ``UserDictionary()`` (no entries) when it was built without one.
    :raises IndexNotFound: no index there, or the record cannot be read.
    """
    generation = generation or current_generation(index_dir)
    path = Path(index_dir) / generation / USER_DICTIONARY_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            (str(word), None if freq is None else int(freq)) for word, freq in record["entries"]
        )
        return UserDictionary(entries, record.get("source"))
    except FileNotFoundError:
        return UserDictionary()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexNotFound(
            f"the index in {index_dir} is damaged: its user dictionary record {path} cannot be "
            f"read ({exc}); rebuild it with `searchapp index --rebuild`"
        ) from None


def save_user_dictionary(folder: Path, dictionary: UserDictionary) -> None:
    """Record in a new generation ``folder`` the user dictionary it is built with (nothing
    when it has no entries); see :func:`index_user_dictionary`.

    :raises OSError: the file cannot be written.
    """
    if not dictionary.entries:
        return
    record = {
        "format": 1,
        "source": dictionary.source,
        "entries": [list(entry) for entry in dictionary.entries],
    }
    path = Path(folder) / USER_DICTIONARY_FILE
    pending = path.with_name(f"{USER_DICTIONARY_FILE}.{os.getpid()}.tmp")
    pending.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(pending, path)


def storage(folder: Path) -> FileStorage:
    """Return the Whoosh storage of a generation folder, without memory maps.

    In Whoosh-Reloaded 2.7.5 a memory-mapped compound segment is copied into a ``BytesIO``
    on every open (``CompoundStorage`` → ``BufferFile``): a full copy of the index per
    searcher (1.2 s at 10,000 documents). Plain file reads avoid the copy and made the query
    mix 12× faster (BENCHMARKS.md, item 1). Searchers then hold open files: close them.
    """
    return FileStorage(str(folder), supports_mmap=False)


def make_current(index_dir: Path, generation_folder: str) -> None:
    """Point CURRENT at the generation atomically; keep the previous one, delete older ones."""
    generation = Path(generation_folder).name
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
    remove_stale_generations(index_dir, keep={generation, previous})


def remove_stale_generations(index_dir: Path, keep: set[str | None]) -> None:
    """Delete generation folders other than ``keep``: older ones, and the half-built
    remains of rebuilds that were killed before they were made current."""
    for entry in index_dir.iterdir():
        if entry.name.startswith(GENERATION_PREFIX) and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
