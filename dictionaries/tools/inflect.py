#!/usr/bin/env python3
"""Propose inflected variants of dictionary entries (standard library only).

Usage:
    inflect.py DICT.csv [--clean PATH ...] [--kinds fingerprint,swap] [--tag spinner:a]
               [--forms plural,3sg,past,ing,comparative] [--loose] [--out FILE]

For every `fingerprint`/`swap` row whose spun phrase and original phrase (first
alternative) have the same number of words and differ in exactly one aligned
word, and that word is the last one (or the entry is a single word), the script
inflects the differing word on BOTH sides in the same way:

    plural / 3rd person   invoice -> bill        gives  invoices -> bills
    past tense            elevate -> raise       gives  elevated -> raised
    -ing                  elevate -> raise       gives  elevating -> raising
    comparative           robust -> strong       gives  more robust?  no: only -er forms,
                                                        and only when both -er forms are words

Only base forms are inflected (words ending in -s, -ed, -ing or known irregular
past forms are skipped), because a spinner's table picks synonyms per word form:
`mentioned -> said` says nothing about what it writes for "say".  Irregular
nouns and verbs come from the tables below.

With `--clean PATH...` (files or directories of *.txt) a proposal is kept only if
the inflected ORIGINAL word occurs in that text (so it is a real word form) and
the inflected SPUN word occurs there too or in the irregular tables (so
"invoiceed" or "goodses" never come out).  Without --clean every form is proposed.
Phrases are inflected as noun phrases only (plural, comparative); names (phrases
ending in a capitalised word) are skipped unless --proper, and so are phrases
opening with a singular determiner ("a", "an", "this", "at"...).
`--loose` also inflects the last word when the two phrases differ in length
("financial system -> economy" gives "financial systems -> economies"); review
those by hand, the spinner's choice is less predictable there.

Proposals that already exist in the dictionary (same spun key, case-insensitive)
are dropped.  Output is CSV rows in the dictionary's column order, with the
`inflected` tag added, the prior lowered by 0.05 (never below 0.4), context and
requires copied, and a note naming the source row.  Review them before adding:
a variant is only worth adding when the spinner's choice for that form is
predictable, and fingerprints must still be checked with `despin dict check --clean DIR`.
"""
import argparse
import csv
import io
import os
import re
import sys

