#!/usr/bin/env bash
# Scan throughput and startup of despin against ripgrep, typos and codespell, on one machine
# in one run, on two corpora: the mostly clean one of earlier releases and a spun-heavy one
# (a finding every 6-10 words in four documents of five, plus two large files). Prints one
# Markdown table per corpus. From a clone of the repository:
#
#   benches/compare.sh                      # quick: 100 MB in 10,000 files
#   SIZE_MB=1000 FILES=100000 benches/compare.sh   # the full run: 1 GB in 100,000 files
#
# Settings (environment): SIZE_MB (corpus size, default 100), FILES (default SIZE_MB*100, so
# files average 10 KB), THREADS (default "1 2"), ENTRIES (synthetic dictionary size for the
# startup test, default 1000000), WORK (where corpus and dictionaries go, default
# /tmp/despin-compare; outside any git tree so no tool skips it by .gitignore), RG_MEM_MB
# (address-space cap for ripgrep on the 1,000,000 patterns, default 8000: it can use many GB).
#
# The corpora are generated deterministically by benches/make_corpus.py from a word list and
# the phrases of the default dictionaries (no third-party text); CORPORA="clean spun-heavy"
# (the default) picks which are measured. ripgrep gets those phrases
# as PHRASES (`rg -c -i -w -F -f PHRASES`); typos and codespell check spelling, a different
# job, and are there as reference points for scanning speed. Tools that are not installed
# are skipped (install: apt-get install ripgrep hyperfine; cargo install typos-cli;
# pip install codespell). Wall-clock numbers need an otherwise idle machine; CPU seconds
# (user + system) are also reported, since they hold up better on a shared one.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${SIZE_MB:-100}
FILES=${FILES:-$((SIZE_MB * 100))}
THREADS=${THREADS:-"1 2"}
ENTRIES=${ENTRIES:-1000000}
WORK=${WORK:-/tmp/despin-compare}
RG_MEM_MB=${RG_MEM_MB:-8000}
CORPORA=${CORPORA:-"clean spun-heavy"}

have() { command -v "$1" >/dev/null 2>&1; }
if ! have /usr/bin/time; then
    echo "compare.sh needs GNU time (/usr/bin/time, Debian package 'time')" >&2
    exit 2
fi

cargo build --release --quiet --bin despin --example synth_dict
mkdir -p "$WORK/bin"
# Copies, so a rebuild during a long run does not change what is measured.
cp target/release/despin target/release/examples/synth_dict "$WORK/bin/"
DESPIN=$WORK/bin/despin
SYNTH=$WORK/bin/synth_dict

PHRASES=$WORK/phrases.txt
python3 benches/make_corpus.py --out "$WORK/phrases-only" --files 0 --phrases "$PHRASES" \
    dictionaries/MANIFEST.csv

# Batch mode (`despin scan DIR --threads N`) when this build has it; otherwise file
# arguments split over N processes.
if "$DESPIN" scan --help | grep -q -- '--threads'; then
    DESPIN_MODE="despin scan DIR --threads N"
    despin_cmd() { echo "$DESPIN scan --threads $1 $CORPUS"; }
else
    DESPIN_MODE="despin scan FILE... (xargs -P N)"
    despin_cmd() {
        echo "sh -c 'find $CORPUS -type f -print0 | xargs -0 -P $1 -n $((FILES / 50 + 1)) $DESPIN scan'"
    }
fi

# measure NAME THREADS COMMAND: wall seconds, CPU seconds (user + system, all processes) and
# peak RSS (largest single process), appended to $RESULTS.
measure() {
    local name=$1 threads=$2 cmd=$3 out
    out=$(mktemp)
    /usr/bin/time -f '%e %U %S %M' -o "$out" sh -c "$cmd" >/dev/null 2>&1 || true
    # GNU time puts "Command exited with non-zero status N" first when a tool reports
    # findings through its exit code.
    read -r secs user sys rss_kb < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$out" | tail -1)
    rm -f "$out"
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$threads" "$secs" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$rss_kb" >>"$RESULTS"
    echo "  $name, $threads thread(s): ${secs}s" >&2
}

