#!/usr/bin/env python3
"""Build dictionaries/science.csv from the Problematic Paper Screener (PPS) fingerprint data.

Usage:
    python3 dictionaries/tools/import_pps.py DATA_DIR OUT_CSV [--clean DIR ...]

DATA_DIR holds the PPS snapshot (tortured-dict.tsv, pps-queries.csv; see its README.md and
SOURCES.md).  Only tortured-dict.tsv (the pairs) and pps-queries.csv (the raw PPS queries, for
document conditions and paper counts) are read.  tortured-eval.tsv is held out FOR MEASUREMENT
ONLY and is never opened by this script.

Python 3 standard library only; the output is deterministic (sorted, no timestamps).

What it does
------------
1. Pairs: every row of tortured-dict.tsv (tortured -> expected).  Rows with the same tortured
   phrase are merged; their expected values become alternatives `a|b`, the most frequently seen
   (num_papers of the matching PPS query) first.
2. Join with pps-queries.csv on the first quoted phrase of the query (lowercased, whitespace
   collapsed) and, where possible, on the expected value too.  The query gives:
   * num_papers ("42,682" -> 42682): how often PPS saw the fingerprint;
   * the document condition.  The query syntax is parsed (quoted phrases, bare words, AND, OR,
     NOT, parentheses, ~N proximity, * wildcards; OR binds tighter than AND):
       "a" AND "b"               -> requires=b
       "a" AND ("b" OR "c")      -> requires=b|c
       "a" AND "b" AND "c"       -> not expressible (requires is one OR-group); the most
                                    specific group (longest phrases) is kept, flagged
       "a" NOT "b"               -> not expressible; if "b" contains "a" an `allow` row for "b"
                                    is written (exact), otherwise the entry keeps firing without
                                    the exclusion and its prior is lowered (NOT_PENALTY)
       "a" OR "b" ...            -> only "a" is imported (the pair list has "a"); counted
       "a b"~N (proximity)       -> dropped from conditions (PPS pairs exclude such keys)
       "hear*"                   -> the * is dropped (requires=hear; stricter than PPS), flagged
     When one key has several queries, the conditions are OR-ed; a query without a condition
     makes the entry unconditional.
3. Cleaning of expected values (see clean_expected): curator notes "(in this context)",
   "(as in ...)", "(i.e. ...)", "(caveat: ...)", "(us healthcare)", "?", "...", quotes, trailing
   "(ACRONYM)" (kept only when the key itself ends in "(acronym)"), `[...]` / inner "(...)"
   optional words (both readings become alternatives, the one whose word count matches the key
   first), "x / y" alternatives, "AND <condition>" tails.  Capitalisation: lower case, except
   acronyms and words the PPS curators write capitalised inside phrases (Markov, Fourier...).
4. Prior from num_papers (monotonic in n, documented in prior_from_papers):
       prior = 0.75 + 0.22 * min(1, log10(1 + n) / 3.5)
   n=0 -> 0.75, 10 -> 0.82, 100 -> 0.88, 1000 -> 0.94, >=3162 -> 0.97.  Pairs not in the PPS
   export (newer snapshot only) count as n=0.
5. Clean-text check (--clean DIR ..., plain .txt files; each file is one document).  Each key is
   searched (case-insensitive, word-bounded) in the clean documents:
   * key absent                                  -> unchanged;
   * key present, never together with its requires (PPS condition, or else the expected
     phrase(s), which is what PPS itself uses: "surface region" AND "surface area")
                                                 -> requires set, prior - 0.05, noted;
   * key present together with its requires in 1-2 documents
                                                 -> prior capped at 0.45 (below the default
                                                    --min-confidence 0.5: reported, not fixed);
   * in 3+ documents, or a single plain word seen in 3+ documents
                                                 -> dropped (listed as `#` comment lines), unless
                                                    the PPS gave a condition (then capped as above).
   Scrutiny of ordinary-looking keys: a multi-word key without a condition that PPS retrieved in
   SCRUTINY_PAPERS+ papers (very high counts include false positives: "surface region",
   "grouping methods") and whose words are all common in the clean text (document frequency
   >= COMMON_DF) gets requires=<expected> and prior - 0.05.
   Single plain English words without a PPS condition always get requires=<expected>.
   Every change is recorded in `note`.

The output has the columns spun,original,prior,kind,context,requires,tags,note
(dictionaries/README.md); tags are `science;pps`; note carries num_papers=N and reasons.
"""
import csv
import math
import os
import re
import sys
from collections import defaultdict

