#!/usr/bin/env python3
"""Count how often dictionary entries fire on clean (unspun) English text.

Usage:
    check_clean.py DICT.csv PATH [PATH ...] [--kind fingerprint|swap|all]
                   [--no-context] [--examples N] [--top N] [--json]
                   [--fail-over RATE]

PATH may be a file or a directory (searched recursively for *.txt).

For every entry of the selected kind(s) (default: fingerprint) the script counts
the occurrences of its `spun` key in the clean text, matching the way despin
does: case-insensitive, whole words only, curly quotes made straight, Unicode
dashes made '-', and every whitespace run collapsed to one space.  Entries'
`context` and `requires` conditions are honoured (unless --no-context), and
`allow` rows suppress any match whose span they cover.

Context semantics used here (conservative; the engine may be more lenient):
    prev= / next=      the token right before / after the match; punctuation is a
                       token of its own, so "said, that" does not satisfy next=that
    prev=@cap          that token starts with an upper-case letter
    near=a|b           one of the words occurs within 8 tokens either side

It prints the entries that fire, the total number of hits and the number of
changes (non-overlapping hits, longest first) per 1,000 words of clean text.
Goal for fingerprints: essentially zero.  Exit status is 1 if --fail-over RATE is
given and the change rate per 1,000 words exceeds it.

Standard library only.
"""
import argparse
import csv
import io
import json
import os
import re
import sys
from collections import defaultdict

_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u2015": "-", "\u2212": "-", "\ufe58": "-", "\ufe63": "-", "\uff0d": "-",
    "\u00a0": " ",
})
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_WS = re.compile(r"\s+")


def normalise(text):
    return _WS.sub(" ", text.translate(_QUOTES))


def tokenise(text):
    """Return [(token, start, end)] on normalised text (original case kept)."""
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def is_word(tok):
    return bool(re.match(r"\w", tok))


class Entry:
    __slots__ = ("row", "spun", "original", "prior", "kind", "context", "requires",
                 "tags", "note", "toks", "clauses", "req_toks")

    def __init__(self, row, rec):
        self.row = row
        g = lambda k, d="": (rec.get(k) or d).strip()
        self.spun = g("spun")
        self.original = g("original")
        self.kind = g("kind", "fingerprint") or "fingerprint"
        try:
            self.prior = float(g("prior", "0.9") or "0.9")
        except ValueError:
            self.prior = float("nan")
        self.context = g("context")
        self.requires = g("requires")
        self.tags = g("tags")
        self.note = g("note")
        self.toks = [t.lower() for t, _, _ in tokenise(normalise(self.spun))]
        self.clauses = parse_context(self.context)
        self.req_toks = [[t.lower() for t, _, _ in tokenise(normalise(r))]
                         for r in self.requires.split("|") if r.strip()]


def parse_context(ctx):
    clauses = []
    for clause in ctx.split():
        m = re.match(r"^(prev|next|near)(!?=)(.*)$", clause)
        if not m:
            raise ValueError("bad context clause %r" % clause)
        side, op, vals = m.groups()
        alts = [v for v in vals.split("|") if v != ""]
        clauses.append((side, op == "!=", [a if a.startswith("@") else a.lower() for a in alts]))
    return clauses


