"""The query language: a query string → a :class:`~searchapp.query.tree.Query`.

One grammar for the web page, the CLI and the JSON API (README, "Query language"):

* words separated by spaces are all required (``断卡 拔钉``); ``OR`` binds tighter than
  that, ``AND`` tighter than ``OR``, ``NOT`` tightest (any case: a lowercase ``or`` never
  narrows a search);
* ``-word`` excludes, ``+word`` requires with the other words only ranking (as in Whoosh's
  syntax, which this grammar replaced without changing what queries mean);
* ``( )`` group; ``"…"`` is an exact phrase; ``'…'`` one word with its spaces;
* ``title:``, ``body:`` name a text field; ``source:``, ``origin:``, ``operation:``,
  ``year:``, ``lang:``, ``id:`` an exact value; ``date:`` a day, month, year or range;
  an unknown field name is searched as text;
* operators typed on a Chinese keyboard (``－赌博``, ``（断卡 ＯＲ 断流）``, ``“…”``)
  mean what the half-width ones mean; an operator with nothing on one side is dropped.

The string is read in one pass of :data:`_TOKENS` (tried at every position, so ``a(b`` is
``a``, ``(``, ``b``), then groups, fields, ``+``/``-`` and operators are applied as below.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from searchapp.analysis import query_ngrams
from searchapp.analysis import query_words
from searchapp.lexicon import expansions
from searchapp.query import tree
from searchapp.query.dates import date_range
from searchapp.query.errors import QueryError

#: Longest query string accepted, in characters.
MAX_QUERY_CHARS = 500
#: Text fields a query may name; unfielded words search these (title only on request).
TEXT_FIELDS = ("title", "body")
#: Keyword fields a query may name (as typed → the field's name in the tree).
KEYWORD_FIELDS = {
    "source": "source",
    "origin": "origin",
    "operation": "operation",
    "operations": "operation",
    "year": "year",
    "lang": "lang",
    "id": "id",
    "path": "path",
}
#: Plain queries of this many words at most get the adjacency bonus.
MAX_ADJACENT_WORDS = 8


def parse(q: str, title_only: bool = False, expand: bool = True) -> tree.Query:
    """Read query string ``q``.

    >>> parse("断卡 -赌博", expand=False).root
    Exclude(include=Words(text='断卡', field=None, alternatives=()), exclude=Words(text='赌博', field=None, alternatives=()))
    >>> parse("").is_everything
    True

    :param title_only: unfielded words search titles only.
    :param expand: attach the lexicon's alternatives to each word
        (:func:`searchapp.lexicon.expansions`); quoted phrases are never expanded.
    :raises QueryError: nothing searchable is left (``*``, ``(``, ``-赌博`` alone), a
        ``date:`` value is not a date, or operators cannot be read (``NOT NOT 诈骗``); the
        message says what to change.
    """
    q = DANGLING_OPERATORS.sub(" ", fold_operators(q))
    if not q.strip():
        return tree.Query(tree.Everything(), title_only=title_only, text="")
    nodes = _group(_tag(q))
    root = _top_level(nodes, expand)
    if root is None:
        raise QueryError(
            "the query has no words to search for; type Chinese words, names or numbers "
            "(wildcards such as * are not supported)"
        )
    return tree.Query(root, adjacent_words(q), title_only, q)


# --- folding and dangling operators ---------------------------------------------------------

#: Query-syntax characters as a Chinese keyboard types them → the half-width ones the parser
#: reads: minus, plus, brackets, straight and Chinese double quotes, bar, ideographic space.
_OPERATOR_CHARACTERS = str.maketrans(
    {"－": "-", "＋": "+", "（": "(", "）": ")", "＂": '"', "“": '"', "”": '"', "｜": "|",
     "\u3000": " "}
)
#: A word of full-width letters standing where an operator may (ＡＮＤ, ｏｒ, ＮＯＴ).
_FULL_WIDTH_WORD = re.compile(r"(?<![^\s(])[Ａ-Ｚａ-ｚ]{2,3}(?=[\s)]|$)")
#: A field name followed by a full-width colon (``source：新浪财经``).
_FULL_WIDTH_FIELD = re.compile(
    r"(?<![^\s(-])(title|body|source|origin|operations?|year|date)：", re.IGNORECASE
)
OPERATOR_WORDS = {"and", "or", "not"}


def fold_operators(q: str) -> str:
    """Return query string ``q`` with its operators written the half-width way.

    Only the query syntax is folded: the characters of :data:`_OPERATOR_CHARACTERS`,
    ``ＡＮＤ``/``ＯＲ``/``ＮＯＴ`` standing as words, and the colon after a field name. Words
    are left as typed; the analyzer folds their width itself. Each character maps to one, so
    offsets into the result are offsets into ``q``.

    >>> fold_operators("（断卡 ＯＲ 断流）　－赌博 “电信网络诈骗” source：新浪财经 ＧＯＩＰ")
    '(断卡 OR 断流) -赌博 "电信网络诈骗" source:新浪财经 ＧＯＩＰ'
    """
    q = q.translate(_OPERATOR_CHARACTERS)
    q = _FULL_WIDTH_WORD.sub(_operator_word, q)
    return _FULL_WIDTH_FIELD.sub(r"\1:", q)


def _operator_word(match: re.Match) -> str:
    half = unicodedata.normalize("NFKC", match.group(0))
    return half if half.lower() in OPERATOR_WORDS else match.group(0)


#: AND / OR at the start, or AND / OR / NOT at the end of a query: nothing to join, so dropped
#: rather than searched as the English words (which would narrow the search).
DANGLING_OPERATORS = re.compile(
    r"^\s*(?:(?:AND|OR)\s+)+(?=\S)|(?<=\S)(?:\s+(?:AND|OR|NOT))+\s*$", re.IGNORECASE
)

#: A plain query word: no quotes, brackets, field prefix or leading + / -.
_PLAIN_WORD = re.compile(r"[^\s\"'()+\-:][^\s\"'():]*")


def adjacent_words(q: str) -> tuple[str, ...]:
    """Return the words of a plain query of 2–8 words (no operators, fields or quotes), for
    the bonus where they stand together in order; ``()`` for any other query (whose author
    said what they want).

    >>> adjacent_words("断卡 行动")
    ('断卡', '行动')
    >>> adjacent_words("断卡 OR 行动")
    ()
    """
    words = q.split()
    if not 2 <= len(words) <= MAX_ADJACENT_WORDS:
        return ()
    if any(not _PLAIN_WORD.fullmatch(w) or w.lower() in OPERATOR_WORDS for w in words):
        return ()
    if not all(query_ngrams(word) for word in words):  # a word with nothing to stand together
        return ()
    return tuple(words)


def droppable_words(q: str) -> list[str]:
    """The words of a plain query of several words (no quotes, brackets or operators), each
    of which a relaxed search may leave out; ``[]`` for any other query.

    >>> droppable_words("断卡 拔钉 2022")
    ['断卡', '拔钉', '2022']
    >>> droppable_words("断卡 OR 拔钉")
    []
    """
    q = fold_operators(q)
    words = q.split()
    if len(words) < 2 or re.search(r"[\"()]", q) or any(w in ("AND", "OR", "NOT") for w in words):
        return []
    return words


# --- tagging --------------------------------------------------------------------------------

_TOKENS = [
    ("date", re.compile(r"(?<![^\s(])date:(?P<value>[^\s()]*)")),
    ("space", re.compile(r"\s+")),
    ("squote", re.compile(r"(?:^|(?<=\W))'(?P<text>.*?)'(?=\s|\]|[)}]|$)")),
    ("open", re.compile(r"\(")),
    ("close", re.compile(r"\)")),
    ("and", re.compile(r"(?<=\s)(?i:AND)(?=\s)")),
    ("or", re.compile(r"(?<=\s)(?i:OR)(?=\s)")),
    ("not", re.compile(r"(?:^|(?<=[\s()]))(?i:NOT)(?=\s)")),
    ("phrase", re.compile(r'"(?P<text>.*?)"(?:~[1-9][0-9]*)?')),
    ("boost", re.compile(r"\^[0-9]*(?:\.[0-9]+)?(?:$|(?=[ \t\r\n)]))")),
    ("plus", re.compile(r"\+")),
    ("minus", re.compile(r"(?<![^\s(])-(?=\S)")),
    ("field", re.compile(r"(?P<name>\w+):")),
]


@dataclass
class _Token:
    kind: str  # word, phrase, date, field, open, close, and, or, not, plus, minus, space
    text: str = ""


def _tag(q: str) -> list[_Token]:
    """Cut ``q`` into tokens: every pattern of :data:`_TOKENS` is tried at each position in
    order; text between matches is a word."""
    tokens: list[_Token] = []
    word_start = pos = 0
    while pos < len(q):
        for kind, pattern in _TOKENS:
            match = pattern.match(q, pos)
            if match and match.end() > pos:
                break
        else:
            pos += 1
            continue
        if word_start < pos:
            tokens.append(_Token("word", q[word_start:pos]))
        if kind in ("phrase", "squote"):
            tokens.append(_Token("phrase" if kind == "phrase" else "word", match.group("text")))
        elif kind == "date":
            tokens.append(_Token("date", match.group("value")))
        elif kind == "field":
            tokens.append(_Token("field", match.group("name")))
        elif kind != "boost":  # boosts are not part of the language: read and ignored
            tokens.append(_Token(kind, match.group(0)))
        pos = word_start = match.end()
    if word_start < len(q):
        tokens.append(_Token("word", q[word_start:]))
    return tokens


def _group(tokens: list[_Token]) -> list:
    """Nest the tokens by brackets: a list whose items are tokens or lists (groups). An
    unmatched ``)`` is dropped; an unclosed ``(`` closes at the end."""
    stack: list[list] = [[]]
    for token in tokens:
        if token.kind == "open":
            stack.append([])
        elif token.kind == "close":
            if len(stack) > 1:
                group = stack.pop()
                stack[-1].append(group)
        else:
            stack[-1].append(token)
    while len(stack) > 1:
        group = stack.pop()
        stack[-1].append(group)
    return stack[0]


# --- from tokens to the tree -----------------------------------------------------------------

#: Stands for an operand with nothing searchable in it (``，``, ``""``) while operators are
#: applied; removed afterwards, as if it had not been typed.
_NOTHING = None


def _top_level(items: list, expand: bool):
    """Build the tree of the whole query (see :func:`_group_node`)."""
    return _group_node(items, expand, field=None)


def _group_node(items: list, expand: bool, field: str | None):
    """Build the node of one group: fields first, then ``+``/``-``, then ``NOT``, ``AND``,
    ``OR``, then the remaining operands all required. Returns ``None`` for nothing."""
    operands = _apply_fields(items, expand, field)
    required, optional, banned = [], [], []
    target = optional
    for item in operands:
        if isinstance(item, _Token) and item.kind in ("plus", "minus"):
            target = required if item.kind == "plus" else banned
            continue
        target.append(item)
        target = optional
    node = _all(_operators(optional))
    if required:
        wanted = _all(_operators(required))
        node = wanted if node is None else (tree.Prefer(wanted, node) if wanted else node)
    if banned:
        excluded = _any(_operators(banned))
        if node is not None and excluded is not None:
            node = tree.Exclude(node, excluded)
    return node


def _apply_fields(items: list, expand: bool, field: str | None) -> list:
    """Turn words, phrases, dates and groups into nodes, applying ``name:`` to the item
    after it; operator and ``+``/``-`` tokens stay tokens, spaces go."""
    out = []
    index = 0
    while index < len(items):
        item = items[index]
        index += 1
        if isinstance(item, _Token) and item.kind == "field":
            following = items[index] if index < len(items) else None
            name = item.text.lower()
            known = name in TEXT_FIELDS or name in KEYWORD_FIELDS
            if following is None or (isinstance(following, _Token) and following.kind not in ("word", "phrase")
                                     and not isinstance(following, list)):
                out.append(_words(item.text, field, expand))
                continue
            index += 1
            if not known:
                if isinstance(following, _Token) and following.kind == "word":
                    out.append(_words(f"{item.text}:{following.text}", field, expand))
                else:
                    out.append(_words(item.text, field, expand))
                    out.extend(_apply_fields([following], expand, field))
                continue
            out.append(_fielded(name, following, expand))
        elif isinstance(item, list):
            out.append(_group_node(item, expand, field))
        elif item.kind == "word":
            out.append(_words(item.text, field, expand))
        elif item.kind == "phrase":
            out.append(_phrase(item.text, field))
        elif item.kind == "date":
            out.append(tree.DateRange(*date_range(item.text)))
        elif item.kind != "space":
            out.append(item)
    return out


def _fielded(name: str, following, expand: bool):
    """The node for ``name:`` applied to the item after it (a word, phrase or group)."""
    if name in TEXT_FIELDS:
        if isinstance(following, list):
            return _group_node(following, expand, name)
        if following.kind == "phrase":
            return _phrase(following.text, name)
        return _words(following.text, name, expand)
    keyword = KEYWORD_FIELDS[name]
    if isinstance(following, list):
        values = [t.text for t in _flatten(following) if t.kind in ("word", "phrase")]
        return _all([tree.FieldValue(keyword, v) for v in values if v.strip()])
    return tree.FieldValue(keyword, following.text) if following.text.strip() else _NOTHING


def _flatten(items: list) -> list[_Token]:
    flat = []
    for item in items:
        flat.extend(_flatten(item) if isinstance(item, list) else [item])
    return flat


def _words(text: str, field: str | None, expand: bool):
    """A :class:`~searchapp.query.tree.Words` node, or nothing when ``text`` holds no
    searchable characters (punctuation only)."""
    if not query_words(text):
        return _NOTHING
    alternatives = ()
    if expand:
        alternatives = tuple(tree.Alternative(e.display, e.parts) for e in expansions(text))
    return tree.Words(text, field, alternatives)


def _phrase(text: str, field: str | None):
    return tree.Phrase(text, field) if query_ngrams(text) else _NOTHING


_INFIX = ("and", "or")


def _operators(items: list) -> list:
    """Apply ``NOT`` (prefix), then ``AND``, then ``OR`` (infix) to a group's operands; a run
    of several infix operators, or one with nothing on a side, is dropped.

    :raises QueryError: ``NOT`` with no operand after it (``NOT NOT 诈骗``).
    """
    items = [
        item for i, item in enumerate(items)
        if not (_is_op(item, *_INFIX) and (
            i == 0 or i == len(items) - 1
            or _is_op(items[i - 1], *_INFIX) or _is_op(items[i + 1], *_INFIX)
        ))
    ]
    negated = []
    index = 0
    while index < len(items):
        item = items[index]
        if _is_op(item, "not"):
            count = 0
            while index < len(items) and _is_op(items[index], "not"):
                count += 1
                index += 1
            if index == len(items) or _is_op(items[index], *_INFIX):
                continue  # NOT with nothing after it: dropped
            if count > 1:
                raise QueryError(
                    "could not read the query; check quotes, brackets and operators "
                    "(AND, OR, NOT must stand between words)"
                )
            operand = items[index]
            negated.append(tree.Not(operand) if operand is not _NOTHING else _NOTHING)
        else:
            negated.append(item)
        index += 1
    for op, combine in (("and", _all), ("or", _any)):
        negated = _infix(negated, op, combine)
    return [item for item in negated if not _is_op(item, *_INFIX)]


def _infix(items: list, op: str, combine) -> list:
    """Join the operands on each side of every ``op`` into one node (left to right)."""
    out: list = []
    index = 0
    while index < len(items):
        item = items[index]
        if _is_op(item, op) and out and index + 1 < len(items):
            left = out.pop()
            right = items[index + 1]
            parts = [*_members(left, combine), *_members(right, combine)]
            out.append(_Joined(combine, parts))
            index += 2
            continue
        out.append(item)
        index += 1
    return [item.node() if isinstance(item, _Joined) else item for item in out]


@dataclass
class _Joined:
    """Operands joined by one operator while a group's operators are applied."""

    combine: object
    parts: list

    def node(self):
        return self.combine(self.parts)


def _members(item, combine) -> list:
    return item.parts if isinstance(item, _Joined) and item.combine is combine else [item]


def _is_op(item, *kinds: str) -> bool:
    return isinstance(item, _Token) and item.kind in kinds


def _all(items: list):
    """All of ``items`` (nothing dropped; nested ``All`` flattened; one item is itself)."""
    return _combine(tree.All, items)


def _any(items: list):
    """Any of ``items`` (nothing dropped; nested ``Any`` flattened; one item is itself)."""
    return _combine(tree.Any, items)


def _combine(kind, items: list):
    children: list = []
    for item in items:
        if isinstance(item, _Joined):
            item = item.node()
        if item is _NOTHING or isinstance(item, _Token):
            continue
        children.extend(item.children if isinstance(item, kind) else [item])
    if not children:
        return _NOTHING
    return children[0] if len(children) == 1 else kind(tuple(children))
