"""The search core on the five real seed press releases.

Expected answers were checked by reading the seeds (grep for the words, then the text around):
断卡 is named by 001, 003, 004; 拔钉 by 000, 002, 003, 004; GOIP by 003, 004; 25.8万 only by
000; 八成 only in 004's title; 电信网络诈骗 by all five.
"""

import re
from pathlib import Path

import pytest

from searchapp.indexer import open_index
from searchapp.search import MAX_PER_PAGE
from searchapp.search import QueryError
from searchapp.search import SearchRequest
from searchapp.search import get_document
from searchapp.search import search

CASES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"


def seeds_found(searcher, q="", **options):
    """Return the seed numbers ("000" …) the search finds, in result order."""
    results = search(searcher, SearchRequest(q=q, per_page=MAX_PER_PAGE, **options))
    assert results.total == len(results.hits)
    return [Path(hit.path).name[:3] for hit in results.hits]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("断卡", {"001", "003", "004"}),
        ("拔钉", {"000", "002", "003", "004"}),
        ("GOIP", {"003", "004"}),
        ("ＧＯＩＰ", {"003", "004"}),
        ("goip", {"003", "004"}),
        ("12381", {"003"}),
        ("A级", {"001"}),
        ("25.8万", {"000"}),
        ("25.8万起", {"000"}),
        ('"2170.7万元"', {"000"}),
        ("八成", {"004"}),
        ("云剑 OR 清源", {"002", "003"}),
        ("拔钉 -断卡", {"000", "002"}),
        ("拔钉 NOT 断卡", {"000", "002"}),
        ("断卡 拔钉", {"003", "004"}),
        ("(云剑 OR 清源) 拔钉", {"002", "003"}),
        ("title:通报", set()),
        ("通报", {"002", "004"}),
        ("operation:拔钉", {"000", "002", "003", "004"}),
        ("source:光明网", {"003"}),
        ("origin:澎湃新闻", {"004"}),
        ("year:2022", {"003", "004"}),
    ],
)
def test_queries_find_the_documents_that_say_it(searcher, q, expected):
    assert set(seeds_found(searcher, q)) == expected


def test_a_phrase_of_several_words_is_found_and_order_matters(searcher):
    assert set(seeds_found(searcher, '"电信网络诈骗"')) == {"000", "001", "002", "003", "004"}
    assert seeds_found(searcher, '"诈骗网络电信"') == []


def test_a_phrase_matches_across_the_quotes_of_an_operation_name(searcher):
    # 004 writes 强力推进“断卡”行动; 001 writes 联合开展“断卡”行动.
    assert set(seeds_found(searcher, '"断卡行动"')) >= {"001", "004"}


def test_title_matches_rank_first(searcher):
    # 001's title says 破获电信网络诈骗案件; the others only mention 破获 in the body.
    assert seeds_found(searcher, "破获")[0] in {"001", "003"}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"operations": ("拔钉",)}, {"003", "004"}),
        ({"years": ("2022",)}, {"003", "004"}),
        ({"years": ("2021", "2022")}, {"001", "003", "004"}),
        ({"sources": ("新浪财经",)}, {"001", "004"}),
        ({"sources": ("新浪财经",), "years": ("2022",)}, {"004"}),
        ({"operations": ("云剑",)}, set()),
    ],
)
def test_filters_narrow_the_search(searcher, options, expected):
    assert set(seeds_found(searcher, "断卡", **options)) == expected


def facet_counts(results):
    return {name: {v.value: v.count for v in values} for name, values in results.facets.items()}


def test_facet_counts_over_all_documents(searcher):
    results = search(searcher, SearchRequest())
    assert results.total == 5
    assert facet_counts(results) == {
        "year": {"2026": 1, "2025": 1, "2022": 2, "2021": 1},
        "source": {"新浪财经": 2, "中国信息安全": 1, "佐伊科技": 1, "光明网": 1},
        "operation": {"拔钉": 4, "断流": 3, "断卡": 3, "斩链": 2, "云剑": 1, "清源": 1, "利剑": 1},
    }
    assert [v.value for v in results.facets["year"]] == ["2026", "2025", "2022", "2021"]


