"""The query language (searchapp.query): how strings are read, explained and highlighted.

The expected readings were taken from the Whoosh-based parser this package replaced (on
every query string of the tests, the relevance set and the benchmark mix, the compiled Whoosh
queries are identical) and checked by reading: OR binds tighter than the space, AND tighter
than OR, NOT tightest; ``-`` excludes; full-width operators fold.
"""

from __future__ import annotations

import pytest

from searchapp.query import QueryError
from searchapp.query import explain
from searchapp.query import needles
from searchapp.query import parse
from searchapp.query import tree

READINGS = [
    ('断卡', '(断卡 OR "断卡")'),
    ('电信网络诈骗', '((电信 AND 网络 AND 诈骗) OR "电信网络诈骗" OR also(电诈) OR also(电信诈骗))'),
    ('"电信网络诈骗"', '"电信网络诈骗"'),
    ('断卡 拔钉', '((断卡 OR "断卡") AND (拔钉 OR "拔钉")) ranked higher if ("断卡拔钉" OR near("断卡" … "拔钉"))'),
    ('诈骗 OR 赌博', '(诈骗 OR "诈骗" OR 赌博 OR "赌博")'),
    ('诈骗 or 赌博', '(诈骗 OR "诈骗" OR 赌博 OR "赌博")'),
    ('诈骗 NOT 赌博', '((诈骗 OR "诈骗") AND NOT (赌博 OR "赌博"))'),
    ('诈骗 -赌博', '(诈骗 OR "诈骗") NOT (赌博 OR "赌博")'),
    ('(断卡 OR 断流) 2022', '((断卡 OR "断卡" OR 断流 OR "断流") AND (2022 OR "2022"))'),
    ('title:通报', '(通报 OR "通报")'),
    ('source:新浪财经 a', '(source:新浪财经 AND (a OR "a"))'),
    ('operation:断卡 2022', '(operations:断卡 AND (2022 OR "2022"))'),
    ('电诈 -赌博 date:2022', '((电诈 OR "电诈" OR also(电信网络诈骗) OR also(电信诈骗)) AND date:2022..2022) NOT (赌博 OR "赌博")'),
    ('a b OR c', '((a OR "a") AND (b OR "b" OR c OR "c"))'),
    ('a AND b OR c', '(((a OR "a") AND (b OR "b")) OR c OR "c")'),
    ('a OR b AND c', '(a OR "a" OR ((b OR "b") AND (c OR "c")))'),
    ('NOT a b', '(NOT (a OR "a") AND (b OR "b"))'),
    ('a -(b OR c)', '(a OR "a") NOT (b OR "b" OR c OR "c")'),
    ('+a b', '(a OR "a") ranked higher if (b OR "b")'),
    ('诈骗 －赌博', '(诈骗 OR "诈骗") NOT (赌博 OR "赌博")'),
    ('（断卡 ＯＲ 断流）', '(断卡 OR "断卡" OR 断流 OR "断流")'),
    ('两卡', '(两卡 OR "两卡" OR also(电话卡 银行卡))'),
    ('ＧＯＩＰ', '(goip OR "goip" OR also(猫池))'),
    ('foo:bar', '((foo AND bar) OR "foobar")'),
    ('25.8万', '(25.8万 OR "25.8万")'),
    ('"天网 2024"', '"天网2024"'),
    ('date:2021-01..2021-06', 'date:2021-01..2021-06'),
    ('a(b', '((a OR "a") AND (b OR "b"))'),
]


@pytest.mark.parametrize(("q", "reading"), READINGS)
def test_how_a_query_is_read(q, reading):
    assert explain(parse(q)).split("  —")[0] == reading


def test_the_tree_is_our_own():
    q = parse("断卡 OR 断流 -赌博 date:2022", expand=False)
    assert q.root == tree.Exclude(
        tree.All((tree.Any((tree.Words("断卡"), tree.Words("断流"))), tree.DateRange("2022", "2022~"))),
        tree.Words("赌博"),
    )
    assert q.adjacent == ()


def test_plain_words_get_the_adjacency_bonus_and_operators_do_not():
    assert parse("断卡 行动").adjacent == ("断卡", "行动")
    assert parse("断卡 OR 行动").adjacent == ()
    assert parse('"断卡" 行动').adjacent == ()
    assert parse("断卡 ，").adjacent == ()  # a word with nothing to stand together


def test_a_lexicon_alternative_is_part_of_the_tree_and_off_without_expansion():
    assert parse("两卡").root.alternatives == (tree.Alternative("电话卡 银行卡", ("电话卡", "银行卡")),)
    assert parse("两卡", expand=False).root.alternatives == ()
    assert parse('"两卡"').root == tree.Phrase("两卡")  # phrases are never expanded


def test_needles_leave_out_exclusions_and_add_the_run_of_the_bonus():
    assert needles(parse("电诈 -赌博")) == ["电诈", "电信", "网络", "诈骗", "电信网络诈骗", "电信诈骗"]
    assert needles(parse("断卡 拔钉")) == ["断卡", "拔钉", "断卡拔钉"]
    assert needles(parse("source:新浪财经 date:2022")) == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("*", "the query has no words to search for"),
        ("-赌博", "the query has no words to search for"),
        ("NOT NOT 诈骗", "could not read the query"),
        ("date:2022-13", "2022-13 is not a real date"),
        ("date:abc", "date:abc is not a date"),
    ],
)
def test_what_cannot_be_read_says_why(q, message):
    with pytest.raises(QueryError, match=message):
        parse(q)


def test_the_empty_query_is_everything_and_dangling_operators_are_dropped():
    assert parse("").is_everything and parse("  ").is_everything
    assert parse("断卡 OR").root == parse("断卡").root
    assert parse("AND 断卡").root == parse("断卡").root