NOT_PENALTY = 0.10        # PPS NOT clause that cannot be expressed
MULTI_AND_PENALTY = 0.03  # several AND groups approximated by one
CAVEAT_PENALTY = 0.20     # curator note warns of false positives
CLEAN_REQ_PENALTY = 0.05  # key seen in clean text, but never with its condition
CLEAN_CAP = 0.45          # key seen in clean text together with its condition
DROP_DOCS = 3             # ... in this many clean documents -> dropped (unless PPS gave a condition)
SCRUTINY_PAPERS = 2000    # keys PPS retrieved this often ...
COMMON_DF = 0.002         # ... made only of words found in >= 0.2% of clean documents: requires added

STOP = set("""a an the of in on at to for and or by with from as is are be into via its it this
that these those than then their there which who whom whose what when where how not no""".split())


# ---------------------------------------------------------------- normalisation

def norm(s):
    """despin's one normalisation (curly quotes, dashes, whitespace), plus lower case."""
    s = s.replace('\u2018', "'").replace('\u2019', "'").replace('\u201c', '"').replace('\u201d', '"')
    s = re.sub('[\u2010\u2011\u2012\u2013\u2014\u2015\u2212]', '-', s)
    s = s.replace('\\"', '"').replace('\\&', '&')
    return re.sub(r'\s+', ' ', s).strip()


def key_norm(s):
    return norm(s).lower()


# ---------------------------------------------------------------- PPS query parsing

TOKEN = re.compile(r'\s*(?:(?P<q>"(?:[^"\\]|\\.)*")(?P<qp>~\d+)?|(?P<lp>\()|(?P<rp>\))'
                   r'|(?P<op>AND|OR|NOT|ADN)(?=[\s("]|$)|(?P<w>[^\s()"]+))')


class Phrase:
    def __init__(self, text, prox=False, wildcard=False, bare=False):
        self.text, self.prox, self.wildcard, self.bare = text, prox, wildcard, bare


def tokenize(q):
    toks, pos = [], 0
    while pos < len(q):
        m = TOKEN.match(q, pos)
        if not m or m.end() == pos:
            if q[pos:].strip() == '':
                break
            raise ValueError('cannot tokenise %r at %d' % (q, pos))
        pos = m.end()
        if m.group('q'):
            toks.append(('P', Phrase(m.group('q')[1:-1].replace('\\"', '"'), bool(m.group('qp')))))
        elif m.group('lp'):
            toks.append(('(', None))
        elif m.group('rp'):
            toks.append((')', None))
        elif m.group('op'):
            toks.append(('OP', 'AND' if m.group('op') == 'ADN' else m.group('op')))  # "ADN": curator typo
        elif m.group('w'):
            w = m.group('w')
            prox = bool(re.search(r'~\d+$', w))
            w = re.sub(r'~\d+$', '', w)
            # consecutive bare words form one phrase
            if toks and toks[-1][0] == 'P' and toks[-1][1].bare:
                toks[-1][1].text += ' ' + w
                toks[-1][1].prox |= prox
            else:
                toks.append(('P', Phrase(w, prox, bare=True)))
    for t, p in toks:
        if t == 'P':
            if '*' in p.text:
                p.wildcard = True
                p.text = p.text.replace('*', '').strip()
    return toks


