"""Array scoring gives Whoosh's own BM25F scores, and the same rankings.

:mod:`searchapp.scoring` and the array proximity bonus (:func:`searchapp.matching.near_docnums`)
replace Whoosh's document-at-a-time scoring; here every score is compared with Whoosh's on
the seeds and on real documents from ``../shared/corpus``.
"""

from __future__ import annotations

import pytest

import searchapp.search
from searchapp.engine.whoosh.scoring import Unsupported
from searchapp.engine.whoosh.scoring import all_scores
from searchapp.search import SearchRequest
from searchapp.search import WithAdjacencyBonus
from searchapp.search import parse_query
from searchapp.search import score_documents
from searchapp.search import search
from query_shapes import QUERIES
from query_shapes import core_query as _core

#: Queries Whoosh scores itself (the array scorer says so): a single Han character (a
#: prefix over bigrams, which Whoosh scores segment by segment).
WHOOSH_SCORED = {"骗", "警"}


@pytest.mark.parametrize("searcher", ["seeds", "corpus sample"], indirect=True)
@pytest.mark.parametrize("q", QUERIES)
def test_scores_equal_whoosh(searcher, q):
    core = _core(q, searcher.schema)
    if q in WHOOSH_SCORED:
        with pytest.raises(Unsupported):
            all_scores(searcher, core)
        return
    reader = searcher.reader()
    ours = {d: s for d, s in all_scores(searcher, core).items() if not reader.is_deleted(d)}
    whoosh = {docnum: score for score, docnum in searcher.search(core, limit=None, terms=False).top_n}
    assert ours.keys() == whoosh.keys()
    for docnum, score in whoosh.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9), docnum


@pytest.mark.parametrize("searcher", ["seeds", "corpus sample"], indirect=True)
@pytest.mark.parametrize("q", ["香港 警方", "网络 安全", "新闻 联播", "电信 网络 诈骗", "断卡 行动"])
def test_adjacency_bonus_equals_whoosh(searcher, q):
    parsed = parse_query(q, searcher.schema)
    assert isinstance(parsed, WithAdjacencyBonus)
    window = [docnum for _score, docnum in searcher.search(parsed.a, limit=300, terms=False).top_n]
    ours = score_documents(searcher, parsed.b, window)
    whoosh = {
        docnum: score
        for score, docnum in searcher.search(parsed.b, limit=None, terms=False).top_n
        if docnum in set(window)
    }
    assert ours.keys() == whoosh.keys()
    assert all(ours[d] == pytest.approx(whoosh[d], rel=1e-9) for d in whoosh)


@pytest.mark.parametrize("searcher", ["corpus sample"], indirect=True)
@pytest.mark.parametrize("q", ["新闻联播", "香港 警方", '"网络安全"', "中国", "app"])
def test_rankings_equal_whoosh_scoring(searcher, q, monkeypatch):
    request = SearchRequest(q=q, per_page=50)
    ours = search(searcher, request)
    monkeypatch.setattr(searchapp.search, "score_all", lambda *args: None)
    whoosh = search(searcher, request)
    assert ours.total == whoosh.total > 0
    assert [(hit.id, round(hit.score, 9)) for hit in ours.hits] == [
        (hit.id, round(hit.score, 9)) for hit in whoosh.hits
    ]