def test_facets_count_the_query_with_the_other_facets_filters(searcher):
    results = search(searcher, SearchRequest(q="断卡", years=("2022",)))
    counts = facet_counts(results)
    assert results.total == 2
    # The year facet ignores its own filter so other years can be added (OR) …
    assert counts["year"] == {"2022": 2, "2021": 1}
    assert [v.selected for v in results.facets["year"]] == [True, False]
    # … while the other facets count only the 2022 matches.
    assert counts["source"] == {"新浪财经": 1, "光明网": 1}
    assert counts["operation"] == {"断卡": 2, "拔钉": 2, "断流": 1, "斩链": 1, "清源": 1, "利剑": 1}


def test_a_selected_value_with_no_matches_is_still_shown(searcher):
    results = search(searcher, SearchRequest(q="断卡", operations=("云剑",)))
    assert results.total == 0
    assert {(v.value, v.count, v.selected) for v in results.facets["operation"]} >= {("云剑", 0, True)}


def test_sort_by_date_both_ways(searcher):
    assert seeds_found(searcher, sort="date") == ["000", "002", "003", "004", "001"]
    assert seeds_found(searcher, sort="date_asc") == ["001", "004", "003", "002", "000"]
    assert seeds_found(searcher, "断卡", sort="date") == ["003", "004", "001"]


def test_paging_past_the_end_is_empty_with_the_right_total(searcher):
    page2 = search(searcher, SearchRequest(sort="date", page=2, per_page=2))
    assert [Path(h.path).name[:3] for h in page2.hits] == ["003", "004"]
    assert [h.rank for h in page2.hits] == [3, 4]
    past = search(searcher, SearchRequest(sort="date", page=4, per_page=2))
    assert past.hits == [] and past.total == 5


def test_snippets_mark_exactly_the_matched_text(searcher):
    results = search(searcher, SearchRequest(q="断卡 GOIP"))
    for hit in results.hits:
        marked = re.findall(r"<mark>(.*?)</mark>", str(hit.snippet))
        assert marked, hit.path
        # The lexicon's alternative of GOIP (猫池) is searched and marked too.
        assert {m.replace("”", "").replace("“", "").lower() for m in marked} <= {
            "断卡", "goip", "猫池"
        }
        plain = re.sub(r"</?mark>", "", str(hit.snippet))
        assert "<" not in plain and "&#123;" not in plain


def test_the_longest_match_is_marked_whole(searcher):
    results = search(searcher, SearchRequest(q="电信网络诈骗"))
    for hit in results.hits:
        assert "<mark>电信网络诈骗</mark>" in str(hit.snippet) + str(hit.title_html)


def test_a_title_only_match_gets_a_highlighted_title_and_the_lead_as_snippet(searcher):
    (hit,) = search(searcher, SearchRequest(q="八成")).hits
    assert "<mark>八成</mark>" in str(hit.title_html)
    # The lead: whole sentences from the start of the body (no match in it to show).
    lead = str(hit.snippet).removesuffix("…")
    assert get_document(searcher, hit.id).body.startswith(lead)
    assert lead.endswith("。")
    assert "<mark>" not in str(hit.snippet)


def test_hits_carry_the_document_metadata(searcher):
    (hit,) = search(searcher, SearchRequest(q="12381")).hits
    assert hit.to_dict() | {"snippet": None, "score": None, "id": None} == {
        "id": None,
        "path": hit.path,
        "title": "公安部:截至11月底,全国共破获电信网络诈骗案件39.1万起",
        "date": "2022-12-30",
        "year": 2022,
        "source": "光明网",
        "origin": "中国新闻网",
        "url": "",
        "operations": ["斩链", "清源", "利剑", "拔钉", "断卡"],
        "snippet": None,
        "score": None,
    }
    assert hit.score > 0


