#!/usr/bin/env python3
"""Build the benchmark corpus and the phrase list that ripgrep is given.

Deterministic (fixed seed): the same arguments always give byte-identical files, so numbers
from different runs and machines compare. The text is news-like prose generated from the
word list below and the wordings of the dictionaries themselves, with spun phrases from the
dictionaries inserted into some documents; no third-party article text is used.

    make_corpus.py --out DIR --size-mb 1000 --files 100000 --phrases phrases.txt \
        dictionaries/MANIFEST.csv

Dictionaries are given as CSV files or as a MANIFEST.csv, which stands for the files it lists.

Writes DIR/dNNN/NNNNNN.txt (1,000 files per directory) and, with --jsonl, the same documents
as JSON Lines ({"id": N, "text": ...}) for `despin filter`.

Two kinds of corpus:
* default: mostly clean prose, a fifth of the paragraphs with about one spun phrase per 60
  words (how the throughput numbers of earlier releases were measured);
* `--spun-heavy`: what a directory of scraped spun articles looks like. Four documents in five
  are spun, with spun phrases dense enough for a finding every 6 to 10 words (the density of real spinner output); the
  fifth is clean. With `--large N --large-mb M`, N of the files are M MB each (one huge
  article dump among many small articles), the rest share the remaining size.
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


def dictionary_files(paths):
    """The dictionary CSVs named by `paths`, a MANIFEST.csv standing for the files it lists."""
    out = []
    for p in paths:
        if os.path.basename(p) == "MANIFEST.csv":
            with open(p, encoding="utf-8") as f:
                rows = sorted(csv.DictReader(f), key=lambda r: int(r["order"]))
            out += [os.path.join(os.path.dirname(p), r["file"]) for r in rows]
        else:
            out.append(p)
    return out


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


def sentence(rng, vocab, spun, spun_rate, gap=None):
    n = rng.randint(8, 26)
    words = []
    # With `gap`, a spun phrase comes every gap[0]..gap[1] words, counted across the sentence.
    until_spun = rng.randint(*gap) if gap else None
    while len(words) < n:
        r = rng.random()
        if gap and spun:
            until_spun -= 1
            if until_spun <= 0:
                words.append(rng.choice(spun))
                until_spun = rng.randint(*gap)
                continue
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


def paragraph(rng, vocab, spun, spun_rate, gap=None):
    return " ".join(sentence(rng, vocab, spun, spun_rate, gap) for _ in range(rng.randint(2, 6)))


def write_doc(out, n, text, jsonl):
    d = os.path.join(out, "d%03d" % (n // 1000))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "%06d.txt" % n), "w", encoding="utf-8") as f:
        f.write(text)
    if jsonl:
        jsonl.write(json.dumps({"id": n, "text": text}) + "\n")


def document(rng, pool, target):
    parts, size = [], 0
    while size < target:
        p = rng.choice(pool)
        parts.append(p)
        size += len(p) + 2
    return "\n\n".join(parts) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--size-mb", type=float, default=100)
    ap.add_argument("--files", type=int, default=10000)
    ap.add_argument("--phrases", help="write the dictionaries' spun phrases here, one a line")
    ap.add_argument("--jsonl", help="also write the documents as JSON Lines here")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--spun-heavy", action="store_true",
                    help="four documents in five spun, a finding every 6-10 words")
    ap.add_argument("--large", type=int, default=0, help="how many files are large")
    ap.add_argument("--large-mb", type=float, default=0, help="size of each large file")
    ap.add_argument("dicts", nargs="+")
    a = ap.parse_args()

    entries = [e for d in dictionary_files(a.dicts) for e in read_dictionary(d)]
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
    if a.spun_heavy:
        # Separate pools, so a spun document is spun throughout and a clean one clean.
        pools = [
            [paragraph(rng, vocab, spun, 0.0, (4, 7)) for _ in range(16000)],
            [paragraph(rng, vocab, spun, 0.0) for _ in range(4000)],
        ]
    else:
        # A pool of paragraphs, a fifth of them from spun documents (about one spun phrase per
        # 60 words), assembled into documents: generating each word of a gigabyte in Python
        # would take far longer than the tools take to scan it.
        pool = []
        for i in range(20000):
            spun_rate = 0.016 if i % 5 == 0 else 0.0
            pool.append(paragraph(rng, vocab, spun, spun_rate))
        pools = [pool]
    large = min(a.large, a.files)
    small_bytes = max(a.size_mb - large * a.large_mb, 0) * 1_000_000
    target = int(small_bytes / max(a.files - large, 1))
    jsonl = open(a.jsonl, "w", encoding="utf-8") if a.jsonl else None
    for n in range(a.files):
        size = int(a.large_mb * 1_000_000) if n < large else target
        pool = pools[1] if len(pools) > 1 and n % 5 == 4 else pools[0]
        write_doc(a.out, n, document(rng, pool, size), jsonl)
    if jsonl:
        jsonl.close()


if __name__ == "__main__":
    main()
