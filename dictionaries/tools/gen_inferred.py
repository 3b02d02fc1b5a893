#!/usr/bin/env python3
"""Generate dictionaries/news-inferred.csv from the hand-written synonym table
dictionaries/tools/inferred-synonyms.txt (standard library only).

Usage (from the repository root):
    python3 dictionaries/tools/gen_inferred.py dictionaries/tools/inferred-synonyms.txt \\
        dictionaries/news-inferred.csv --freq FREQ.txt --clean DIR... --existing CSV...

The table is what the despin team expects a thesaurus spinner to put in place of common news
words, written from the team's knowledge of English (no thesaurus or spinner table copied):

    # comment
    @profile a b                 tags of the lines below (spinner:a;spinner:b)
    @only implausible            the lines below yield only spun forms that would be
                                 fingerprints (implausible English, absent from clean text),
                                 written as swaps; `@only all` ends it
    original|spun1|spun2         the spinner writes spun1 or spun2 for "original"
    n:country|nation             n: the original and spun forms are nouns: plurals too
    v:announce|introduce         v: verbs: 3rd person, past and -ing forms too
    where|the place{next=the|a}  {...}: a context condition on that spun form
    top|!prime                   !: always a fingerprint;  ~: always a swap
    appeared|^gave the impression{next=on}   ^: keep although the original is a key
                                 elsewhere (reviewed: the contexts never overlap)

Each spun form becomes an entry `spun -> original` (several originals for one spun form are
alternatives, in table order). Rules, so the output is safe to ship:
* Inflections (n:, v:, with --inflect) are the forms despin's engine makes of the pair
  (`despin dict inflect`, run from --despin: one implementation of English word forms); n:
  lines take plurals, v: lines (single words) third-person, past and -ing forms. A form is
  kept only when both inflected words are frequent enough in --freq (and listed in --words),
  and in a phrase each word pair the inflection changes is a known --bigrams pair.
* Keys containing a word of dictionaries/blocked-words.txt are never written.
* A spun form that is already a key of an --existing dictionary is skipped (that dictionary
  decides); an entry whose original is a spun key, or whose spun form is an original, of
  an --existing dictionary or of an entry written earlier in this table is dropped (it would
  make a cycle): the first line wins.
* Kind: `fingerprint` when the spun form has no context condition, never occurs in the
  --clean text and is implausible English (a word rarer than --rare in the --freq list, or a
  phrase with a word pair rarer than --rare-bigram in the --bigrams list); otherwise `swap`
  (fires only in documents with spin evidence). A swap whose spun form occurs more than
  --max-rate times per 1,000 clean words is dropped unless it has a context condition.
* Prior: fingerprints 0.9; swaps 0.8 / 0.7 / 0.6 as the clean rate grows; inflected forms
  0.05 lower.
Counts of each rule are written as `#` comments after the header. Output is deterministic.

--pairs-out PATH also writes every pair of the table (base forms; blocked words and spun forms
that are keys of an --existing dictionary left out, as above: that dictionary decides; nothing
else dropped) as a dictionary CSV of swaps at prior 0.5, one row per pair: the pairs the team
vouches for, which `despin dict learn --vouched PATH` trusts on fewer observations. It is not a
dictionary despin embeds.
"""
import argparse
import csv
import io
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCKED = os.path.join(HERE, "..", "blocked-words.txt")
TOKEN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]", re.UNICODE)


def norm(s):
    s = s.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(t.lower() for t in TOKEN.findall(s))


