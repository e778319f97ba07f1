"""Benchmark corpora of N documents, as files the indexer reads, cached outside the repository.

A corpus of size N is a folder ``<bench dir>/corpus-<N>/`` holding only document files:

* ``real/…``: symbolic links to the real documents of ``../shared/corpus`` (read in place,
  never copied), every readable one when N allows, else a seeded sample of N of them;
* ``gen/<chunk>/<n>.md``: hard links into a shared pool of generated documents, so the
  corpora nest (10k ⊂ 50k ⊂ 100k) and the pool is written once.

A generated document is markdown with YAML front matter (the ``markdown`` format of
:mod:`searchapp.ingest.readers`): a real title, 2–40 real paragraphs drawn at random with a
fixed seed (their number drawn from the real documents' distribution), in about a third of
them a real paragraph that names a special operation (断卡, 断流, 云剑 …), a date spread
uniformly over 2016–2026 (2% undated), and a source drawn from a realistic, skewed list of
outlets and police accounts. Nothing generated is written into the repository.

The bench dir is ``$SEARCHAPP_BENCH_DIR``, else ``~/.cache/searchapp-bench``. Everything in it
is keyed by a hash of the ingest code, the seed and this module's version, and rebuilt when
one of them changes. ``corpus-<N>.json`` beside each folder describes it (documents, files,
UTF-8 megabytes of title + body text).

Usage::

    python benchmarks/corpus.py --sizes 10000 50000 100000
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import pickle
import random
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

#: Where the real documents are (read in place).
REAL_CORPUS = REPO.parent / "shared" / "corpus"
#: Files in the real corpus that describe it rather than being documents.
NOT_DOCUMENTS = ("SOURCES.md", "manifest.tsv", "manifest_html.tsv")
SEED = 20261129
#: Bump when the generator changes what it writes.
GENERATOR_VERSION = 4
#: Generated files per chunk folder.
CHUNK = 1000
#: Share of generated documents given a paragraph that names an operation.
OPERATION_SHARE = 0.33
UNDATED_SHARE = 0.02
FIRST_DAY = datetime.date(2016, 1, 1)
LAST_DAY = datetime.date(2026, 12, 31)

#: Outlets and police accounts, with relative weights (a few large outlets, a long tail),
#: and the host their URLs point at.
SOURCES = [
    ("新浪财经", 14, "finance.sina.com.cn"),
    ("中国新闻网", 12, "www.chinanews.com.cn"),
    ("澎湃新闻", 10, "www.thepaper.cn"),
    ("人民网", 9, "society.people.com.cn"),
    ("新华网", 8, "www.news.cn"),
    ("光明网", 7, "legal.gmw.cn"),
    ("央视网", 7, "news.cctv.com"),
    ("中国警察网", 6, "www.cpd.com.cn"),
    ("法治日报", 5, "www.legaldaily.com.cn"),
    ("中国长安网", 4, "www.chinapeace.gov.cn"),
    ("中国信息安全", 4, ""),
    ("公安部刑侦局", 3, ""),
    ("平安北京", 2, ""),
    ("上海网警", 2, ""),
    ("深圳公安", 2, ""),
    ("浙江公安", 2, ""),
    ("环球网", 2, "china.huanqiu.com"),
    ("北京日报", 1, "news.bjd.com.cn"),
    ("南方都市报", 1, "www.oeeee.com"),
    ("中国反邪教网", 1, "www.chinafxj.cn"),
]
MIN_PARAGRAPH_CHARS = 12
MAX_PARAGRAPH_CHARS = 1500


def bench_dir() -> Path:
    """Return the cache folder of corpora, indexes and results (created when missing)."""
    path = Path(os.environ.get("SEARCHAPP_BENCH_DIR") or Path.home() / ".cache" / "searchapp-bench")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _code_key(generator: bool = True) -> str:
    """Hash of what decides the corpus: the ingest code, and (``generator``) the seed and
    the generator's version."""
    digest = hashlib.sha1(f"{SEED}/{GENERATOR_VERSION}".encode() if generator else b"scan")
    for path in sorted((REPO / "searchapp" / "ingest").glob("*.py")) + [REPO / "searchapp" / "document.py"]:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def real_files() -> list[Path]:
    """Return the real corpus's document files, sorted (descriptions and manifests left out)."""
    if not REAL_CORPUS.is_dir():
        raise SystemExit(f"the real corpus is missing: {REAL_CORPUS}")
    return sorted(
        path
        for path in REAL_CORPUS.rglob("*")
        if path.is_file() and path.name not in NOT_DOCUMENTS and not path.name.startswith(".")
    )


