#!/usr/bin/env python3
"""Build despin's context model (dictionaries/lm/en-bigram.tsv.xz) from symspellpy's word lists.

usage: dictionaries/tools/build_lm.py SYMSPELLPY_WHEEL_OR_DIR [-o dictionaries/lm/en-bigram.tsv.xz]

Input: the two frequency lists shipped in the `symspellpy` package (PyPI, MIT licence):
`frequency_dictionary_en_82_765.txt` (word count) and
`frequency_bigramdictionary_en_243_342.txt` (word word count). Get them with
`pip download symspellpy==6.10.1 --no-deps` and pass the wheel (or its unzipped folder).

Output: sorted (byte order) lines `KEY<TAB>COST`, where KEY is a word or two words joined by
one space and COST = round(10 * -ln P): P is the unigram probability P(w) for a word and the
conditional probability P(w2 | w1) for a pair. Header lines starting with `#!` carry the
constants the back-off needs (see crates/despin-core/src/lm.rs). The output depends only on the input lists,
so rebuilding gives the same bytes.

Why the scale: the bigram counts come from a larger corpus than the unigram counts (the
pair "of the" is counted 7.7 times more often than the word "the"), so P(w2 | w1) =
c(w1 w2) / (SCALE * c(w1)), with SCALE the 99th percentile, over the 2,000 most frequent
words, of sum_w c(w1 w) / c(w1) (the pair list is pruned, so most words' pairs add up to
less). Pairs below the list's cut-off count (MIN_PAIR) are absent: for an absent pair,
P(w2 | w1) < MIN_PAIR / (SCALE * c(w1)), which crates/despin-core/src/lm.rs uses as a cap on the back-off.
"""
import collections, math, os, sys, zipfile

from lm_tsv import write_model

UNI = "frequency_dictionary_en_82_765.txt"
BI = "frequency_bigramdictionary_en_243_342.txt"


def read(src, name):
    if os.path.isdir(src):
        for root, _, files in os.walk(src):
            if name in files:
                return open(os.path.join(root, name), encoding="utf-8").read()
        sys.exit(f"{src}: no {name}")
    with zipfile.ZipFile(src) as z:
        for n in z.namelist():
            if n.endswith("/" + name):
                return z.read(n).decode("utf-8")
    sys.exit(f"{src}: no {name}")


def cost(p):
    return max(0, round(-10 * math.log(p)))


def main():
    argv = sys.argv[1:]
    out = "dictionaries/lm/en-bigram.tsv.xz"
    if "-o" in argv:
        i = argv.index("-o")
        out = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) != 1:
        sys.exit(__doc__)
    src = argv[0]
    uni = {}
    for ln, line in enumerate(read(src, UNI).splitlines(), 1):
        w, c = line.split()
        uni[w] = uni.get(w, 0) + int(c)
    total = sum(uni.values())
    pairs = {}
    left = collections.Counter()
    for line in read(src, BI).splitlines():
        a, b, c = line.split()
        c = int(c)
        pairs[(a, b)] = pairs.get((a, b), 0) + c
        left[a] += c
    min_pair = min(pairs.values())
    top = sorted(uni, key=lambda w: (-uni[w], w))[:2000]
    ratios = sorted(left[w] / uni[w] for w in top if left[w])
    scale = ratios[int(0.99 * len(ratios))]
    rows = {}
    for w, c in uni.items():
        rows[w] = cost(c / total)
    for (a, b), c in pairs.items():
        if a in uni:
            rows[f"{a} {b}"] = cost(min(0.95, c / (scale * uni[a])))
    floor = min(uni.values()) / total / 2
    # ln of the cap on an absent pair's probability, less ln P(w1): see src/lm.rs.
    cap = math.log(min_pair / (scale * total))
    write_model(
        out,
        ["despin context model: unigram and bigram costs (10 * -ln P), built by",
         "dictionaries/tools/build_lm.py from symspellpy 6.10.1's frequency lists (MIT)."],
        [("floor_cost", cost(floor)), ("absent_pair_cap_ln", f"{cap:.4f}"), ("scale", f"{scale:.4f}")],
        {k: (c,) for k, c in rows.items()},
    )
    print(f"{out}: {len(uni)} words, {len(pairs)} pairs, scale {scale:.2f}, min pair {min_pair}")


if __name__ == "__main__":
    main()
