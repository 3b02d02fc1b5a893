#!/usr/bin/env python3
"""Spin clean text the way a synonym-table spinner plugin does (a development simulator).

Usage:
    benches/simulate.py --table TABLE.txt [--shuffle] [--protect-capitals] [--protect-quotes]
        [--file-order] [--seed N] [--truth TRUTH.jsonl] INPUT... -o OUTDIR
    (INPUT: .txt files or directories of them; OUTDIR mirrors their relative paths.)

The table is in the plugin's `key|syn1|syn2` format, one group per line. As the plugin does:
  * only the key (first member) of a line is searched, as a whole word or phrase (words
    separated by single spaces, not touching `-`), in lowercase as written plus a variant with a
    capitalised first letter; with --shuffle every member of a line is searched;
  * every occurrence found is replaced by a random *other* member of the line (the capitalised
    variant by a capitalised member), so a key never survives;
  * a longer match blocks shorter matches inside it, and replaced text is never matched again;
    among matches of equal length the earlier line wins (--file-order: the earlier line wins
    first, whatever the length);
  * a line with one member is left in the text as a literal `{word}`;
  * --protect-capitals leaves words starting with a capital alone (no capitalised variant);
    --protect-quotes leaves text between double quotes alone.
Randomness is seeded per file (--seed plus the file's relative path), so runs are reproducible.
Prints the number of replacements per 1,000 words to stderr. --truth writes what was replaced,
one JSON object per replacement: {"file": relative path, "start", "end": byte offsets of the
replacement in the spun file, "spun": the text written, "original": the text it replaced}.
"""
import argparse
import json
import os
import random
import re
import sys
import zlib

WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def load_table(path, shuffle):
    """-> {tuple(lowercase words): (line index, members)}"""
    index = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            members = [m.strip() for m in line.split("|") if m.strip()]
            searched = members if shuffle and len(members) > 1 else members[:1]
            for m in searched:
                key = tuple(m.split())
                index.setdefault(key, (n, members, m))
    return index


def quoted_spans(text):
    spans, open_at = [], None
    for i, c in enumerate(text):
        if c in "\"\u201c\u201d":
            if open_at is None:
                open_at = i
            else:
                spans.append((open_at, i + 1))
                open_at = None
    return spans


def spin(text, index, rng, protect_capitals, protect_quotes, file_order, maxlen):
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    quotes = quoted_spans(text) if protect_quotes else []
    in_quotes = lambda pos: any(a <= pos < b for a, b in quotes)
    cands = []  # (order key, first word, last word, members, matched member, capitalised)
    for i in range(len(words)):
        for n in range(1, maxlen + 1):
            j = i + n - 1
            if j >= len(words):
                break
            # Words of a phrase are separated by exactly one space.
            if n > 1 and text[words[j - 1][1]:words[j][0]] != " ":
                break
            toks = [w[2] for w in words[i:j + 1]]
            start, end = words[i][0], words[j][1]
            if (start > 0 and text[start - 1] == "-") or (end < len(text) and text[end] == "-"):
                continue
            first = toks[0]
            cap = first[:1].isupper() and first[1:] == first[1:].lower()
            lowered = tuple([first[:1].lower() + first[1:]] + toks[1:])
            if not cap and tuple(toks) != lowered:
                continue
            hit = index.get(lowered if cap else tuple(toks))
            if hit is None or (cap and protect_capitals):
                continue
            if any(t[:1].isupper() for t in toks[1:]) and protect_capitals:
                continue
            if protect_quotes and in_quotes(start):
                continue
            line, members, matched = hit
            if " ".join(lowered) != matched:
                continue  # the table's phrase is lowercase; other case patterns don't match
            order = (line, -n) if file_order else (-n, line)
            cands.append((order, i, j, members, matched, cap))
    cands.sort(key=lambda c: (c[0], c[1]))
    taken = [False] * len(words)
    chosen = []
    for order, i, j, members, matched, cap in cands:
        if any(taken[i:j + 1]):
            continue
        for k in range(i, j + 1):
            taken[k] = True
        if len(members) == 1:
            new = "{" + members[0] + "}"
        else:
            others = [m for m in members if m != matched]
            new = rng.choice(others)
        if cap:
            new = new[:1].upper() + new[1:] if not new.startswith("{") else "{" + new[1:2].upper() + new[2:]
        chosen.append((words[i][0], words[j][1], new))
    chosen.sort()
    out, at, truth, pos = [], 0, [], 0
    for s, e, new in chosen:
        out.append(text[at:s])
        pos += len(text[at:s].encode("utf-8"))
        out.append(new)
        n = len(new.encode("utf-8"))
        truth.append(dict(start=pos, end=pos + n, spun=new, original=text[s:e]))
        pos += n
        at = e
    out.append(text[at:])
    return "".join(out), len(chosen), len(words), truth


def inputs(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".txt"):
                        full = os.path.join(root, f)
                        yield full, os.path.relpath(full, p)
        else:
            yield p, os.path.basename(p)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--table", required=True)
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("--protect-capitals", action="store_true")
    ap.add_argument("--protect-quotes", action="store_true")
    ap.add_argument("--file-order", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth")
    ap.add_argument("inputs", nargs="+")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    index = load_table(a.table, a.shuffle)
    maxlen = max((len(k) for k in index), default=1)
    total_r = total_w = 0
    truth_out = open(a.truth, "w", encoding="utf-8") if a.truth else None
    for path, rel in inputs(a.inputs):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        rng = random.Random(a.seed * 1_000_003 + zlib.crc32(rel.encode()))
        spun, r, w, truth = spin(text, index, rng, a.protect_capitals, a.protect_quotes,
                          a.file_order, maxlen)
        total_r += r
        total_w += w
        out = os.path.join(a.output, rel)
        os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(spun)
        if truth_out:
            for t in truth:
                truth_out.write(json.dumps(dict(file=rel, **t)) + "\n")
    if truth_out:
        truth_out.close()
    per_k = 1000 * total_r / total_w if total_w else 0
    print(f"simulate: {total_r} replacements in {total_w} words ({per_k:.1f} per 1,000)",
          file=sys.stderr)


if __name__ == "__main__":
    main()