def parse_query(q):
    """Return (clauses, flags); clauses = [(op, [Phrase...])], op in {'', 'AND', 'NOT'}.

    Grammar: expr := group ((AND|NOT) group)* ; group := alt (OR alt)* ;
             alt := phrase | '(' group ')'.  OR binds tighter than AND/NOT."""
    toks = tokenize(q)
    flags = set()
    i = 0

    def alt():
        nonlocal i
        if i < len(toks) and toks[i][0] == '(':
            i += 1
            g = group()
            if i < len(toks) and toks[i][0] == ')':
                i += 1
            else:
                flags.add('unbalanced')
            return g
        if i < len(toks) and toks[i][0] == 'P':
            i += 1
            return [toks[i - 1][1]]
        raise ValueError('unexpected token in %r' % q)

    def group():
        nonlocal i
        out = alt()
        while i < len(toks) and toks[i] == ('OP', 'OR'):
            i += 1
            out += alt()
        return out

    clauses = [('', group())]
    while i < len(toks):
        if toks[i][0] == 'OP' and toks[i][1] in ('AND', 'NOT'):
            op = toks[i][1]
            i += 1
        elif toks[i][0] in ('P', '('):
            op = 'AND'  # implicit conjunction
            flags.add('implicit_and')
        else:
            raise ValueError('unexpected %r in %r' % (toks[i], q))
        clauses.append((op, group()))
    return clauses, flags


def interpret(q):
    """-> dict(key, requires (list[str]|None), nots [str], flags set) for one query."""
    clauses, flags = parse_query(q)
    prim = clauses[0][1]
    key = key_norm(prim[0].text)
    if prim[0].prox:
        flags.add('proximity_key')
    if len(prim) > 1:
        flags.add('primary_or')
    if any(p.bare for p in prim):
        flags.add('bare_words')
    groups, nots = [], []
    for op, g in clauses[1:]:
        if any(p.bare for p in g):
            flags.add('bare_words')
        if op == 'NOT':
            flags.add('not')
            nots += [key_norm(p.text) for p in g if not p.prox]
            continue
        kept = []
        for p in g:
            if p.prox:
                flags.add('proximity_condition_dropped')
                continue
            if p.wildcard:
                flags.add('wildcard')
            if p.text:
                kept.append(p.text)
        if kept:
            groups.append(kept)
    requires = None
    if len(groups) == 1:
        requires = groups[0]
    elif len(groups) > 1:
        flags.add('multi_and')
        # keep the most specific group: longest shortest-phrase, then fewest alternatives
        requires = max(groups, key=lambda g: (min(len(x) for x in g), -len(g)))
    if requires:
        requires = [req_case(norm(r)) for r in requires]
    return dict(key=key, requires=requires, nots=nots, flags=flags)


def req_case(s):
    """Requires phrases: lower case except all-caps acronyms (SVM, MFCC, AR, 3D)."""
    return ' '.join(w if re.fullmatch(r'[A-Z0-9][A-Z0-9&/+-]*[A-Z][A-Z0-9]*|[0-9]+[A-Z]+', w) else w.lower()
                    for w in s.split())


# ---------------------------------------------------------------- expected-value cleaning

NOTE_PAREN = re.compile(r'^\s*(as in|i\.e\.|ie\b|e\.g\.|eg\b|=|via|caveat|in this context|us healthcare|'
                        r'or\b|see\b|sometimes|not\b|a computer|a neural|body part|"|\?)', re.I)

# A few expected values whose notation the generic rules would misread.
OVERRIDES = {
    'gas chromatography/mass spectrometry (gc/ms)': ['gas chromatography-mass spectrometry'],
    'renal or kidney failure': ['renal failure', 'kidney failure'],
    'hydrofluoric acid or hydrogen fluoride': ['hydrofluoric acid', 'hydrogen fluoride'],
    'crispr activation or crispra': ['CRISPR activation'],
    'crispr interference or crispri': ['CRISPR interference'],
    'human machine interface (hmi) or human-computer interaction (hci)':
        ['human machine interface', 'human-computer interaction'],
    'master/slave': ['master/slave'],
    'ram, rom': ['RAM, ROM'],
    'input/output': ['input/output'],
    'associate degree (via "associate in nursing") (= an)': ['associate degree'],
    'square measure (= are)': ['are'],
    'waikoloa, hi, usa': ['Waikoloa, HI, USA'],
    'digital crime/cyber crime': ['digital crime', 'cyber crime'],
    'economic development/profit growth': ['economic development', 'profit growth'],
    'acute acid/base (disorder/disturbance/stress)': ['acute acid/base'],
    'gaussian mixture (as in "gaussian mixture model (gmm)")': ['Gaussian mixture'],
    'accuracy (acc), specificity (spe) and sensitivity (sen)': ['accuracy (ACC), specificity (SPE) and sensitivity (SEN)'],
    'mac (medium access control) layer': ['MAC layer', 'medium access control layer'],
    'nature of a plant pathogen or nature of plant\u2013pathogen (interactions)': ['nature of a plant pathogen'],
    'nature of a plant pathogen or nature of plant-pathogen (interactions)': ['nature of a plant pathogen'],
    'intel(r) core': ['Intel(R) Core'],
    '[c=o] groups': ['[C=O] groups'],
    'in summary, this study examines...': ['in summary, this'],
    'volume, *velocity, variety*, and veracity (four vs)': ['velocity, variety'],
    'signing / sign language recognition': ['sign language recognition'],
}

