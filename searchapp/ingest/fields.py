"""What every reader shares: cleaning lines, cutting the article out of them, and assembling
the fields dict a reader returns.

A reader of :mod:`searchapp.ingest.readers` turns its format into stripped lines, keeps the
article (:func:`until_end`, then :func:`article_paragraphs`) and hands the paragraphs to
:func:`build_fields` with what it found, front matter filling the gaps:

>>> lines = ["公安部通报", "公安部通报", "正文第一段。", "（来源：公安部刑侦局）", "相关阅读"]
>>> paragraphs = article_paragraphs(until_end(lines), "公安部通报")
>>> paragraphs
['正文第一段。', '（来源：公安部刑侦局）']
>>> fields = build_fields({"date": "2022-12-30"}, title="公安部通报", paragraphs=paragraphs,
...                       source="中国新闻网")
>>> fields["date"], fields["origin"], fields["body"]
('2022-12-30', '公安部刑侦局', '正文第一段。\\n\\n（来源：公安部刑侦局）')
"""

from __future__ import annotations

from collections.abc import Callable

from searchapp.ingest.boilerplate import is_chrome
from searchapp.ingest.boilerplate import is_end_marker
from searchapp.ingest.extract import find_origin
from searchapp.ingest.extract import to_cst_day
from searchapp.ingest.operations import extract_operations
from searchapp.ingest.script import detect_script

#: What a reader returns: the Document fields it determines, keyed by field name.
Fields = dict


def build_fields(meta: dict, *, title: str, paragraphs: list[str], source: str, feed: str = "",
                 day: str | None = None, date_source: str = "front_matter",
                 origin: str | None = None, url: str | None = None,
                 dropped: list[str] = ()) -> Fields:
    """Assemble a reader's fields; front matter supplies what the keywords leave out.

    :param meta: front matter: ``date`` (when ``day`` is None), ``url``, ``operation(s)``.
    :param origin: defaults to the credit found in ``paragraphs``.
    :param dropped: the lines removed as chrome, kept for ``inspect`` (not a Document field).
    :returns: the fields, plus ``dropped`` and ``warnings`` (what the index run reports by
        file name, e.g. a front-matter date that does not exist); neither is a Document field.
    """
    body = "\n\n".join(paragraphs)
    declared_date = meta_str(meta, "date")
    warnings = []
    if declared_date and day is None:
        day = to_cst_day(declared_date)
        if day is None:
            warnings.append(f"front-matter date {declared_date!r} is not a real date; indexed as undated")
    declared = meta_list(meta, "operation") + meta_list(meta, "operations")
    return {
        "title": title,
        "date": day,
        "year": int(day[:4]) if day else None,
        "date_source": date_source if day else None,
        "source": source,
        "feed": feed,
        "origin": find_origin(paragraphs) if origin is None else origin,
        "url": meta_str(meta, "url") if url is None else url,
        "operations": extract_operations(f"{title}\n{body}", declared),
        "body": body,
        "lang": detect_script(f"{title}\n{body}"),
        "dropped": list(dropped),
        "warnings": warnings,
    }


def meta_str(meta: dict, key: str) -> str:
    """Return a front-matter value as stripped text (``""`` when missing or not a string)."""
    value = meta.get(key)
    return value.strip() if isinstance(value, str) else ""


def meta_list(meta: dict, key: str) -> tuple[str, ...]:
    """Return a front-matter value that may be one string or a list of strings."""
    value = meta.get(key)
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(item.strip() for item in values if isinstance(item, str) and item.strip())


def dropped_lines(candidates: list[str], kept: list[str], title: str) -> list[str]:
    """The lines of ``candidates`` that are neither kept paragraphs nor the title."""
    keep = set(kept) | {title}
    return [line for line in candidates if one_line(line) not in keep and line not in keep]


def until_end(lines: list, key: Callable = lambda line: line) -> list:
    """Return the lines before the first end marker."""
    end = next((i for i, line in enumerate(lines) if is_end_marker(key(line))), len(lines))
    return lines[:end]


def article_paragraphs(lines: list[str], title: str) -> list[str]:
    """Drop chrome lines and the headline's repeats at the top."""
    paragraphs = [line for line in lines if not is_chrome(line)]
    return paragraphs[count_title_repeats(paragraphs, title) :]


def count_title_repeats(lines: list[str], title: str) -> int:
    """Count the leading lines that repeat the title (compared with spaces collapsed)."""
    count = 0
    while count < len(lines) and one_line(lines[count]) == title:
        count += 1
    return count


#: Zero-width characters, removed everywhere (they break words and matches unseen).
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)


def one_line(text: str) -> str:
    """Collapse all whitespace runs (U+3000 included) to one space."""
    return " ".join(text.translate(_ZERO_WIDTH).split())


def clean(line: str) -> str:
    """Strip indentation (spaces, U+3000, U+00A0), zero-width characters, inner U+00A0."""
    return line.translate(_ZERO_WIDTH).replace("\xa0", " ").strip()
