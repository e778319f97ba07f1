"""Renderings shared by the surfaces: highlighted text as escaped HTML, results as JSON.

The search core returns plain text with spans (:class:`searchapp.snippets.Snippet`); the
page and the JSON API show them as HTML whose only markup is ``<mark>…</mark>``, the CLI
prints the same JSON with ``--json``. Nothing here searches.
"""

from __future__ import annotations

from markupsafe import Markup
from markupsafe import escape

from searchapp.snippets import Snippet


def marked(snippet: Snippet) -> Markup:
    """Return ``snippet.text`` HTML-escaped with each span in ``<mark>``.

    >>> marked(Snippet("<b>断卡</b>行动", ((3, 5),)))
    Markup('&lt;b&gt;<mark>断卡</mark>&lt;/b&gt;行动')
    """
    pieces = []
    cursor = 0
    text = snippet.text
    for start, end in snippet.spans:
        if start < cursor or start >= end:
            continue
        pieces.append(escape(text[cursor:start]))
        pieces.append(Markup("<mark>%s</mark>") % text[start:end])
        cursor = end
    pieces.append(escape(text[cursor:]))
    return Markup("").join(pieces)


def terminal(snippet: Snippet, bold: bool = False) -> str:
    """Return ``snippet.text`` for a terminal, each span emphasised (reverse video, bold)
    and the rest plain (bold too with ``bold``); styles are dropped when output is piped."""
    import click

    pieces = []
    cursor = 0
    for start, end in snippet.spans:
        if start < cursor or start >= end:
            continue
        pieces.append(click.style(snippet.text[cursor:start], bold=bold) if bold else snippet.text[cursor:start])
        pieces.append(click.style(snippet.text[start:end], bold=True, reverse=True))
        cursor = end
    rest = snippet.text[cursor:]
    pieces.append(click.style(rest, bold=bold) if bold else rest)
    return "".join(pieces)


def hit_json(hit) -> dict:
    """One :class:`~searchapp.results.Hit` in the JSON API's shape (``snippet`` is escaped
    HTML whose only tags are ``<mark>``)."""
    return {
        "id": hit.id,
        "path": hit.path,
        "title": hit.title,
        "date": hit.date,
        "year": hit.year,
        "source": hit.source,
        "origin": hit.origin,
        "url": hit.url,
        "operations": hit.operations,
        "snippet": str(marked(hit.snippet)),
        "score": round(hit.score, 4) if hit.score is not None else None,
    }


def results_json(results) -> dict:
    """A :class:`~searchapp.results.SearchResults` in the JSON API's shape: ``/api/search``
    and ``searchapp search --json``. Keys are only ever added, never renamed."""
    request = results.request
    histogram = results.histogram
    return {
        "ok": True,
        "query": request.q,
        "parsed": results.parsed,
        "filters": {name: list(values) for name, values in request.filters().items()},
        "sort": request.sort,
        "total": results.total,
        "page": request.page,
        "per_page": request.per_page,
        "took_ms": round(results.took_ms, 1),
        "hits": [hit_json(hit) for hit in results.hits],
        "facets": {
            name: [
                {"value": v.value, "count": v.count, "selected": v.selected, "missing": v.missing}
                for v in values
            ]
            for name, values in results.facets.items()
        },
        "histogram": {
            "unit": histogram.unit,
            "buckets": [{"key": b.key, "count": b.count} for b in histogram.buckets],
            "undated": histogram.undated,
        } if histogram is not None else None,
        "relaxations": [
            {
                "kind": relaxation.kind,
                "facet": relaxation.facet or None,
                "value": relaxation.value or None,
                "query": relaxation.request.q,
                "filters": {name: list(values) for name, values in relaxation.request.filters().items()},
                "count": relaxation.count,
            }
            for relaxation in results.relaxations
        ],
        "title_only": request.title_only,
        "expand": request.expand,
        "expansions": results.expansions,
        "suggestions": results.suggestions,
        "corrected": results.corrected,
        **({"explain": results.explain} if request.explain else {}),
    }
