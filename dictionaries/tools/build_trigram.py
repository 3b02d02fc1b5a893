#!/usr/bin/env python3
"""Build despin's trigram context model (dictionaries/lm/en-trigram.tsv.xz) from CMU Sphinx's
US English language model.

usage: dictionaries/tools/build_trigram.py EN_US_LM_BIN [-o dictionaries/lm/en-trigram.tsv.xz]
           [--bigrams N] [--trigrams N]

Input: `en-us.lm.bin`, the trigram model of CMU Sphinx's US English acoustic/language model
(Debian package `pocketsphinx-en-us`, /usr/share/pocketsphinx/model/en-us/en-us.lm.bin; the
same file is in the PyPI wheel `pocketsphinx` 5.1.1). It is in Sphinx's binary trie format
(src/lm/ngram_model_trie.c, lm_trie.c and lm_trie_quant.c of pocketsphinx): read here
directly, because Sphinx's own ARPA export crashes on this file.

Output: sorted (byte order) lines `NGRAM<TAB>COST[<TAB>BACKOFF]`: NGRAM is one to three words
joined by one space (`<s>` and `</s>` mark a sentence's start and end), COST = round(10 * -ln P)
with P the model's conditional probability of the last word given the others, BACKOFF =
round(10 * -ln alpha) for the back-off weight alpha of the n-gram as a context (omitted when
alpha = 1). A lookup backs off as in an ARPA (Katz) model: ln P(w | u v) is the trigram's if
listed, else -BACKOFF(u v)/10 + ln P(w | v), and so on down to the word.

Output: xz-compressed when OUT ends in `.xz` (the default; see lm_tsv.py).

Pruning (to fit the repository and binary budget): all words are kept (except tokens despin
never forms: words with characters other than letters, digits and apostrophes); bigrams and
trigrams are ranked by how much probability mass they move relative to their back-off estimate
(Stolcke's relative-entropy criterion without re-normalisation: P(history, w) * |ln P - ln
P_backoff|), the top N of each are kept, plus every bigram a kept trigram needs as context.
The output depends only on the input file and N, so rebuilding gives the same bytes.
"""
import math, os, re, struct, sys

from lm_tsv import write_model

HEADER = b"Trie Language Model"
# The trie stores log-probabilities in logmath units of base 1.0001 (Sphinx's default).
LN_UNIT = math.log(1.0001)
WORD = re.compile(r"^(<s>|</s>|[a-z0-9]+(?:'[a-z0-9]+)*|'[a-z]+)$")
# Every bigram (the model has about 2.04 million of the words kept) and the 800,000 trigrams
# that move the most probability: what fits the budget of 16 MB in the repository (about 11.7 MB
# compressed) and in the binary (about 11 MB packed, see crates/despin-core/build.rs). Measured
# on the spinner simulator, the bigrams are worth more per entry than the trigrams.
DEFAULT_BIGRAMS = 3_000_000
DEFAULT_TRIGRAMS = 800_000


def required_bits(m):
    r = 0
    while m:
        r += 1
        m >>= 1
    return r


def read_trie(path):
    """Yields (words, ln P, ln alpha or None) for every n-gram of a 3-gram Sphinx trie."""
    b = open(path, "rb").read()
    if not b.startswith(HEADER):
        sys.exit(f"{path}: not a Sphinx trie language model")
    p = len(HEADER)
    order = b[p]
    p += 1
    if order != 3:
        sys.exit(f"{path}: order {order}, expected 3")
    counts = struct.unpack_from("<3I", b, p)
    p += 12 + 4  # counts, then a dummy int (formerly the quantisation type)
    nvalues = 2 * 65536 + 65536
    q = struct.unpack_from(f"<{nvalues}f", b, p)
    p += 4 * nvalues
    # Quantiser tables: [prob bins of order 2][backoff bins of order 2][prob bins of order 3].
    mid_prob, mid_bo, long_prob = q[:65536], q[65536:131072], q[131072:]
    nu = counts[0] + 1
    ug = list(struct.iter_unpack("<ffI", b[p:p + 12 * nu]))
    p += 12 * nu
    wbits, nbits = required_bits(counts[0]), required_bits(counts[2])
    mt, lt = wbits + 32 + nbits, wbits + 16
    msize = ((1 + counts[1]) * mt + 7) // 8 + 8
    lsize = ((1 + counts[2]) * lt + 7) // 8 + 8
    mid, lng = b[p:p + msize], b[p + msize:p + msize + lsize]
    p += msize + lsize
    (k,) = struct.unpack_from("<I", b, p)
    words = [w.decode("utf-8") for w in b[p + 4:p + 4 + k].split(b"\0")[:-1]]
    if len(words) != counts[0]:
        sys.exit(f"{path}: {len(words)} words, header says {counts[0]}")

    def rd(buf, off, n):
        v = int.from_bytes(buf[off >> 3:(off >> 3) + 8], "little")
        return (v >> (off & 7)) & ((1 << n) - 1)

    for w in range(counts[0]):
        yield (words[w],), ug[w][0] * LN_UNIT, ug[w][1] * LN_UNIT
    # The trie is keyed by the predicted word, then the previous word, then the one before.
    for w in range(counts[0]):
        for i in range(ug[w][2], ug[w + 1][2]):
            off = i * mt
            h1 = rd(mid, off, wbits)
            qv = rd(mid, off + wbits, 32)
            yield (words[h1], words[w]), mid_prob[qv >> 16] * LN_UNIT, mid_bo[qv & 0xFFFF] * LN_UNIT
            begin = rd(mid, off + wbits + 32, nbits)
            end = rd(mid, off + mt + wbits + 32, nbits)
            for j in range(begin, end):
                o2 = j * lt
                h2 = rd(lng, o2, wbits)
                yield (words[h2], words[h1], words[w]), long_prob[rd(lng, o2 + wbits, 16)] * LN_UNIT, None


