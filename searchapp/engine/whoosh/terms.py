"""Term dictionaries of a Whoosh index, for suggestions: words, document frequencies.

What :mod:`searchapp.suggest` reads to find close words for a query that found little:
the words of a field with their document frequencies, the terms that start with a
character, how many documents hold a term or a run of characters, and, to build that
vocabulary once per index, the index folder and a searcher of its own. Terms come back as
``str``; document frequencies count documents (deleted ones until segments merge).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator

from whoosh import query
from whoosh.searching import Searcher


def doc_count_all(searcher: Searcher) -> int:
    """Return the number of documents of the searcher's index, deleted ones included."""
    return searcher.doc_count_all()


def doc_frequency(searcher: Searcher, fieldname: str, term: str) -> int:
    """Return how many documents hold ``term`` in ``fieldname``; 0 for a field the index
    does not have."""
    if fieldname not in searcher.schema:
        return 0
    return searcher.reader().doc_frequency(fieldname, term)


def term_frequencies(searcher: Searcher, fieldname: str) -> Iterator[tuple[str, int]]:
    """Yield every term of ``fieldname`` with its document frequency, in term order;
    nothing for a field the index does not have."""
    if fieldname not in searcher.schema:
        return
    field = searcher.schema[fieldname]
    for term, info in searcher.reader().iter_field(fieldname):
        yield (field.from_bytes(term) if isinstance(term, bytes) else term), info.doc_frequency()


def field_terms(searcher: Searcher, fieldname: str) -> list[str]:
    """Return every term of ``fieldname`` in term order; ``[]`` for a field the index does
    not have."""
    if fieldname not in searcher.schema:
        return []
    return list(searcher.reader().field_terms(fieldname))


def prefix_frequencies(searcher: Searcher, fieldname: str, prefix: str) -> Iterator[tuple[str, int]]:
    """Yield the terms of ``fieldname`` that start with ``prefix``, with their document
    frequencies, in term order (lazily: stop when you have enough)."""
    for term, info in searcher.reader().iter_prefix(fieldname, prefix):
        yield (term.decode("utf-8") if isinstance(term, bytes) else term), info.doc_frequency()


def ngram_fields(searcher: Searcher, fieldnames) -> list[str]:
    """Return the n-gram fields of those of ``fieldnames`` that have one (``title`` →
    ``title_ngram``)."""
    schema = searcher.schema
    return [schema[f].ngram_field for f in fieldnames if hasattr(schema[f], "ngram_field")]


def contiguous_frequency(searcher: Searcher, text: str, fieldnames) -> int:
    """Return in how many documents ``text``'s characters stand together, in any of the
    text fields ``fieldnames`` (an n-gram phrase); 0 when none of them has n-grams."""
    schema = searcher.schema
    parts = [schema[f].phrase_query(text) for f in fieldnames if hasattr(schema[f], "phrase_query")]
    return len(searcher.search(query.Or(parts), limit=1, terms=False)) if parts else 0


def index_folder(searcher: Searcher) -> str | None:
    """Return the folder of the index generation the searcher reads, or ``None`` (an index
    in memory): a key for what is built once per index."""
    ix = getattr(searcher, "_ix", None)
    return getattr(getattr(ix, "storage", None), "folder", None)


def searcher_opener(searcher: Searcher) -> Callable[[], Searcher] | None:
    """Return a function that opens a new searcher of the searcher's index (its latest
    commit; close it, e.g. with ``with``), for work that outlives the request's searcher;
    ``None`` when it cannot be told."""
    ix = getattr(searcher, "_ix", None)
    return None if ix is None else ix.searcher
