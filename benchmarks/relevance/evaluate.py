"""Relevance evaluation: our engine against the stock jieba-Whoosh bridge, side by side.

Usage (from the repository root, with the project installed or PYTHONPATH=.)::

    python benchmarks/relevance/evaluate.py build     # index the subset twice (a few minutes)
    python benchmarks/relevance/evaluate.py run       # nDCG@10, P@10, recall@100 per class
    python benchmarks/relevance/evaluate.py run -v    # ... and per query
    python benchmarks/relevance/evaluate.py pool Q07  # judging aid: candidates with context

Documents: the police/fraud subset of ``../shared/corpus`` (group ``P`` of the
``picker-wechat`` and ``hkcnews`` manifests: every file whose name or body matched the
corpora's police/fraud keyword rules), read with :func:`searchapp.ingest.read_documents`.
The CCTV corpus is left out until ingest splits its daily files into items (a judgment
names a file, and a whole day is not one press release). Indexes are cached outside the
repository, in ``$SEARCHAPP_RELEVANCE_CACHE`` or ``~/.cache/searchapp/relevance``.

Judgments (``queries.tsv``, ``judgments.tsv`` beside this file) were written by reading the
documents; grades: 3 the document is about it, 2 substantially relevant, 1 mentions it in
passing with some use, 0 not relevant (judged and rejected). Unjudged documents count as
0. Metrics: nDCG@10 with gain 2^grade - 1 and the ideal ranking of all judged documents;
P@10 and recall@100 count grade >= 1 as relevant.

Stock configuration: ``Schema(path=ID, title=TEXT(ChineseAnalyzer()),
body=TEXT(ChineseAnalyzer()))``, ``MultifieldParser(["title", "body"])``, BM25F, no
boosts: what a new user builds from the jieba and Whoosh documentation.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import os
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CORPUS = Path(os.environ.get("SEARCHAPP_CORPUS", REPO.parent / "shared" / "corpus"))
CACHE = Path(
    os.environ.get("SEARCHAPP_RELEVANCE_CACHE", Path.home() / ".cache" / "searchapp" / "relevance")
)
SUBSET_GROUPS = {"picker-wechat": "P", "hkcnews": "P"}
K = 10
DEPTH = 100

sys.path.insert(0, str(REPO))


def subset_files() -> list[Path]:
    """The files of the evaluation subset, in manifest order."""
    files = []
    for corpus, group in SUBSET_GROUPS.items():
        with open(CORPUS / corpus / "manifest.tsv", encoding="utf-8") as manifest:
            for row in csv.DictReader(manifest, delimiter="\t"):
                if row["group"] == group:
                    files.append(CORPUS / corpus / row["file"])
    return files


def doc_key(path: str) -> str:
    """The name a judgment uses for a document: its path under the corpus folder."""
    return str(Path(path).resolve().relative_to(CORPUS.resolve()))


def read_subset():
    from searchapp.document import Document
    from searchapp.ingest import read_documents

    return [d for d in read_documents(subset_files()) if isinstance(d, Document)]


# --- the two engines ----------------------------------------------------------------------


def build() -> None:
    """Index the subset with our engine and with the stock bridge, into the cache."""
    from searchapp.indexer import index_documents

    documents = read_subset()
    digest = hashlib.sha1("\n".join(sorted(d.id for d in documents)).encode()).hexdigest()[:12]
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    index_documents(documents, CACHE / "ours")
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    stock_index(documents, CACHE / "stock")
    stock_s = time.perf_counter() - started
    (CACHE / "subset.txt").write_text(f"{len(documents)} documents, ids sha1 {digest}\n")
    print(
        f"{len(documents)} documents (ids sha1 {digest}); ours {ours_s:.0f} s "
        f"({len(documents) / ours_s:.1f} docs/s), stock {stock_s:.0f} s "
        f"({len(documents) / stock_s:.1f} docs/s); cache {CACHE}"
    )


def stock_schema():
    from whoosh.fields import ID
    from whoosh.fields import TEXT
    from whoosh.fields import Schema

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from jieba.analyse import ChineseAnalyzer
    analyzer = ChineseAnalyzer()
    return Schema(
        path=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, stored=True),
        body=TEXT(analyzer=analyzer),
    )


def stock_index(documents, folder: Path) -> None:
    import shutil

    from whoosh import index

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ix = index.create_in(folder, stock_schema())
    writer = ix.writer(limitmb=256)
    for document in documents:
        writer.add_document(path=document.path, title=document.title, body=document.body)
    writer.commit()


class Ours:
    name = "ours"

    def __init__(self):
        from searchapp.indexer import open_index

        self.searcher = open_index(CACHE / "ours").searcher()

    def ranking(self, q: str) -> list[str]:
        from searchapp.search import QueryError
        from searchapp.search import SearchRequest
        from searchapp.search import search

        try:
            results = search(self.searcher, SearchRequest(q=q, per_page=DEPTH))
        except QueryError:
            return []
        return [doc_key(hit.path) for hit in results.hits]


class Stock:
    name = "stock"

    def __init__(self):
        from whoosh import index
        from whoosh.qparser import MultifieldParser

        self.ix = index.open_dir(CACHE / "stock")
        self.searcher = self.ix.searcher()
        self.parser = MultifieldParser(["title", "body"], self.ix.schema)

    def ranking(self, q: str) -> list[str]:
        hits = self.searcher.search(self.parser.parse(q), limit=DEPTH)
        return [doc_key(hit["path"]) for hit in hits]


# --- judgments and metrics ----------------------------------------------------------------


def read_queries() -> list[dict]:
    with open(HERE / "queries.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row for row in rows if row["id"]]


def read_judgments() -> dict[str, dict[str, int]]:
    judgments: dict[str, dict[str, int]] = defaultdict(dict)
    with open(HERE / "judgments.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            judgments[row["query"]][row["doc"]] = int(row["grade"])
    return judgments


def ndcg(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    def dcg(gains):
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(doc, 0) for doc in ranking]) / ideal if ideal else 0.0


def precision(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    return sum(1 for doc in ranking[:k] if grades.get(doc, 0) >= 1) / k


def recall(ranking: list[str], grades: dict[str, int], depth: int = DEPTH) -> float:
    relevant = {doc for doc, grade in grades.items() if grade >= 1}
    return len(relevant & set(ranking[:depth])) / len(relevant) if relevant else 0.0


def run(verbose: bool) -> None:
    queries = read_queries()
    judgments = read_judgments()
    engines = [Ours(), Stock()]
    per_class: dict[str, dict[str, list[tuple[float, float, float]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    print((CACHE / "subset.txt").read_text().strip(), f"· {len(queries)} judged queries")
    if verbose:
        print(f"\n{'query':<28} {'class':<12} {'rel':>4}   " + "   ".join(
            f"{e.name + ' nDCG P R':<18}" for e in engines))
    for row in queries:
        grades = judgments.get(row["id"], {})
        line = []
        for engine in engines:
            ranking = engine.ranking(row["query"])
            scores = (ndcg(ranking, grades), precision(ranking, grades), recall(ranking, grades))
            per_class[row["class"]][engine.name].append(scores)
            per_class["ALL"][engine.name].append(scores)
            line.append("{:.2f} {:.2f} {:.2f}".format(*scores))
        if verbose:
            relevant = sum(1 for g in grades.values() if g >= 1)
            label = f"{row['id']} {row['query']}"
            print(f"{label:<28} {row['class']:<12} {relevant:>4}   " + "   ".join(
                f"{cell:<18}" for cell in line))
    print(f"\n{'class':<12} {'n':>3}   {'nDCG@10':>15} {'P@10':>15} {'recall@100':>15}")
    print(f"{'':<12} {'':>3}   " + " ".join(f"{'ours  stock':>15}" for _ in range(3)))
    for name in sorted(per_class, key=lambda c: (c == "ALL", c)):
        ours, stock = per_class[name]["ours"], per_class[name]["stock"]
        cells = []
        for i in range(3):
            mean_ours = sum(s[i] for s in ours) / len(ours)
            mean_stock = sum(s[i] for s in stock) / len(stock)
            cells.append(f"{mean_ours:.3f} {mean_stock:.3f}")
        print(f"{name:<12} {len(ours):>3}   " + " ".join(f"{c:>15}" for c in cells))


# --- judging aid --------------------------------------------------------------------------


def pool(query_ids: list[str], depth: int) -> None:
    """Print, for judging by reading, the documents to judge for each query: the union of
    both engines' top ``depth`` and every document containing one of the query's ``note``
    strings (``|``-separated, matched after normalization), with title, lead and the text
    around the first matches. Documents already judged are left out."""
    from searchapp.analysis import normalize

    queries = {row["id"]: row for row in read_queries()}
    judged = read_judgments()
    documents = {doc_key(d.path): d for d in read_subset()}
    engines = [Ours(), Stock()]
    for query_id in query_ids:
        row = queries[query_id]
        keys: list[str] = []
        for engine in engines:
            keys += engine.ranking(row["query"])[:depth]
        needles = [normalize(n) for n in row["note"].split("|") if n]
        keys += [
            key for key, d in documents.items()
            if any(n in normalize(d.title + " " + d.body) for n in needles)
        ]
        keys = [k for k in dict.fromkeys(keys) if k not in judged.get(query_id, {})]
        print(f"### {query_id} [{row['class']}] {row['query']} — {len(keys)} to judge")
        for key in keys:
            document = documents[key]
            text = normalize(document.body)
            contexts = []
            for needle in needles:
                at = text.find(needle)
                if at >= 0:
                    contexts.append(document.body[max(0, at - 40): at + 50].replace("\n", " "))
            print(f"{key}  {document.date}  {document.title[:70]}")
            print(f"   lead: {document.body[:60]}".replace("\n", " "))
            for context in contexts[:1]:
                print(f"   … {context}")


def Document_for(key: str):
    from searchapp.ingest import read_file

    return read_file(CORPUS / key)[0]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="index the subset with both engines")
    run_parser = sub.add_parser("run", help="print the metrics")
    run_parser.add_argument("-v", "--verbose", action="store_true", help="per query too")
    pool_parser = sub.add_parser("pool", help="print documents to judge")
    pool_parser.add_argument("ids", nargs="+")
    pool_parser.add_argument("--depth", type=int, default=15)
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if args.command == "build":
            build()
        elif args.command == "run":
            run(args.verbose)
        else:
            pool(args.ids, args.depth)


if __name__ == "__main__":
    main()