IRREGULAR_PLURAL = {
    "man": "men", "woman": "women", "child": "children", "person": "people",
    "foot": "feet", "tooth": "teeth", "mouse": "mice", "goose": "geese",
    "life": "lives", "wife": "wives", "knife": "knives", "leaf": "leaves",
    "half": "halves", "shelf": "shelves", "thief": "thieves", "wolf": "wolves",
    "analysis": "analyses", "crisis": "crises", "thesis": "theses",
    "criterion": "criteria", "phenomenon": "phenomena", "medium": "media",
    "datum": "data", "hypothesis": "hypotheses", "diagnosis": "diagnoses",
    "sheep": "sheep", "series": "series", "species": "species", "aircraft": "aircraft",
    "yr": "years", "12 months": "years",
}
# verb: (3sg, past, participle-or-None, ing)
IRREGULAR_VERB = {
    "be": ("is", "was", "been", "being"), "have": ("has", "had", None, "having"),
    "do": ("does", "did", "done", "doing"), "go": ("goes", "went", "gone", "going"),
    "say": ("says", "said", None, "saying"), "make": ("makes", "made", None, "making"),
    "take": ("takes", "took", "taken", "taking"), "give": ("gives", "gave", "given", "giving"),
    "get": ("gets", "got", "gotten", "getting"), "come": ("comes", "came", None, "coming"),
    "see": ("sees", "saw", "seen", "seeing"), "know": ("knows", "knew", "known", "knowing"),
    "think": ("thinks", "thought", None, "thinking"), "tell": ("tells", "told", None, "telling"),
    "find": ("finds", "found", None, "finding"), "leave": ("leaves", "left", None, "leaving"),
    "bring": ("brings", "brought", None, "bringing"), "buy": ("buys", "bought", None, "buying"),
    "sell": ("sells", "sold", None, "selling"), "pay": ("pays", "paid", None, "paying"),
    "win": ("wins", "won", None, "winning"), "lose": ("loses", "lost", None, "losing"),
    "begin": ("begins", "began", "begun", "beginning"), "run": ("runs", "ran", None, "running"),
    "keep": ("keeps", "kept", None, "keeping"), "hold": ("holds", "held", None, "holding"),
    "stand": ("stands", "stood", None, "standing"), "meet": ("meets", "met", None, "meeting"),
    "lead": ("leads", "led", None, "leading"), "feel": ("feels", "felt", None, "feeling"),
    "seek": ("seeks", "sought", None, "seeking"), "send": ("sends", "sent", None, "sending"),
    "spend": ("spends", "spent", None, "spending"), "build": ("builds", "built", None, "building"),
    "fall": ("falls", "fell", "fallen", "falling"), "rise": ("rises", "rose", "risen", "rising"),
    "grow": ("grows", "grew", "grown", "growing"), "show": ("shows", "showed", "shown", "showing"),
    "write": ("writes", "wrote", "written", "writing"), "speak": ("speaks", "spoke", "spoken", "speaking"),
    "break": ("breaks", "broke", "broken", "breaking"), "choose": ("chooses", "chose", "chosen", "choosing"),
    "drive": ("drives", "drove", "driven", "driving"), "fight": ("fights", "fought", None, "fighting"),
    "catch": ("catches", "caught", None, "catching"), "teach": ("teaches", "taught", None, "teaching"),
    "hit": ("hits", "hit", None, "hitting"), "cut": ("cuts", "cut", None, "cutting"),
    "put": ("puts", "put", None, "putting"), "set": ("sets", "set", None, "setting"),
    "let": ("lets", "let", None, "letting"), "shut": ("shuts", "shut", None, "shutting"),
    "hurt": ("hurts", "hurt", None, "hurting"), "cost": ("costs", "cost", None, "costing"),
    "bear": ("bears", "bore", "borne", "bearing"), "wear": ("wears", "wore", "worn", "wearing"),
    "steal": ("steals", "stole", "stolen", "stealing"), "shoot": ("shoots", "shot", None, "shooting"),
    "sit": ("sits", "sat", None, "sitting"), "draw": ("draws", "drew", "drawn", "drawing"),
    "throw": ("throws", "threw", "thrown", "throwing"), "fly": ("flies", "flew", "flown", "flying"),
    "forget": ("forgets", "forgot", "forgotten", "forgetting"), "hide": ("hides", "hid", "hidden", "hiding"),
    "mean": ("means", "meant", None, "meaning"), "read": ("reads", "read", None, "reading"),
    "strike": ("strikes", "struck", None, "striking"), "understand": ("understands", "understood", None, "understanding"),
    "become": ("becomes", "became", "become", "becoming"), "undergo": ("undergoes", "underwent", "undergone", "undergoing"),
    "withdraw": ("withdraws", "withdrew", "withdrawn", "withdrawing"), "overcome": ("overcomes", "overcame", "overcome", "overcoming"),
    "lay": ("lays", "laid", None, "laying"), "lie": ("lies", "lay", "lain", "lying"),
    "sink": ("sinks", "sank", "sunk", "sinking"), "swim": ("swims", "swam", "swum", "swimming"),
    "sing": ("sings", "sang", "sung", "singing"), "ring": ("rings", "rang", "rung", "ringing"),
    "drink": ("drinks", "drank", "drunk", "drinking"), "eat": ("eats", "ate", "eaten", "eating"),
    "deal": ("deals", "dealt", None, "dealing"), "flee": ("flees", "fled", None, "fleeing"),
    "freeze": ("freezes", "froze", "frozen", "freezing"), "seize": ("seizes", "seized", None, "seizing"),
    "spread": ("spreads", "spread", None, "spreading"), "quit": ("quits", "quit", None, "quitting"),
    "bet": ("bets", "bet", None, "betting"), "bid": ("bids", "bid", None, "bidding"),
    "upset": ("upsets", "upset", None, "upsetting"), "forecast": ("forecasts", "forecast", None, "forecasting"),
    "wake": ("wakes", "woke", "woken", "waking"), "tear": ("tears", "tore", "torn", "tearing"),
    "shake": ("shakes", "shook", "shaken", "shaking"), "hang": ("hangs", "hung", None, "hanging"),
    "dig": ("digs", "dug", None, "digging"), "stick": ("sticks", "stuck", None, "sticking"),
    "swing": ("swings", "swung", None, "swinging"), "feed": ("feeds", "fed", None, "feeding"),
    "bleed": ("bleeds", "bled", None, "bleeding"), "sleep": ("sleeps", "slept", None, "sleeping"),
    "light": ("lights", "lit", None, "lighting"), "slide": ("slides", "slid", None, "sliding"),
}
IRREGULAR_PAST_FORMS = {v[1] for v in IRREGULAR_VERB.values()} | {
    v[2] for v in IRREGULAR_VERB.values() if v[2]}
