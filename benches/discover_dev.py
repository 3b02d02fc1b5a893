#!/usr/bin/env python3
"""What discovery (findings of kind `discovered`) does on an evaluation set, and its threshold.

For each spun article NAME.txt (NAME.reference.txt and NAME.meta beside it) in EVAL_DIR, runs
`despin scan --format json` and `despin fix --no-discovery`, aligns the spun tokens with the
reference tokens (as score.py does) and counts, per spinner:
- gold substitutions (one spun word for one original word) and those the dictionaries miss
  (no dictionary finding covers the word);
- discovered findings (reported, and applied: confidence >= 0.5), split into correct (the
  suggestion is the reference word), wrong original (the word was spun, but from another
  word) and unspun (the reference has the word as written).

Calibration: the margin at which a discovered finding is applied (crates/despin-core/src/scan/discover.rs,
APPLY_LR) is chosen to maximise the summed F0.5 of the whole repair (dictionary fixes plus
discovered ones) over the articles. It is reported leave-one-out: each article is scored
with the margin chosen on the other articles; "train" is the in-sample optimum. Margins are
recovered from the reported confidence (0.5 at APPLY_LR in a document at full evidence).

usage: benches/discover_dev.py DESPIN EVAL_DIR [--apply-lr X] [-- extra scan/fix args]
`--apply-lr` is the APPLY_LR the binary was built with (default: read from
crates/despin-core/src/scan/discover.rs).
"""
import difflib, glob, json, math, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOK = re.compile(r"[\w]+(?:['’][\w]+)*|[^\w\s]")
MAX_EVIDENCE = 0.95


def norm(t):
    return t.lower().replace("’", "'")


def run(binary, args, text=None, path=None):
    p = subprocess.run([binary, *args, path or "-"], input=None if path else text.encode(),
                       capture_output=True, timeout=300)
    if p.returncode not in (0, 1):
        sys.exit(f"despin {args[0]} failed ({p.returncode}): {p.stderr.decode()[:300]}")
    return p.stdout.decode("utf-8", "replace")


def tokens(text):
    """Tokens as score.py reads them, with their byte offsets."""
    out = []
    for m in TOK.finditer(text):
        start = len(text[:m.start()].encode())
        out.append((norm(m.group()), start, start + len(m.group().encode())))
    return out


