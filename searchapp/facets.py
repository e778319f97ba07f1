"""Facet counts, filters and date order over arrays, one array element per document.

Counting facets with Whoosh (``groupedby``, or one query per facet) scores, sorts or matches
every hit again for each facet. Here the index's facet columns are read once per commit
into a :class:`FacetTable` of NumPy arrays indexed by document number; a search then finds
its matching document numbers once, without scoring, and counts every facet, applies every
filter and orders by date with array operations. Counts stay exact.

Where the data comes from is the index engine's business (:class:`FacetColumns` says what
it supplies): the Whoosh engine reads the sortable ``year``, ``source`` and ``date``
columns, the postings of the multi-valued ``operations`` field and of ``duplicate:1``
(exact duplicates, never shown), and saves the table beside each commit
(:mod:`searchapp.engine.whoosh.facet_columns`). This module needs no index at all.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from searchapp.engine.whoosh.schema import FACET_FIELDS

#: Facets held as one value per document (a column), as opposed to ``operation``.
SINGLE_VALUED = ("year", "source")
#: The bucket of documents that lack a single-valued facet's field, by facet: counted and
#: filtered like any value, so that a facet's counts add up to the number of matches.
MISSING_VALUES = {"year": "未注明日期", "source": "无来源"}
_NO_VALUE = -1


@dataclass
class FacetColumns:
    """What an index engine reads from one commit to make its :class:`FacetTable`.

    :param size: document numbers run from 0 to ``size - 1`` (deleted ones included).
    :param live: int64 array of the live (not deleted) document numbers.
    :param duplicates: int64 array of the exact duplicates' document numbers, ascending.
    :param columns: facet name (each of :data:`SINGLE_VALUED`) → one value per document
        number, ``""`` for none.
    :param operation_docs: operation name → int64 array of its live document numbers,
        ascending.
    :param dates: one ISO date (``YYYY-MM-DD``) per document number, ``""`` for undated.
    """

    size: int
    live: np.ndarray
    duplicates: np.ndarray
    columns: dict[str, list[str]]
    operation_docs: dict[str, np.ndarray]
    dates: list[str]


class FacetTable:
    """Per-document facet values, dates and flags of one index commit, as arrays.

    Get a searcher's with :meth:`for_searcher`; an engine builds one with
    :meth:`from_columns`, and :meth:`save` / :meth:`load` keep it in a file.

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
        """:param reader: a Whoosh index reader to build the table from (through
        :func:`searchapp.engine.whoosh.facet_columns.read_columns`); ``None`` for an empty
        table that :meth:`from_columns` or :meth:`load` fill in."""
        if reader is not None:
            self._fill(_whoosh_facet_columns().read_columns(reader))

    @classmethod
    def from_columns(cls, columns: FacetColumns) -> FacetTable:
        """Build the table of the columns an index engine read."""
        table = cls()
        table._fill(columns)
        return table

    def _fill(self, columns: FacetColumns) -> None:
        self.size = columns.size
        live = np.zeros(self.size, dtype=bool)
        live[columns.live] = True
        self.duplicates = columns.duplicates
        live[self.duplicates] = False
        self.searchable = live
        self.codes: dict[str, np.ndarray] = {}
        self.values: dict[str, list[str]] = {}
        for facet in SINGLE_VALUED:
            self.codes[facet], self.values[facet] = _encode(columns.columns[facet])
        self.operation_docs = columns.operation_docs
        dates = columns.dates
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
        """Return the table of a Whoosh searcher's commit, kept on the searcher and shared by
        the searchers of that commit.

        Loaded from the file the indexer saved for the commit (a few milliseconds), or built
        from the index when there is none (about 0.3 s per 10,000 documents): see
        :func:`searchapp.engine.whoosh.facet_columns.facet_table_for`.
        """
        return _whoosh_facet_columns().facet_table_for(searcher)

    def save(self, path: Path) -> None:
        """Write the table to ``path`` (NumPy ``.npz``, no pickles), atomically."""
        operations = sorted(self.operation_docs)
        arrays = {name: getattr(self, name) for name in self._ARRAYS}
        for facet in SINGLE_VALUED:
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
            for facet in SINGLE_VALUED:
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


def _encode(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Turn a column of strings into int32 codes (``-1`` for empty) and the code table."""
    table: dict[str, int] = {}
    codes = np.fromiter(
        (table.setdefault(v, len(table)) if v else _NO_VALUE for v in values),
        dtype=np.int32,
        count=len(values),
    )
    return codes, list(table)


def _whoosh_facet_columns():
    """The Whoosh engine's facet-table module, imported when first needed (it imports this
    module for :class:`FacetTable`)."""
    return importlib.import_module("searchapp.engine.whoosh.facet_columns")