#: The QueryError messages for a query that cannot be read and for one without words.
UNREADABLE = (
    "could not read the query; check quotes, brackets and operators "
    "(AND, OR, NOT must stand between words)"
)
NO_WORDS = (
    "the query has no words to search for; type Chinese words, names or numbers "
    "(wildcards such as * are not supported)"
)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("NOT NOT 诈骗", UNREADABLE),
        ("NOT OR 诈骗", UNREADABLE),
        ("*", NO_WORDS),
        ("(", NO_WORDS),
        ("\\", NO_WORDS),
        ("-", NO_WORDS),
    ],
)
def test_malformed_queries_raise_a_helpful_query_error(searcher, q, message):
    with pytest.raises(QueryError) as error:
        search(searcher, SearchRequest(q=q))
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # 001, 003, 004 say 诈骗案; 000 says “盗抢骗”案件 (骗案, a synonym, across the quote).
        ('"诈骗案', {"000", "001", "003", "004"}),
        ("title:", set()),  # the word "title": in no title or body (only in front matter)
        ("http://x.cn", set()),  # http, x and cn: no text has x or cn
        ("[2024 TO", set()),  # 2024 AND to: 2024 is in 002 only, which has no "to"
        ("诈骗)", {"000", "001", "002", "003", "004"}),
        ("unknown:断卡", set()),  # unknown AND 断卡: no text says unknown
    ],
)
def test_odd_queries_search_for_their_words_without_error(searcher, q, expected):
    assert set(seeds_found(searcher, q)) == expected


def test_an_unknown_field_is_searched_as_text(searcher):
    # 断卡 is no field name: "断卡:拔钉" is the two words 断卡 and 拔钉.
    assert set(seeds_found(searcher, "断卡:拔钉")) == {"003", "004"}


@pytest.mark.parametrize(
    "options",
    [
        {"page": 0},
        {"page": -1},
        {"per_page": 0},
        {"per_page": -5},
        {"sort": "random"},
        {"years": ("22",)},
        {"q": "诈" * 501},
        {"page": 10**12},
    ],
)
def test_bad_parameters_are_refused_with_a_message(options):
    with pytest.raises(QueryError):
        SearchRequest(**options)


def test_page_size_is_clamped():
    assert SearchRequest(per_page=10**6).per_page == MAX_PER_PAGE


# --- issue 4: dates, operators in any case, title-only, synonyms, explain, suggestions ------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("date:2022", {"003", "004"}),
        ("date:2021-01..2021-06", {"001"}),
        ("date:2021-6..2022-7", {"001", "004"}),
        ("date:>=2025-03-06", {"000", "002"}),
        ("date:>2025-03-06", {"000"}),
        ("date:<2022", {"001"}),
        ("date:<=2022-07", {"001", "004"}),
        ("date:..2021", {"001"}),
        ("断卡 date:2022", {"003", "004"}),
    ],
)
def test_date_clauses_select_by_the_stored_iso_day(searcher, q, expected):
    assert set(seeds_found(searcher, q)) == expected


NOT_A_DATE = "is not a date; write date:2022, date:2021-01..2021-06, date:>=2024-03-01 or date:..2021"


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("date:2022-13", "2022-13 is not a real date"),
        ("date:abc", f"date:abc {NOT_A_DATE}"),
        ("date:2021-02-30", "2021-02-30 is not a real date"),
        ("date:..", "date:.. needs a start or an end, e.g. date:2021..2022"),
        ("date:", f"date: {NOT_A_DATE}"),
    ],
)
def test_a_date_that_is_no_date_gets_a_message_naming_it(searcher, q, message):
    with pytest.raises(QueryError) as error:
        search(searcher, SearchRequest(q=q))
    assert str(error.value) == message