# Proper nouns common in the expected values (capitalised wherever they occur), in addition to
# the words the curators capitalise inside otherwise lower-case phrases (build_case_vocab).
PROPER = set('''markov euler bernoulli bayes bayesian gaussian fourier boltzmann python dulbecco
helsinki kalman laplace poisson lyapunov newton newtonian hopfield hilbert wiener pearson pearson's
parkinson parkinson's alzheimer alzheimer's brownian chebyshev navier stokes schrodinger gabor
hann hamming hurst hessian jacobian lagrange lagrangian riemann euclidean kohonen tabu hall
monte carlo weibull student's fisher fisher's levenberg marquardt nash pareto turing von neumann
cauchy dirichlet gibbs hebbian huffman kullback leibler mahalanobis manhattan mel nyquist shannon
sobel canny haar wilcoxon mann whitney kruskal wallis spearman spearman's cronbach's likert
internet bluetooth linux android windows java matlab keras pytorch tensorflow covid-19 sars-cov-2
africa african america american asia asian europe european india indian china chinese'''.split())
NOT_PROPER = {'unified'}


def is_acronym(tok, before):
    """True if `tok` abbreviates the words in `before` ("dos" / "denial of service"), or is
    written in capitals (DDoS, NGS)."""
    tok = tok.strip()
    if not re.fullmatch(r"[A-Za-z0-9&/.+-]{2,12}", tok):
        return False
    if sum(c.isupper() for c in tok) >= 2:
        return True
    letters = [c for c in tok.lower() if c.isalpha()]
    initials = [w[0] for w in re.split(r'[\s/-]+', before.lower()) if w and w[0].isalpha()]
    it = iter(initials)
    return len(letters) >= 2 and all(c in it for c in letters)


def has_caveat(raw):
    return bool(re.search(r'caveat', raw, re.I))