def f05(good, tot, hit, gold):
    p, r = (good / tot if tot else 0.0), (hit / gold if gold else 0.0)
    return 1.25 * p * r / (0.25 * p + r) if p + r else 0.0


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    apply_lr = None
    if "--apply-lr" in argv:
        i = argv.index("--apply-lr")
        apply_lr = float(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) != 2:
        sys.exit(__doc__)
    binary, eval_dir = argv
    if apply_lr is None:
        src = open(os.path.join(ROOT, "crates", "despin-core", "src", "scan", "discover.rs"),
                   encoding="utf-8").read()
        apply_lr = float(re.search(r"pub const APPLY_LR: f32 = ([0-9.]+);", src).group(1))
    # score.py lives beside the evaluation folder (see its README).
    sys.path.insert(0, os.path.dirname(os.path.abspath(eval_dir.rstrip("/"))))
    from score import score  # noqa

    arts = []  # per article: spinner, base counts, [(margin, outcome)]
    per = {}
    for txt in sorted(glob.glob(os.path.join(eval_dir, "*.txt"))):
        if txt.endswith(".reference.txt"):
            continue
        base = txt[:-4]
        spinner = "A"
        for line in open(base + ".meta", encoding="utf-8"):
            if line.startswith("spinner:"):
                spinner = line.split(":", 1)[1].split()[0]
        spun = open(txt, encoding="utf-8").read()
        ref = open(base + ".reference.txt", encoding="utf-8").read()
        rows = [json.loads(l) for l in run(binary, ["scan", "--format", "json", *extra], path=txt).splitlines() if l.strip()]
        fixed = run(binary, ["fix", "--no-discovery", *extra], text=spun)
        s = score([norm(t) for t in TOK.findall(spun)], [norm(t) for t in TOK.findall(ref)],
                  [norm(t) for t in TOK.findall(fixed)])
        st = tokens(spun)
        a = [t for t, _, _ in st]
        b = [norm(t) for t in TOK.findall(ref)]
        gold = {}  # spun token index -> reference word (1:1), or None where spun otherwise
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
            if tag == "equal":
                continue
            for k in range(i1, i2):
                gold[k] = b[j1 + k - i1] if (tag == "replace" and i2 - i1 == j2 - j1) else None
        covered = set()
        disc = []
        for r in rows:
            idx = [k for k, (_, s0, e0) in enumerate(st) if s0 < r["byte_end"] and e0 > r["byte_start"]]
            if r["dictionary"].startswith("discovered:"):
                c, ev = r["confidence"], r.get("doc_score") or MAX_EVIDENCE
                x = min(max(c * MAX_EVIDENCE / min(ev, MAX_EVIDENCE), 1e-4), 1 - 1e-4)
                margin = apply_lr + math.log(x / (1 - x))
                k = idx[0] if idx else -1
                outcome = ("unspun" if k not in gold else
                           "correct" if gold[k] == norm(r["suggestion"]) else "wrong")
                disc.append((margin, outcome, c))
            else:
                covered.update(idx)
        subs = [k for k, g in gold.items() if g and re.fullmatch(r"[a-z]+", a[k]) and g != a[k]]
        missed = [k for k in subs if k not in covered]
        g = per.setdefault(spinner, dict(subs=0, missed=0, rep=[0, 0, 0], app=[0, 0, 0]))
        g["subs"] += len(subs)
        g["missed"] += len(missed)
        for margin, outcome, c in disc:
            j = ["correct", "wrong", "unspun"].index(outcome)
            g["rep"][j] += 1
            if c >= 0.5:
                g["app"][j] += 1
        arts.append((spinner, (s["sys_good"], s["sys_changes"], s["gold_hit"], s["gold_changes"]), disc))

    print(f"discovery on {eval_dir} (APPLY_LR {apply_lr}); reported/applied: correct / wrong original / unspun")
    for k, g in sorted(per.items()):
        print(f"spinner {k}: {g['subs']} one-word gold substitutions, {g['missed']} missed by the dictionaries; "
              f"reported {g['rep'][0]}/{g['rep'][1]}/{g['rep'][2]}, applied {g['app'][0]}/{g['app'][1]}/{g['app'][2]}")

    grid = [x / 2 for x in range(8, 31)]

    def totals(items, th):
        good = tot = hit = gold = 0
        for _, (sg, sc, gh, gc), disc in items:
            add_c = sum(1 for m, o, _ in disc if m >= th and o == "correct")
            add_w = sum(1 for m, o, _ in disc if m >= th and o != "correct")
            good += sg + add_c
            tot += sc + add_c + add_w
            hit += gh + add_c
            gold += gc
        return good, tot, hit, gold

    def best(items):
        return max(grid, key=lambda th: (round(f05(*totals(items, th)), 6), th))

    a_only = [x for x in arts if x[0] == "A"]
    th_all = best(a_only)
    print(f"spinner A, F0.5 of dictionary fixes alone: {f05(*totals(a_only, 1e9)):.4f}")
    tr = totals(a_only, th_all)
    print(f"train: best margin {th_all} -> F0.5 {f05(*tr):.4f} (P {tr[0]/max(tr[1],1):.3f} R {tr[2]/max(tr[3],1):.3f})")
    held = [0, 0, 0, 0]
    added = [0, 0]
    chosen = []
    for i, x in enumerate(a_only):
        th = best(a_only[:i] + a_only[i + 1:])
        chosen.append(th)
        t = totals([x], th)
        held = [h + v for h, v in zip(held, t)]
        added[0] += sum(1 for m, o, _ in x[2] if m >= th and o == "correct")
        added[1] += sum(1 for m, o, _ in x[2] if m >= th and o != "correct")
    print(f"leave-one-out: margins chosen {min(chosen)}-{max(chosen)}; F0.5 {f05(*held):.4f} "
          f"(P {held[0]/max(held[1],1):.3f} R {held[2]/max(held[3],1):.3f}); discovered fixes added: "
          f"{added[0]} correct, {added[1]} wrong")
    print("margin sweep (spinner A, all articles): margin correct wrong")
    for th in grid[::2]:
        c = sum(1 for x in a_only for m, o, _ in x[2] if m >= th and o == "correct")
        w = sum(1 for x in a_only for m, o, _ in x[2] if m >= th and o != "correct")
        print(f"  {th:5.1f} {c:4d} {w:4d}")


if __name__ == "__main__":
    main()
