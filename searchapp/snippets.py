"""Highlights and snippets: find what a query matched in a text, as spans.

Matching is done on the normalized text (width and case folded, see
:func:`searchapp.analysis.normalize`) with spaces, punctuation and quotes squeezed out, the
way the n-gram field matches phrases; highlights are mapped back to the original characters.
Overlapping and touching matches merge, so the longest match wins (马克思, never 马克) and
a phrase is one mark.

Results are plain text with spans (offsets of the matches into that text): no HTML. The
surfaces render them: ``<mark>`` in escaped HTML for the page and the JSON
(:mod:`searchapp.render`), emphasis on a terminal (:mod:`searchapp.cli`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from searchapp.analysis import HAN
from searchapp.analysis import normalize

#: Characters kept when matching; everything else (spaces, punctuation, quotes) is squeezed out.
_KEPT = re.compile(f"[{HAN}a-z0-9.]")
_KEPT_RUN = re.compile(f"[{HAN}a-z0-9.]+")
#: Where a sentence ends, and where a clause ends inside a sentence.
SENTENCE_ENDS = "。！？；!?;\n"
CLAUSE_ENDS = "，、：,:"
#: Characters of body text shown for a hit.
SNIPPET_CHARS = 120
#: Characters of a body searched for snippet fragments (a long article's first ~15 pages).
SNIPPET_SCAN_CHARS = 20_000
#: Characters shown from the start of the body when the query matched only the title.
LEAD_CHARS = 100
#: A further fragment is only added while at least this many characters remain to show.
MIN_FRAGMENT_CHARS = 30

Span = tuple[int, int]


@dataclass(frozen=True)
class Snippet:
    """Text to show with the spans to highlight in it.

    :param text: plain text (fragments of a body joined by `` … ``, ``…`` where cut).
    :param spans: ``(start, end)`` offsets into ``text`` (characters, end-exclusive),
        non-overlapping, in order.
    """

    text: str
    spans: tuple[Span, ...] = ()


def squeeze(text: str) -> str:
    """Return the matching form of a needle: normalized, only Han, a-z, 0-9 and ``.`` kept."""
    return "".join(_KEPT.findall(normalize(text)))


def find_highlights(
    text: str, needles: Iterable[str], normalized: str | None = None
) -> list[Span]:
    """Return the spans of ``text`` that match any of ``needles``, merged and sorted.

    :param text: original text (any width, case, punctuation).
    :param needles: strings to find; they are squeezed like the text. A needle that starts
        or ends with a Latin letter or digit only matches at a word boundary (``app`` does
        not match inside ``happy``).
    :param normalized: ``normalize(text)``, when the caller has it already.
    :returns: ``[(start, end), ...]``, offsets into ``text`` (characters, end-exclusive),
        non-overlapping, not touching, in order.
    """
    normalized = normalize(text) if normalized is None else normalized
    offsets: list[int] = []
    pieces = []
    for run in _KEPT_RUN.finditer(normalized):
        offsets.extend(range(run.start(), run.end()))
        pieces.append(run.group())
    squeezed = "".join(pieces)
    spans: list[Span] = []
    for needle in {squeeze(needle) for needle in needles}:
        if not needle:
            continue
        at = squeezed.find(needle)
        while at != -1:
            start, end = offsets[at], offsets[at + len(needle) - 1] + 1
            if _at_boundaries(normalized, start, end):
                spans.append((start, end))
            at = squeezed.find(needle, at + 1)
    return _merge(spans)


def _at_boundaries(normalized: str, start: int, end: int) -> bool:
    """Whether a match does not cut a run of letters or a run of digits (``app`` matches
    in ``app3`` and ``3`` in ``app3``, but ``app`` not in ``happy``, ``12`` not in ``312``)."""
    if start > 0 and _same_class(normalized[start - 1], normalized[start]):
        return False
    if end < len(normalized) and _same_class(normalized[end - 1], normalized[end]):
        return False
    return True


def _same_class(a: str, b: str) -> bool:
    return (a.isascii() and b.isascii()) and (
        (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit())
    )


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight_spans(text: str, needles: Iterable[str]) -> Snippet:
    """Return the whole of ``text`` with every match of ``needles`` as a span."""
    return Snippet(text, tuple(find_highlights(text, needles)))


def snippet_spans(text: str, needles: Iterable[str], max_chars: int = SNIPPET_CHARS) -> Snippet:
    """Return the fragments of ``text`` that best show the matches, with their spans.

    Fragments are whole sentences (cut at 。！？； and line ends) chosen by how many different
    needles and matches they hold, shown in text order and joined by `` … ``; a sentence longer than
    ``max_chars`` is cut at a clause boundary (，、：) around its first match. When nothing
    matches (the query matched only the title), the lead of the text is shown instead.

    Only the first :data:`SNIPPET_SCAN_CHARS` characters are searched for fragments, so a
    huge document costs no more than a long article.

    :param max_chars: about how many characters of text to show in all.
    """
    text = text[:SNIPPET_SCAN_CHARS]
    normalized = normalize(text)
    spans = find_highlights(text, needles, normalized)
    if not spans:
        return _lead(text, min(max_chars, LEAD_CHARS))
    scored = []
    next_span = 0
    for sentence_start, sentence_end in _sentences(text):
        while next_span < len(spans) and spans[next_span][0] < sentence_start:
            next_span += 1
        inside = []
        while next_span < len(spans) and spans[next_span][1] <= sentence_end:
            inside.append(spans[next_span])
            next_span += 1
        if inside:
            distinct = len({normalized[s:e] for s, e in inside})
            scored.append((-distinct, -len(inside), sentence_start, sentence_end, inside))
    scored.sort()
    chosen: list[tuple[int, int, bool, bool]] = []  # start, end, cut at start, cut at end
    budget = max_chars
    for _d, _n, sentence_start, sentence_end, inside in scored:
        if chosen and budget < MIN_FRAGMENT_CHARS:
            break
        start, end = _fit(text, sentence_start, sentence_end, inside[0], budget)
        chosen.append((start, end, start > sentence_start, end < sentence_end))
        budget -= end - start
    chosen.sort()
    pieces: list[str] = ["…"] if chosen[0][2] else []
    shown: list[Span] = []
    offset = len(pieces[0]) if pieces else 0
    for index, (start, end, _cut_start, _cut_end) in enumerate(chosen):
        if index:
            pieces.append(" … ")
            offset += 3
        pieces.append(text[start:end])
        shown += [
            (max(s, start) - start + offset, min(e, end) - start + offset)
            for s, e in spans
            if max(s, start) < min(e, end)
        ]
        offset += end - start
    if chosen[-1][3]:
        pieces.append("…")
    return Snippet("".join(pieces), tuple(shown))


def _sentences(text: str) -> list[Span]:
    """Split ``text`` into sentences: spans ending after a sentence-ending character."""
    spans = []
    start = 0
    for i, char in enumerate(text):
        if char in SENTENCE_ENDS:
            if text[start : i + 1].strip():
                spans.append(_strip(text, start, i + 1))
            start = i + 1
    if text[start:].strip():
        spans.append(_strip(text, start, len(text)))
    return spans


def _strip(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _fit(text: str, start: int, end: int, first_match: Span, budget: int) -> Span:
    """Shrink the sentence ``[start, end)`` to ``budget`` characters around ``first_match``,
    preferring clause boundaries; never cuts the match itself."""
    if end - start <= budget:
        return start, end
    match_start, match_end = first_match
    lead = budget // 3
    window_start = max(start, match_start - lead)
    # Start after a clause boundary close before the match, if there is one in reach.
    for i in range(window_start, match_start):
        if text[i] in CLAUSE_ENDS:
            window_start = i + 1
            break
    window_end = min(end, max(match_end, window_start + budget))
    for i in range(window_end - 1, match_end - 1, -1):
        if text[i] in CLAUSE_ENDS and i + 1 - window_start >= budget // 2:
            window_end = i + 1
            break
    return window_start, window_end


def _lead(text: str, max_chars: int) -> Snippet:
    """Return the start of ``text``: whole sentences up to ``max_chars``, else a cut one."""
    text = text.strip()
    if len(text) <= max_chars:
        return Snippet(text)
    end = max_chars
    for i in range(max_chars, max_chars // 2, -1):
        if text[i - 1] in SENTENCE_ENDS + CLAUSE_ENDS:
            end = i
            break
    return Snippet(text[:end].rstrip() + "…")


# --- escaped HTML, for the code that still takes it (until the surfaces render spans) ------


def highlight(text: str, needles: Iterable[str]):
    """Return the whole of ``text`` escaped, every match of ``needles`` in ``<mark>``
    (:class:`markupsafe.Markup`; :func:`highlight_spans` rendered by
    :func:`searchapp.render.marked`)."""
    from searchapp.render import marked

    return marked(highlight_spans(text, needles))


def make_snippet(text: str, needles: Iterable[str], max_chars: int = SNIPPET_CHARS):
    """Return :func:`snippet_spans` as escaped HTML with ``<mark>`` (``markupsafe.Markup``)."""
    from searchapp.render import marked

    return marked(snippet_spans(text, needles, max_chars))
