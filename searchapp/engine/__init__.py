"""The index boundary: what the search core asks of an index engine.

The core (query language, ranking, facets, the one data function and the surfaces) talks to
an index only through these operations; an engine is one implementation of them in a
subpackage of its own. Today there is one, :mod:`searchapp.engine.whoosh`: every
Whoosh import and every use of Whoosh's private internals lives there.

The operations, in the order a search or an index run needs them:

* **open the current index generation** — the index folder holds generations and names the
  current one; opening it also puts its user dictionary in use
  (``generations.open_index``, ``generations.current_generation``);
* **match and score a compiled query as arrays** — the document numbers a query matches,
  unscored, ascending; and BM25F scores of whole posting lists (``matching``, ``scoring``);
* **the facet table** — per-document facet values, dates and flags as NumPy arrays, read
  from the index's columns and postings, saved beside each commit and loaded by searchers
  (``facet_columns``, building a :class:`searchapp.facets.FacetTable`);
* **stored documents by id** — the fields a hit and a document page show
  (``schema.stored_document``);
* **postings for more-like-this and suggestions** — document frequencies of terms, the
  words of a field, terms by prefix (``terms``);
* **write and delete documents** — one writer, or one writer process per core for large
  runs; documents mapped onto the index's fields (``writers``, ``schema.document_fields``);
  what an update reads back of the last commit: files and hashes, duplicates
  (``bookkeeping``);
* **commit** — atomically: a search sees the index before or after a run, never half of it.

For now this is a list, not a class: the core still calls the Whoosh modules directly, and
:mod:`searchapp.search` still builds Whoosh queries itself (issue 12 moves query parsing to a
query package of our own, compiled per engine).
"""
