#!/usr/bin/env bash
# Peak memory on one large plain-text file: generates a file of MB megabytes (news-like
# prose from a fixed word list, paragraphs of a few lines, a dictionary phrase in most
# sentences; deterministic, no third-party text) and runs, with /usr/bin/time -v,
#   despin fix FILE -o OUT, despin fix DIR --out OUTDIR, despin scan --summary FILE,
# printing wall time and peak RSS of each, and checking the two fixed copies are identical.
# Plain text above the scanner's piece size (8 MiB) is streamed, so peak RSS should stay
# a few pieces whatever MB is.
#
#   benches/memory.sh                  # 1024 MB, one thread per core
#   MB=200 THREADS=1 benches/memory.sh # -j 1 (pieces scanned one at a time)
#   KEEP=1 WORK=/tmp/despin-mem benches/memory.sh   # keep the generated file
set -euo pipefail
cd "$(dirname "$0")/.."

MB=${MB:-1024}
THREADS=${THREADS:-0}
WORK=${WORK:-$(mktemp -d /tmp/despin-mem.XXXXXX)}
mkdir -p "$WORK/in"
FILE=$WORK/in/big.txt

cargo build --release --quiet
DESPIN=$PWD/target/release/despin

if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" -lt $((MB * 1000000)) ]; then
    echo "generating $MB MB in $FILE" >&2
    python3 - "$FILE" "$MB" <<'PY'
import random, sys
path, mb = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
words = ("the of and to in that was for on government minister report officials week "
         "market prices rose fell talks council study data results people workers energy").split()
spun = ["final yr", "Center East", "nationwide safety", "counterfeit consciousness",
        "a direct ceasefire", "mentioned", "Top diplomats"]
block = []
for p in range(400):
    sentences = []
    for s in range(rng.randint(3, 8)):
        w = [rng.choice(words) for _ in range(rng.randint(8, 20))]
        w.insert(rng.randrange(len(w)), rng.choice(spun))
        sentences.append(" ".join(w).capitalize() + ".")
    block.append(" ".join(sentences) + "\r\n\r\n")
block = "".join(block).encode()
target = mb * 1000000
with open(path, "wb") as f:
    f.write("\ufeff".encode())
    written = 3
    while written < target:
        f.write(block)
        written += len(block)
PY
fi
ls -l "$FILE" >&2

measure() {
    local name=$1
    shift
    /usr/bin/time -v "$@" > "$WORK/stdout" 2> "$WORK/time" || true
    local rss secs
    rss=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$WORK/time")
    secs=$(awk '/Elapsed \(wall clock\)/ {print $NF}' "$WORK/time")
    printf '| %-34s | %10s | %8d MB |\n' "$name" "$secs" $((rss / 1024))
}

printf '| %-34s | %10s | %11s |\n|---|---:|---:|\n' run "wall" "peak RSS"
J=(-j "$THREADS")
measure "despin fix FILE -o OUT" "$DESPIN" fix "$FILE" -o "$WORK/fixed.txt" --quiet "${J[@]}"
measure "despin fix DIR --out OUTDIR" "$DESPIN" fix "$WORK/in" --out "$WORK/out" --quiet "${J[@]}"
measure "despin scan --summary FILE" "$DESPIN" scan --summary "$FILE" "${J[@]}"
if cmp -s "$WORK/fixed.txt" "$WORK/out/big.txt"; then
    echo "fix -o and fix --out outputs identical" >&2
else
    echo "fix -o and fix --out outputs DIFFER" >&2
    exit 1
fi
[ -n "${KEEP:-}" ] || rm -rf "$WORK"
