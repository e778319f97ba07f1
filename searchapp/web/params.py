"""Read a :class:`SearchRequest` from a URL's query string, and write one back.

URL grammar (shared by ``/search`` and ``/api/search``)::

    q=断卡 拔钉          the query string
    year=2022           facet filters, repeatable: year=2021&year=2022 means either
    source=新浪财经
    operation=断卡
    sort=date           relevance (default), date (newest first) or date_asc
    page=2              1-based
    per_page=20         1 to MAX_PER_PAGE; larger values are clamped
    title_only=1        search words in titles only (1/true/on; default off)
    expand=0            no synonym expansion or typo correction (default on)
    explain=1           include a readable account of how the query was read

Empty values (``year=``) are ignored, so a form with blank fields reads like one without them.

The query string is decoded here (:func:`decode_query_string`, Flask's ``request.args`` in
this app), not by werkzeug: percent-escapes and raw bytes are read as UTF-8, else as GB18030
(a form or a terminal in GBK); a search parameter that is neither is refused with a message
rather than searched as replacement characters or hex. Control characters (NUL, ESC, C1)
become spaces there, so they never reach a page or a JSON answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict

from searchapp.search import DEFAULT_PER_PAGE
from searchapp.search import QueryError
from searchapp.search import SearchRequest

#: Facet filter parameter (URL and ``SearchRequest.filters()`` name) → ``SearchRequest`` field.
FILTER_FIELDS = {"year": "years", "source": "sources", "operation": "operations"}

#: Every parameter :func:`request_from_args` reads.
PARAMETERS = ("q", *FILTER_FIELDS, "sort", "page", "per_page", "title_only", "expand", "explain")

_INTEGER = re.compile(r"[+-]?[0-9]+")
#: Unicode's control characters (category Cc): C0, DEL and C1.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QueryArgs(ImmutableMultiDict):
    """The parameters of a query string, decoded by :func:`decode_query_string`.

    :attr undecodable: names of the parameters left out because their value (or name) is
        neither UTF-8 nor GB18030, in URL order.
    """

    undecodable: tuple[str, ...] = ()


def decode_query_string(raw: bytes) -> QueryArgs:
    """Decode a URL's query string (the raw bytes after ``?``) into its parameters.

    As werkzeug does, pairs are split on ``&`` and ``=``, ``+`` is a space, blank values are
    kept. Unlike werkzeug (UTF-8, undecodable bytes kept as ``%XX``), each name and value is
    percent-decoded to bytes and read as UTF-8, else as GB18030 (which includes GBK and
    GB2312: ``%D5%A9%C6%AD`` is 诈骗 sent by a GBK page; see :func:`_decode_component` for
    bytes valid in both); a pair that is neither is left out and its name listed in
    ``undecodable``. Control characters become spaces.

    >>> args = decode_query_string(b"q=%D5%A9%C6%AD&year=2022&x=%FF")
    >>> args["q"], args.getlist("year"), args.undecodable
    ('诈骗', ['2022'], ('x',))
    """
    pairs = []
    undecodable = []
    for field in raw.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        name_text = _decode_component(name)
        value_text = _decode_component(value)
        if name_text is None or value_text is None:
            readable = unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace")
            undecodable.append(_CONTROL_CHARACTERS.sub(" ", readable))
            continue
        pairs.append((name_text, value_text))
    args = QueryArgs(pairs)
    args.undecodable = tuple(undecodable)
    return args


def _decode_component(component: bytes) -> str | None:
    """Return a percent-encoded name or value as text with control characters replaced by
    spaces; ``None`` when the bytes are neither UTF-8 nor GB18030.

    UTF-8 wins, except where its reading is one of GBK's misreadings: many GBK words are also
    valid UTF-8 (诈骗, D5 A9 C6 AD, reads as the Armenian and Latin "թƭ"), and such a reading
    lands in scripts nobody searches this corpus in (:data:`_GBK_AS_UTF8`). When it does and
    the GB18030 reading is Chinese (ASCII and CJK only), the GB18030 reading is taken. A GBK
    query whose UTF-8 reading is accented Latin, Greek or Cyrillic stays misread (one GB2312
    character in 20 alone, one two-character word in 300); UTF-8 text in Latin, Greek,
    Cyrillic or CJK is never reread.
    """
    data = unquote_to_bytes(component.replace(b"+", b" "))
    utf8 = _decoded(data, "utf-8")
    gb18030 = _decoded(data, "gb18030")
    if utf8 is not None and (
        gb18030 is None or not _GBK_AS_UTF8.search(utf8) or not _CHINESE.fullmatch(gb18030)
    ):
        text = utf8
    else:
        text = gb18030
    return None if text is None else _CONTROL_CHARACTERS.sub(" ", text)


def _decoded(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


#: Where GBK's two-byte characters land when read as UTF-8 (lead bytes C6-CD, D4-DF): Latin
#: Extended-B, IPA, modifier letters, combining marks; Cyrillic Supplement, Armenian, Hebrew,
#: Arabic, Syriac, Thaana, NKo.
_GBK_AS_UTF8 = re.compile(r"[\u0180-\u036f\u0500-\u07ff]")
#: Text a Chinese query is made of: ASCII, CJK punctuation, ideographs, full-width forms.
_CHINESE = re.compile(
    r"[\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*"
)


def request_from_args(args: MultiDict, per_page: int = DEFAULT_PER_PAGE) -> SearchRequest:
    """Build the search request a query string asks for.

    :param args: ``request.args`` (a MultiDict: filters may repeat).
    :param per_page: page size used when the URL gives none (the app's ``PAGE_SIZE``).
    :raises QueryError: a parameter's value is neither UTF-8 nor GB18030 text (``args`` from
        :func:`decode_query_string`), ``page`` or ``per_page`` is not a whole number (the
        message names the parameter), or :class:`SearchRequest` rejects a value as out of
        range.
    """
    undecodable = [name for name in getattr(args, "undecodable", ()) if name in PARAMETERS]
    if undecodable:
        raise QueryError(
            f"{undecodable[0]} is not readable text: its bytes are neither UTF-8 nor GB18030 "
            "(send the URL percent-encoded in UTF-8)"
        )
    filters = {
        field: tuple(dict.fromkeys(v for v in (s.strip() for s in args.getlist(name)) if v))
        for name, field in FILTER_FIELDS.items()
    }
    return SearchRequest(
        q=args.get("q", "").strip(),
        sort=args.get("sort", "").strip() or "relevance",
        page=_integer(args, "page", 1),
        per_page=_integer(args, "per_page", per_page),
        title_only=_switch(args, "title_only", False),
        expand=_switch(args, "expand", True),
        explain=_switch(args, "explain", False),
        **filters,
    )


_TRUE = {"1", "true", "on", "yes"}
_FALSE = {"0", "false", "off", "no"}


def _switch(args: Mapping[str, str], name: str, default: bool) -> bool:
    """Return ``args[name]`` as a bool (1/true/on/yes or 0/false/off/no), ``default`` when
    missing or empty.

    :raises QueryError: any other value; the message names the parameter.
    """
    value = args.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE or value in _FALSE:
        return value in _TRUE
    raise QueryError(f"{name} must be 1 or 0, not {value[:20]!r}")


def _integer(args: Mapping[str, str], name: str, default: int) -> int:
    """Return ``args[name]`` as an int, ``default`` when missing or empty.

    :raises QueryError: the value is not a whole number written in ASCII digits.
    """
    value = args.get(name, "").strip()
    if not value:
        return default
    try:
        if not _INTEGER.fullmatch(value):
            raise ValueError(value)
        return int(value)
    except ValueError:  # also: more digits than Python converts
        raise QueryError(f"{name} must be a whole number, not {value[:20]!r}") from None


def args_for(
    search_request: SearchRequest,
    *,
    filters: Mapping[str, tuple[str, ...]] | None = None,
    sort: str | None = None,
    page: int = 1,
    default_per_page: int = DEFAULT_PER_PAGE,
) -> list[tuple[str, str]]:
    """Return the query-string pairs for ``search_request`` with some parts replaced.

    The inverse of :func:`request_from_args`: defaults are left out, so URLs stay short.

    >>> args_for(SearchRequest(q="断卡", years=("2022",), page=3), page=1)
    [('q', '断卡'), ('year', '2022')]

    :param filters: facet name → values, replacing the request's own filters.
    :param sort: replaces the request's sort order.
    :param page: the page to point at (1 by default: a changed search starts over).
    :param default_per_page: the page size that needs no ``per_page`` parameter.
    """
    filters = search_request.filters() if filters is None else filters
    sort = search_request.sort if sort is None else sort
    pairs = [("q", search_request.q)] if search_request.q else []
    pairs += [(name, value) for name in FILTER_FIELDS for value in filters.get(name, ())]
    if sort != "relevance":
        pairs.append(("sort", sort))
    if page != 1:
        pairs.append(("page", str(page)))
    if search_request.per_page != default_per_page:
        pairs.append(("per_page", str(search_request.per_page)))
    if search_request.title_only:
        pairs.append(("title_only", "1"))
    if not search_request.expand:
        pairs.append(("expand", "0"))
    return pairs
