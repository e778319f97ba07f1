"""Indexes built before the Whoosh code moved to ``searchapp/engine/whoosh`` still open.

Whoosh pickles the schema, with its field and tokenizer classes, into every index. Indexes
built before the move name ``searchapp.schema.ChineseText`` and
``searchapp.analysis.JiebaTokenizer`` / ``NgramTokenizer``; those names must keep resolving,
and new indexes must name the engine's modules.
"""

import pickle

import searchapp.analysis
import searchapp.schema
from searchapp.engine.whoosh import schema as engine_schema
from searchapp.engine.whoosh import tokenizers
from searchapp.engine.whoosh.generations import current_generation
from searchapp.engine.whoosh.generations import open_index
from searchapp.indexer import index_paths
from searchapp.search import SearchRequest
from searchapp.search import search

#: Each pickled class and the module indexes built before the move name it by.
OLD_MODULES = {
    engine_schema.ChineseText: "searchapp.schema",
    tokenizers.JiebaTokenizer: "searchapp.analysis",
    tokenizers.NgramTokenizer: "searchapp.analysis",
}


def pickled_classes(index_dir) -> set[str]:
    """The searchapp classes the current generation's table of contents names, as
    ``module.Class`` (pickle protocol 2 writes a global as ``c<module>\\n<name>\\n``)."""
    toc = b"".join(
        path.read_bytes() for path in (index_dir / current_generation(index_dir)).glob("*.toc")
    )
    names = set()
    for chunk in toc.split(b"csearchapp.")[1:]:
        module, name = chunk.split(b"\n")[:2]
        names.add(f"searchapp.{module.decode()}.{name.decode()}")
    return names


def test_the_old_names_are_the_engine_classes():
    assert searchapp.analysis.JiebaTokenizer is tokenizers.JiebaTokenizer
    assert searchapp.analysis.NgramTokenizer is tokenizers.NgramTokenizer
    assert searchapp.schema.ChineseText is engine_schema.ChineseText
    clone = pickle.loads(pickle.dumps(searchapp.analysis.JiebaTokenizer()))
    assert type(clone) is tokenizers.JiebaTokenizer
    assert [t.text for t in clone("断卡行动")] == ["断卡", "行动"]


def test_new_indexes_pickle_the_engine_paths(tmp_path, seeds_dir):
    index_paths([seeds_dir], tmp_path / "index")
    assert pickled_classes(tmp_path / "index") == {
        "searchapp.engine.whoosh.schema.ChineseText",
        "searchapp.engine.whoosh.tokenizers.JiebaTokenizer",
        "searchapp.engine.whoosh.tokenizers.NgramTokenizer",
    }


def test_an_index_that_pickled_the_old_paths_opens_searches_and_updates(
    tmp_path, monkeypatch, seeds_dir
):
    import shutil

    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    index_dir = tmp_path / "index"
    for cls, module in OLD_MODULES.items():
        monkeypatch.setattr(cls, "__module__", module)  # pickle writes a class by __module__
    index_paths([folder], index_dir)
    monkeypatch.undo()
    assert pickled_classes(index_dir) == {
        "searchapp.schema.ChineseText",
        "searchapp.analysis.JiebaTokenizer",
        "searchapp.analysis.NgramTokenizer",
    }
    with open_index(index_dir).searcher() as searcher:
        assert type(searcher.schema["title"]) is engine_schema.ChineseText
        assert type(searcher.schema["title"].analyzer) is tokenizers.JiebaTokenizer
        assert type(searcher.schema["body_ngram"].analyzer) is tokenizers.NgramTokenizer
        assert search(searcher, SearchRequest(q="断卡")).total == 3
        assert search(searcher, SearchRequest(q='"电信网络诈骗"')).total > 0
    # An update commits the schema it read: from then on the index names the new paths.
    (folder / sorted(p.name for p in folder.iterdir())[0]).unlink()
    report = index_paths([folder], index_dir)
    assert report.removed == 1
    assert pickled_classes(index_dir) == {
        "searchapp.engine.whoosh.schema.ChineseText",
        "searchapp.engine.whoosh.tokenizers.JiebaTokenizer",
        "searchapp.engine.whoosh.tokenizers.NgramTokenizer",
    }
