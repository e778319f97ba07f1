"""Known failure cases B01, B02, B04, B06, B09, B13 (``../shared/cases/CASES.md``).

Each test runs the case's queries twice over the same files: on the *stock bridge* (Whoosh +
``jieba.analyse.ChineseAnalyzer`` on ``title``/``body``, ``MultifieldParser``, Whoosh's
highlighter), built here, where the case fails; and on our engine, where it passes. The
stock side is asserted too, so a test that stopped showing the difference would say so.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from searchapp.analysis import get_segmenter
from searchapp.document import Document
from searchapp.indexer import index_documents
from searchapp.indexer import open_index
from searchapp.ingest import read_documents
from searchapp.search import SearchRequest
from searchapp.search import search
from searchapp.snippets import highlight

CASES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "cases"
CASE_FILES = [
    "B01.md", "B02.md", "B04.txt", "B06.md", "B09.md", "B13-a.txt", "B13-b.txt", "B13-c.txt",
]
#: Made-up sentences of B01's kind (a highlight must not stop partway through a word),
#: where the stock highlighter marks only the end of the word.
B01_CLASS_TEXT = "深入开展三大战役，累计查处三万人次，坚持全天不间断巡逻。"

pytestmark = pytest.mark.skipif(
    not CASES_DIR.is_dir(), reason=f"the shared cases folder {CASES_DIR} is absent"
)


def case_documents() -> list[Document]:
    documents = [d for d in read_documents([CASES_DIR / name for name in CASE_FILES])]
    assert all(isinstance(d, Document) for d in documents), documents
    extra = Document(
        id="b01class", path="B01-class.txt", title="专项行动通报", date=None, year=None,
        date_source=None, source="", feed="", origin="", url="", operations=(),
        body=B01_CLASS_TEXT,
    )
    return [*documents, extra]


def name_of(path: str) -> str:
    return Path(path).name


# --- the stock bridge ---------------------------------------------------------------------


class StockBridge:
    """Whoosh + jieba.analyse.ChineseAnalyzer as a new user would wire them."""

    def __init__(self, documents: list[Document]):
        from whoosh.fields import ID
        from whoosh.fields import TEXT
        from whoosh.fields import Schema
        from whoosh.filedb.filestore import RamStorage
        from whoosh.qparser import MultifieldParser

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from jieba.analyse import ChineseAnalyzer

        analyzer = ChineseAnalyzer()
        self.schema = Schema(
            path=ID(stored=True),
            title=TEXT(analyzer=analyzer, stored=True),
            body=TEXT(analyzer=analyzer, stored=True),
        )
        self.ix = RamStorage().create_index(self.schema)
        writer = self.ix.writer()
        for document in documents:
            writer.add_document(path=document.path, title=document.title, body=document.body)
        writer.commit()
        self.parser = MultifieldParser(["title", "body"], self.schema)

    def found(self, q: str) -> set[str]:
        with self.ix.searcher() as searcher:
            hits = searcher.search(self.parser.parse(q), limit=None)
            return {name_of(hit["path"]) for hit in hits}

    def highlights(self, q: str, name: str, field: str) -> str:
        """The field of document ``name`` highlighted whole, matches in ``[…]``."""
        from whoosh import highlight as wh

        class Brackets(wh.Formatter):
            def format_token(self, text, token, replace=False):
                return "[" + wh.get_text(text, token, replace) + "]"

        with self.ix.searcher() as searcher:
            results = searcher.search(self.parser.parse(q), limit=None)
            results.fragmenter = wh.WholeFragmenter()
            results.formatter = Brackets()
            for hit in results:
                if name_of(hit["path"]) == name:
                    return hit.highlights(field)
        return ""


# --- our engine ---------------------------------------------------------------------------


class Ours:
    def __init__(self, index_dir: Path):
        self.ix = open_index(index_dir)

    def results(self, q: str):
        with self.ix.searcher() as searcher:
            return search(searcher, SearchRequest(q=q, per_page=100))

    def found(self, q: str) -> set[str]:
        return {name_of(hit.path) for hit in self.results(q).hits}

    def hit(self, q: str, name: str):
        (hit,) = [h for h in self.results(q).hits if name_of(h.path) == name]
        return hit


def brackets(markup) -> str:
    """``<mark>x</mark>`` → ``[x]``, so expectations read like the stock side's."""
    return re.sub(r"</?mark>", lambda m: "]" if m.group(0)[1] == "/" else "[", str(markup))


@pytest.fixture(scope="module")
def documents():
    return case_documents()


@pytest.fixture(scope="module")
def stock(documents):
    return StockBridge(documents)


