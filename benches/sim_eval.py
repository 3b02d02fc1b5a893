#!/usr/bin/env python3
"""Measure despin on simulator-spun text with the spinner's table known (development benchmark).

Usage:
    benches/sim_eval.py --despin target/release/despin --table /work/sim/standin.txt \
        [--corpus /work/clean/news ...] [--work /work/sim/run] [--seed 1] [--shuffle] [--file-order]
        [--thresholds 0.3,0.4,0.5,0.6,0.7,0.8,0.9] [--json OUT.json] [--no-default-dict]

Steps, per run (normal, or --shuffle for a table used in shuffle mode):
  1. spin every corpus with benches/simulate.py (same table, same mode);
  2. import the table: `despin dict import --format pipe [--shuffle] --name sim` -> table.fst;
  3. repair the spun text with `despin fix --dict table.fst --min-confidence X` for each X;
  4. score each file with /work/shared/eval/score.py against the clean original, summing
     counts over files: precision, recall, F0.5 per threshold (the curve), and
  5. repair the UNSPUN clean text at the default threshold and count changed tokens per 1,000
     words (false alarms);
  6. break the errors down at each threshold against the simulator's record of what it replaced
     (`simulate.py --truth`), from `despin scan --format json --min-confidence 0` of the spun
     text. A finding at or above the threshold is *right* (its span is a replacement and its
     first suggestion the original), a *wrong key* (right span, another original), an
     *original word changed* (it touches no replacement), *two spun words read as one
     phrase* (it spans two or more replacements) or a *span mismatch* (it overlaps one
     replacement only partly). A replacement not repaired is *right key below threshold* (a
     finding on its span suggests the original first, with less confidence), *wrong key below
     threshold*, or *not found* (no finding on its span at any confidence).
Clean corpora come from benches/clean_corpus.py. Nothing here is a timed test.
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_score(path):
    spec = importlib.util.spec_from_file_location("score", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def txt_files(root):
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            if f.endswith(".txt"):
                full = os.path.join(dirpath, f)
                yield os.path.relpath(full, root)


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    return r


def breakdown(truth, findings, threshold):
    """Error categories at `threshold` (see the module doc): {category: count}."""
    out = {}
    bump = lambda k: out.__setitem__(k, out.get(k, 0) + 1)
    for rel in set(truth) | set(findings):
        ts = truth.get(rel, [])
        fs = findings.get(rel, [])
        exact = {(f["byte_start"], f["byte_end"]): f for f in fs}
        applied = [f for f in fs if f["confidence"] >= threshold]
        for f in applied:
            s, e = f["byte_start"], f["byte_end"]
            hit = [t for t in ts if t["start"] < e and s < t["end"]]
            if not hit:
                bump("original_changed")
            elif len(hit) > 1:
                bump("two_as_one")
            elif (hit[0]["start"], hit[0]["end"]) != (s, e):
                bump("span_mismatch")
            elif f["suggestion"].lower() == hit[0]["original"].lower():
                bump("right")
            else:
                bump("wrong_key")
        for t in ts:
            f = exact.get((t["start"], t["end"]))
            if f is not None and f["confidence"] >= threshold:
                continue
            if any(g["byte_start"] < t["end"] and t["start"] < g["byte_end"] for g in applied):
                continue  # counted above, as a span error
            if f is None:
                bump("not_found")
            elif f["suggestion"].lower() == t["original"].lower():
                bump("below_right")
            else:
                bump("below_wrong")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--despin", required=True)
    ap.add_argument("--table", required=True)
    ap.add_argument("--corpus", action="append")
    ap.add_argument("--work", default="/work/sim/run")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shuffle", action="store_true")
    ap.add_argument("--file-order", action="store_true",
                    help="spin with simulate.py --file-order (the earlier line wins, not the longer match)")
    ap.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8,0.9")
    ap.add_argument("--default-threshold", type=float, default=0.5)
    ap.add_argument("--score", default="/work/shared/eval/score.py")
    ap.add_argument("--json")
    ap.add_argument("--no-default-dict", action="store_true",
                    help="use the imported table alone (default: layered above the defaults)")
    a = ap.parse_args()
    corpora = a.corpus or ["/work/clean/news", "/work/clean/handbook", "/work/clean/austen"]
    score = load_score(a.score)
    mode = "shuffle" if a.shuffle else "normal"
    work = os.path.join(a.work, mode)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    fst = os.path.join(work, "table.fst")
    imp = [a.despin, "dict", "import", "--format", "pipe", "--name", "sim", a.table, "-o", fst]
    if a.shuffle:
        imp.insert(3, "--shuffle")
    print(run(imp).stderr.strip(), file=sys.stderr)
    sim = [sys.executable, os.path.join(HERE, "simulate.py"), "--table", a.table,
           "--seed", str(a.seed)] + (["--shuffle"] if a.shuffle else []) + (
               ["--file-order"] if a.file_order else [])
    dict_args = ["--dict", fst] + (["--no-default-dict"] if a.no_default_dict else [])
    result = {"mode": mode, "table": a.table, "corpora": corpora, "curve": [], "clean": {}}
    thresholds = [float(x) for x in a.thresholds.split(",")]
    totals = {t: dict(sys_changes=0, sys_good=0, gold_changes=0, gold_hit=0) for t in thresholds}
    clean_changes = clean_words = 0
    errors = {t: {} for t in thresholds}
    for c in corpora:
        name = os.path.basename(c.rstrip("/"))
        spun_dir = os.path.join(work, "spun", name)
        truth_path = os.path.join(work, f"truth-{name}.jsonl")
        r = subprocess.run(sim + ["--truth", truth_path, c, "-o", spun_dir],
                           capture_output=True, text=True)
        if r.returncode:
            sys.exit(r.stderr)
        print(f"{name}: {r.stderr.strip()}", file=sys.stderr)
        for t in thresholds:
            out = os.path.join(work, f"fixed-{t}", name)
            run([a.despin, "fix", *dict_args, "--min-confidence", str(t), spun_dir, "--out", out])
            for rel in txt_files(c):
                s = score.score(score.toks(os.path.join(spun_dir, rel)),
                                score.toks(os.path.join(c, rel)),
                                score.toks(os.path.join(out, rel)))
                for k in totals[t]:
                    totals[t][k] += s[k]
        scan = run([a.despin, "scan", *dict_args, "--format", "json", "--min-confidence", "0",
                    spun_dir]).stdout
        findings = {}
        for line in scan.splitlines():
            f = json.loads(line)
            findings.setdefault(os.path.relpath(f["path"], spun_dir), []).append(f)
        truth = {}
        with open(truth_path, encoding="utf-8") as tf:
            for line in tf:
                t = json.loads(line)
                truth.setdefault(t["file"], []).append(t)
        for t in thresholds:
            for k, v in breakdown(truth, findings, t).items():
                errors[t][k] = errors[t].get(k, 0) + v
        out = os.path.join(work, "clean-fixed", name)
        run([a.despin, "fix", *dict_args, "--min-confidence", str(a.default_threshold), c,
             "--out", out])
        n_changes = n_words = 0
        for rel in txt_files(c):
            orig = score.toks(os.path.join(c, rel))
            n_changes += score.dist(orig, score.toks(os.path.join(out, rel)))
            n_words += sum(1 for x in orig if x[0].isalnum())
        result["clean"][name] = dict(changes=n_changes, words=n_words,
                                     per_1k=round(1000 * n_changes / max(n_words, 1), 2))
        clean_changes += n_changes
        clean_words += n_words
    for t in thresholds:
        s = totals[t]
        p = s["sys_good"] / s["sys_changes"] if s["sys_changes"] else 0.0
        r = s["gold_hit"] / s["gold_changes"] if s["gold_changes"] else 0.0
        f = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
        result["curve"].append(dict(threshold=t, precision=round(p, 3), recall=round(r, 3),
                                    f05=round(f, 3), **s, errors=errors[t]))
    result["clean"]["all"] = dict(changes=clean_changes, words=clean_words,
                                  per_1k=round(1000 * clean_changes / max(clean_words, 1), 2))
    print(f"mode {mode}; table {a.table}")
    print("threshold  precision  recall  F0.5   (system changes / gold changes)")
    for row in result["curve"]:
        mark = " <- default" if row["threshold"] == a.default_threshold else ""
        print(f"  {row['threshold']:.2f}     {row['precision']:.3f}     {row['recall']:.3f}   "
              f"{row['f05']:.3f}  ({row['sys_changes']} / {row['gold_changes']}){mark}")
    print("error breakdown (findings applied | replacements not repaired):")
    print("  thr   right  wrong-key  orig-changed  two-as-one  span  | below(right)  below(wrong)"
          "  not-found")
    for row in result["curve"]:
        e = row["errors"]
        print(f"  {row['threshold']:.2f}  " + "  ".join(
            f"{e.get(k, 0):>{w}}" for k, w in [
                ("right", 5), ("wrong_key", 9), ("original_changed", 12), ("two_as_one", 10),
                ("span_mismatch", 4)]) + "  | " + "  ".join(
            f"{e.get(k, 0):>{w}}" for k, w in [
                ("below_right", 12), ("below_wrong", 12), ("not_found", 9)]))
    print("clean text changed per 1,000 words at the default threshold:")
    for k, v in result["clean"].items():
        print(f"  {k}: {v['per_1k']} ({v['changes']} in {v['words']} words)")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
