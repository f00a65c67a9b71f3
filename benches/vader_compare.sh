#!/usr/bin/env bash
# Per-sentence time, one thread, on the same 10,000 sentences, of
#   (a) Python vaderSentiment's SentimentIntensityAnalyzer.polarity_scores,
#   (b) the vader-parity crate's polarity_scores (a Rust port of (a)),
#   (c) stancemeter's Scorer::score_sentence,
#   (d) stancemeter's Scorer::score_sentence_into, into one reused result,
#   (e) a floor for any word-by-word lexicon scorer: lower-case the sentence,
#       split it into words, look each up once in a hash set of the
#       lexicons' first words (no scoring),
# and the ratios (targets: stance ≥ 100× as fast as a, ≥ 5× as fast as b),
# and how much of the time that 100× leaves (e) alone takes.
#
# Sentences: every 100th speech of ../shared/corpus/ungdc.jsonl.gz, or
# examples/news when ../shared is absent, split by `stance score --sentences`;
# the first 10,000 (STANCE_VADER_N) are kept in a temporary directory.
# (a) is skipped with a message when python3 or vaderSentiment is missing;
# install it with:  python3 -m pip install vaderSentiment==3.3.2
#
# Usage: bash benches/vader_compare.sh    (STANCE_BENCH_REPS=n passes each, default 7)
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ungdc=../shared/corpus/ungdc.jsonl.gz
if [[ -f $ungdc ]]; then
    echo "sentences from every 100th speech of $ungdc"
    gzip -dc "$ungdc" | awk 'NR % 100 == 1' >"$tmp/sample.jsonl"
    input=$tmp/sample.jsonl
else
    echo "$ungdc not found: sentences from examples/news instead"
    input=examples/news
fi

cargo build --release --quiet --bin stance
"${CARGO_TARGET_DIR:-target}"/release/stance score "$input" --sentences --raw-cells --period all -q --force -o "$tmp/out"

echo
STANCE_VADER_CSV=$tmp/out/sentences.csv \
    STANCE_VADER_TXT=$tmp/sentences.txt \
    STANCE_VADER_OUT=$tmp/rust.txt \
    cargo bench --quiet --bench vader_compare

if ! command -v python3 >/dev/null; then
    echo "python3 not found: skipping vaderSentiment (a)"
    exit 0
fi
if ! python3 -c 'import vaderSentiment' 2>/dev/null; then
    echo "Python package vaderSentiment not installed: skipping (a)."
    echo "Install it with: python3 -m pip install vaderSentiment==3.3.2"
    exit 0
fi
python3 benches/vader_time.py "$tmp/sentences.txt" "$tmp/python.txt" "$tmp/rust.txt.compound"

echo
cat "$tmp/rust.txt" "$tmp/python.txt" | awk '
    { us[$1] = $2 }
    END {
        a = us["vadersentiment_us"]; b = us["vader_parity_us"]; c = us["stance_us"]; d = us["stance_into_us"]
        e = us["floor_us"]
        print "per sentence, one thread              time     score_sentence is   score_sentence_into is"
        printf "(a) vaderSentiment (Python)       %8.2f µs   %6.1f× as fast        %6.1f× as fast (target ≥ 100×)\n", a, a / c, a / d
        printf "(b) vader-parity (Rust)           %8.2f µs   %6.1f× as fast        %6.1f× as fast (target ≥ 5×)\n", b, b / c, b / d
        printf "(c) stance Scorer::score_sentence      %8.2f µs\n", c
        printf "(d) stance Scorer::score_sentence_into %8.2f µs (one reused result)\n", d
        printf "(e) floor: lower-case, split, look up  %8.2f µs (no scoring at all)\n", e
        printf "100× vaderSentiment leaves %.2f µs a sentence; the floor (e) alone takes %.0f%% of it\n", a / 100, 100 * e / (a / 100)
    }'
