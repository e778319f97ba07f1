"""The index folder on disk: generations of a Whoosh index and which one is current.

Layout of an index folder (``index/`` by default)::

    index/
      CURRENT        name of the generation readers should open, e.g. "gen-20261129T211500-k3j2"
      gen-…/         one complete Whoosh index
      .lock          held (fcntl) by the one index run allowed at a time

Searching needs only this module (opening the current generation); writing is
:mod:`searchapp.indexer`'s. Kept apart so that a search does not import the ingest stack.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

CURRENT_FILE = "CURRENT"
GENERATION_PREFIX = "gen-"


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

    :param generation: the generation folder to open, as :func:`current_generation` named
        it; default: the current one.
    :raises IndexNotFound: no index has been built there yet.
    """
    return storage(Path(index_dir) / (generation or current_generation(index_dir))).open_index()


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