def test_lowercase_or_is_or_and_never_narrows(searcher):
    assert set(seeds_found(searcher, "云剑 or 清源")) == set(seeds_found(searcher, "云剑 OR 清源"))
    assert set(seeds_found(searcher, "云剑 or 清源")) == {"002", "003"}


def test_title_only_searches_titles_and_synonyms_rank_below_the_literal_word(searcher):
    # 电诈 is in 000's title and in 002's body; 001, 003, 004 have 电信网络诈骗 in the title.
    assert seeds_found(searcher, "电诈", title_only=True, expand=False) == ["000"]
    assert set(seeds_found(searcher, "电诈", expand=False)) == {"000", "002"}
    found = seeds_found(searcher, "电诈", title_only=True)
    assert set(found) == {"000", "001", "003", "004"}
    assert found[0] == "000"


def test_expansions_are_reported_and_can_be_switched_off(searcher):
    results = search(searcher, SearchRequest(q="电诈"))
    assert results.expansions == ["电信网络诈骗", "电信诈骗"]
    assert results.to_dict()["expansions"] == ["电信网络诈骗", "电信诈骗"]
    assert search(searcher, SearchRequest(q="电诈", expand=False)).expansions == []
    # A quoted phrase is exact: no expansion.
    assert search(searcher, SearchRequest(q='"电诈"')).expansions == []


def test_synonym_matches_are_highlighted_in_the_original_text(searcher):
    results = search(searcher, SearchRequest(q="电诈"))
    hit = next(h for h in results.hits if h.path.endswith("001_1fa2294de0920597.txt"))
    assert "<mark>电信网络诈骗</mark>" in str(hit.title_html)


def test_traditional_queries_find_simplified_text(searcher):
    assert seeds_found(searcher, "詐騙集團") == seeds_found(searcher, "诈骗集团")
    assert set(seeds_found(searcher, "殺豬盤")) == {"001"}


def test_explain_describes_the_parsed_query(searcher):
    results = search(searcher, SearchRequest(q="电诈 -赌博 date:2022", explain=True))
    assert results.to_dict()["explain"] == results.explain
    assert results.explain.startswith(
        '((电诈 OR "电诈" OR also(电信网络诈骗) OR also(电信诈骗)) AND date:2022..2022)'
    )
    assert 'NOT (赌博 OR "赌博")' in results.explain
    assert "explain" not in search(searcher, SearchRequest(q="电诈")).to_dict()


def test_a_term_found_nowhere_is_corrected_and_the_correction_is_said(searcher):
    results = search(searcher, SearchRequest(q="杀珠盘"))
    assert results.corrected == "杀猪盘"
    assert [Path(h.path).name[:3] for h in results.hits] == ["001"]
    assert "<mark>杀猪盘</mark>" in str(results.hits[0].snippet)
    # With expansion off exactly what was typed is searched, and the fix is only suggested.
    literal = search(searcher, SearchRequest(q="杀珠盘", expand=False))
    assert literal.corrected is None and literal.total == 0
    assert literal.suggestions[0] == "杀猪盘"


def test_suggestions_are_index_words_not_raw_corrector_output(searcher):
    results = search(searcher, SearchRequest(q="段卡 拔钉", expand=False))
    assert results.total == 0
    assert results.suggestions[0] == "断卡 拔钉"
    assert search(searcher, SearchRequest(q="断卡")).suggestions == []