@pytest.fixture(scope="module")
def ours(documents, tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("cases-index")
    index_documents(documents, index_dir)
    return Ours(index_dir)


# --- B01 ----------------------------------------------------------------------------------


def test_b01_a_highlight_never_stops_partway_through_a_word(stock, ours):
    # The case's own examples: whole words, one mark each (Whoosh-Reloaded gets these right).
    assert brackets(ours.hit("派出所", "B01.md").title_html) == "城关[派出所]开展反诈宣传进社区活动"
    assert stock.highlights("派出所", "B01.md", "title") == "城关[派出所]开展反诈宣传进社区活动"
    for word in ("公安局", "嫌疑人"):
        assert f"[{word}]" in brackets(ours.hit(word, "B01.md").snippet)
    assert "[诈骗案]" in brackets(ours.hit("诈骗案", "B02.md").title_html)
    # The rest of the kind: the stock highlighter marks a sub-word of the query's word.
    expected = {"三大战役": "[三大战役]", "万人次": "[万人次]", "不间断": "[不间断]"}
    stock_marks = {}
    for word, mark in expected.items():
        assert mark in brackets(ours.hit(word, "B01-class.txt").snippet)
        stock_marks[word] = stock.highlights(word, "B01-class.txt", "body")
    assert not all(mark in stock_marks[word] for word, mark in expected.items()), stock_marks
    assert "三[大战役]" in stock_marks["三大战役"]


def test_b01_adjacent_matches_merge_and_the_longest_wins():
    assert brackets(highlight("学习马克思主义理论", ["马克", "马克思"])) == "学习[马克思]主义理论"
    assert brackets(highlight("市公安局提醒", ["市", "公安", "公安局"])) == "[市公安局]提醒"


# --- B02 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ['"电信网络诈骗"', '"2170.7万元"', '"GOIP电信"'])
def test_b02_quoted_phrases_of_several_words_are_found(stock, ours, q):
    assert "B02.md" not in stock.found(q)
    assert "B02.md" in ours.found(q)


def test_b02_a_phrase_must_be_in_order_and_contiguous(stock, ours):
    assert ours.found('"诈骗网络电信"') == set()
    assert stock.found('"诈骗网络电信"') == set()


# --- B04 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["GOIP", "12台", "APP"])
def test_b04_full_width_letters_and_digits_are_indexed(stock, ours, q):
    assert "B04.txt" not in stock.found(q)
    assert "B04.txt" in ours.found(q)


def test_b04_a_full_width_query_finds_half_width_text_and_highlights_the_original(stock, ours):
    # ＧＯＩＰ设备 must find B02 (half-width GOIP, no 设备) through GOIP; the stock bridge
    # drops the full-width letters and keeps only 设备.
    assert "B02.md" not in stock.found("ＧＯＩＰ设备")
    assert "B02.md" in ours.found("ＧＯＩＰ")
    assert {"B04.txt", "B06.md"} <= ours.found("ＧＯＩＰ设备")
    snippet = brackets(ours.hit("GOIP 12台", "B04.txt").snippet)
    assert "查获[ＧＯＩＰ]设备[１２台]" in snippet


# --- B06 ----------------------------------------------------------------------------------


B06_QUERIES = ["GOIP", "断卡", '"天网 2024"', "云剑-2023", "云剑－2023"]


@pytest.fixture
def b06_dictionary():
    """The case's user dictionary loaded into jieba's global segmenter (the stock bridge's)
    and into ours, removed again afterwards."""
    import jieba

    entries = [
        (word, int(freq)) for word, freq in (
            re.fullmatch(r"(.+?) (\d+) [a-z]+", line.strip().lstrip("\ufeff")).groups()
            for line in (CASES_DIR / "B06.userdict.txt").read_text("utf-8").splitlines()
        )
    ]
    jieba.initialize()
    segmenters = [jieba.dt, get_segmenter()]
    saved = [(s, {w: s.FREQ.get(w) for w, _f in entries}, s.total) for s in segmenters]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        jieba.load_userdict(str(CASES_DIR / "B06.userdict.txt"))
    get_segmenter().add_word("goip设备", 10)
    for word, freq in entries:
        get_segmenter().add_word(word.lower(), freq)
    yield entries
    for segmenter, freqs, total in saved:
        for word, freq in freqs.items():
            for key in {word, word.lower()}:
                if freq is None:
                    segmenter.FREQ.pop(key, None)
                else:
                    segmenter.FREQ[key] = freq
        segmenter.total = total
        segmenter.FREQ.pop("goip设备", None) if segmenter is get_segmenter() else None


def test_b06_dictionary_entries_do_not_hide_their_parts(documents, b06_dictionary, tmp_path):
    stock = StockBridge(documents)
    index_documents(documents, tmp_path)
    ours = Ours(tmp_path)
    stock_found = {q: "B06.md" in stock.found(q) for q in B06_QUERIES}
    assert not all(stock_found.values()), stock_found
    for q in B06_QUERIES:
        assert "B06.md" in ours.found(q), q
    facet = {v.value for v in ours.results("专项").facets["operation"]}
    assert "云剑-2023" in facet


# --- B09 ----------------------------------------------------------------------------------


def test_b09_a_title_only_match_shows_the_title_marked_and_a_body_excerpt(stock, ours):
    assert stock.highlights("反诈", "B09.md", "body") == ""
    hit = ours.hit("反诈", "B09.md")
    assert brackets(hit.title_html) == "[反诈]宣传进社区"
    assert str(hit.snippet) == "民警向群众讲解防范知识，并现场发放宣传手册。"
    assert hit.to_dict()["snippet"]


# --- B13 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("诈骗 OR 赌博", {"B13-a.txt", "B13-b.txt", "B13-c.txt"}),
        ("诈骗 or 赌博", {"B13-a.txt", "B13-b.txt", "B13-c.txt"}),
        ("诈骗 -赌博", {"B13-a.txt"}),
        ("诈骗 NOT 赌博", {"B13-a.txt"}),
    ],
)
def test_b13_lowercase_or_and_leading_minus_mean_what_they_say(stock, ours, q, expected):
    def b13(found):
        return {name for name in found if name.startswith("B13")}

    assert b13(ours.found(q)) == expected
    if q in ("诈骗 or 赌博", "诈骗 -赌博"):
        assert b13(stock.found(q)) == {"B13-c.txt"}  # narrowed, or the exclusion inverted