def cost(ln_p):
    return round(-10 * ln_p)


def main():
    argv = sys.argv[1:]
    out = "dictionaries/lm/en-trigram.tsv.xz"
    nbi, ntri = DEFAULT_BIGRAMS, DEFAULT_TRIGRAMS
    for flag in ("-o", "--bigrams", "--trigrams"):
        if flag in argv:
            i = argv.index(flag)
            v = argv[i + 1]
            del argv[i:i + 2]
            if flag == "-o":
                out = v
            elif flag == "--bigrams":
                nbi = int(v)
            else:
                ntri = int(v)
    if len(argv) != 1:
        sys.exit(__doc__)
    uni, bi, tri = {}, {}, {}
    for g, lp, bo in read_trie(argv[0]):
        if not all(WORD.match(w) for w in g):
            continue
        (uni, bi, tri)[len(g) - 1][g] = (lp, bo)
    # <s> is never predicted: its probability is a placeholder.
    uni[("<s>",)] = (0.0, uni[("<s>",)][1])

    def ln_bi(v, w):
        if (v, w) in bi:
            return bi[(v, w)][0]
        return (uni.get((v,), (0, 0.0))[1] or 0.0) + uni[(w,)][0]

    def ln_hist(g):
        # ln P of the history as a sequence (its first word on its own).
        s = 0.0 if g[0] == "<s>" else uni[(g[0],)][0]
        for a, b in zip(g, g[1:]):
            s += ln_bi(a, b)
        return s

    def weight(g, lp, backoff_lp):
        return math.exp(ln_hist(g[:-1]) + lp) * abs(lp - backoff_lp)

    tri_rank = sorted(
        ((-weight(g, lp, (bi.get(g[:2], (0, 0.0))[1] or 0.0) + ln_bi(g[1], g[2])), g)
         for g, (lp, _) in tri.items()))
    keep_tri = {g for _, g in tri_rank[:ntri]}
    bi_rank = sorted(
        ((-weight(g, lp, (uni[(g[0],)][1] or 0.0) + uni[(g[1],)][0]), g)
         for g, (lp, _) in bi.items()))
    keep_bi = {g for _, g in bi_rank[:nbi]} | {g[:2] for g in keep_tri if g[:2] in bi}
    # A kept bigram's back-off weight is only used for the trigrams it starts.
    starts = {g[:2] for g in keep_tri}
    min_uni = min(lp for g, (lp, _) in uni.items() if g != ("<s>",))
    rows = {}
    for (g, (lp, bo)) in uni.items():
        rows[g[0]] = (cost(lp), cost(bo) if bo else 0)
    for g in keep_bi:
        lp, bo = bi[g]
        rows[" ".join(g)] = (cost(lp), cost(bo) if bo and g in starts else 0)
    for g in keep_tri:
        rows[" ".join(g)] = (cost(tri[g][0]), 0)
    write_model(
        out,
        ["despin trigram context model: costs 10 * -ln P and back-off costs 10 * -ln alpha,",
         "built by dictionaries/tools/build_trigram.py from CMU Sphinx's en-us.lm.bin (BSD-2-Clause),",
         f"pruned to {len(keep_bi)} bigrams and {len(keep_tri)} trigrams."],
        [("floor_cost", cost(min_uni - math.log(2)))],
        rows,
    )
    print(f"{out}: {len(uni)} words, {len(keep_bi)} of {len(bi)} bigrams, "
          f"{len(keep_tri)} of {len(tri)} trigrams")


if __name__ == "__main__":
    main()
