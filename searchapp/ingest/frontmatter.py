"""Split a YAML front-matter block from the text that follows it."""

from __future__ import annotations

import re

import yaml

#: ``---`` fence, the block, a closing ``---`` (or ``...``). A BOM and blank lines may come
#: before the opening fence (some exports start with an empty line).
_FENCED_RE = re.compile(
    r"\A\ufeff?(?:[ \t]*\n)*---[ \t]*\n(?P<block>(?:.*?\n)??)(?:---|\.\.\.)[ \t]*(?:\n|\Z)",
    re.DOTALL,
)
_KEY_VALUE_RE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)[ \t]*:(?:[ \t]+(?P<value>.*))?$")
_LIST_ITEM_RE = re.compile(r"^[ \t]+-[ \t]+(?P<value>.*)$|^-[ \t]+(?P<top>.*)$")


def split_front_matter(text: str) -> tuple[dict, str]:
    """Split ``text`` into its front matter and the rest.

    Values are never coerced: YAML's BaseLoader keeps ``0755``, ``on`` and ``2024-03-05`` as
    strings. A block that is not valid YAML (e.g. an unquoted title holding ": ") is read
    line by line as ``key: value`` pairs and ``- item`` lists instead, so a broken header
    still yields its title and date.

    >>> split_front_matter("---\\ntitle: a: b\\ndate: 2024-03-05\\n---\\nbody\\n")
    ({'title': 'a: b', 'date': '2024-03-05'}, 'body\\n')

    :return: ``(metadata, body)``: a dict of str keys to str (or list/dict of str) values,
        and the text after the closing fence; ``({}, text)`` when there is no front matter.
    """
    match = _FENCED_RE.match(text)
    if match is None:
        return {}, text
    block, body = match["block"], text[match.end() :]
    try:
        meta = yaml.load(block, Loader=yaml.BaseLoader)
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        meta = _parse_lines(block)
    return meta, body


def _parse_lines(block: str) -> dict:
    """Read ``key: value`` lines and ``- item`` lists without YAML; unknown lines are skipped."""
    meta: dict = {}
    key = None
    for line in block.splitlines():
        pair = _KEY_VALUE_RE.match(line)
        if pair:
            key = pair["key"]
            meta[key] = _unquote((pair["value"] or "").strip())
            continue
        item = _LIST_ITEM_RE.match(line)
        if item and key is not None and (meta[key] == "" or isinstance(meta[key], list)):
            meta[key] = [*meta[key], _unquote((item["value"] or item["top"]).strip())]
    return meta


def _unquote(value: str) -> str:
    """Strip one pair of matching YAML quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
