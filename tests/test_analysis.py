"""The analyzers: tokens, positions and offsets on real press-release sentences."""

import pickle

import pytest

from searchapp.analysis import TRANSPARENT
from searchapp.analysis import normalize
from searchapp.analysis import query_ngrams
from searchapp.analysis import query_words
from searchapp.analysis import read_user_dictionary
from searchapp.analysis import to_simplified
from searchapp.engine.whoosh.tokenizers import JiebaTokenizer
from searchapp.engine.whoosh.tokenizers import NgramTokenizer

# Sentences from the seed press releases, plus width/case variants typed on Chinese IMEs.
SENTENCES = [
    "2025年，全国公安机关依法严厉打击电信网络诈骗犯罪，共侦破有关案件25.8万起。",
    "拦截诈骗电话36亿次、短信33亿条，紧急止付涉诈资金2170.7万元。",
    "深入开展“斩链”“清源”“利剑”三大战役，组织发起打击简易组网GOIP、跑分洗钱等集群战役。",
    "会同工信部建成12381涉诈预警劝阻短信系统；缉捕公安部A级逃犯2名。",
    "查获ＧＯＩＰ设备１２台，涉案ＡＰＰ３个，张𠮷某落网。",
    "工信部部署开展“断卡2.0”专项行动，1,200 sources checked.",
    # Traditional script (Hong Kong press), with a thousands separator.
    "警務處拘捕三名詐騙集團成員，涉款1,200萬元，網上情緣騙案上升。",
]


def index_tokens(tokenizer, text, mode="index"):
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in tokenizer(text, positions=True, chars=True, mode=mode)
    ]


@pytest.mark.parametrize("tokenizer", [JiebaTokenizer(), NgramTokenizer()], ids=["words", "ngrams"])
@pytest.mark.parametrize("text", SENTENCES)
def test_offsets_point_at_the_original_characters(tokenizer, text):
    for token, _pos, start, end in index_tokens(tokenizer, text):
        # Bigrams may span quotes inside a name (“断卡”行动): those characters are transparent.
        original = "".join(c for c in normalize(text)[start:end] if c not in TRANSPARENT)
        # A token is its text, or a variant of it: the bare number of 25.8万 or 1,200 → 1200.
        assert original == token or original.replace(",", "") == token or original.startswith(token)


@pytest.mark.parametrize("tokenizer", [JiebaTokenizer(), NgramTokenizer()], ids=["words", "ngrams"])
@pytest.mark.parametrize("mode", ["index", "query"])
@pytest.mark.parametrize("text", SENTENCES)
def test_positions_are_consecutive_and_never_decrease(tokenizer, mode, text):
    positions = [pos for _text, pos, _s, _e in index_tokens(tokenizer, text, mode)]
    assert positions[0] == 0
    steps = {b - a for a, b in zip(positions, positions[1:])}
    assert steps <= {0, 1}
    if mode == "query" and isinstance(tokenizer, JiebaTokenizer):
        assert steps == {1}  # one token per position at query time


def test_query_words_keep_numbers_units_letters_and_digits():
    assert query_words("共侦破有关案件25.8万起") == ["共", "侦破", "有关", "案件", "25.8万", "起"]
    assert query_words("2170.7万元") == ["2170.7万", "元"]
    assert query_words("公安部A级逃犯") == ["公安部", "a", "级", "逃犯"]
    assert query_words("12381") == ["12381"]
    assert query_words("国家反诈中心APP") == ["国家反诈中心", "app"]


def test_index_adds_subwords_and_bare_numbers_at_the_same_position():
    tokens = index_tokens(JiebaTokenizer(), "共侦破有关案件25.8万起，公安部通报")
    by_text = {text: pos for text, pos, _s, _e in tokens}
    assert by_text["25.8万"] == by_text["25.8"]
    assert by_text["公安部"] == by_text["公安"]


def test_domain_dictionary_keeps_operation_names_and_slang_whole():
    assert "断卡" in query_words("强力推进断卡行动")
    assert "跑分" in query_words("简易组网、跑分洗钱")
    assert "杀猪盘" in query_words("特大杀猪盘诈骗团伙")


def test_full_width_and_upper_case_fold_to_the_same_tokens():
    assert query_words("ＧＯＩＰ设备１２台") == query_words("goip设备12台") == ["goip", "设备", "12", "台"]


def test_no_stemming_and_no_stop_words():
    assert query_words("sources or the data") == ["sources", "or", "the", "data"]
    assert "的" in query_words("群众的钱袋子")


def test_han_outside_the_basic_block_is_a_token():
    assert "𠮷" in query_words("张𠮷某")


def test_ngrams_join_across_quotes_but_not_sentence_punctuation():
    grams = [t for t, *_ in index_tokens(NgramTokenizer(), "推进“断卡”行动。诈骗", "query")]
    assert grams == ["推进", "进断", "断卡", "卡行", "行动", "动", "诈骗", "骗"]
    assert query_ngrams("断卡行动") == ["断卡", "卡行", "行动"]
    assert query_ngrams("25.8万") == ["25.8", "万"]
    assert query_ngrams("GOIP电信") == ["goip", "电信"]