IRREGULAR_WORDS = (set(IRREGULAR_PLURAL.values()) | IRREGULAR_PAST_FORMS
                   | {v[0] for v in IRREGULAR_VERB.values()} | {v[3] for v in IRREGULAR_VERB.values()})
IRREGULAR_COMPARATIVE = {"good": "better", "bad": "worse", "far": "further", "little": "less",
                         "much": "more", "many": "more", "well": "better"}

VOWELS = set("aeiou")
TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def _cvc(w):
    """Short word ending consonant-vowel-consonant (stop, plan): doubles the final letter."""
    if len(w) < 3 or w[-1] in VOWELS or w[-1] in "wxy":
        return False
    if not (w[-2] in VOWELS and w[-3] not in VOWELS):
        return False
    # one vowel group only (a crude monosyllable test): "stop", "plan", "ban"
    groups = re.findall(r"[aeiouy]+", w)
    return len(groups) == 1


def plural(w):
    if w in IRREGULAR_PLURAL:
        return IRREGULAR_PLURAL[w]
    if w in IRREGULAR_VERB:
        return IRREGULAR_VERB[w][0]
    if re.search(r"(s|x|z|ch|sh)$", w):
        return w + "es"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ies"
    if re.search(r"[^aeiou]o$", w) and w in {"go", "do", "veto", "echo", "hero", "potato", "tomato"}:
        return w + "es"
    return w + "s"


def past(w):
    if w in IRREGULAR_VERB:
        return IRREGULAR_VERB[w][1]
    if w.endswith("e"):
        return w + "d"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ied"
    if _cvc(w):
        return w + w[-1] + "ed"
    return w + "ed"


def participle(w):
    if w in IRREGULAR_VERB and IRREGULAR_VERB[w][2]:
        return IRREGULAR_VERB[w][2]
    return None


def ing(w):
    if w in IRREGULAR_VERB:
        return IRREGULAR_VERB[w][3]
    if w.endswith("ie"):
        return w[:-2] + "ying"
    if w.endswith("e") and not re.search(r"(ee|ye|oe)$", w) and len(w) > 2:
        return w[:-1] + "ing"
    if _cvc(w):
        return w + w[-1] + "ing"
    return w + "ing"


def comparative(w):
    if w in IRREGULAR_COMPARATIVE:
        return IRREGULAR_COMPARATIVE[w]
    if len(w) > 7:
        return None
    if w.endswith("e"):
        return w + "r"
    if re.search(r"[^aeiou]y$", w):
        return w[:-1] + "ier"
    if _cvc(w):
        return w + w[-1] + "er"
    return w + "er"


def superlative(w):
    c = comparative(w)
    if c is None or w in IRREGULAR_COMPARATIVE:
        return {"good": "best", "bad": "worst"}.get(w)
    return c[:-2] + "est" if c.endswith("er") else None


FORMS = {
    "plural": plural,          # also 3rd person singular
    "past": past,
    "participle": participle,
    "ing": ing,
    "comparative": comparative,
    "superlative": superlative,
}


def is_base(w):
    if w in IRREGULAR_WORDS and w not in IRREGULAR_VERB and w not in IRREGULAR_PLURAL:
        return False
    if len(w) < 3:
        return w in IRREGULAR_VERB
    if re.search(r"(ss|us|is)$", w):   # business, status, crisis: base forms ending in s
        return True
    return not re.search(r"(s|ed|ing|'s)$", w)


def match_case(template, w):
    if template.isupper() and len(template) > 1:
        return w.upper()
    if template[:1].isupper():
        return w[:1].upper() + w[1:]
    return w


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("#")]
    rd = csv.DictReader(io.StringIO("".join(lines)))
    return rd.fieldnames, list(rd)


