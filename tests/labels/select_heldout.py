"""Draw the held-out ingestion sample (tests/labels/ingest-labels-heldout.yaml).

Reproducible: ``python tests/labels/select_heldout.py [CORPUS]`` prints the same files every
time (``random.seed(20261129)``; every pool is sorted before sampling; pools drawn in the order
below). Files already in tests/labels/ingest-labels.yaml are excluded. Reads the manifests
and, for pools 1, 2 and 4, the files' text (keyword tests only); never runs the extractor.

Pools (CORPUS = ../shared/corpus):
  1. picker-wechat group P, WeChat article (mp.weixin.qq.com) with a real body
     (manifest cjk_chars > 300) whose text contains 断卡|断流|云剑|净网|昆仑: 5 files.
  2. picker-wechat group P with a real body (cjk_chars > 300), not in pool 1's draw
     and not containing those names: 10 files.
  3. picker-wechat group P, WeChat URL, cjk_chars < 100 (candidate chrome-only shells): 3.
  4. transcript items (news/*.md, the N-th ``### `` section, N from 1) whose title or text
     contains 公安|警方|民警|诈骗, days of the first labels file excluded: 10 items.
  5. hkcnews group P: 10 files.
  6. dump_htmls pages with police_title = 1 (title mentions police/fraud): 5 pages.
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

SEED = 20261129
OPERATIONS = re.compile("断卡|断流|云剑|净网|昆仑")
POLICE = re.compile("公安|警方|民警|诈骗")


def manifest(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def main(corpus: Path) -> None:
    labelled = Path(__file__).with_name("ingest-labels.yaml").read_text(encoding="utf-8")
    random.seed(SEED)
    picker = [r for r in manifest(corpus / "picker-wechat/manifest.tsv")
              if r["group"] == "P" and r["file"] not in labelled]
    real = sorted(r["file"] for r in picker if int(r["cjk_chars"]) > 300)
    wechat = {r["file"] for r in picker if "mp.weixin.qq.com" in r["url"]}
    names = {f for f in real
             if OPERATIONS.search((corpus / "picker-wechat" / f).read_text(encoding="utf-8"))}
    pool1 = random.sample(sorted(names & wechat), 5)
    pool2 = random.sample(sorted(set(real) - names), 10)
    shells = sorted(r["file"] for r in picker
                    if int(r["cjk_chars"]) < 100 and r["file"] in wechat)
    pool3 = random.sample(shells, 3)
    items = []
    for path in sorted((corpus / "cctv-xwlb/news").glob("*.md")):
        if path.name in labelled:
            continue
        sections = path.read_text(encoding="utf-8").replace("\r\n", "\n").split("\n### ")[1:]
        items += [(path.name, n) for n, s in enumerate(sections, 1) if POLICE.search(s)]
    pool4 = random.sample(items, 10)
    hk = sorted(r["file"] for r in manifest(corpus / "hkcnews/manifest.tsv")
                if r["group"] == "P" and r["file"] not in labelled)
    pool5 = random.sample(hk, 10)
    pages = sorted(r["file"] for r in manifest(corpus / "cctv-xwlb/manifest_html.tsv")
                   if r["police_title"] == "1" and r["file"] not in labelled)
    pool6 = random.sample(pages, 5)
    for pool, files in (("1 picker P wechat+operations", pool1), ("2 picker P real", pool2),
                        ("3 picker P shells", pool3)):
        for f in files:
            print(pool, f"picker-wechat/{f}", sep="\t")
    for name, n in pool4:
        print("4 transcript items", f"cctv-xwlb/news/{name}#{n}", sep="\t")
    for f in pool5:
        print("5 hkcnews P", f"hkcnews/{f}", sep="\t")
    for f in pool6:
        print("6 cctv html police", f"cctv-xwlb/{f}", sep="\t")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else
         Path(__file__).resolve().parents[3] / "shared" / "corpus")
