#!/usr/bin/env bash
# Review page bench: generates FILES articles with about FINDINGS findings in all (spun
# phrases written for this bench, no third-party text), builds the page with
# `despin review`, then loads it in headless Chromium and reports:
#   * the page size and the time `despin review` took;
#   * load: the wall time of `chromium --headless --dump-dom` on the page, beside the same
#     for an empty page (browser start-up), and the page's own time from navigation to
#     ready (performance.now() when its script finished: parsing, JSON, first render);
#   * navigation: the mean time of one "next finding" step over the first 1,000 findings
#     (the page moves through them itself with `#bench` in its URL, crossing files).
#
#   benches/review_page.sh                    # 500 files, 5,000 findings
#   FILES=2000 FINDINGS=20000 benches/review_page.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${FILES:-500}
FINDINGS=${FINDINGS:-5000}
RUNS=${RUNS:-5}
WORK=${WORK:-$(mktemp -d /tmp/despin-review-bench.XXXXXX)}
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 2; }

cargo build --release --quiet
DESPIN=$PWD/target/release/despin

rm -rf "$WORK/corpus"
python3 - "$WORK/corpus" "$FILES" "$FINDINGS" <<'PY'
import os, random, sys
root, files, findings = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
# Spun phrases of the embedded `news` dictionary, each inside a sentence written here.
spun = ["final yr", "the Center East", "nationwide safety adviser", "spending invoice",
        "counterfeit consciousness", "White Home", "in keeping with a press release"]
filler = ("The committee met on Tuesday to discuss the budget and the schedule for the "
          "coming months, and members asked for more time to read the proposal.").split()
per_file = max(1, findings // files)
os.makedirs(root, exist_ok=True)
for i in range(files):
    parts = []
    for k in range(per_file):
        words = rng.sample(filler, 12)
        words.insert(rng.randrange(len(words)), rng.choice(spun))
        parts.append(" ".join(words).capitalize() + ".")
        if k % 3 == 2:
            parts.append("\n\n")
    with open(os.path.join(root, f"article-{i:05}.txt"), "w", encoding="utf-8") as f:
        f.write(" ".join(parts) + "\n")
PY

cd "$WORK"
start=$(date +%s.%N)
"$DESPIN" review corpus -o review.html -q || [ $? -eq 1 ]
end=$(date +%s.%N)
found=$(python3 -c 'import json,re,sys; s=open("review.html",encoding="utf-8").read(); d=json.loads(s.split("id=\"despin-data\">",1)[1].split("</script>",1)[0]); print(len(d["findings"]), len(d["docs"]))')
echo "page: $(stat -c %s review.html) bytes, findings and files: $found, despin review: $(python3 -c "print(round($end-$start,2))") s"
echo '<!DOCTYPE html><title>empty</title>' > empty.html

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --window-size=1280,800)
# Wall seconds of one --dump-dom run; the DOM goes to $2.
dump() {
    local prof
    prof=$(mktemp -d "$WORK/profile.XXXXXX")
    local t0 t1
    t0=$(date +%s.%N)
    "$CHROMIUM" "${flags[@]}" --user-data-dir="$prof" --dump-dom "$1" > "$2" 2>/dev/null
    t1=$(date +%s.%N)
    rm -rf "$prof"
    python3 -c "print(round($t1-$t0,3))"
}
attr() { grep -o "data-$1=\"[0-9.]*\"" "$2" | head -1 | cut -d'"' -f2; }

for run in $(seq "$RUNS"); do
    empty=$(dump "file://$WORK/empty.html" dom-empty.html)
    page=$(dump "file://$WORK/review.html#bench" dom.html)
    echo "run $run: chromium wall ${page} s (empty page ${empty} s); page ready at $(attr ready-ms dom.html) ms; $(attr bench-steps dom.html) next-finding steps at $(attr bench-step-ms dom.html) ms each"
done