def test_words_standing_together_in_order_rank_first(tmp_path):
    from searchapp.document import Document
    from searchapp.indexer import index_documents

    def doc(doc_id, body):
        return Document(
            id=doc_id, path=f"{doc_id}.txt", title="通报", date=None, year=None,
            date_source=None, source="", feed="", origin="", url="", operations=(), body=body,
        )

    index_documents(
        [
            doc("apart", "警方提醒：诈骗手法多样，遇到可疑来电请核实，谨防上当。不要轻信陌生电信号码。"),
            doc("reversed", "警方提醒：遇到诈骗，请拨打电信运营商的热线核实，谨防上当受骗。"),
            doc("together", "警方提醒：遇到可疑来电请核实，谨防上当。近期电信诈骗高发。"),
        ],
        tmp_path,
    )
    with open_index(tmp_path).searcher() as own:
        ranked = [h.id for h in search(own, SearchRequest(q="电信 诈骗")).hits]
    assert ranked[0] == "together"
    assert set(ranked) == {"apart", "reversed", "together"}


def test_url_parameters_for_the_new_switches():
    from werkzeug.datastructures import MultiDict

    from searchapp.web.params import args_for
    from searchapp.web.params import request_from_args

    args = MultiDict({"q": "电诈", "title_only": "1", "expand": "0", "explain": "on"})
    request = request_from_args(args)
    assert (request.title_only, request.expand, request.explain) == (True, False, True)
    assert args_for(request) == [("q", "电诈"), ("title_only", "1"), ("expand", "0")]
    with pytest.raises(QueryError, match="title_only"):
        request_from_args(MultiDict({"q": "x", "title_only": "maybe"}))


def test_cli_switches_reach_the_search(seed_index_dir):
    from click.testing import CliRunner

    from searchapp.cli import cli

    result = CliRunner().invoke(
        cli,
        ["search", "电诈", "--title-only", "--no-expand", "--explain", "--index", str(seed_index_dir)],
    )
    assert result.exit_code == 0, result.output
    explained = result.output.splitlines()[1]
    assert explained.startswith('read as: (电诈 OR "电诈")  — words are searched in title only')
    assert "1 hits" in result.output and "Also searched" not in result.output


def test_the_search_page_says_what_else_was_searched_and_keeps_the_switches(client):
    page = client.get("/search?q=电诈&title_only=1").get_data(as_text=True)
    assert "同时搜索了：<span class=\"expansion\">电信网络诈骗</span>" in page
    assert '<input type="hidden" name="title_only" value="1">' in page
    assert "/search?q=%E7%94%B5%E8%AF%88&amp;expand=0" in page  # "只搜原词"
    corrected = client.get("/search?q=杀珠盘").get_data(as_text=True)
    assert "以下是“<strong>杀猪盘</strong>”的结果" in corrected
    literal = client.get("/search?q=杀珠盘&expand=0").get_data(as_text=True)
    assert '您是不是要找：<a href="/search?q=%E6%9D%80%E7%8C%AA%E7%9B%98">杀猪盘</a>' in literal


@pytest.mark.parametrize("q", ["断卡 OR", "OR 断卡", "断卡 or", "and 断卡", "断卡 NOT", "断卡 AND"])
def test_an_operator_with_nothing_on_one_side_is_dropped(searcher, q):
    assert set(seeds_found(searcher, q)) == {"001", "003", "004"}


def test_undecodable_input_is_searched_not_raised(searcher):
    # A terminal passes undecodable bytes on as lone surrogates.
    request = SearchRequest(q="\udcff断卡", sources=("\udcfe",))
    assert request.q == "?断卡" and request.sources == ("?",)
    assert SearchRequest(q="断卡\x00\x1f").q == "断卡  "
    assert search(searcher, request).total == 0  # the source filter matches nothing


def test_an_unbalanced_quote_does_not_cling_to_expansions(searcher):
    results = search(searcher, SearchRequest(q='"电诈'))
    assert results.expansions and not any('"' in text for text in results.expansions)


