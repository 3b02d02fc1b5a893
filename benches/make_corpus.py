#!/usr/bin/env python3
"""Build the benchmark corpus and the phrase list that ripgrep is given.

Deterministic (fixed seed): the same arguments always give byte-identical files, so numbers
from different runs and machines compare. The text is news-like prose generated from the
word list below and the wordings of the dictionaries themselves, with spun phrases from the
dictionaries inserted into some documents; no third-party article text is used.

    make_corpus.py --out DIR --size-mb 1000 --files 100000 --phrases phrases.txt \
        dictionaries/news.csv dictionaries/science.csv

Writes DIR/dNNN/NNNNNN.txt (1,000 files per directory) and, with --jsonl, the same documents
as JSON Lines ({"id": N, "text": ...}) for `despin filter`.
"""

import argparse
import csv
import json
import os
import random

# Common English words, written for this script (function words, news vocabulary).
WORDS = """
the of and to a in that is was he for it with as his on be at by i this had not are but from
or have an they which one you were her all she there would their we him been has when who will
more no if out so said what up its about into than them can only other new some could time
these two may then do first any my now such like our over man me even most made after also did
many before must through back years where much your way well down should because each just
those people how too little state good very make world still own see men work long get here
between both life being under never day same another know while last might us great old year
off come since against go came right used take three states himself few house use during
without again place american around however home small found thought went say part once general
high upon school every government far public report minister police court officials week month
city country president election market company bank economy policy health children women water
war party leader talks agreement deal security council members news statement percent million
billion prices growth trade border region capital university study research data results team
season game players coach league support plan budget tax rates energy climate power oil gas
science scientists evidence analysis system network model method patients treatment disease
hospital doctors schools students teachers families workers jobs business industry investors
shares stocks record quarter earnings profits losses officials announced according told added
expected reported showed increased fell rose remained continued called asked began began
national international local federal regional central northern southern eastern western
""".split()

NAMES = """
Smith Johnson Williams Brown Jones Garcia Miller Davis Martinez Lopez Wilson Anderson Taylor
Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen
""".split()

PLACES = """
London Paris Berlin Tokyo Washington Ottawa Canberra Nairobi Lagos Cairo Delhi Manila Lima
Madrid Rome Athens Oslo Dublin Lisbon Warsaw Prague Vienna Seoul Jakarta Hanoi Bogota Quito
""".split()


def read_dictionary(path):
    """(spun, originals) of every entry of a dictionary CSV, skipping `#` comment lines."""
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(line for line in f if not line.startswith("#"))
        header = [h.strip().lower() for h in next(rows)]
        spun_i, orig_i = header.index("spun"), header.index("original")
        out = []
        for row in rows:
            if len(row) <= max(spun_i, orig_i) or not row[spun_i].strip():
                continue
            out.append((row[spun_i].strip(), row[orig_i].split("|")[0].strip()))
        return out


def sentence(rng, vocab, spun, spun_rate):
    n = rng.randint(8, 26)
    words = []
    while len(words) < n:
        r = rng.random()
        if spun and r < spun_rate:
            words.append(rng.choice(spun))
        elif r < 0.04:
            words.append(rng.choice(NAMES))
        elif r < 0.07:
            words.append(rng.choice(PLACES))
        elif r < 0.09:
            words.append(str(rng.randint(2, 2030)))
        elif r < 0.30:
            words.append(rng.choice(vocab))
        else:
            words.append(rng.choice(WORDS))
        if rng.random() < 0.06:
            words[-1] += ","
    words[0] = words[0][:1].upper() + words[0][1:]
    s = " ".join(words).rstrip(",") + "."
    if rng.random() < 0.12:
        s = "\u201c" + s[:-1] + ",\u201d " + rng.choice(NAMES) + " said."
    return s


def paragraph(rng, vocab, spun, spun_rate):
    return " ".join(sentence(rng, vocab, spun, spun_rate) for _ in range(rng.randint(2, 6)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--phrases", help="write the dictionaries' spun phrases here, one a line")
    ap.add_argument("--jsonl", help="also write the documents as JSON Lines here")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("dicts", nargs="+")
    a = ap.parse_args()

    entries = [e for d in a.dicts for e in read_dictionary(d)]
    if a.phrases:
        with open(a.phrases, "w", encoding="utf-8") as f:
            for s in sorted({s for s, _ in entries}):
                f.write(s + "\n")
    if a.files == 0:
        return
    spun = [s for s, _ in entries]
    # Plain wordings of the dictionaries' originals make the clean text look like the domain.
    vocab = sorted({w for _, o in entries for w in o.split() if w.isalpha()}) or WORDS

    rng = random.Random(a.seed)
    # A pool of paragraphs, a fifth of them from spun documents (about one spun phrase per
    # 60 words), assembled into documents: generating each word of a gigabyte in Python would
    # take far longer than the tools take to scan it.
    pool = []
    for i in range(20000):
        spun_rate = 0.016 if i % 5 == 0 else 0.0
        pool.append(paragraph(rng, vocab, spun, spun_rate))
    target = int(a.size_mb * 1_000_000 / max(a.files, 1))
    jsonl = open(a.jsonl, "w", encoding="utf-8") if a.jsonl else None
    for n in range(a.files):
        d = os.path.join(a.out, "d%03d" % (n // 1000))
        if n % 1000 == 0:
            os.makedirs(d, exist_ok=True)
        parts, size = [], 0
        while size < target:
            p = rng.choice(pool)
            parts.append(p)
            size += len(p) + 2
        text = "\n\n".join(parts) + "\n"
        with open(os.path.join(d, "%06d.txt" % n), "w", encoding="utf-8") as f:
            f.write(text)
        if jsonl:
            jsonl.write(json.dumps({"id": n, "text": text}) + "\n")
    if jsonl:
        jsonl.close()


if __name__ == "__main__":
    main()
