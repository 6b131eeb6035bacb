#!/usr/bin/env python3
"""Prints one Reuters-21578 article by newsgraph's document id, for judging edges by hand.

    python3 training/relations/show_reuters.py reuters-5542 [--data ../shared/data/reuters21578]

Prints the date, places, title, dateline and body of the article whose NEWID is the id's
number. Standard library only.
"""
import argparse
import glob
import os
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("doc", help="a document id such as reuters-5542")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "../../../shared/data/reuters21578"))
    a = ap.parse_args()
    want = a.doc.split("-")[-1]
    files = sorted(glob.glob(os.path.join(a.data, "reut2-*.sgm")))
    if not files:
        sys.exit(f"no reut2-*.sgm in {a.data}: give --data DIR")
    for f in files:
        text = open(f, encoding="latin-1").read()
        m = re.search(r'<REUTERS[^>]*NEWID="%s">(.*?)</REUTERS>' % re.escape(want), text, re.S)
        if m:
            for tag in ("DATE", "PLACES", "TITLE", "DATELINE", "BODY"):
                t = re.search(r"<%s>(.*?)</%s>" % (tag, tag), m.group(1), re.S)
                if t:
                    body = re.sub(r"<[^>]+>", " ", t.group(1)).replace("&lt;", "<").replace("&#3;", "")
                    print(f"[{tag}] {body.strip()}")
            return
    sys.exit(f"{a.doc}: no article with NEWID {want} in {a.data}")


if __name__ == "__main__":
    main()
