"""Time vaderSentiment's polarity_scores per sentence, one thread.

Usage: python3 benches/vader_time.py SENTENCES.txt OUT [COMPOUND.txt]

SENTENCES.txt has one sentence per line. Prints the median µs per sentence
over $STANCE_BENCH_REPS passes (default 3, after one untimed warm-up pass)
and writes `vadersentiment_us VALUE` to OUT. Given COMPOUND.txt (vader-parity's
compound scores, one per line, written by the vader_compare bench), also
prints on how many sentences the compound scores agree. Run by
benches/vader_compare.sh.
"""

import os
import statistics
import sys
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer


def main():
    path, out = sys.argv[1], sys.argv[2]
    reps = max(1, int(os.environ.get("STANCE_BENCH_REPS") or 3))
    with open(path, encoding="utf-8", newline="") as f:
        sentences = f.read().split("\n")
    if sentences and sentences[-1] == "":
        sentences.pop()
    analyzer = SentimentIntensityAnalyzer()
    polarity = analyzer.polarity_scores

    def one_pass():
        start = time.perf_counter()
        for s in sentences:
            polarity(s)
        return time.perf_counter() - start

    one_pass()
    secs = statistics.median(one_pass() for _ in range(reps))
    us = secs * 1e6 / len(sentences)
    print(f"vaderSentiment polarity_scores: {us:8.2f} µs/sentence (Python {sys.version.split()[0]})")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"vadersentiment_us {us}\n")

    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as f:
            theirs = [float(x) for x in f.read().split()]
        same = sum(
            abs(polarity(s)["compound"] - c) < 1e-9 for s, c in zip(sentences, theirs)
        )
        print(f"vader-parity and vaderSentiment agree on compound for {same}/{len(sentences)} sentences")


if __name__ == "__main__":
    main()
