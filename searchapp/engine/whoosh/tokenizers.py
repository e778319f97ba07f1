"""Whoosh tokenizers of the index's text fields: jieba words and character n-grams.

The analysis itself (normalization, runs, jieba, n-grams) is :mod:`searchapp.analysis`'s,
as plain ``(text, position, startchar, endchar)`` tuples; the classes here honour Whoosh's
tokenizer contract around it: one reused ``Token``, ``pos`` and offsets only when asked,
shifted by ``start_pos`` and ``start_char``, ``mode="index"`` for index-time tokens.

Whoosh pickles the schema, with these classes, into every index: renaming this module or a
class means rebuilding indexes, unless the old name keeps resolving (as
``searchapp.analysis.JiebaTokenizer`` does for indexes built before this module existed).
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Token
from whoosh.analysis import Tokenizer

from searchapp.analysis import ngram_tokens
from searchapp.analysis import normalize
from searchapp.analysis import word_tokens


class _RunTokenizer(Tokenizer):
    """Shared plumbing: honours Whoosh's tokenizer flags and reuses one Token."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        for text, pos, startchar, endchar in self.tokens(normalize(value), mode == "index"):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[startchar:endchar]
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar = start_char + startchar
                token.endchar = start_char + endchar
            yield token

    def tokens(self, normalized: str, index_mode: bool) -> Iterator[tuple[str, int, int, int]]:
        """Yield ``(text, position, startchar, endchar)`` for normalized text."""
        raise NotImplementedError


class JiebaTokenizer(_RunTokenizer):
    """Cut Chinese text into words with jieba; keep Latin words, numbers and number + unit
    (:func:`searchapp.analysis.word_tokens`).

    >>> [t.text for t in JiebaTokenizer()("共侦破有关案件25.8万起，ＧＯＩＰ设备")]
    ['共', '侦破', '有关', '案件', '25.8万', '起', 'goip', '设备']

    At index time (``mode="index"``) each word longer than two characters is followed by the
    dictionary words inside it, at the same position, as jieba's search mode finds them; and
    25.8万 is followed by 25.8. Stop words are not removed and nothing is stemmed.
    """

    def tokens(self, normalized, index_mode):
        return word_tokens(normalized, index_mode)


class NgramTokenizer(_RunTokenizer):
    """Cut text into overlapping Han character bigrams; Latin and number runs stay whole
    (:func:`searchapp.analysis.ngram_tokens`, which says where single characters are kept).

    >>> [t.text for t in NgramTokenizer()("“断卡”行动")]
    ['断卡', '卡行', '行动', '动']
    """

    def tokens(self, normalized, index_mode):
        return ngram_tokens(normalized, index_mode)


def chinese_analyzer() -> JiebaTokenizer:
    """Return the word analyzer of the ``title`` and ``body`` fields."""
    return JiebaTokenizer()


def ngram_analyzer() -> NgramTokenizer:
    """Return the n-gram analyzer of the ``title_ngram`` and ``body_ngram`` fields."""
    return NgramTokenizer()