# measure_corpus KIND: generate the corpus of that kind (once) and print its table.
measure_corpus() {
    local kind=$1 extra=()
    CORPUS=$WORK/corpus-$kind-${SIZE_MB}mb-${FILES}files
    if [ "$kind" = spun-heavy ]; then
        # Two large files of a tenth of the corpus each among the small ones.
        extra=(--spun-heavy --large 2 --large-mb "$(awk -v m="$SIZE_MB" 'BEGIN {print m / 10}')")
    fi
    if [ ! -f "$CORPUS.done" ]; then
        echo "generating $CORPUS ..." >&2
        rm -rf "$CORPUS"
        python3 benches/make_corpus.py --out "$CORPUS" --size-mb "$SIZE_MB" --files "$FILES" \
            "${extra[@]}" dictionaries/MANIFEST.csv
        touch "$CORPUS.done"
    fi
    BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
    MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b / 1e6}')
    # Read everything once so every tool sees the same warm page cache.
    find "$CORPUS" -type f -print0 | xargs -0 cat >/dev/null
    RESULTS=$WORK/results-$kind.tsv
    : >"$RESULTS"
    echo "scanning the $kind corpus, $MB MB in $FILES files ..." >&2
    for t in $THREADS; do
        measure despin "$t" "$(despin_cmd "$t")"
        if have rg; then
            measure "rg -c -i -w -F -f" "$t" "rg --no-ignore -c -i -w -F -f $PHRASES -j $t $CORPUS"
        fi
        if have typos; then
            measure typos "$t" "typos --no-ignore --format brief --threads $t $CORPUS"
        fi
        if have codespell; then
            measure codespell "$t" \
                "find $CORPUS -type f -print0 | xargs -0 -P $t -n $((FILES / 50 + 1)) codespell"
        fi
    done
    local findings
    # scan exits 1 when it finds something.
    findings=$({ "$DESPIN" scan --threads 2 --format brief "$CORPUS" 2>/dev/null || true; } | wc -l)
    echo
    echo "Corpus \`$kind\`: $MB MB in $FILES files (benches/make_corpus.py ${extra[*]}," \
        "SIZE_MB=$SIZE_MB FILES=$FILES), $findings findings," \
        "$(wc -l <"$PHRASES") phrases; $(nproc) cores; despin as: $DESPIN_MODE."
    echo
    echo "| tool | threads | seconds | MB/s | vs rg | CPU seconds | vs rg (CPU) | peak RSS (MB) |"
    echo "|------|--------:|--------:|-----:|------:|------------:|------------:|--------------:|"
    awk -F'\t' -v mb="$MB" '
        { name[NR] = $1; th[NR] = $2; s[NR] = $3; cpu[NR] = $4; rss[NR] = $5
          if ($1 ~ /^rg /) { rg[$2] = $3; rgcpu[$2] = $4 } }
        END {
            for (i = 1; i <= NR; i++) {
                speed = s[i] > 0 ? mb / s[i] : 0
                ratio = (th[i] in rg && s[i] > 0) ? sprintf("%.1fx", rg[th[i]] / s[i]) : "-"
                cratio = (th[i] in rgcpu && cpu[i] > 0) ? sprintf("%.1fx", rgcpu[th[i]] / cpu[i]) : "-"
                printf "| %s | %s | %.2f | %.1f | %s | %.2f | %s | %.0f |\n", name[i], th[i], s[i], speed, ratio, cpu[i], cratio, rss[i] / 1024
            }
        }' "$RESULTS"
    first_t=$(echo "$THREADS" | awk '{print $1}')
    last_t=$(echo "$THREADS" | awk '{print $NF}')
    awk -F'\t' -v a="$first_t" -v b="$last_t" '
        $1 == "despin" && $2 == a { s1 = $3 }
        $1 == "despin" && $2 == b { s2 = $3 }
        END { if (a != b && s2 > 0) printf "\ndespin %s threads vs %s: %.2fx\n", b, a, s1 / s2 }' "$RESULTS"
}

for kind in $CORPORA; do
    measure_corpus "$kind"
done

# Startup with a large dictionary: process start to first finding, on a two-line text whose
# second line holds one of the synthetic phrases.
BIG=$WORK/synth-$ENTRIES.fst
BIG_PHRASES=$WORK/synth-$ENTRIES.txt
if [ ! -f "$BIG" ]; then
    echo "building a synthetic dictionary of $ENTRIES entries ..." >&2
    "$SYNTH" "$ENTRIES" "$BIG.tmp" "$BIG_PHRASES" >"$WORK/synth-first.txt"
    mv "$BIG.tmp" "$BIG"
fi
FIRST=$WORK/first.txt
printf 'A short note.\nThey spoke of %s today.\n' "$(cat "$WORK/synth-first.txt")" >"$FIRST"
# Median of 21 runs, in milliseconds.
median_ms() {
    local i start end
    for i in $(seq 21); do
        start=$(date +%s%N)
        sh -c "$1" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        echo $(((end - start) / 1000))
    done | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}
echo
echo "Startup with a synthetic dictionary of $ENTRIES entries ($(du -m "$BIG" | cut -f1) MB compiled):"
echo
echo "| tool | start to first finding | peak RSS (MB) |"
echo "|------|-----------------------:|--------------:|"
d_ms=$(median_ms "$DESPIN scan --no-default-dict --dict $BIG $FIRST")
out=$(mktemp)
/usr/bin/time -f '%M' -o "$out" "$DESPIN" scan --no-default-dict --dict "$BIG" "$FIRST" \
    >/dev/null 2>&1 || true
echo "| despin (memory-mapped FST) | ${d_ms} ms (median of 21) | $(($(tail -1 "$out") / 1024)) |"
if have rg; then
    err=$(mktemp)
    code=0
    /usr/bin/time -f '%e %M' -o "$out" sh -c \
        "ulimit -v $((RG_MEM_MB * 1024)); exec rg --no-ignore -c -i -w -F -f $BIG_PHRASES $FIRST" \
        >/dev/null 2>"$err" || code=$?
    read -r secs rss_kb < <(grep -E '^[0-9.]+ [0-9]+$' "$out" | tail -1)
    # rg exits 0 when it finds a match; anything else means it did not get there.
    if [ "$code" = 0 ]; then
        status="${secs} s"
    else
        status="no result, exit $code after ${secs} s: $(grep -v '^Command' "$err" | head -c 100 | tr '\n' ' ')"
    fi
    echo "| rg -c -i -w -F -f (same phrases, ${RG_MEM_MB} MB cap) | $status | $((rss_kb / 1024)) |"
    rm -f "$err"
fi
rm -f "$out"