def _tiny_index(tmp_path, bodies: dict[str, str], operations: dict[str, tuple] = {}):
    """Index one document per ``{id: body}`` in ``tmp_path``; return the folder. Titles are
    通报 followed by the id (documents with the same title and body are duplicates)."""
    from searchapp.document import Document
    from searchapp.indexer import index_documents

    index_documents(
        [
            Document(
                id=doc_id, path=f"{doc_id}.txt", title=f"通报{doc_id}", date=None, year=None,
                date_source=None, source="", feed="", origin="", url="",
                operations=operations.get(doc_id, ()), body=body,
            )
            for doc_id, body in bodies.items()
        ],
        tmp_path,
    )
    return tmp_path


def test_full_width_operators_mean_what_the_half_width_ones_mean(tmp_path):
    # Typed on a Chinese keyboard: U+FF0D minus, U+FF08/U+FF09 brackets, U+FF02 quote,
    # ＯＲ / ＮＯＴ in full-width letters, Chinese quotes, an ideographic space.
    index_dir = _tiny_index(tmp_path, {
        "fraud": "警方破获一起诈骗案，抓获嫌疑人3名。",
        "both": "警方破获一起诈骗案，同时查处一个赌博窝点。",
    })
    with open_index(index_dir).searcher() as own:
        def found(q):
            return sorted(hit.id for hit in search(own, SearchRequest(q=q)).hits)

        assert found("诈骗 -赌博") == ["fraud"]
        assert found("诈骗 －赌博") == ["fraud"]
        assert found("诈骗　－赌博") == ["fraud"]
        assert found("诈骗 ＮＯＴ 赌博") == ["fraud"]
        assert found("（诈骗 －赌博）") == ["fraud"]
        assert found("诈骗 ＋赌博") == ["both"]
        assert found("赌博 ＯＲ 嫌疑人") == ["both", "fraud"]
        assert found("“诈骗案”") == found('"诈骗案"') == ["both", "fraud"]
        assert found("“案诈骗”") == found("＂案诈骗＂") == []
        results = search(own, SearchRequest(q="诈骗 －赌博", explain=True))
        half = search(own, SearchRequest(q="诈骗 -赌博", explain=True))
        assert results.to_dict()["parsed"] == half.to_dict()["parsed"]
        assert results.explain == half.explain
        assert 'NOT (赌博 OR "赌博")' in results.explain
        assert results.to_dict()["query"] == "诈骗 －赌博"  # shown as typed


def test_full_width_brackets_and_or_group_like_half_width_ones_on_the_seeds(searcher):
    # 断卡 is named by 001, 003, 004; 断流 by 000, 002, 004; 拔钉 by all but 001.
    assert set(seeds_found(searcher, "(断卡 OR 断流)")) == {"000", "001", "002", "003", "004"}
    assert seeds_found(searcher, "（断卡 ＯＲ 断流）") == seeds_found(searcher, "(断卡 OR 断流)")
    assert seeds_found(searcher, "（断卡 ｏｒ 断流） －拔钉") == ["001"]
    assert seeds_found(searcher, "(断卡 or 断流) -拔钉") == ["001"]
    assert seeds_found(searcher, "source：光明网") == ["003"]
    explained = search(searcher, SearchRequest(q="（断卡 ＯＲ 断流）", explain=True)).explain
    assert explained.startswith('(断卡 OR "断卡" OR 断流 OR "断流")')
    # A dangling full-width operator is dropped like a half-width one.
    assert set(seeds_found(searcher, "断卡 ＯＲ")) == {"001", "003", "004"}


def test_suggestions_read_full_width_operators(searcher):
    from searchapp.suggest import suggest

    assert [c.q for c in suggest(searcher, "（杀珠盘 ＯＲ 断流）")][:1] == ["(杀猪盘 OR 断流)"]
    assert [c.q for c in suggest(searcher, "“杀珠盘”")][:1] == ['"杀猪盘"']