def clean_expected(raw, key):
    """Clean one expected value (original case if known).  -> (list of alternatives, flags)."""
    flags = set()
    s = norm(raw)
    low = s.lower()
    if low in OVERRIDES:
        return list(OVERRIDES[low]), {'override'}
    # "x AND <condition>" written by the curators (uppercase AND)
    if ' AND ' in s:
        s = s.split(' AND ')[0]
        flags.add('and_tail')
    # quoted alternatives: "a" or "b"
    m = re.fullmatch(r'"([^"]+)"\s+or\s+"([^"]+)"', s)
    if m:
        return [m.group(1), m.group(2)], {'quoted_or'}
    # URLs / "see ..." commentary after a comma or semicolon
    s = re.sub(r'\s*(,|;)?\s*see https?://\S+', '', s)
    # curator notes in parentheses anywhere
    def drop_note(m):
        inner = m.group(1)
        if NOTE_PAREN.match(inner) or '...' in inner or '\u2026' in inner or has_caveat(inner) \
                or len(inner.split()) >= 4:
            flags.add('note')
            return ''
        return m.group(0)
    s = re.sub(r'\s*\(([^()]*)\)', drop_note, s)
    s = re.sub(r'\s*\([^()]*$', '', s)          # unclosed "(nm"
    s = s.replace('[...]', ' ').replace('...', ' ').replace('\u2026', ' ')
    s = s.replace('?', ' ').replace('"', '')
    s = re.sub(r'\s+', ' ', s).strip(' ,;:')
    # "ACR (expansion)" -> expansion
    m = re.fullmatch(r'([A-Za-z0-9-]{2,10})\s*\(([^()]+\s[^()]+)\)', s)
    if m and is_acronym(m.group(1), m.group(2)) and not key.startswith(m.group(1).lower()):
        s = m.group(2)
        flags.add('acronym_first')
    # trailing (ACRONYM) / (clarification) / [clarification]: kept only as the acronym when the
    # key itself ends in "(...)"
    key_paren = re.search(r'\(([^()]*)\)\s*$', key)
    tail = ''
    while True:
        m = re.search(r'\s+(?:\(([^()]*)\)|\[([^\[\]]*)\])\s*$', s)
        if not m or m.start() == 0:
            break
        inner = m.group(1) if m.group(1) is not None else m.group(2)
        s = s[:m.start()].strip()
        if key_paren and m.group(1) is not None and is_acronym(inner, s):
            tail = ' (' + inner.upper() + ')'
        flags.add('trailing_paren')
    # inner (ACRONYM) -> removed
    def drop_acr(m):
        if is_acronym(m.group(1), s[:m.start()]):
            flags.add('inner_acronym')
            return ''
        return m.group(0)
    s = re.sub(r'\s+\(([^()\s]+)\)(?=\s)', drop_acr, s)
    # optional words: [x] and inner (x) -> with and without
    variants = [s]
    for pat in (r'\[([^\[\]]*)\]', r'\(([^()]*)\)'):
        nxt = []
        for v in variants:
            if re.search(pat, v):
                flags.add('optional_words')
                with_ = re.sub(pat, r'\1', v)
                without = re.sub(pat, '', v)
                nxt += [with_, without]
            else:
                nxt.append(v)
        variants = nxt
    variants = [re.sub(r'\s+', ' ', re.sub(r'\s+([,;])', r'\1', v)).strip(' ,;:') for v in variants]
    # "a / b" (spaced) -> phrase alternatives; "x/y" inside words -> word alternatives
    alts = []
    for v in variants:
        if ' / ' in v:
            alts += [p.strip() for p in v.split(' / ')]
            flags.add('slash')
            continue
        toks = v.split(' ')
        slash_i = [i for i, t in enumerate(toks) if re.fullmatch(r'[a-z][a-z-]*(/[a-z][a-z-]*)+', t, re.I)
                   and t.lower() not in key]
        if slash_i and len(slash_i) <= 2:
            flags.add('slash')
            outs = [[]]
            for i, t in enumerate(toks):
                opts = t.split('/') if i in slash_i else [t]
                outs = [o + [x] for o in outs for x in opts]
            alts += [' '.join(o) for o in outs]
        else:
            alts.append(v)
    # prefer the reading whose word count is that of the key (stable otherwise)
    kw = len(re.sub(r'\s*\([^()]*\)\s*$', '', key).split())
    alts = [a for a in alts if a]
    order = sorted(range(len(alts)), key=lambda i: (abs(len(alts[i].split()) - kw) if 'optional_words' in flags
                                                    else 0, i))
    out = []
    for i in order:
        a = alts[i] + tail
        if a.lower() not in [o.lower() for o in out]:
            out.append(a)
    return out[:4], flags


# ---------------------------------------------------------------- capitalisation

def build_case_vocab(raw_values):
    """Words the curators write capitalised inside phrases (not phrase-initially)."""
    cap, low = defaultdict(int), defaultdict(int)
    for v in raw_values:
        words = re.findall(r"[A-Za-z][A-Za-z']*", v)
        long_ = [w for w in words if len(w) >= 4]
        if long_ and sum(w[0].isupper() for w in long_) * 2 >= len(long_):
            continue  # Title Case value: capitals say nothing about proper nouns
        for w in words[1:]:
            if w[0].isupper() and w[1:].islower():
                cap[w.lower()] += 1
            elif w.islower():
                low[w.lower()] += 1
    return ({w for w in cap if cap[w] >= 2 and cap[w] > 2 * low[w]} | PROPER) - NOT_PROPER