def vocabulary(paths):
    vocab = set()
    for p in paths:
        files = []
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names if n.endswith(".txt")]
        else:
            files.append(p)
        for fp in files:
            with open(fp, encoding="utf-8", errors="replace") as f:
                vocab.update(t.lower() for t in TOKEN.findall(f.read()))
    return vocab


SINGULAR_DET = {"a", "an", "one", "this", "that", "each", "every", "another", "at"}


def propose(rows, kinds, tag, forms, vocab, loose, proper=False):
    existing = {r["spun"].strip().lower() for r in rows}
    seen = set()
    out = []
    for r in rows:
        kind = (r.get("kind") or "fingerprint").strip() or "fingerprint"
        if kind not in kinds:
            continue
        if tag and tag not in (r.get("tags") or ""):
            continue
        spun = r["spun"].strip().split()
        orig = r["original"].split("|")[0].strip().split()
        if not spun or not orig:
            continue
        if len(spun) == len(orig):
            diff = [i for i in range(len(spun)) if spun[i].lower() != orig[i].lower()]
            if len(diff) != 1 or diff[0] != len(spun) - 1:
                continue
        elif not loose:
            continue
        s_last, o_last = spun[-1], orig[-1]
        sl, ol = s_last.lower(), o_last.lower()
        multi = len(spun) > 1 or len(orig) > 1
        if multi and not proper and (o_last[:1].isupper() or s_last[:1].isupper()):
            continue    # names ("White Home", "Wall Road") have no useful inflections
        if multi and spun[0].lower() in SINGULAR_DET:
            continue    # "an settlement", "at this level": singular by construction
        if not (re.fullmatch(r"[a-z]+", sl) and re.fullmatch(r"[a-z]+", ol)):
            continue
        if not (is_base(sl) and is_base(ol)):
            continue
        for name in forms:
            if multi and name not in ("plural", "comparative"):
                continue    # phrases are noun phrases far more often than verb phrases
            fn = FORMS[name]
            si, oi = fn(sl), fn(ol)
            if not si or not oi or si == sl or oi == ol or si == oi:
                continue
            if vocab is not None:
                if oi not in vocab and oi not in IRREGULAR_WORDS:
                    continue
                if si not in vocab and si not in IRREGULAR_WORDS:
                    continue
            new_spun = " ".join(spun[:-1] + [match_case(s_last, si)])
            new_orig = " ".join(orig[:-1] + [match_case(o_last, oi)])
            key = new_spun.lower()
            if key in existing or key in seen:
                continue
            seen.add(key)
            nr = dict(r)
            nr["spun"] = new_spun
            nr["original"] = new_orig
            try:
                p = float(r.get("prior") or 0.9)
                nr["prior"] = "%.2f" % max(0.4, p - 0.05)
            except ValueError:
                pass
            tags = [t for t in (r.get("tags") or "").split(";") if t]
            if "inflected" not in tags:
                tags.append("inflected")
            nr["tags"] = ";".join(tags)
            nr["note"] = "inflected (%s) from %s -> %s" % (name, r["spun"].strip(), r["original"].split("|")[0].strip())
            out.append(nr)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dict")
    ap.add_argument("--clean", nargs="*", default=None,
                    help="files/directories of clean *.txt used as a word list")
    ap.add_argument("--kinds", default="fingerprint,swap")
    ap.add_argument("--tag", default="", help="only rows carrying this tag (e.g. spinner:a)")
    ap.add_argument("--forms", default="plural,past,ing",
                    help="comma list of: " + ",".join(FORMS))
    ap.add_argument("--loose", action="store_true",
                    help="also inflect when spun and original differ in length")
    ap.add_argument("--proper", action="store_true",
                    help="also inflect phrases ending in a capitalised word (names)")
    ap.add_argument("--out", default="-")
    a = ap.parse_args()
    fields, rows = read_rows(a.dict)
    vocab = vocabulary(a.clean) if a.clean else None
    forms = [f for f in a.forms.split(",") if f]
    for f in forms:
        if f not in FORMS:
            sys.exit("unknown form %r" % f)
    props = propose(rows, set(a.kinds.split(",")), a.tag, forms, vocab, a.loose, a.proper)
    fh = sys.stdout if a.out == "-" else open(a.out, "w", encoding="utf-8", newline="")
    w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n", extrasaction="ignore")
    for p in props:
        w.writerow(p)
    print("%d proposals from %d rows" % (len(props), len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()
