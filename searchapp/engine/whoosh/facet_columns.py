"""Facet tables of a Whoosh index: read from its columns and postings, saved per commit.

A :class:`~searchapp.facets.FacetTable` is built from the sortable ``year``, ``source`` and
``date`` columns, the postings of the multi-valued ``operations`` field and the postings of
``duplicate:1`` (exact duplicates, never shown) — see :mod:`searchapp.engine.whoosh.schema`.
After each commit the indexer saves the table beside the index (``facets-<generation>.npz``,
:func:`save_for_index`); a searcher loads the one saved for its commit, or builds it when
there is none (:func:`facet_table_for`). A table saved for another commit is never used.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from searchapp.engine.whoosh.schema import FACET_FIELDS
from searchapp.facets import SINGLE_VALUED
from searchapp.facets import FacetColumns
from searchapp.facets import FacetTable

_SAVED_PREFIX = "facets-"
#: Tables of the most recent commits, shared by the searchers of each (one per web thread).
_RECENT_COMMITS = 4
_recent_tables: dict[tuple[str, int], FacetTable] = {}
_table_lock = threading.Lock()


def facet_table_for(searcher) -> FacetTable:
    """Return the table of ``searcher``'s commit and keep it on the searcher.

    Loaded from the file the indexer saved beside the index for this commit
    (:func:`save_for_index`, a few milliseconds), or built from the index when there is
    none (about 0.3 s per 10,000 documents). A searcher sees one fixed set of segments, so
    the table never goes stale while it is open.
    """
    table = getattr(searcher, "_searchapp_facet_table", None)
    if table is None:
        with _table_lock:
            table = getattr(searcher, "_searchapp_facet_table", None)
            key = commit_key(searcher)
            if table is None and key is not None:
                table = _recent_tables.get(key)
            if table is None:
                table = _load_saved(searcher)
                if table is None:
                    table = build_facet_table(searcher.reader())
                if key is not None:  # shared by every searcher of this commit
                    _recent_tables[key] = table
                    while len(_recent_tables) > _RECENT_COMMITS:
                        _recent_tables.pop(next(iter(_recent_tables)))
            searcher._searchapp_facet_table = table
    return table


def build_facet_table(reader) -> FacetTable:
    """Build the facet table of a Whoosh index reader (see :func:`read_columns`)."""
    return FacetTable.from_columns(read_columns(reader))


def read_columns(reader) -> FacetColumns:
    """Read what a facet table is made of from a Whoosh index reader.

    :raises ValueError: a column's length does not match the reader's documents (never
        expected).
    """
    size = reader.doc_count_all()
    fieldname = FACET_FIELDS["operation"]
    return FacetColumns(
        size=size,
        live=np.fromiter(reader.all_doc_ids(), dtype=np.int64),
        duplicates=_postings(reader, "duplicate", "1"),
        columns={facet: _column(reader, FACET_FIELDS[facet], size) for facet in SINGLE_VALUED},
        operation_docs={
            term: _postings(reader, fieldname, term) for term in _field_terms(reader, fieldname)
        },
        dates=_column(reader, "date", size),
    )


def save_for_index(ix) -> None:
    """Build the facet table of the latest commit of ``ix`` and save it in the index folder
    (``facets-<generation>.npz``), deleting the tables of earlier commits. Called by the
    indexer after each commit; searchers then load instead of building it."""
    folder = Path(ix.storage.folder)
    with ix.searcher() as searcher:
        generation = searcher.reader().generation()
        build_facet_table(searcher.reader()).save(folder / f"{_SAVED_PREFIX}{generation}.npz")
    for old in folder.glob(f"{_SAVED_PREFIX}*.npz"):
        if old.name != f"{_SAVED_PREFIX}{generation}.npz":
            old.unlink(missing_ok=True)


def commit_key(searcher) -> tuple[str, int] | None:
    """``(index folder, commit generation)`` of a searcher: searchers with the same key see
    the same documents under the same numbers. ``None`` when it cannot be told."""
    storage = getattr(getattr(searcher, "_ix", None), "storage", None)
    folder = getattr(storage, "folder", None)
    generation = searcher.reader().generation()
    if folder is None or generation is None:
        return None
    return (str(folder), generation)


def _load_saved(searcher) -> FacetTable | None:
    """The table saved for this searcher's commit, or ``None`` (none saved, or unreadable)."""
    key = commit_key(searcher)
    if key is None:
        return None
    folder, generation = key
    try:
        table = FacetTable.load(Path(folder) / f"{_SAVED_PREFIX}{generation}.npz")
    except (OSError, ValueError, KeyError):
        return None
    return table if table.size == searcher.doc_count_all() else None


def _column(reader, fieldname: str, size: int) -> list[str]:
    """Return a sortable field's column, one string per document number ('' for none).

    Read segment by segment: a segment written by a run whose documents all lacked the
    field (an incremental run of undated files) has no column file for it, and Whoosh's
    multi-segment column reader then leaves that segment out instead of filling it in.

    :raises ValueError: the column's length does not match ``size`` (never expected).
    """
    if fieldname not in reader.schema:
        return [""] * size
    values: list[str] = []
    for segment_reader, docbase in reader.leaf_readers():
        count = segment_reader.doc_count_all()
        if len(values) != docbase:
            raise ValueError(f"segment of {fieldname!r} starts at {docbase}, not {len(values)}")
        if count and segment_reader.has_column(fieldname):
            values.extend(value or "" for value in segment_reader.column_reader(fieldname))
        else:
            values.extend([""] * count)
    if len(values) != size:
        raise ValueError(f"column {fieldname!r} has {len(values)} values for {size} documents")
    return values


def _postings(reader, fieldname: str, term: str) -> np.ndarray:
    """Return the live document numbers of a term (ascending), empty when it is absent."""
    if (fieldname, term) not in reader:
        return np.zeros(0, dtype=np.int64)
    return np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int64)


def _field_terms(reader, fieldname: str) -> list[str]:
    if fieldname not in reader.schema:
        return []
    return [term if isinstance(term, str) else term.decode("utf-8") for term in reader.field_terms(fieldname)]