def apply_case(alt, raw_case_source, propers):
    """Lower-case `alt`, restoring acronyms / mixed-case tokens / proper nouns."""
    orig_tokens = {}
    for t in re.findall(r"[\w'&+-]+", raw_case_source or ''):
        if t.lower() not in orig_tokens and t != t.lower():
            orig_tokens[t.lower()] = t

    def fix(m):
        w = m.group(0)
        lw = w.lower()
        o = orig_tokens.get(lw)
        if w != lw and w == w.upper() and len(w) >= 2:
            return w  # already an acronym (override table / key tail)
        if o:
            core = re.sub(r'[^A-Za-z]', '', o)
            if len(core) >= 2 and core.isupper():
                return o                                   # acronym: LSTM, RNA, B6
            if re.search(r'[a-z][A-Z]', o):
                return o                                   # mixed case: ceRNA, PyTorch, DeepX
        if lw in propers:
            return lw[0].upper() + lw[1:]
        return lw
    return re.sub(r"[\w'&+-]+", fix, alt)


# ---------------------------------------------------------------- prior

def prior_from_papers(n):
    """Monotonic in n: 0.75 for fingerprints never/rarely seen, 0.97 from ~3,000 papers on."""
    return 0.75 + 0.22 * min(1.0, math.log10(1 + max(0, n)) / 3.5)


# ---------------------------------------------------------------- clean corpus

WORD_TOK = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


def tokens(s):
    return WORD_TOK.findall(key_norm(s))


class Clean:
    def __init__(self, dirs):
        self.docs = []  # (name, normalised text)
        for d in dirs:
            for dp, dn, fn in os.walk(d):
                dn.sort()
                for f in sorted(fn):
                    if f.endswith('.txt'):
                        p = os.path.join(dp, f)
                        with open(p, encoding='utf-8', errors='replace') as fh:
                            self.docs.append((os.path.relpath(p, d), key_norm(fh.read())))
        self.words = sum(len(t.split()) for _, t in self.docs)
        self._tok = None

    def find_keys(self, keys):
        """key -> set(doc index) for every key that occurs in some document."""
        by_first = defaultdict(set)
        lens = defaultdict(set)
        tk = {}
        for k in keys:
            t = tuple(tokens(k))
            if not t:
                continue
            tk[t] = k
            by_first[t[0]].add(len(t))
            lens[len(t)].add(t)
        hits = defaultdict(set)
        for di, (_, text) in enumerate(self.docs):
            toks = WORD_TOK.findall(text)
            n = len(toks)
            for i, w in enumerate(toks):
                ls = by_first.get(w)
                if not ls:
                    continue
                for L in ls:
                    if i + L <= n:
                        t = tuple(toks[i:i + L])
                        if t in lens[L]:
                            hits[tk[t]].add(di)
        return hits

    def common_words(self, min_df):
        """Words that occur in at least `min_df` (a fraction) of the clean documents."""
        df = defaultdict(int)
        for _, text in self.docs:
            for w in set(re.findall(r'[a-z0-9]+', text)):
                df[w] += 1
        return {w for w, c in df.items() if c >= min_df * len(self.docs)}

    def doc_has(self, di, phrase):
        p = re.escape(key_norm(phrase))
        return re.search(r'(?<!\w)' + p + r'(?!\w)', self.docs[di][1]) is not None


# ---------------------------------------------------------------- main

