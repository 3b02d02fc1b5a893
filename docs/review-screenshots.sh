#!/usr/bin/env bash
# Regenerate docs/review-light.png and docs/review-dark.png: the review page of the shipped
# sample article (tests/fixtures/sample-article.txt, written for this repository) taken by
# headless Chromium at 1280x800. Needs chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || { echo "chromium not found (apt-get install chromium)" >&2; exit 2; }
cargo build --release --quiet
WORK=$(mktemp -d /tmp/despin-shots.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cp tests/fixtures/sample-article.txt "$WORK/"
(cd "$WORK" && "$OLDPWD/target/release/despin" review sample-article.txt -o review.html -q) || [ $? -eq 1 ]
for theme in light dark; do
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --user-data-dir="$WORK/profile-$theme" --window-size=1280,800 \
        --screenshot="$WORK/$theme.png" "file://$WORK/review.html#theme=$theme" 2>/dev/null
    cp "$WORK/$theme.png" "docs/review-$theme.png"
    echo "docs/review-$theme.png: $(stat -c %s "docs/review-$theme.png") bytes"
done
