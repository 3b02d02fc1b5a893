#!/usr/bin/env python3
"""Build dictionaries/inflections.tsv from LemmInflect's lookup table (MIT, Brad Jascob).

Usage:
    pip download --no-deps lemminflect==0.2.3 && unzip lemminflect-0.2.3-py3-none-any.whl
    python3 dictionaries/tools/inflections_from_lemminflect.py lemminflect/resources \
        > dictionaries/inflections.tsv

Reads `infl_lu.csv.gz` (the lookup table) and `infl_overrides.csv` (LemmInflect's own corrections,
applied on top, e.g. run -> participle "run").

`crates/despin-core/src/dict/inflect.rs` embeds the output. One line per lowercase, alphabetic lemma that is a noun
or a verb in the source:

    lemma <TAB> plural <TAB> past <TAB> participle <TAB> ing <TAB> third-person

A field is empty when the lemma is not of that part of speech (no plural: not a noun; no past: not
a verb), and `=` when the form is what `inflect.rs`'s regular rules produce, which keeps the file
small; the rules and this file must agree (the Rust tests check a sample). Where LemmInflect lists
several spellings, the first is kept. The output is sorted and deterministic.
"""
import csv
import gzip
import re
import sys

VOWELS = set("aeiou")


def cvc(w):
    # Mirrors `doubles_final` in inflect.rs: a one-syllable word ending consonant-vowel-consonant.
    if len(w) < 3 or w[-1] in VOWELS or w[-1] in "wxy":
        return False
    if not (w[-2] in VOWELS and w[-3] not in VOWELS):
        return False
    return len(re.findall(r"[aeiouy]+", w)) == 1


def rule_s(w):
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    return w + "s"


def rule_ed(w):
    if w.endswith("e"):
        return w + "d"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ied"
    if cvc(w):
        return w + w[-1] + "ed"
    return w + "ed"


def rule_ing(w):
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith("e") and not re.search(r"(ee|ye|oe)$", w) and len(w) > 2:
        return w[:-1] + "ing"
    if cvc(w):
        return w + w[-1] + "ing"
    return w + "ing"


def first(s):
    return s.split("/")[0] if s else ""


def main():
    rows = {}
    res = sys.argv[1].rstrip("/")
    with gzip.open(res + "/infl_lu.csv.gz", "rt", encoding="utf-8") as f:
        for rec in csv.reader(f):
            lemma, pos = rec[0], rec[1]
            if not re.fullmatch(r"[a-z]+", lemma) or pos not in ("noun", "verb"):
                continue
            r = rows.setdefault(lemma, ["", "", "", "", ""])
            if pos == "noun":
                r[0] = first(rec[2]) if len(rec) > 2 else ""
            else:
                past = first(rec[2]) if len(rec) > 2 else ""
                part = first(rec[3]) if len(rec) > 3 else ""
                ing = first(rec[4]) if len(rec) > 4 else ""
                s3 = first(rec[5]) if len(rec) > 5 else ""
                r[1], r[2], r[3], r[4] = past, part or past, ing, s3
    slot = {"NNS": 0, "VBD": 1, "VBN": 2, "VBG": 3, "VBZ": 4}
    with open(res + "/infl_overrides.csv", encoding="utf-8") as f:
        for rec in csv.reader(f):
            if len(rec) == 3 and rec[0] in rows and rec[1] in slot:
                r = rows[rec[0]]
                i = slot[rec[1]]
                if r[i]:
                    r[i] = first(rec[2])
    out = sys.stdout
    for lemma in sorted(rows):
        plural, past, part, ing, s3 = rows[lemma]
        if not (plural or past):
            continue
        fields = [
            "=" if plural and plural == rule_s(lemma) else plural,
            "=" if past and past == rule_ed(lemma) else past,
            "=" if part and part == past else part,
            "=" if ing and ing == rule_ing(lemma) else ing,
            "=" if s3 and s3 == rule_s(lemma) else s3,
        ]
        out.write("\t".join([lemma] + fields).rstrip("\t") + "\n")


if __name__ == "__main__":
    main()
