"""What a parsed query means, for people (``explain``) and for the highlighter (needles).

Both read the tree the way engines compile it: a word is "all of its jieba words" OR "its
characters together" OR each lexicon alternative; a phrase is its characters together.
"""

from __future__ import annotations

from searchapp.analysis import HAN
from searchapp.analysis import query_ngrams
from searchapp.analysis import query_words
from searchapp.query import tree

#: How a keyword field of the tree is named in ``explain`` (the index field it matches).
_FIELD_NAMES = {"operation": "operations"}


def explain(q: tree.Query, expand: bool = True) -> str:
    """Describe how a parsed query is read, in the query language's own terms.

    Words are shown bare, character phrases in quotes, lexicon alternatives as
    ``also(…)``, the adjacency bonus as ``ranked higher if …``. Example for ``电诈 -赌博``::

        (电诈 OR "电诈" OR also(电信网络诈骗) OR also(电信诈骗)) NOT (赌博 OR "赌博")  — …

    :param expand: whether synonyms were on (said in the note after the description).
    """
    text = describe(q)
    fields = "title only" if q.title_only else "title and body"
    notes = [f"words are searched in {fields}", '"…" = these characters together, in order']
    notes.append("synonyms on" if expand else "synonyms off")
    return f"{text}  — {'; '.join(notes)}"


def describe(q: tree.Query) -> str:
    """The first part of :func:`explain`: the tree, with the adjacency bonus if any."""
    text = _describe(q.root)
    if q.adjacent:
        text = f"{text} ranked higher if {_bonus_text(q.adjacent)}"
    return text


def _bonus_text(words: tuple[str, ...]) -> str:
    together = _phrase_text("".join(words))
    parts = [_phrase_text(word) for word in words]
    if together is None or None in parts:
        return "nothing"
    items = [together]
    if not any(_is_single_han(word) for word in words):
        items.append("near(" + " … ".join(dict.fromkeys(parts)) + ")")
    return items[0] if len(items) == 1 else "(" + " OR ".join(items) + ")"


def _describe(node: tree.Node) -> str:
    if isinstance(node, (tree.Words, tree.Any)):
        parts = list(dict.fromkeys(_or_parts(node)))
        return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    if isinstance(node, tree.Phrase):
        return _phrase_text(node.text) or ""
    if isinstance(node, tree.FieldValue):
        return f"{_FIELD_NAMES.get(node.field, node.field)}:{node.value}"
    if isinstance(node, tree.DateRange):
        return f"date:{node.start or ''}..{(node.end or '').rstrip('~')}"
    if isinstance(node, tree.All):
        parts = list(dict.fromkeys(_describe(child) for child in node.children))
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    if isinstance(node, tree.Not):
        return f"NOT {_describe(node.child)}"
    if isinstance(node, tree.Exclude):
        return f"{_describe(node.include)} NOT {_describe(node.exclude)}"
    if isinstance(node, tree.Prefer):
        return f"{_describe(node.required)} ranked higher if {_describe(node.optional)}"
    if isinstance(node, tree.Everything):
        return "everything"
    raise TypeError(f"not a query node: {node!r}")


def _or_parts(node: tree.Node) -> list[str]:
    """The alternatives of an OR, flattened (a word is an OR of its readings)."""
    if isinstance(node, tree.Any):
        return [part for child in node.children for part in _or_parts(child)]
    if isinstance(node, tree.Words):
        words = list(dict.fromkeys(query_words(node.text)))
        word_part = words[0] if len(words) == 1 else "(" + " AND ".join(words) + ")"
        parts = [word_part, _phrase_text(node.text)]
        parts += [f"also({alternative.display})" for alternative in node.alternatives]
        return [part for part in parts if part]
    return [_describe(node)]


def _phrase_text(text: str) -> str | None:
    """``"…"`` for the characters of ``text`` together; ``None`` when it has none."""
    grams = query_ngrams(text)
    if not grams:
        return None
    return f'"{join_ngrams(grams)}"'


def _is_single_han(text: str) -> bool:
    grams = query_ngrams(text)
    return len(grams) == 1 and len(grams[0]) == 1 and grams[0] in HAN_CHARACTERS


class _HanCharacters:
    def __contains__(self, char: str) -> bool:
        import re

        return re.fullmatch(f"[{HAN}]", char) is not None


HAN_CHARACTERS = _HanCharacters()


def join_ngrams(grams: list[str]) -> str:
    """Rebuild the text an n-gram phrase stands for.

    >>> join_ngrams(["电信", "信网", "网络"])
    '电信网络'
    """
    text = ""
    previous = ""
    for gram in grams:
        if len(previous) == 2 and previous[1] == gram[0] and len(gram) <= 2:
            text += gram[1:]
        else:
            text += gram
        previous = gram
    return text


def needles(q: tree.Query) -> list[str]:
    """Return the texts a query looks for in titles and bodies, for highlighting, once
    each, in query order: each word's jieba words and its characters together, lexicon
    alternatives' words, phrases, and the adjacency bonus's run. Excluded words (``NOT``,
    ``-``) are left out, and so are keyword fields and dates.
    """
    found: list[str] = []

    def visit(node: tree.Node) -> None:
        if isinstance(node, (tree.Not, tree.FieldValue, tree.DateRange, tree.Everything)):
            return
        if isinstance(node, tree.Exclude):
            visit(node.include)
        elif isinstance(node, tree.Prefer):
            visit(node.required)
            visit(node.optional)
        elif isinstance(node, (tree.All, tree.Any)):
            for child in node.children:
                visit(child)
        elif isinstance(node, tree.Words):
            found.extend(_literal_needles(node.text))
            for alternative in node.alternatives:
                for part in alternative.parts:
                    found.extend(_literal_needles(part))
        elif isinstance(node, tree.Phrase):
            found.append(_phrase_needle(node.text))

    visit(q.root)
    if q.adjacent:
        found.append(_phrase_needle("".join(q.adjacent)))
        found.extend(_phrase_needle(word) for word in q.adjacent)
    return list(dict.fromkeys(needle for needle in found if needle))


def _literal_needles(text: str) -> list[str]:
    return [*query_words(text), _phrase_needle(text)]


def _phrase_needle(text: str) -> str:
    grams = query_ngrams(text)
    return join_ngrams(grams) if grams else ""