def read_tsv(path):
    with open(path, encoding='utf-8', newline='') as f:
        rows = list(csv.reader(f, delimiter='\t', quoting=csv.QUOTE_NONE))
    hdr = rows[0]
    return [dict(zip(hdr, r)) for r in rows[1:] if r]


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description='Build science.csv from the PPS snapshot.')
    ap.add_argument('data_dir')
    ap.add_argument('out_csv')
    ap.add_argument('--clean', nargs='*', default=[], metavar='DIR',
                    help='directories of clean .txt documents for the demotion check')
    a = ap.parse_args(argv[1:])
    data_dir, out_path, clean_dirs = a.data_dir, a.out_csv, a.clean
    stats = defaultdict(int)

    pairs = read_tsv(os.path.join(data_dir, 'tortured-dict.tsv'))
    with open(os.path.join(data_dir, 'pps-queries.csv'), encoding='utf-8', newline='') as f:
        queries = list(csv.DictReader(f))

    # ---- parse queries
    qby_key = defaultdict(list)
    for q in queries:
        n = int(q['num_papers'].replace(',', '').strip() or 0)
        try:
            info = interpret(q['tortured_phrase'])
        except ValueError:
            stats['query: unparsable'] += 1
            continue
        info.update(n=n, raw_expected=q['expected_phrase'], query=q['tortured_phrase'])
        qby_key[info['key']].append(info)
    propers = build_case_vocab(q['expected_phrase'] for q in queries)

    # ---- group pairs by key
    by_key = defaultdict(list)
    for p in pairs:
        by_key[key_norm(p['tortured'])].append(p['expected'])

    entries, dropped, allows = [], [], {}
    for key in sorted(by_key):
        exps = by_key[key]
        qs = qby_key.get(key, [])
        notes, flags = [], set()
        # match each expected value to its query rows
        alts = {}  # alt(lower) -> [alt text, n]
        used_q = []
        caveat = False
        for e in exps:
            match = [q for q in qs if key_norm(q['raw_expected']) == key_norm(e)]
            if not match and qs:
                match = []
            n = max([q['n'] for q in match], default=-1)
            raw = match[0]['raw_expected'] if match else e
            caveat |= has_caveat(raw)
            used_q += match
            cleaned, cf = clean_expected(raw, key)
            flags |= cf
            for a in cleaned:
                a = apply_case(a, raw, propers)
                if key_norm(a) == key:
                    continue
                cur = alts.get(a.lower())
                if cur is None or n > cur[1]:
                    alts[a.lower()] = [a, n] if cur is None else [cur[0], n]
        if not used_q and qs:
            used_q = qs  # pair known under another expected value: use the key's queries
            flags.add('joined_by_key')
        if not alts:
            stats['skipped: expected empty or equal to key after cleaning'] += 1
            dropped.append((key, '|'.join(exps), 'expected empty or same as key after cleaning'))
            continue
        originals = [a for a, _ in sorted(alts.values(), key=lambda x: -x[1])]
        n = max([q['n'] for q in used_q], default=-1)
        if not qs:
            stats['pairs not in the PPS export (num_papers unknown)'] += 1
        # conditions: OR over queries; any unconditional query -> unconditional
        requires = None
        if used_q:
            if all(q['requires'] for q in used_q):
                requires = []
                for q in used_q:
                    for r in q['requires']:
                        if r.lower() not in [x.lower() for x in requires]:
                            requires.append(r)
            for q in used_q:
                flags |= q['flags']
                for nt in q['nots']:
                    if re.search(r'(?<!\w)' + re.escape(key) + r'(?!\w)', nt) and nt != key:
                        allows[nt] = key
                        flags.add('not_allow')
                    else:
                        flags.add('not_dropped')
                        notes.append('PPS NOT "%s" not expressible' % nt)
        prior = prior_from_papers(max(n, 0))
        notes.insert(0, 'num_papers=%s' % (n if n >= 0 else '?'))
        if requires:
            stats['entries with PPS AND condition kept'] += 1
            qtxt = [q['query'] for q in used_q if q['requires']][0]
            notes.append('PPS query %s' % qtxt)
        if 'multi_and' in flags and requires:
            prior -= MULTI_AND_PENALTY
            notes.append('several AND groups, most specific kept')
        if 'not_dropped' in flags:
            prior -= NOT_PENALTY
        if caveat:
            prior -= CAVEAT_PENALTY
            notes.append('curator warns of false positives')
        if 'wildcard' in flags and requires:
            notes.append('wildcard dropped from condition')
        for fl in ('primary_or', 'multi_and', 'not_dropped', 'not_allow', 'wildcard', 'proximity_condition_dropped',
                   'implicit_and', 'bare_words', 'joined_by_key'):
            if fl in flags:
                stats['flag: ' + fl] += 1
        if 'note' in flags or 'and_tail' in flags:
            stats['expected: curator note/condition removed'] += 1
        if 'optional_words' in flags or 'slash' in flags or 'quoted_or' in flags or 'override' in flags:
            stats['expected: alternatives from notation'] += 1
        entries.append(dict(spun=key, original=originals, prior=prior, requires=requires,
                            notes=notes, flags=flags, n=n))

    # ---- clean-text demotion
    clean = Clean(clean_dirs) if clean_dirs else None
    kept = []
    if clean:
        hits = clean.find_keys([e['spun'] for e in entries])
        common = clean.common_words(COMMON_DF)
    for e in entries:
        key = e['spun']
        single_word = re.fullmatch(r"[a-z]+", key) is not None
        docs = hits.get(key, set()) if clean else set()
        words = re.findall(r"[a-z0-9]+", key)
        if (clean and not e['requires'] and not single_word and e['n'] >= SCRUTINY_PAPERS
                and words and all(w in common for w in words)):
            e['requires'] = e['original'][:3]
            e['prior'] -= CLEAN_REQ_PENALTY
            e['notes'].append('scrutiny: frequent PPS hit made of common words; requires expected')
            stats['demoted: scrutiny (frequent, common words), requires added'] += 1
        if single_word and not e['requires']:
            e['requires'] = e['original'][:3]
            e['prior'] -= CLEAN_REQ_PENALTY
            e['notes'].append('single plain word: requires expected')
            stats['demoted: single plain word, requires added'] += 1
        if docs:
            req = e['requires'] or e['original'][:3]
            with_req = sorted(d for d in docs if any(clean.doc_has(d, r) for r in req))
            src = 'PPS condition' if e['requires'] else 'expected'
            pps_cond = bool(e['requires'])
            if not pps_cond and (len(with_req) >= DROP_DOCS or (single_word and len(docs) >= DROP_DOCS and with_req)):
                ex = clean.docs[with_req[0]][0]
                dropped.append((key, '|'.join(e['original']),
                                'clean text: in %d docs, %d with %s (e.g. %s)' % (len(docs), len(with_req), src, ex)))
                stats['dropped: clean text'] += 1
                continue
            if with_req:
                e['requires'] = req
                e['prior'] = min(e['prior'], CLEAN_CAP)
                e['notes'].append('clean: in %d docs, %d with %s (%s); prior capped'
                                  % (len(docs), len(with_req), src, clean.docs[with_req[0]][0]))
                stats['demoted: clean text, prior capped at %.2f' % CLEAN_CAP] += 1
            else:
                if not e['requires']:
                    e['requires'] = req
                    stats['demoted: clean text, requires added'] += 1
                else:
                    stats['demoted: clean text, PPS condition already blocks it'] += 1
                e['prior'] -= CLEAN_REQ_PENALTY
                e['notes'].append('clean: in %d docs (%s), never with %s' % (len(docs), clean.docs[min(docs)][0], src))
        kept.append(e)

    # ---- write
    rows = []
    for e in kept:
        rows.append([e['spun'], '|'.join(e['original']), '%.2f' % max(0.05, min(0.99, e['prior'])),
                     'fingerprint', '', '|'.join(e['requires'] or []), 'science;pps', '; '.join(e['notes'])])
    for phrase in sorted(allows):
        rows.append([phrase, phrase, '0.90', 'allow', '', '', 'science;pps',
                     'PPS query "%s" NOT "%s"' % (allows[phrase], phrase)])
    rows.sort(key=lambda r: (r[0], r[3]))
    stats['entries written (fingerprint)'] = len(kept)
    stats['allow rows written'] = len(allows)
    stats['pairs read'] = len(pairs)
    stats['distinct keys'] = len(by_key)
    stats['queries read'] = len(queries)
    if clean:
        stats['clean corpus documents'] = len(clean.docs)
        stats['clean corpus words'] = clean.words

    with open(out_path, 'w', encoding='utf-8', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['spun', 'original', 'prior', 'kind', 'context', 'requires', 'tags', 'note'])
        f.write('# Generated by dictionaries/tools/import_pps.py from the Problematic Paper Screener list\n')
        f.write('# (Cabanac, Labbe & Magazinov, arXiv:2107.06751); see NOTICE.md. Do not edit by hand.\n')
        for k in sorted(stats):
            f.write('# %s: %d\n' % (k, stats[k]))
        for r in rows:
            w.writerow(r)
        if dropped:
            f.write('# Dropped entries (spun -> original: reason):\n')
            for key, orig, why in sorted(dropped):
                f.write('# %s -> %s: %s\n' % (key, orig, why))
    for k in sorted(stats):
        print('%-60s %d' % (k, stats[k]))


if __name__ == '__main__':
    main(sys.argv)
