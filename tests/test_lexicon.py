"""The synonym lexicon (searchapp/data/synonyms.txt): which alternatives a query term gets.

Segmentations quoted below are jieba's precise mode on the query term
(:func:`searchapp.analysis.query_words`), checked by running it.
"""

import pytest

from searchapp.analysis import query_words
from searchapp.lexicon import expansions


def displays(term):
    return [expanded.display for expanded in expansions(term)]


@pytest.mark.parametrize(
    ("term", "words"),
    [
        ("诈骗案件", ["诈骗", "案件"]),  # 诈骗案 (a key) ends inside 案件
        ("信诈骗案件", ["信", "诈骗", "案件"]),
        ("诈骗案件通报", ["诈骗", "案件", "通报"]),
    ],
)
def test_a_key_inside_a_query_word_is_not_expanded(term, words):
    assert query_words(term) == words
    assert displays(term) == []
    assert not any("骗案" in part for e in expansions(term) for part in e.parts)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("电诈案件", ["电信网络诈骗案件", "电信诈骗案件"]),  # 电诈 | 案件
        ("两卡犯罪", ["电话卡 银行卡犯罪"]),  # 两卡 | 犯罪
        ("兩卡犯罪", ["电话卡 银行卡犯罪"]),
        ("诈骗案", ["骗案"]),  # one word
        ("骗案", ["诈骗案"]),
        ("一起骗案", ["一起诈骗案"]),  # 一起 | 骗案
        ("电话骗案", ["电话诈骗"]),  # 电话 | 骗案: the longer key 电话骗案 wins
        ("帮信罪", ["帮助信息网络犯罪活动罪"]),  # one word: 帮信罪, not 帮信 + 罪
        ("反诈APP", ["国家反诈中心APP"]),  # 反诈 | app
        ("严打电诈犯罪", ["严打电信网络诈骗犯罪", "严打电信诈骗犯罪"]),
    ],
)
def test_a_key_that_is_whole_query_words_is_expanded(term, expected):
    assert displays(term) == expected