def scan_real_corpus(log=print) -> dict:
    """Read every real document once with our ingest; cache what the generator needs.

    :returns: ``{"files": [(path, documents, text_bytes)], "titles": [...],
        "paragraphs": [...], "operation_paragraphs": [...], "paragraph_counts": [...]}``,
        the paragraphs being those of the real bodies (12–1,500 characters).
    """
    cache = bench_dir() / f"real-scan-{_code_key(generator=False)}.pickle"
    if cache.exists():
        with open(cache, "rb") as handle:
            return pickle.load(handle)
    from searchapp.ingest import IngestError
    from searchapp.ingest import read_file
    from searchapp.ingest.boilerplate import WECHAT_FINGERPRINTS
    from searchapp.ingest.operations import extract_operations

    files, titles, paragraphs, operation_paragraphs, counts = [], [], [], [], []
    started = time.monotonic()
    all_files = real_files()
    for number, path in enumerate(all_files, 1):
        try:
            documents = read_file(path)
        except IngestError:
            continue
        text_bytes = 0
        for document in documents:
            text_bytes += len(document.title.encode()) + len(document.body.encode())
            titles.append(document.title)
            kept = [
                p
                for p in document.body.split("\n\n")
                if MIN_PARAGRAPH_CHARS <= len(p.strip()) <= MAX_PARAGRAPH_CHARS
                and not p.lstrip().startswith(("<", "---", "#"))
                and not any(mark in p for mark in WECHAT_FINGERPRINTS)
            ]
            counts.append(len(kept))
            for paragraph in kept:
                paragraphs.append(paragraph.strip())
                if extract_operations(paragraph):
                    operation_paragraphs.append(paragraph.strip())
        files.append((str(path), len(documents), text_bytes))
        if number % 2000 == 0:
            log(f"  scanned {number}/{len(all_files)} real files ({time.monotonic() - started:.0f} s)")
    scan = {
        "files": files,
        "titles": titles,
        "paragraphs": paragraphs,
        "operation_paragraphs": operation_paragraphs,
        "paragraph_counts": counts,
    }
    with open(cache.with_suffix(".tmp"), "wb") as handle:
        pickle.dump(scan, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(cache.with_suffix(".tmp"), cache)
    log(f"  scanned the real corpus: {len(files)} readable files, {len(paragraphs)} paragraphs "
        f"({time.monotonic() - started:.0f} s)")
    return scan


def generated_document(rng: random.Random, scan: dict) -> tuple[str, int]:
    """Return one generated file's text and its title + body size in UTF-8 bytes."""
    title = rng.choice(scan["titles"])
    count = min(40, max(2, rng.choice(scan["paragraph_counts"])))
    paragraphs = [rng.choice(scan["paragraphs"]) for _ in range(count)]
    if scan["operation_paragraphs"] and rng.random() < OPERATION_SHARE:
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(scan["operation_paragraphs"]))
    names, weights, hosts = zip(*SOURCES)
    index = rng.choices(range(len(SOURCES)), weights=weights)[0]
    source, host = names[index], hosts[index]
    meta = {"title": title, "source": source}
    day = FIRST_DAY + datetime.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1))
    if rng.random() >= UNDATED_SHARE:
        meta["date"] = day.isoformat()
    if host:  # WeChat accounts: no URL (a WeChat URL would make it read as a WeChat export)
        meta["url"] = f"https://{host}/{day:%Y%m/%d}/{rng.getrandbits(40):x}.html"
    header = "".join(f"{key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items())
    body = "\n\n".join(paragraphs)
    text = f"---\n{header}---\n\n{body}\n"
    return text, len(title.encode()) + len(body.encode())


def _pool_dir() -> Path:
    return bench_dir() / f"pool-{_code_key()}"


def ensure_generated(count: int, scan: dict, log=print) -> list[int]:
    """Make sure the pool holds generated documents 0 … count-1; return their text sizes.

    Document ``n`` depends only on the seed and ``n`` (its own ``Random``), so the pool can
    grow without changing what is already there.
    """
    pool = _pool_dir()
    sizes_file = pool / "sizes.json"
    sizes: list[int] = json.loads(sizes_file.read_text()) if sizes_file.exists() else []
    if len(sizes) >= count:
        return sizes[:count]
    started = time.monotonic()
    for n in range(len(sizes), count):
        rng = random.Random(f"{SEED}-{n}")
        text, size = generated_document(rng, scan)
        path = pool / f"{n // CHUNK:03d}" / f"{n:06d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sizes.append(size)
        if (n + 1) % 10000 == 0:
            log(f"  generated {n + 1}/{count} documents ({time.monotonic() - started:.0f} s)")
    sizes_file.write_text(json.dumps(sizes))
    return sizes


def corpus_dir(size: int) -> Path:
    return bench_dir() / f"corpus-{size}"


def build_corpus(size: int, log=print) -> dict:
    """Build (or reuse) the corpus of ``size`` documents; return its description.

    :returns: ``{"size", "folder", "documents", "real_documents", "generated", "files",
        "text_mb", "key"}``; ``text_mb`` is title + body in UTF-8, megabytes (10⁶ bytes).
    """
    folder = corpus_dir(size)
    meta_file = folder.with_suffix(".json")
    key = _code_key()
    if meta_file.exists() and folder.is_dir():
        meta = json.loads(meta_file.read_text())
        if meta.get("key") == key:
            return meta
    scan = scan_real_corpus(log)
    files = list(scan["files"])
    random.Random(SEED).shuffle(files)
    chosen, documents, text_bytes = [], 0, 0
    for path, count, size_bytes in files:
        if documents >= size:
            break
        chosen.append(path)
        documents += count
        text_bytes += size_bytes
    real_documents = documents
    generated = max(0, size - documents)
    sizes = ensure_generated(generated, scan, log)
    text_bytes += sum(sizes)
    if folder.exists():
        shutil.rmtree(folder)
    for path in chosen:
        link = folder / "real" / Path(path).relative_to(REAL_CORPUS)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(path)
    pool = _pool_dir()
    for n in range(generated):
        relative = Path(f"{n // CHUNK:03d}") / f"{n:06d}.md"
        target = folder / "gen" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(pool / relative, target)
        except OSError:
            shutil.copyfile(pool / relative, target)
    meta = {
        "size": size,
        "folder": str(folder),
        "documents": real_documents + generated,
        "real_documents": real_documents,
        "generated": generated,
        "files": len(chosen) + generated,
        "text_mb": text_bytes / 1e6,
        "key": key,
    }
    meta_file.write_text(json.dumps(meta, indent=2))
    log(f"  corpus {size}: {meta['documents']} documents ({real_documents} real, {generated} "
        f"generated), {meta['text_mb']:.0f} MB of text, in {folder}")
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000, 100000])
    args = parser.parse_args()
    for size in args.sizes:
        build_corpus(size)


if __name__ == "__main__":
    main()
