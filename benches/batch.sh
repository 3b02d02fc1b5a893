#!/usr/bin/env bash
# Batch throughput bench: builds a synthetic corpus of scraped-looking articles (text, HTML,
# Markdown, JSON Lines; a few percent of sentences carry dictionary phrases), then measures
# `despin scan` and `despin fix --out` at 1 and 2 threads (files/s, MB/s, peak RSS via
# /usr/bin/time -v) and `rg -c -i -w -F -f PHRASES` on the same files for comparison.
#
#   benches/batch.sh                  # 20,000 files, ~100 MB
#   FILES=100000 MB=500 benches/batch.sh
#   KEEP=1 WORK=/tmp/despin-bench benches/batch.sh   # keep the corpus between runs
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-20000}
MB=${MB:-100}
WORK=${WORK:-$(mktemp -d /tmp/despin-bench.XXXXXX)}
CORPUS=$WORK/corpus
PHRASES=$WORK/phrases.txt
mkdir -p "$WORK"

cargo build --release --quiet
DESPIN=$PWD/target/release/despin

# The dictionaries' spun phrases, one per line (what rg searches for).
python3 benches/make_corpus.py --out "$WORK/phrases-only" --files 0 --phrases "$PHRASES" \
    dictionaries/MANIFEST.csv

if [ ! -f "$CORPUS/.complete" ] || [ "$(cat "$CORPUS/.complete")" != "$FILES $MB" ]; then
    rm -rf "$CORPUS"
    echo "building corpus: $FILES files, ~$MB MB in $CORPUS" >&2
    python3 - "$CORPUS" "$FILES" "$MB" "$PHRASES" <<'PY'
import json, os, random, sys
root, files, mb, phrases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = random.Random(42)
spun = [l.strip() for l in open(phrases, encoding="utf-8") if l.strip()]
words = ("the of and to in a is that for it as was with be by on not he this are or his "
         "from at which but have an they you were her she there been one all we their has "
         "would when if so no will more can out up about into them some could time only new "
         "these two may first then do any like my now over such our man me even most made "
         "after also did many before must through back years where much your way well down "
         "should because each just those people how too little state good very make world "
         "still own see men work long get here between both life being under never day same "
         "another know while last might us great old year off come since against go came "
         "right used take three government market research study results analysis").split()
per_file = mb * 1_000_000 // files

def sentence():
    n = rng.randint(8, 22)
    ws = [rng.choice(words) for _ in range(n)]
    if rng.random() < 0.04:
        ws.insert(rng.randrange(n), rng.choice(spun))
    s = " ".join(ws)
    return s[0].upper() + s[1:] + "."

def article():
    paras, size = [], 0
    while size < per_file:
        p = " ".join(sentence() for _ in range(rng.randint(3, 7)))
        paras.append(p)
        size += len(p) + 2
    return paras

for i in range(files):
    d = os.path.join(root, f"site{i % 50:02d}", f"{i // 1000:03d}")
    os.makedirs(d, exist_ok=True)
    paras = article()
    kind = rng.random()
    if kind < 0.6:
        name, body = f"a{i:06d}.txt", "\n\n".join(paras) + "\n"
    elif kind < 0.8:
        name = f"a{i:06d}.html"
        body = ("<!DOCTYPE html><html><head><title>Article</title>"
                "<script>var t = 1;</script></head><body>\n"
                + "\n".join(f'<p class="x">{p}</p>' for p in paras) + "\n</body></html>\n")
    elif kind < 0.95:
        name = f"a{i:06d}.md"
        body = "# Article\n\n" + "\n\n".join(paras) + "\n\n```\ncode block\n```\n"
    else:
        name = f"a{i:06d}.jsonl"
        body = "".join(json.dumps({"id": k, "url": "https://x", "text": p}) + "\n"
                       for k, p in enumerate(paras))
    with open(os.path.join(d, name), "w", encoding="utf-8") as f:
        f.write(body)
open(os.path.join(root, ".complete"), "w").write(f"{files} {mb}")
PY
fi

BYTES=$(du -sb --exclude=.complete "$CORPUS" | cut -f1)
NFILES=$(find "$CORPUS" -type f ! -name .complete | wc -l)
printf 'corpus: %d files, %.1f MB; %d phrases\n' "$NFILES" "$(echo "$BYTES/1000000" | bc -l)" "$(wc -l < "$PHRASES")"

# Drop page-cache effects: one untimed read first.
cat $(find "$CORPUS" -type f | head -2000) > /dev/null 2>&1 || true
rg_bin=$(command -v rg || true)

measure() { # label, command...
    local label=$1; shift
    local log=$WORK/time.log
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || true
    local secs rss
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    printf '%-28s %8.2f s %10.0f files/s %8.1f MB/s %8.1f MB peak RSS\n' "$label" "$secs" \
        "$(echo "$NFILES/$secs" | bc -l)" "$(echo "$BYTES/1000000/$secs" | bc -l)" "$(echo "$rss/1024" | bc -l)"
}

for j in 1 2; do
    measure "despin scan -j$j" "$DESPIN" scan "$CORPUS" -j "$j" --quiet --format csv
done
for j in 1 2; do
    rm -rf "$WORK/out"
    measure "despin fix --out -j$j" "$DESPIN" fix "$CORPUS" --out "$WORK/out" -j "$j" --quiet
done
if [ -n "$rg_bin" ]; then
    for j in 1 2; do
        measure "rg -c -i -w -F -f (-j$j)" "$rg_bin" -c -i -w -F -f "$PHRASES" -j "$j" "$CORPUS"
    done
else
    echo "rg not found: skipping the ripgrep comparison (apt-get install ripgrep)" >&2
fi
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
