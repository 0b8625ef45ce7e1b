#!/usr/bin/env python3
"""List the fundus pages whose extracted title, authors or published time miss the ground truth.

Usage: metadata_misses.py NEWSCRAWL_BINARY [EVAL_DIR/fundus]

Runs `newscrawl extract --url URL --format json` on every page that has a <id>.meta.json and
prints one line per miss: field, page id, expected, got (the comparison of summarize.py),
and for a published time whose ground truth is flagged `published_suspect`, that flag.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from summarize import norm, published_matches  # noqa: E402


def main():
    binary = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    folder = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "../../../shared/eval/fundus")
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".meta.json"):
            continue
        pid = name[: -len(".meta.json")]
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            gt = json.load(f)
        run = subprocess.run([binary, "extract", "--url", gt.get("url", ""), "--format", "json",
                              os.path.join(folder, pid + ".html")], capture_output=True, text=True)
        try:
            rec = json.loads(run.stdout)
        except ValueError:
            rec = {}
        if norm(rec.get("title")) != norm(gt.get("title")):
            print(f"title\t{pid}\t{gt.get('title')!r}\t{rec.get('title')!r}")
        if gt.get("authors") is not None and {norm(a) for a in rec.get("authors") or []} != {
                norm(a) for a in gt["authors"]}:
            print(f"authors\t{pid}\t{gt['authors']!r}\t{rec.get('authors')!r}")
        if gt.get("published") and not published_matches(rec.get("published_at"), gt["published"]):
            suspect = f"\tground truth suspect: {gt['published_suspect']}" if gt.get(
                "published_suspect") else ""
            print(f"published\t{pid}\t{gt['published']!r}\t{rec.get('published_at')!r}{suspect}")


if __name__ == "__main__":
    main()
