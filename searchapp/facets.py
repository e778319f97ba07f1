"""Facet counts, filters and date order over arrays, one array element per document.

Counting facets with Whoosh (``groupedby``, or one query per facet) scores, sorts or matches
every hit again for each facet. Here the index's facet columns are read once per searcher
into a :class:`FacetTable` of NumPy arrays indexed by document number; a search then finds
its matching document numbers once, without scoring, and counts every facet, applies every
filter and orders by date with array operations. Counts stay exact.

Where the data comes from: the sortable ``year``, ``source`` and ``date`` columns, the
postings of the multi-valued ``operations`` field, and the postings of ``duplicate:1``
(exact duplicates, never shown) — see :mod:`searchapp.engine.whoosh.schema`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from searchapp.engine.whoosh.schema import FACET_FIELDS

#: Facets held as one value per document (a column), as opposed to ``operation``.
_SINGLE_VALUED = ("year", "source")
#: The bucket of documents that lack a single-valued facet's field, by facet: counted and
#: filtered like any value, so that a facet's counts add up to the number of matches.
MISSING_VALUES = {"year": "未注明日期", "source": "无来源"}
_NO_VALUE = -1
_table_lock = threading.Lock()


class FacetTable:
    """Per-document facet values, dates and flags of one index reader, as arrays.

    Build it with :meth:`for_searcher`, which caches it on the searcher (a searcher sees one
    fixed set of segments, so the table never goes stale while it is open).

    :ivar size: document numbers run from 0 to ``size - 1`` (deleted ones included).
    :ivar searchable: bool array, True for live documents that are not exact duplicates.
    :ivar duplicates: int64 array of the exact duplicates' document numbers.
    :ivar codes: facet name (``year``, ``source``) → int32 array of value codes, -1 for none.
    :ivar values: facet name → list of the values the codes stand for.
    :ivar operation_docs: operation name → sorted int64 array of its document numbers.
    :ivar date_rank: int64 array; ordering documents by it orders them by date, oldest first,
        undated documents (rank ``size`` and above) last.
    :ivar month: int32 array of months since year 0 (2022-07 → 2022 × 12 + 6), -1 undated.
    """

    _ARRAYS = ("searchable", "duplicates", "month", "date_rank", "undated")

    def __init__(self, reader=None):
        if reader is None:  # filled in by load()
            return
        self.size = reader.doc_count_all()
        live = np.zeros(self.size, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.duplicates = _postings(reader, "duplicate", "1")
        live[self.duplicates] = False
        self.searchable = live
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list[str]] = {}
        for facet in _SINGLE_VALUED:
            self.codes[facet], self.values[facet] = _encode(_column(reader, FACET_FIELDS[facet], self.size))
        fieldname = FACET_FIELDS["operation"]
        self.operation_docs = {
            term: _postings(reader, fieldname, term) for term in _field_terms(reader, fieldname)
        }
        dates = _column(reader, "date", self.size)
        self.month = np.fromiter(
            ((int(d[:4]) * 12 + int(d[5:7]) - 1) if len(d) >= 7 else -1 for d in dates),
            dtype=np.int32,
            count=self.size,
        )
        # Oldest first; undated ("~" sorts after every digit) after every dated document,
        # in document order.
        date_strings = np.array(dates, dtype="U10")
        self.undated = date_strings == ""
        order = np.argsort(np.where(self.undated, "~", date_strings), kind="stable")
        self.date_rank = np.empty(self.size, dtype=np.int64)
        self.date_rank[order] = np.arange(self.size, dtype=np.int64)

    def all_docnums(self) -> np.ndarray:
        """Return every searchable document number, ascending (what an empty query matches)."""
        return np.flatnonzero(self.searchable)

    def hidden_docnums(self) -> set[int]:
        """Return the document numbers a search never shows: exact duplicates (deleted
        documents are left out by Whoosh itself)."""
        return set(self.duplicates.tolist())

    @classmethod
    def for_searcher(cls, searcher) -> FacetTable:
        """Return the table of ``searcher``'s reader and keep it on the searcher.

        Loaded from the file the indexer saved beside the index for this commit
        (:func:`save_for_index`, a few milliseconds), or built from the index when there is
        none (about 0.3 s per 10,000 documents).
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
                        table = cls(searcher.reader())
                    if key is not None:  # shared by every searcher of this commit
                        _recent_tables[key] = table
                        while len(_recent_tables) > _RECENT_COMMITS:
                            _recent_tables.pop(next(iter(_recent_tables)))
                searcher._searchapp_facet_table = table
        return table

    def save(self, path: Path) -> None:
        """Write the table to ``path`` (NumPy ``.npz``, no pickles), atomically."""
        operations = sorted(self.operation_docs)
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        for facet in _SINGLE_VALUED:
            arrays[f"codes_{facet}"] = self.codes[facet]
            arrays[f"values_{facet}"] = np.array(self.values[facet], dtype=str)
        arrays["operation_names"] = np.array(operations, dtype=str)
        arrays["operation_sizes"] = np.array([len(self.operation_docs[o]) for o in operations], dtype=np.int64)
        arrays["operation_docs"] = (
            np.concatenate([self.operation_docs[o] for o in operations]) if operations else np.zeros(0, dtype=np.int64)
        )
        pending = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(pending, "wb") as out:
            np.savez(out, **arrays)
        os.replace(pending, path)

    @classmethod
    def load(cls, path: Path) -> FacetTable:
        """Read a table written by :meth:`save`.

        :raises OSError, ValueError, KeyError: the file is missing or not such a table.
        """
        table = cls()
        with np.load(path, allow_pickle=False) as data:
            for name in cls._ARRAYS:
                setattr(table, name, data[name])
            table.size = len(table.searchable)
            table.codes, table.values = {}, {}
            for facet in _SINGLE_VALUED:
                table.codes[facet] = data[f"codes_{facet}"]
                table.values[facet] = data[f"values_{facet}"].tolist()
            names = data["operation_names"].tolist()
            pieces = np.split(data["operation_docs"], np.cumsum(data["operation_sizes"])[:-1]) if names else []
            table.operation_docs = dict(zip(names, pieces))
        return table

    # --- filters ----------------------------------------------------------------------------

    def filter_mask(self, facet: str, selected: Iterable[str]) -> np.ndarray:
        """Return a bool array: True for documents holding any of ``selected`` in ``facet``.

        :param facet: ``year``, ``source`` or ``operation``; the value
            :data:`MISSING_VALUES` names selects the documents without that field.
        :raises KeyError: ``facet`` is not one of those.
        """
        mask = np.zeros(self.size, dtype=bool)
        if facet == "operation":
            for value in selected:
                docs = self.operation_docs.get(value)
                if docs is not None:
                    mask[docs] = True
            return mask
        wanted = [self.values[facet].index(v) for v in selected if v in self.values[facet]]
        if MISSING_VALUES.get(facet) in selected:
            wanted.append(_NO_VALUE)
        if wanted:
            mask = np.isin(self.codes[facet], np.asarray(wanted, dtype=np.int32))
        return mask

    def select(
        self, matched: np.ndarray, filters: Mapping[str, Iterable[str]]
    ) -> tuple[np.ndarray, dict[str, dict[str, int]]]:
        """Apply the facet filters to ``matched`` and count every facet.

        Each facet is counted over the matches that pass the *other* facets' filters, so the
        values a person may add to that facet's OR are shown with their counts. Duplicates
        and deleted documents never count.

        :param matched: document numbers matching the query (any order, no repeats).
        :param filters: facet name → selected values (empty: no filter on that facet).
        :returns: the document numbers that pass every filter (in the order given), and
            facet name → ``{value: count}`` (values with a count of 0 are left out; the
            documents lacking ``year`` or ``source`` count under :data:`MISSING_VALUES`, so
            those two facets' counts add up to the matches passing the other filters).
        """
        matched = np.asarray(matched, dtype=np.int64)
        matched = matched[self.searchable[matched]]
        passes = {
            facet: self.filter_mask(facet, values)[matched]
            for facet, values in filters.items()
            if values
        }
        all_pass = np.ones(len(matched), dtype=bool)
        for mask in passes.values():
            all_pass &= mask
        counts = {}
        for facet in FACET_FIELDS:
            others = np.ones(len(matched), dtype=bool)
            for name, mask in passes.items():
                if name != facet:
                    others &= mask
            counts[facet] = self._count(facet, matched[others])
        return matched[all_pass], counts

    def _count(self, facet: str, docnums: np.ndarray) -> dict[str, int]:
        if facet == "operation":
            member = np.zeros(self.size, dtype=bool)
            member[docnums] = True
            counts = {term: int(member[docs].sum()) for term, docs in self.operation_docs.items()}
            return {term: count for term, count in counts.items() if count}
        codes = self.codes[facet][docnums]
        present = codes != _NO_VALUE
        tally = np.bincount(codes[present], minlength=len(self.values[facet]))
        values = self.values[facet]
        counts = {values[code]: int(tally[code]) for code in np.flatnonzero(tally).tolist()}
        missing = len(codes) - int(present.sum())
        if missing:
            counts[MISSING_VALUES[facet]] = missing
        return counts

    # --- dates ------------------------------------------------------------------------------

    def by_date(self, docnums: np.ndarray, newest_first: bool) -> np.ndarray:
        """Return ``docnums`` ordered by date (newest or oldest first), undated ones last in
        document order either way."""
        docnums = np.asarray(docnums, dtype=np.int64)
        ranks = self.date_rank[docnums]
        if newest_first:
            dated = ~self.undated[docnums]
            # Dated newest first, then undated in document order: negate dated ranks only.
            keys = np.where(dated, -ranks, ranks + self.size)
        else:
            keys = ranks
        return docnums[np.argsort(keys, kind="stable")]

    def months(self, docnums: np.ndarray) -> tuple[dict[str, int], int]:
        """Count ``docnums`` by month: ``({"2022-07": n, ...}, undated count)``."""
        months = self.month[np.asarray(docnums, dtype=np.int64)]
        undated = int((months < 0).sum())
        months = months[months >= 0]
        found, counts = np.unique(months, return_counts=True)
        return (
            {f"{m // 12:04d}-{m % 12 + 1:02d}": int(n) for m, n in zip(found.tolist(), counts.tolist())},
            undated,
        )


def save_for_index(ix) -> None:
    """Build the facet table of the latest commit of ``ix`` and save it in the index folder
    (``facets-<generation>.npz``), deleting the tables of earlier commits. Called by the
    indexer after each commit; searchers then load instead of building it."""
    folder = Path(ix.storage.folder)
    with ix.searcher() as searcher:
        generation = searcher.reader().generation()
        FacetTable(searcher.reader()).save(folder / f"{_SAVED_PREFIX}{generation}.npz")
    for old in folder.glob(f"{_SAVED_PREFIX}*.npz"):
        if old.name != f"{_SAVED_PREFIX}{generation}.npz":
            old.unlink(missing_ok=True)


_SAVED_PREFIX = "facets-"
#: Tables of the most recent commits, shared by the searchers of each (one per web thread).
_RECENT_COMMITS = 4
_recent_tables: dict[tuple[str, int], FacetTable] = {}


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


def _encode(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Turn a column of strings into int32 codes (``-1`` for empty) and the code table."""
    table: dict[str, int] = {}
    codes = np.fromiter(
        (table.setdefault(v, len(table)) if v else _NO_VALUE for v in values),
        dtype=np.int32,
        count=len(values),
    )
    return codes, list(table)


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
