#!/usr/bin/env python3
"""Leave-one-out accuracy of pair learning on an evaluation set.

For each spun article NAME.txt (with NAME.reference.txt beside it) in EVAL_DIR, learn a
dictionary with `despin dict learn` from all OTHER pairs of the same spinner, then repair
NAME.txt with the embedded dictionaries plus that learned dictionary and score it with
`despin eval`. Counts are summed over articles (micro-average). Clean text (any number of
directories of .txt) is repaired with the dictionary learned from ALL pairs, as a user would
ship it, and changes per 1,000 words are reported.

usage: benches/loo_dev.py DESPIN EVAL_DIR [--clean DIR...] [--learn-clean DIR...] [-- extra fix args]
(LEARN_ARGS in the environment adds arguments to `despin dict learn`.)
"""
import glob, json, os, shutil, subprocess, sys, tempfile

def args_after(flag, argv):
    if flag not in argv:
        return []
    out = []
    for a in argv[argv.index(flag) + 1:]:
        if a.startswith("--"):
            break
        out.append(a)
    return out

def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    despin, evaldir = argv[0], argv[1]
    clean, learn_clean = args_after("--clean", argv), args_after("--learn-clean", argv)
    arts = []
    for txt in sorted(glob.glob(os.path.join(evaldir, "*.txt"))):
        if txt.endswith(".reference.txt"):
            continue
        base = txt[:-4]
        spinner = "A"
        meta = base + ".meta"
        if os.path.exists(meta):
            for line in open(meta, encoding="utf-8"):
                if line.startswith("spinner:"):
                    spinner = line.split(":", 1)[1].split()[0]
        arts.append((base, spinner))
    keys = ("sys_changes", "sys_good", "gold_changes", "gold_hit")
    tot = dict.fromkeys(keys, 0)
    per_spinner = {}
    work = tempfile.mkdtemp(prefix="despin-loo-")
    try:
        def learn(train, out):
            d = os.path.join(work, "train")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            for b, _ in train:
                shutil.copy(b + ".txt", d)
                shutil.copy(b + ".reference.txt", d)
            cmd = [despin, "dict", "learn", "--spun", d, "--original", d, "--into", out]
            if learn_clean:
                cmd += ["--clean", *learn_clean]
            cmd += os.environ.get("LEARN_ARGS", "").split()
            subprocess.run(cmd, check=True, capture_output=True)
        for base, spinner in arts:
            train = [a for a in arts if a[0] != base and a[1] == spinner]
            learned = os.path.join(work, "learned.csv")
            if train:
                learn(train, learned)
            else:  # the only article of its spinner: nothing to learn from
                open(learned, "w").write("spun,original\n")
            d = os.path.join(work, "test")
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            shutil.copy(base + ".txt", d)
            shutil.copy(base + ".reference.txt", d)
            p = subprocess.run([despin, "eval", "--spun", d, "--original", d, "--json", "--dict", learned, *extra],
                               check=True, capture_output=True, text=True)
            o = json.loads(p.stdout)["overall"]
            grp = per_spinner.setdefault(spinner, dict.fromkeys(keys, 0))
            for k in keys:
                tot[k] += o[k]
                grp[k] += o[k]
            print(f"{os.path.basename(base):34s} {spinner} P={o['precision']:.3f} R={o['recall']:.3f} F0.5={o['f05']:.3f}")
        def line(label, t):
            P = t["sys_good"] / t["sys_changes"] if t["sys_changes"] else 0
            R = t["gold_hit"] / t["gold_changes"] if t["gold_changes"] else 0
            F = 1.25 * P * R / (0.25 * P + R) if P + R else 0
            print(f"leave-one-out {label}: P={P:.3f} R={R:.3f} F0.5={F:.3f} ({t['sys_changes']} changes, {t['gold_changes']} gold)")
        for sp, t in sorted(per_spinner.items()):
            line(f"spinner {sp}", t)
        line("overall", tot)
        if clean:
            learned = os.path.join(work, "all.csv")
            learn(arts, learned)
            p = subprocess.run([despin, "eval", "--spun", arts[0][0] + ".txt", "--original", arts[0][0] + ".reference.txt",
                                "--clean", *clean, "--json", "--dict", learned, *extra], check=True, capture_output=True, text=True)
            o = json.loads(p.stdout)
            print(f"clean text: {o['clean_words']} words, {o['clean_changes']} changed = {o['clean_changes_per_1000_words']:.3f} per 1,000 words")
    finally:
        shutil.rmtree(work, ignore_errors=True)

if __name__ == "__main__":
    main()
