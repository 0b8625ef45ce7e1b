#!/usr/bin/env python3
"""Writes a .warc.gz of N HTML response records (one gzip member per record, a request record
before each, like wget) from the pages of the given directories, cycled under distinct URLs, and
optionally the same pages as <id>.html files (for `extract --out-dir` on the same pages).

usage: make_warc.py OUT.warc.gz N [--html-dir DIR] PAGE_DIR...
"""
import gzip
import os
import sys
import uuid


def record(kind, uri, block, content_type):
    head = (
        "WARC/1.1\r\n"
        f"WARC-Type: {kind}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\n"
        "WARC-Date: 2024-03-16T03:30:00Z\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    ).encode()
    return gzip.compress(head + block + b"\r\n\r\n", compresslevel=6)


def main():
    args = sys.argv[1:]
    html_dir = None
    if "--html-dir" in args:
        at = args.index("--html-dir")
        html_dir = args[at + 1]
        del args[at : at + 2]
    out, count, dirs = args[0], int(args[1]), args[2:]
    pages = sorted(
        os.path.join(d, f) for d in dirs for f in os.listdir(d) if f.endswith(".html")
    )
    if html_dir:
        os.makedirs(html_dir, exist_ok=True)
    with open(out, "wb") as warc:
        for i in range(count):
            path = pages[i % len(pages)]
            body = open(path, "rb").read()
            name = os.path.basename(path)[:-5]
            uri = f"http://bench.test/{i // len(pages)}/{name}"
            request = f"GET /{i // len(pages)}/{name} HTTP/1.1\r\nHost: bench.test\r\n\r\n"
            warc.write(record("request", uri, request.encode(), "application/http; msgtype=request"))
            http = (
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode() + body
            warc.write(record("response", uri, http, "application/http; msgtype=response"))
            if html_dir:
                with open(os.path.join(html_dir, f"{i:06d}.html"), "wb") as f:
                    f.write(body)


if __name__ == "__main__":
    main()