def read_blocked():
    out = set()
    with open(BLOCKED, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip().lower()
            if line:
                out.add(line)
    return out


def read_freq(path):
    """`word count` or `word word count` lines -> {words: count}."""
    freq = {}
    if not path:
        return freq
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[-1].isdigit():
                freq[" ".join(parts[:-1]).lower()] = int(parts[-1])
    return freq


def parse_table(path):
    """Yield (lineno, profiles, pos, original, [(spun, context, force)], implausible_only)."""
    profiles = ["a"]
    only = False
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("@profile"):
                profiles = line.split()[1:]
                continue
            if line.startswith("@only"):
                only = line.split()[1:] == ["implausible"]
                continue
            pos = ""
            if line[:2] in ("n:", "v:"):
                pos, line = line[0], line[2:]
            members = [m.strip() for m in re.split(r"\|(?![^{]*\})", line)]
            if len(members) < 2 or not all(members):
                sys.exit(f"{path}:{n}: need original|spun... , got {raw.strip()!r}")
            spuns = []
            for m in members[1:]:
                force = ""
                if m[0] in "!~^":
                    force, m = m[0], m[1:]
                ctx = ""
                mm = re.match(r"^(.*?)\{(.*)\}$", m)
                if mm:
                    m, ctx = mm.group(1).strip(), mm.group(2).strip()
                spuns.append((m, ctx, force))
            yield n, profiles, pos, members[0], spuns, only


def clean_counts(paths, keys):
    """Occurrences of each normalised key in the clean text, and its word count."""
    by_first = {}
    for k in keys:
        toks = k.split()
        by_first.setdefault(toks[0], []).append(toks)
    counts = dict.fromkeys(keys, 0)
    words = 0
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in sorted(os.walk(p)):
                files += [os.path.join(root, x) for x in sorted(names) if x.endswith(".txt")]
        else:
            files.append(p)
    for fp in files:
        with open(fp, encoding="utf-8", errors="replace") as f:
            toks = norm(f.read()).split()
        words += sum(1 for t in toks if t[0].isalnum())
        for i, t in enumerate(toks):
            for seq in by_first.get(t, ()):
                if toks[i:i + len(seq)] == seq:
                    counts[" ".join(seq)] += 1
    return counts, words


def read_existing(paths):
    keys, originals = set(), set()
    for p in paths:
        with open(p, encoding="utf-8") as f:
            rows = csv.DictReader(io.StringIO("".join(l for l in f if not l.startswith("#"))))
            for r in rows:
                if (r.get("kind") or "").strip() == "allow":
                    continue
                keys.add(norm(r["spun"]))
                for o in (r.get("original") or "").split("|"):
                    if o.strip():
                        originals.add(norm(o))
    return keys, originals


WORDS = set()
BIGRAMS = {}


def read_words(paths):
    for p in paths:
        with open(p, encoding="utf-8", errors="replace") as f:
            WORDS.update(line.strip().lower() for line in f if line.strip())


def real(word, freq, min_count):
    """A word form in use: frequent enough and (with --words) in a word list."""
    w = word.lower()
    return freq.get(w, 0) >= min_count and (not WORDS or w in WORDS)


# Forms each part of speech takes (names as `despin dict inflect` writes them).
POS_FORMS = {"n": ("plural",), "v": ("3sg", "past", "ing")}


def engine_forms(despin, pairs):
    """{(spun, original): [(form, spun form, original form)]} from `despin dict inflect`."""
    out = {}
    if not pairs:
        return out
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["spun", "original"])
    w.writerows(sorted(pairs))
    try:
        run = subprocess.run([despin, "dict", "inflect", "--csv", "-"], input=buf.getvalue(),
                             capture_output=True, text=True, encoding="utf-8")
    except OSError as e:
        sys.exit(f"cannot run {despin} (build it with `cargo build --release`, or give --despin): {e}")
    if run.returncode != 0:
        sys.exit(f"{despin} dict inflect failed: {run.stderr.strip()}")
    for r in csv.DictReader(io.StringIO(run.stdout)):
        out.setdefault((r["spun"], r["original"]), []).append(
            (r["form"], r["spun_form"], r["original_form"]))
    return out


def changed_pairs_known(base, inflected):
    """Every word pair of `inflected` that the inflection changed is a known bigram."""
    b, i = base.split(), inflected.split()
    if len(b) != len(i):
        return False
    for k in range(len(i) - 1):
        if i[k:k + 2] != b[k:k + 2] and BIGRAMS.get("%s %s" % (i[k].lower(), i[k + 1].lower()), 0) <= 0:
            return False
    return True


def inflections(pos, original, spun, freq, min_count, forms):
    """(spun form, original form, form name) for n:/v: lines; only real words."""
    if not pos or not freq:
        return []
    if pos == "v" and (len(original.split()) > 1 or len(spun.split()) > 1):
        return []
    out = []
    for name, so, oo in forms.get((spun, original), ()):
        if name not in POS_FORMS[pos]:
            continue
        changed = [w for w, b in zip(so.split() + oo.split(), spun.split() + original.split()) if w != b]
        if not all(real(w, freq, min_count) for w in changed):
            continue
        if not (changed_pairs_known(spun, so) and changed_pairs_known(original, oo)):
            continue
        out.append((so, oo, name))
    return out


