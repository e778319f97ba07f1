"""The stock configuration we compare against: Whoosh + ``jieba.analyse.ChineseAnalyzer``.

What a developer gets by following jieba's README: one ``ChineseAnalyzer()`` on the text
fields, the same :class:`~searchapp.document.Document` objects our indexer sees (read by our
ingest, so parsing costs the same on both sides) and the same fields, one writer with
Whoosh's default settings, no n-gram fields, no duplicate folding. Searching uses Whoosh's
default query parser over ``title`` and ``body``, ``groupedby`` counts for the facets the web
page shows (year, source, operation), a ``filter`` for facet filters, and the page's hits with
``hit.highlights`` of title and body (Whoosh's default fragmenter and HTML formatter).

Usage (a cold command-line search, the counterpart of ``searchapp search``)::

    python benchmarks/stock.py search INDEX_DIR 诈骗
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import jieba
    from jieba.analyse import ChineseAnalyzer
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh import query
from whoosh import sorting
from whoosh.qparser import MultifieldParser

PAGE_SIZE = 10
#: Facet name (as in our request) -> stock field.
FACETS = {"year": "year", "source": "source", "operation": "operations"}


def build_schema() -> fields.Schema:
    """The stock schema: our Document's fields, jieba's ChineseAnalyzer on the text."""
    analyzer = ChineseAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        path=fields.ID(stored=True),
        title=fields.TEXT(stored=True, analyzer=analyzer),
        body=fields.TEXT(stored=True, analyzer=analyzer),
        date=fields.ID(stored=True, sortable=True),
        year=fields.ID(stored=True, sortable=True),
        source=fields.ID(stored=True, sortable=True),
        origin=fields.ID(stored=True),
        url=fields.STORED(),
        operations=fields.KEYWORD(stored=True, commas=True, scorable=False),
    )


def document_fields(document) -> dict:
    values = {
        "id": document.id,
        "path": document.path,
        "title": document.title,
        "body": document.body,
        "date": document.date or "",
        "year": str(document.year) if document.year else "",
        "source": document.source,
        "origin": document.origin,
        "url": document.url,
        "operations": ",".join(document.operations),
    }
    return {name: value for name, value in values.items() if value}


def build_index(paths: list[str], index_dir: str) -> dict:
    """Read the files under ``paths`` with our ingest and index them the stock way.

    :returns: ``{"documents", "skipped", "ingest_s", "add_s", "commit_s"}`` (seconds).
    """
    from searchapp.ingest import IngestError
    from searchapp.ingest import iter_files
    from searchapp.ingest import read_file

    Path(index_dir).mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(index_dir, build_schema())
    writer = ix.writer()
    timings = {"documents": 0, "skipped": 0, "ingest_s": 0.0, "add_s": 0.0}
    for path in iter_files(paths):
        started = time.perf_counter()
        try:
            documents = read_file(path)
        except IngestError:
            timings["skipped"] += 1
            documents = []
        read = time.perf_counter()
        for document in documents:
            writer.add_document(**document_fields(document))
            timings["documents"] += 1
        timings["ingest_s"] += read - started
        timings["add_s"] += time.perf_counter() - read
    started = time.perf_counter()
    writer.commit()
    timings["commit_s"] = time.perf_counter() - started
    return timings


def open_index(index_dir: str):
    return whoosh_index.open_dir(index_dir)


def warm_up() -> None:
    """Load jieba's dictionary (what the first query would otherwise pay)."""
    jieba.initialize()


def search(searcher, spec: dict) -> dict:
    """Run one query of the mix the stock way; return total, page hits and facet counts.

    :param spec: ``{"q", "years", "sources", "operations", "sort", "page"}`` as in
        :mod:`queries`.
    """
    parser = MultifieldParser(["title", "body"], searcher.schema)
    q = parser.parse(spec["q"]) if spec["q"].strip() else query.Every()
    filters = []
    for facet, key in (("year", "years"), ("source", "sources"), ("operation", "operations")):
        values = spec.get(key) or ()
        if values:
            filters.append(query.Or([query.Term(FACETS[facet], v) for v in values]))
    page = spec.get("page", 1)
    sort = spec.get("sort", "relevance")
    if sort == "relevance" and not spec["q"].strip():
        sort = "date"
    sortedby = None if sort == "relevance" else sorting.FieldFacet("date", reverse=sort == "date")
    results = searcher.search(
        q,
        limit=page * PAGE_SIZE,
        filter=query.And(filters) if filters else None,
        sortedby=sortedby,
        groupedby={
            "year": sorting.FieldFacet("year"),
            "source": sorting.FieldFacet("source"),
            "operation": sorting.FieldFacet("operations", allow_overlap=True),
        },
        maptype=sorting.Count,
    )
    hits = []
    for hit in results[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        hits.append({
            "id": hit["id"],
            "title": hit.highlights("title") or hit["title"],
            "snippet": hit.highlights("body"),
        })
    facets = {name: results.groups(name) for name in ("year", "source", "operation")}
    return {"total": len(results), "hits": hits, "facets": facets}


def main() -> None:
    if len(sys.argv) < 4 or sys.argv[1] != "search":
        raise SystemExit("usage: python benchmarks/stock.py search INDEX_DIR QUERY")
    ix = open_index(sys.argv[2])
    with ix.searcher() as searcher:
        answer = search(searcher, {"q": sys.argv[3]})
    print(f"{answer['total']} hits")
    for hit in answer["hits"]:
        print(hit["title"])
        print("  ", hit["snippet"])


if __name__ == "__main__":
    main()