def test_normalize_keeps_length():
    text = "ＧＯＩＰ　１２台ﬁİ"
    assert len(normalize(text)) == len(text)
    assert normalize("ＧＯＩＰ　１２") == "goip 12"


def test_analyzers_pickle_as_the_index_needs():
    for tokenizer in (JiebaTokenizer(), NgramTokenizer()):
        clone = pickle.loads(pickle.dumps(tokenizer))
        assert index_tokens(clone, SENTENCES[0]) == index_tokens(tokenizer, SENTENCES[0])


def test_user_dictionary_tolerates_bom_crlf_and_comments(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_bytes("\ufeffGOIP设备 100\r\n# comment\r\n\r\n云剑－2023\r\n".encode("utf-8"))
    assert read_user_dictionary(path) == [("goip设备", 100), ("云剑-2023", None)]


# --- issue 4 ----------------------------------------------------------------------------


def test_traditional_text_meets_simplified_queries_with_true_offsets():
    text = "警務處拘捕詐騙集團成員"
    assert query_words(text) == query_words("警务处拘捕诈骗集团成员")
    tokens = index_tokens(JiebaTokenizer(), text)
    by_text = {token: text[start:end] for token, _pos, start, end in tokens}
    assert by_text["诈骗"] == "詐騙"
    assert by_text["集团"] == "集團"


def test_normalize_converts_script_without_changing_length():
    for text in ["乾隆年間，乾淨的頭髮", "裏面衞生，臺灣", "ＧＯＩＰ詐騙１２台"]:
        assert len(normalize(text)) == len(text)
    assert normalize("乾隆乾淨") == "乾隆干净"  # phrase-aware: 乾隆 keeps its 乾


def test_to_simplified_keeps_offsets_when_a_conversion_changes_length(monkeypatch):
    import searchapp.analysis as analysis

    class Stretching:
        """A converter whose phrase table maps 詐騙 to three characters."""

        def convert(self, text):
            return text.replace("詐騙", "诈骗X").replace("騙", "骗").replace("詐", "诈")

    monkeypatch.setattr(analysis, "_converter", Stretching())
    assert to_simplified("警方詐騙案，詐騙") == "警方诈骗案，诈骗"


def test_mixed_letter_and_digit_runs_are_found_by_their_parts():
    tokens = index_tokens(JiebaTokenizer(), "涉案ＡＰＰ３个")
    by_text = {token: (pos, start, end) for token, pos, start, end in tokens}
    assert by_text["app3"] == (1, 2, 6)
    assert by_text["app"] == (1, 2, 5) and by_text["3"] == (1, 5, 6)
    assert query_words("ＡＰＰ３个") == ["app3", "个"]  # query time: the run whole


def test_numbers_with_thousands_separators_are_found_both_ways():
    tokens = {token for token, *_ in index_tokens(JiebaTokenizer(), "涉款1,200萬元")}
    assert {"1,200万", "1,200", "1200"} <= tokens


def test_user_dictionary_words_may_contain_spaces(tmp_path):
    path = tmp_path / "dict.txt"
    path.write_text("天网 2024 10 nz\n網上情緣 5\n", encoding="utf-8")
    assert read_user_dictionary(path) == [("天网 2024", 10), ("网上情缘", 5)]


def test_ngrams_index_a_character_alone_only_where_a_run_starts_or_ends():
    # “断卡”行动 is one run (quotes are transparent); 25.8万起 is a number, then a run 万起.
    grams = [text for text, *_ in index_tokens(NgramTokenizer(), "推进“断卡”行动，25.8万起")]
    assert grams == ["推进", "推", "进断", "断卡", "卡行", "行动", "动",
                     "25.8", "万起", "万", "起"]


@pytest.mark.parametrize(
    "q, text",
    [
        ("骗", "电信诈骗犯罪"),  # one character in the middle of a run: a prefix query
        ("25.8万", "破获案件25.8万起"),  # the unit starts the run 万起
        ("第3天", "第3天内抓获"),  # 天 starts the run 天内抓获
        ("APP诈", "APP诈骗"),
    ],
)
def test_phrases_ending_inside_a_run_still_match(tmp_path, q, text):
    from searchapp.document import Document
    from searchapp.engine.whoosh.generations import open_index
    from searchapp.indexer import index_documents
    from searchapp.search import SearchRequest
    from searchapp.search import search

    document = Document(
        id="d1", path="d1.txt", title="通报", date=None, year=None, date_source=None,
        source="", feed="", origin="", url="", operations=(), body=text,
    )
    index_documents([document], tmp_path)
    with open_index(tmp_path).searcher() as searcher:
        results = search(searcher, SearchRequest(q=f'"{q}"'))
    assert results.total == 1, results.parsed