def write_pairs(out, table, blocked, existing):
    """Every (spun, original) pair of the table, in table order, once each, but for spun
    forms with a blocked word or that are keys of an existing dictionary."""
    seen = set()
    rows = []
    for n, profiles, _, original, spuns, _ in parse_table(table):
        for spun, _, _ in spuns:
            k = (norm(spun), norm(original))
            if (not k[0] or k[0] == k[1] or k in seen or k[0] in existing
                    or any(w in blocked for w in k[0].split())):
                continue
            seen.add(k)
            tags = ["spinner:" + p for p in profiles] + ["inferred"]
            rows.append([spun, original, "0.50", "swap", ";".join(tags), "table line %d" % n])
    buf = io.StringIO()
    buf.write("# The pairs of dictionaries/tools/inferred-synonyms.txt, for `despin dict learn --vouched`\n"
              "# (not embedded in despin). GENERATED by gen_inferred.py --pairs-out: do not edit by hand.\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["spun", "original", "prior", "kind", "tags", "note"])
    w.writerows(rows)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("table")
    ap.add_argument("out")
    ap.add_argument("--freq", help="word frequency list, `word count` per line")
    ap.add_argument("--clean", nargs="*", default=[], help="clean text files or directories")
    ap.add_argument("--existing", nargs="*", default=[], help="dictionaries already shipped")
    ap.add_argument("--bigrams", help="word pair frequency list, `word word count` per line")
    ap.add_argument("--words", nargs="*", default=[],
                    help="word lists (one word a line): a listed word is never a fingerprint, "
                         "and inflected forms must be listed")
    ap.add_argument("--rare", type=int, default=300_000,
                    help="a single word rarer than this in --freq may be a fingerprint")
    ap.add_argument("--rare-bigram", type=int, default=5_000_000,
                    help="a phrase with a word pair rarer than this in --bigrams may be a fingerprint")
    ap.add_argument("--min-form-count", type=int, default=100_000,
                    help="an inflected word must be at least this frequent in --freq")
    ap.add_argument("--inflect", action="store_true",
                    help="also write the inflected forms of n: and v: lines")
    ap.add_argument("--despin", default=None,
                    help="the despin binary that inflects (default: target/release/despin of "
                         "this repository if built, else `despin` on PATH)")
    ap.add_argument("--max-hits", type=int, default=None,
                    help="drop swaps (without context) whose spun form occurs more often than "
                         "this in the clean text")
    ap.add_argument("--pairs-out", default=None,
                    help="also write every pair of the table (a dictionary CSV for "
                         "`despin dict learn --vouched`)")
    ap.add_argument("--max-rate", type=float, default=0.3,
                    help="drop swaps more frequent than this per 1,000 clean words")
    args = ap.parse_args()

    blocked = read_blocked()
    freq = read_freq(args.freq)
    bigrams = read_freq(args.bigrams)
    BIGRAMS.update(bigrams)
    read_words(args.words)
    ex_keys, ex_originals = read_existing(args.existing)
    stats = {}

    def bump(k):
        stats[k] = stats.get(k, 0) + 1

    if args.pairs_out:
        write_pairs(args.pairs_out, args.table, blocked, ex_keys)

    # spun key -> entry dict (first line wins the order; more originals become alternatives)
    entries = {}
    order = []
    table = list(parse_table(args.table))
    forms = {}
    if args.inflect:
        despin = args.despin or os.path.join(HERE, "..", "..", "target", "release", "despin")
        if not args.despin and not os.path.exists(despin):
            despin = "despin"
        forms = engine_forms(despin, {(spun, original) for _, _, pos, original, spuns, _ in table
                                      if pos for spun, _, _ in spuns})
    for n, profiles, pos, original, spuns, only in table:
        for spun, ctx, force in spuns:
            cands = [(spun, original, "", 0.0)]
            if args.inflect:
                cands += [(s, o, f, 0.05) for s, o, f in
                          inflections(pos, original, spun, freq, args.min_form_count, forms)]
            for s, o, form, penalty in cands:
                key = norm(s)
                if not key or norm(o) == key:
                    continue
                if any(w in blocked for w in key.split()):
                    bump("blocked word in key")
                    continue
                if key in ex_keys:
                    bump("already in an existing dictionary")
                    continue
                e = entries.get((key, ctx))
                if e is None:
                    e = {"spun": s,
                         "key": key, "originals": [], "context": ctx, "force": force,
                         "profiles": profiles, "penalty": penalty, "lines": [], "form": form,
                         "only": only}
                    entries[(key, ctx)] = e
                    order.append((key, ctx))
                if only and not e["only"]:
                    # An @only line never changes an entry of the ordinary table.
                    bump("@only alternative for an ordinary entry skipped")
                    continue
                if norm(o) not in {norm(x) for x in e["originals"]}:
                    e["originals"].append(o)
                e["lines"].append(n)

    counts, words = clean_counts(args.clean, {k for k, _ in order})
    rows = []
    kept_keys, kept_originals = set(), set()
    for k in order:
        e = entries[k]
        key = e["key"]
        first = norm(e["originals"][0])
        cycle = first in ex_keys or first in kept_keys or key in ex_originals or key in kept_originals
        if cycle and e["force"] != "^":
            bump("dropped: would make a cycle")
            continue
        hits = counts.get(key, 0)
        rate = 1000.0 * hits / words if words else 0.0
        words_of = [t for t in key.split() if t[0].isalnum()]
        if len(words_of) > 1:
            pairs = [" ".join(words_of[i:i + 2]) for i in range(len(words_of) - 1)]
            implausible = bool(bigrams) and any(bigrams.get(b, 0) < args.rare_bigram for b in pairs)
        else:
            implausible = bool(freq) and freq.get(key, 0) < args.rare and key not in WORDS
        # A spun form with a context condition is a common word: always a swap.
        fingerprint = e["force"] == "!" or (
            e["force"] != "~" and not e["context"] and hits == 0 and implausible)
        if e["only"]:
            if not fingerprint:
                bump("dropped: plausible English in an @only implausible section")
                continue
            fingerprint = False
        elif not fingerprint and not e["context"] and (
                rate > args.max_rate or (args.max_hits is not None and hits > args.max_hits)):
            bump("dropped: swap too frequent in clean text")
            continue
        if fingerprint:
            prior = 0.9
            bump("fingerprint")
        else:
            prior = 0.8 if rate < 0.01 else 0.7 if rate < 0.1 else 0.6
            if e["context"]:
                # Contexts are waived in strongly spun documents at 0.8x confidence; a common
                # word must not fire there without its context (0.8 * 0.6 < 0.5).
                prior = 0.6
            bump("swap")
        prior -= e["penalty"]
        if e["form"]:
            bump("inflected")
        tags = ["spinner:" + p for p in e["profiles"]] + ["inferred"]
        if e["form"]:
            tags.append("inflected")
        note = "table line %s; %d clean hits" % (e["lines"][0], hits)
        if e["form"]:
            note += "; %s form" % e["form"]
        rows.append([e["spun"], "|".join(e["originals"]), "%.2f" % prior,
                     "fingerprint" if fingerprint else "swap", e["context"], "", ";".join(tags), note])
        kept_keys.add(key)
        kept_originals.add(first)

    # An alternative original that is itself a written key would make a cycle (the first
    # original was checked above).
    for r in rows:
        alts = r[1].split("|")
        kept = [o for o in alts[1:] if norm(o) not in ex_keys and norm(o) not in kept_keys]
        if len(kept) < len(alts) - 1:
            bump("alternative dropped: would make a cycle")
            r[1] = "|".join(alts[:1] + kept)

    buf = io.StringIO()
    buf.write("# despin dictionary \"news-inferred\": the reversed synonym table of\n"
              "# dictionaries/tools/inferred-synonyms.txt (written by the despin team; see NOTICE.md).\n"
              "# GENERATED: do not edit by hand. Regenerate from the repository root with\n"
              "#   python3 dictionaries/tools/gen_inferred.py dictionaries/tools/inferred-synonyms.txt \\\n"
              "#     dictionaries/news-inferred.csv --freq frequency_dictionary_en_82_765.txt \\\n"
              "#     --bigrams frequency_bigramdictionary_en_243_342.txt \\\n"
              "#     --words /usr/share/dict/american-english /usr/share/dict/british-english \\\n"
              "#     --clean /work/clean/news /work/clean/austen /work/clean/handbook \\\n"
              "#     --existing dictionaries/news.csv --max-rate 0.02 --max-hits 5 \\\n"
              "#     --pairs-out dictionaries/tools/inferred-pairs.csv\n"
              "# (frequency lists from PyPI symspellpy 6.10.1, MIT; word lists from Debian wamerican and\n"
              "# wbritish; clean text built by benches/clean_corpus.py)\n")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["spun", "original", "prior", "kind", "context", "requires", "tags", "note"])
    for k in sorted(stats):
        buf.write("# %s: %d\n" % (k, stats[k]))
    buf.write("# clean words: %d\n" % words)
    for r in rows:
        w.writerow(r)
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
    os.replace(tmp, args.out)
    print("%s: %d entries (%s)" % (args.out, len(rows), ", ".join("%s %d" % kv for kv in sorted(stats.items()))),
          file=sys.stderr)


if __name__ == "__main__":
    main()