def test_a_synonym_key_inside_a_longer_query_word_is_not_searched(tmp_path):
    # 诈骗案件 is jieba's 诈骗 | 案件: the lexicon key 诈骗案 ends inside 案件, so its
    # alternative 骗案 (+ 件) must not be searched; whole-word 骗案 ↔ 诈骗案 still is.
    index_dir = _tiny_index(tmp_path, {
        "hk": "一起骗案，相关文件已移交。",
        "mainland": "警方侦破诈骗案件3起。",
    })
    with open_index(index_dir).searcher() as own:
        results = search(own, SearchRequest(q="诈骗案件"))
        assert [hit.id for hit in results.hits] == ["mainland"]
        assert results.expansions == []
        assert "<mark>诈骗案件</mark>" in str(results.hits[0].snippet)
        hk = search(own, SearchRequest(q="诈骗案"))
        assert sorted(hit.id for hit in hk.hits) == ["hk", "mainland"]
        assert hk.expansions == ["骗案"]


def test_an_operation_named_only_in_front_matter_is_found_by_its_name(tmp_path):
    # The reader takes `operation: 护航行动` from front matter; the body never names it.
    folder = tmp_path / "docs"
    folder.mkdir()
    body = "近日，市公安局破获一起网络诈骗案件，抓获犯罪嫌疑人2名。"
    (folder / "a.md").write_text(
        f"---\ntitle: 警方通报一起案件\ndate: 2024-05-01\noperation: 护航行动\n---\n{body}\n",
        encoding="utf-8",
    )
    (folder / "b.md").write_text("---\ntitle: 反诈宣传\n---\n民警走进社区开展反诈宣传。\n", encoding="utf-8")
    from searchapp.indexer import index_paths
    from searchapp.search import get_document

    index_paths([folder], tmp_path / "index")
    with open_index(tmp_path / "index").searcher() as own:
        for q in ("护航行动", "护航", '"护航行动"', "operation:护航行动"):
            hits = search(own, SearchRequest(q=q)).hits
            assert [Path(hit.path).name for hit in hits] == ["a.md"], q
        hit = search(own, SearchRequest(q="护航")).hits[0]
        assert hit.operations == ["护航行动"]
        # What readers see is the body as written: no operation name added, nothing marked.
        assert "护航" not in str(hit.snippet) and str(hit.snippet).startswith("近日")
        assert get_document(own, hit.id).body == body
        assert search(own, SearchRequest(q="护航行动", title_only=True)).total == 0
        # A near miss is corrected to the operation name, and the correction finds it.
        typo = search(own, SearchRequest(q="户航行动"))
        assert typo.corrected == "护航行动"
        assert [Path(h.path).name for h in typo.hits] == ["a.md"]


def test_operation_names_the_body_already_says_change_no_score(tmp_path):
    # Same body, with and without the operation name in the metadata: 断卡 is in the body
    # (inside quotes), so nothing is added and both score alike.
    body = "警方开展“断卡”行动，抓获犯罪嫌疑人3名。"
    index_dir = _tiny_index(tmp_path, {"named": body, "plain": body}, {"named": ("断卡",)})
    with open_index(index_dir).searcher() as own:
        hits = search(own, SearchRequest(q="断卡 行动")).hits
        assert {hit.id for hit in hits} == {"named", "plain"}
        assert hits[0].score == hits[1].score


@pytest.mark.skipif(not CASES_DIR.is_dir(), reason=f"{CASES_DIR} is absent")
def test_b15_operations_from_front_matter_are_searchable(tmp_path):
    # B15-a/b/c: `operation: 断卡行动` (read as 断卡), body 诈骗案件通报。 only.
    from searchapp.indexer import index_paths

    index_paths([CASES_DIR / f"B15-{x}.md" for x in "abc"], tmp_path)
    with open_index(tmp_path).searcher() as own:
        results = search(own, SearchRequest(q="断卡", per_page=10))
    assert sorted(Path(hit.path).name for hit in results.hits) == ["B15-a.md", "B15-b.md", "B15-c.md"]
    assert all(str(hit.snippet) == "诈骗案件通报。" for hit in results.hits)
