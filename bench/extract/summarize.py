#!/usr/bin/env python3
"""Summarise one extraction run of bench/extract/run.sh over an eval set.

Usage: summarize.py GT_DIR PRED_DIR [--per-page SCORE.tsv]

PRED_DIR holds <id>.json article records. Prints:
  * false negatives: pages judged not to be articles (every page of the eval sets is one),
    with their not_article_reason;
  * with --per-page (score.py's per-page TSV), the ten pages with the lowest F1 (full-text
    sets) or the most missed/unwanted segments (snippet sets);
  * when GT_DIR has <id>.meta.json (fundus): metadata accuracy - title exact (NFC, whitespace
    folded), authors as an exact set, published time to the minute (see published_matches),
    over the pages whose ground truth is not flagged `published_suspect` and, beside it, over
    all pages with a published time.
"""
import argparse
import datetime
import glob
import json
import os
import unicodedata


def norm(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def parse_time(stamp):
    if not stamp:
        return None
    try:
        return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None


def minute(stamp):
    """The time as UTC to the minute; a time without an offset is taken as UTC."""
    t = parse_time(stamp)
    if t is None:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=datetime.timezone.utc)
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M")


def published_matches(ours, truth):
    """True when our published time is the ground truth's to the minute.

    A ground-truth time with an offset is one instant: ours matches when it is the same instant.
    A ground-truth time without an offset ("2025-02-02T09:00:00") is a wall-clock time in a zone
    nobody recorded: ours matches when it reads the same either in UTC or in the offset our
    record carries (the page's own), since the ground truth was taken from one of the two.
    """
    ours_t, truth_t = parse_time(ours), parse_time(truth)
    if ours_t is None or truth_t is None:
        return False
    if truth_t.tzinfo is not None:
        return minute(ours) == minute(truth)
    wall = truth_t.strftime("%Y-%m-%dT%H:%M")
    return minute(ours) == wall or ours_t.strftime("%Y-%m-%dT%H:%M") == wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("gt_dir")
    ap.add_argument("pred_dir")
    ap.add_argument("--per-page")
    a = ap.parse_args()
    name = os.path.basename(os.path.normpath(a.gt_dir))
    ids = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(a.gt_dir, "*.html")))
    records = {}
    for pid in ids:
        try:
            with open(os.path.join(a.pred_dir, pid + ".json"), encoding="utf-8") as f:
                records[pid] = json.load(f)
        except (OSError, ValueError):
            records[pid] = None
    negatives = [(pid, (r or {}).get("not_article_reason", "no record"))
                 for pid, r in records.items() if not r or not r.get("is_article", False)]
    print(f"false negatives {name}: {len(negatives)}/{len(ids)} "
          f"({100.0 * len(negatives) / max(1, len(ids)):.1f}%)"
          + ("" if not negatives else ": " + ", ".join(f"{p} ({r})" for p, r in negatives)))
    if a.per_page:
        with open(a.per_page, encoding="utf-8") as f:
            header = f.readline().rstrip("\n").split("\t")
            rows = [dict(zip(header, line.rstrip("\n").split("\t"))) for line in f]
        if "F1" in header:
            rows = [r for r in rows if r["F1"]]
            rows.sort(key=lambda r: float(r["F1"]))
            worst = [f"{r['id']} {float(r['F1']):.3f}" for r in rows[:10]]
        else:
            rows.sort(key=lambda r: -(int(r["fn"]) + int(r["fp"])))
            worst = [f"{r['id']} fn={r['fn']} fp={r['fp']}" for r in rows[:10]]
        print(f"lowest {name}: " + ", ".join(worst))
    metas = {pid: os.path.join(a.gt_dir, pid + ".meta.json") for pid in ids}
    metas = {pid: p for pid, p in metas.items() if os.path.exists(p)}
    if not metas:
        return
    title = authors = n_authors = 0
    published = n_published = published_trusted = n_published_trusted = 0
    for pid, path in metas.items():
        with open(path, encoding="utf-8") as f:
            gt = json.load(f)
        rec = records.get(pid) or {}
        title += norm(rec.get("title")) == norm(gt.get("title"))
        if gt.get("authors") is not None:
            n_authors += 1
            authors += {norm(x) for x in rec.get("authors") or []} == {
                norm(x) for x in gt["authors"]}
        if gt.get("published"):
            hit = published_matches(rec.get("published_at"), gt["published"])
            n_published += 1
            published += hit
            if not gt.get("published_suspect"):
                n_published_trusted += 1
                published_trusted += hit
    print(f"metadata {name}: title {title}/{len(metas)} ({title / len(metas):.3f}), "
          f"authors {authors}/{n_authors} ({authors / max(1, n_authors):.3f}), "
          f"published to the minute {published_trusted}/{n_published_trusted} "
          f"({published_trusted / max(1, n_published_trusted):.3f}) over pages whose ground "
          f"truth is not flagged suspect, {published}/{n_published} "
          f"({published / max(1, n_published):.3f}) over all")


if __name__ == "__main__":
    main()
