"""Highlights and snippets: what is marked, what is shown, and that nothing is injected."""

from searchapp.snippets import find_highlights
from searchapp.snippets import highlight
from searchapp.snippets import make_snippet

# From seed 000 (公安部 press conference, 2026-01-08).
BODY = (
    "1月8日，公安部在京召开专题新闻发布会。"
    "2025年，全国公安机关依法严厉打击电信网络诈骗犯罪，共侦破有关案件25.8万起，"
    "有力遏制了犯罪高发势头，维护了人民群众合法权益。"
    "部署开展“断流”“拔钉”“斩链”等专项行动，累计抓获诈骗集团幕后“金主”、头目和骨干等542名。"
)


def marked(markup):
    """Return the marked texts of a snippet."""
    import re

    return re.findall(r"<mark>(.*?)</mark>", str(markup))


def test_the_longest_overlapping_match_wins():
    assert str(highlight("学习马克思主义理论", ["马克", "马克思"])) == "学习<mark>马克思</mark>主义理论"


def test_adjacent_matches_merge_into_one_mark():
    assert marked(highlight(BODY, ["电信", "网络", "诈骗"])) == ["电信网络诈骗", "诈骗"]


def test_a_phrase_matches_across_quotes_and_marks_the_original_characters():
    assert marked(highlight("强力推进“断卡”行动", ["断卡行动"])) == ["断卡”行动"]


def test_full_width_text_is_found_by_half_width_needles_and_shown_as_written():
    assert str(highlight("查获ＧＯＩＰ设备１２台", ["goip", "12台"])) == (
        "查获<mark>ＧＯＩＰ</mark>设备<mark>１２台</mark>"
    )


def test_latin_needles_match_whole_words_only():
    assert find_highlights("happy app", ["app"]) == [(6, 9)]


def test_text_is_escaped_and_only_our_marks_are_tags():
    text = '警情通报<script>alert(1)</script> & <mark>假</mark> "引号"'
    html = str(highlight(text, ["通报"]))
    assert html == (
        "警情<mark>通报</mark>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        "&lt;mark&gt;假&lt;/mark&gt; &#34;引号&#34;"
    )


def test_snippet_shows_the_sentence_with_the_match():
    snippet = str(make_snippet(BODY, ["拔钉"]))
    assert snippet.startswith("部署开展“断流”“<mark>拔钉</mark>”“斩链”等专项行动")
    assert "1月8日" not in snippet


def test_snippet_prefers_the_sentence_with_more_distinct_matches():
    snippet = str(make_snippet(BODY, ["公安", "诈骗", "案件"], max_chars=80))
    assert marked(snippet)[:3] == ["公安", "诈骗", "案件"]


def test_long_sentences_are_cut_at_clause_boundaries_around_the_match():
    snippet = str(make_snippet(BODY, ["合法权益"], max_chars=40))
    assert "<mark>合法权益</mark>" in snippet
    assert snippet.startswith("…维护了") or snippet.startswith("…有力遏制")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 70


def test_without_a_match_in_the_body_the_lead_is_shown():
    snippet = str(make_snippet(BODY, ["反诈"]))
    assert snippet.startswith("1月8日，公安部在京召开专题新闻发布会。")
    assert "<mark>" not in snippet
    assert 20 <= len(snippet) <= 110


def test_traditional_text_is_marked_for_simplified_needles():
    assert str(highlight("警務處拘捕詐騙集團成員", ["诈骗", "集团"])) == (
        "警務處拘捕<mark>詐騙集團</mark>成員"
    )


def test_letters_match_inside_a_mixed_run_at_the_letter_digit_boundary():
    assert str(highlight("涉案ＡＰＰ３个", ["app"])) == "涉案<mark>ＡＰＰ</mark>３个"
    assert find_highlights("ab12 312", ["12"]) == [(2, 4)]


def test_long_sentences_are_cut_into_clauses_of_bounded_length():
    body = "，".join(f"第{i}句说明情况" for i in range(30)) + "，最后提到断卡行动。"
    snippet = str(make_snippet(body, ["断卡"], max_chars=60))
    assert "<mark>断卡</mark>" in snippet
    plain = snippet.replace("<mark>", "").replace("</mark>", "")
    assert plain.startswith("…") and len(plain) <= 62
    assert plain[1:].startswith("第")  # starts after a clause boundary, not mid-clause