def read_dict(path):
    with open(path, encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    reader = csv.DictReader(io.StringIO("".join(lines)))
    entries = []
    for i, rec in enumerate(reader, start=2):
        if not (rec.get("spun") or "").strip():
            continue
        entries.append(Entry(i, rec))
    return entries


def iter_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in sorted(os.walk(p)):
                for f in sorted(files):
                    if f.endswith(".txt"):
                        yield os.path.join(root, f)
        else:
            yield p


def token_matches(tok, alts):
    for a in alts:
        if a == "@cap":
            if tok[:1].isupper():
                return True
        elif tok.lower() == a:
            return True
    return False


def context_ok(entry, toks, i, j):
    """Match spans tokens [i, j)."""
    for side, neg, alts in entry.clauses:
        if side == "prev":
            tok = toks[i - 1][0] if i > 0 else ""
            ok = bool(tok) and token_matches(tok, alts)
        elif side == "next":
            tok = toks[j][0] if j < len(toks) else ""
            ok = bool(tok) and token_matches(tok, alts)
        else:  # near
            window = [t for t, _, _ in toks[max(0, i - 8):i] + toks[j:j + 8]]
            ok = any(token_matches(t, alts) for t in window)
        if ok == neg:
            return False
    return True


def contains_seq(lower, seq):
    n = len(seq)
    if n == 0:
        return False
    first = seq[0]
    for k in range(len(lower) - n + 1):
        if lower[k] == first and lower[k:k + n] == seq:
            return True
    return False


def scan(entries, files, kinds, use_context, n_examples):
    by_first = defaultdict(list)
    allow_first = defaultdict(list)
    for e in entries:
        if not e.toks:
            continue
        if e.kind == "allow":
            allow_first[e.toks[0]].append(e)
        if e.kind in kinds:
            by_first[e.toks[0]].append(e)
    hits = defaultdict(int)
    examples = defaultdict(list)
    words = 0
    changes = 0
    ndocs = 0
    for path in files:
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = normalise(fh.read())
        except OSError as exc:
            print("warning: %s: %s" % (path, exc), file=sys.stderr)
            continue
        ndocs += 1
        toks = tokenise(text)
        lower = [t.lower() for t, _, _ in toks]
        words += sum(1 for t in lower if is_word(t))
        # allow spans
        allowed = []
        for i, t in enumerate(lower):
            for a in allow_first.get(t, ()):
                j = i + len(a.toks)
                if lower[i:j] == a.toks and (not use_context or context_ok(a, toks, i, j)):
                    allowed.append((i, j))
        found = []
        for i, t in enumerate(lower):
            for e in by_first.get(t, ()):
                j = i + len(e.toks)
                if lower[i:j] != e.toks:
                    continue
                if use_context and not context_ok(e, toks, i, j):
                    continue
                if use_context and e.req_toks and not any(contains_seq(lower, r) for r in e.req_toks):
                    continue
                if any(a <= i and j <= b for a, b in allowed):
                    continue
                found.append((i, j, e))
        # count changes: longest-first, non-overlapping
        taken = set()
        for i, j, e in sorted(found, key=lambda x: (-(x[1] - x[0]), x[0])):
            hits[id(e)] += 1
            if len(examples[id(e)]) < n_examples:
                s = toks[max(0, i - 6)][1]
                en = toks[min(len(toks) - 1, j + 5)][2]
                examples[id(e)].append("%s: ...%s..." % (os.path.basename(path), text[s:en]))
            if not any(k in taken for k in range(i, j)):
                taken.update(range(i, j))
                changes += 1
    return hits, examples, words, changes, ndocs


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dict", help="dictionary CSV")
    ap.add_argument("paths", nargs="+", help="clean text files or directories (*.txt)")
    ap.add_argument("--kind", default="fingerprint", help="fingerprint, swap, or all (default fingerprint)")
    ap.add_argument("--no-context", action="store_true", help="ignore context/requires conditions")
    ap.add_argument("--examples", type=int, default=2, help="example snippets per firing entry")
    ap.add_argument("--top", type=int, default=0, help="show only the N entries with most hits")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--fail-over", type=float, default=None, metavar="RATE",
                    help="exit 1 if changes per 1,000 words exceed RATE")
    args = ap.parse_args(argv)

    entries = read_dict(args.dict)
    kinds = {"fingerprint", "swap"} if args.kind == "all" else {args.kind}
    files = list(iter_files(args.paths))
    hits, examples, words, changes, ndocs = scan(entries, files, kinds, not args.no_context, args.examples)
    firing = [e for e in entries if hits.get(id(e))]
    firing.sort(key=lambda e: (-hits[id(e)], e.spun.lower()))
    if args.top:
        firing = firing[:args.top]
    total_hits = sum(hits.values())
    rate = 1000.0 * changes / words if words else 0.0
    checked = sum(1 for e in entries if e.kind in kinds)
    if args.json:
        json.dump({
            "documents": ndocs, "words": words, "entries_checked": checked,
            "hits": total_hits, "changes": changes, "changes_per_1000_words": rate,
            "firing": [{"row": e.row, "spun": e.spun, "original": e.original, "kind": e.kind,
                        "context": e.context, "hits": hits[id(e)], "examples": examples[id(e)]}
                       for e in firing],
        }, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        for e in firing:
            ctx = (" [%s]" % e.context) if e.context else ""
            print("%5d  row %-5d %s -> %s (%s)%s" % (hits[id(e)], e.row, e.spun, e.original, e.kind, ctx))
            for ex in examples[id(e)]:
                print("         %s" % ex)
        print("documents: %d  words: %d  entries checked: %d  firing: %d" % (
            ndocs, words, checked, sum(1 for e in entries if hits.get(id(e)))))
        print("hits: %d  changes: %d  changes per 1,000 words: %.4f" % (total_hits, changes, rate))
    if args.fail_over is not None and rate > args.fail_over:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
