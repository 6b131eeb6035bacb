"""Reads a CoNLL-U file with the `conllu` package and validates it with UD's validator
(udtools), printing one JSON line: sentences, tokens, and the validator's verdict.

    python check_conllu.py FILE [--level N]
"""

import argparse
import io
import json
import sys
from contextlib import redirect_stderr, redirect_stdout

import conllu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--level", type=int, default=2)
    args = ap.parse_args()
    with open(args.file, encoding="utf-8") as f:
        sentences = conllu.parse(f.read())
    tokens = sum(len(s) for s in sentences)
    roots = [sum(1 for t in s if isinstance(t["id"], int) and t["head"] == 0) for s in sentences]
    texts_ok = all("text" in s.metadata and "sent_id" in s.metadata for s in sentences)
    ranges = [t["misc"].get("TokenRange") if t["misc"] else None for s in sentences for t in s]

    from udtools.cli import main as validate_main

    out, err = io.StringIO(), io.StringIO()
    argv = sys.argv
    sys.argv = ["udvalidate", "--lang", "en", "--level", str(args.level), "--max-err", "0", args.file]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            validate_main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    finally:
        sys.argv = argv
    print(json.dumps({
        "sentences": len(sentences),
        "tokens": tokens,
        "one_root_each": all(r == 1 for r in roots),
        "metadata_ok": texts_ok,
        "token_ranges": sum(1 for r in ranges if r),
        "validator_exit": code,
        "validator_passed": "*** PASSED ***" in (out.getvalue() + err.getvalue()),
        "validator_output": (out.getvalue() + err.getvalue())[-3000:],
    }))


if __name__ == "__main__":
    main()
