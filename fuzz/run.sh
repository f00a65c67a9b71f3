#!/usr/bin/env bash
# Runs one fuzz target (nightly + cargo-fuzz): ./run.sh TARGET [SECONDS]
#
# Seeds are written here (made-up text, no binary files in the repository)
# into corpus/TARGET, which libFuzzer then grows; crashes land in
# artifacts/TARGET. Both are git-ignored. Minimised crashing inputs worth
# keeping go to regressions/TARGET and are replayed by:
#   cargo +nightly fuzz run TARGET regressions/TARGET -- -runs=0
# (CPU-heavy: one target at a time; `nice` is used so others keep working.)
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: ./run.sh TARGET [SECONDS]}
seconds=${2:-600}
seeds=corpus/$target
mkdir -p "$seeds"

# The reader targets take a first byte of flags: bit 0 = gzip, bits 1-2 =
# --max-doc-bytes (8, 64, 1024, 1 MiB), bit 3 (csv_reader) = TSV.
case $target in
text_pipeline)
  cat > "$seeds/story" <<'TXT'
SEOUL, March 3 (Wire) -- North Korea sharply condemned the joint drills by Seoul and Washington on Tuesday, calling them a "rehearsal for invasion," the state news agency KCNA said.
Advertisement
The U.S. State Dept. said it did not rule out talks, but warned Pyongyang against further launches.
Although Tokyo welcomed the offer, Mr. Kim's sister called the envoy a ‘thug’.
Read more
TXT
  printf 'Ms. Lee met U.S. envoys at 10 a.m. Tuesday... The talks ended!? (Officials said: "no deal.")\n\n\xe2\x80\x9cWe will never allow it,\xe2\x80\x9d the ministry said; China\xe2\x80\x99s envoy agreed.' > "$seeds/quotes"
  ;;
jsonl_reader)
  printf '\x06{"id": "w1", "date": "2022-03-01", "text": "Seoul welcomed the talks.", "desk": "asia"}\n{"id": 2, "date": 2021, "text": "Japan protested.", "page": 3, "front": true}\n{"date": "Jan. 9, 2021", "text": "No id.", "score": NaN}\nnot json\n{"id": "x", "body": "no text"}\n' > "$seeds/feed"
  printf '\x02{"id": "w1", "date": "2022-03-01T23:30:00-05:00", "text": "Pyongyang condemned \\u201cthe drills\\u201d."}\n\xef\xbb\xbf{"text": "caf\xe9"}\n[1, 2]\n' > "$seeds/flags"
  { printf '\x07'; printf '{"id": "z", "text": "Seoul protested."}\n' | gzip -c; } > "$seeds/gzipped"
  ;;
csv_reader)
  printf '\x06id,date,text,desk\nc1,2021-01-08,"A quoted, comma text",asia\nc2,8 Jan 2021,"He said ""no"".",\nc3,bad date,text,x\nc4,2021,too,many,fields\nc5,2021-02,"open quote\nc6,x,y,z\n' > "$seeds/wire"
  printf '\x0eid\tdate\ttext\nt1\t2024-02-29\tTabbed, with comma\n' > "$seeds/tabs"
  printf '\x02\xef\xbb\xbfid,text\r\na,"multi\r\nline"\r\n' > "$seeds/crlf"
  ;;
txt_reader)
  printf '\x06\xef\xbb\xbfCaf\xc3\xa9 talks resumed.\n' > "$seeds/bom"
  printf '\x06\xff\xfeS\x00e\x00o\x00u\x00l\x00' > "$seeds/utf16"
  printf '\x06Caf\xe9 \x93talks\x94 \x96 \x80 5' > "$seeds/cp1252"
  { printf '\x07'; printf 'Seoul protested. Tokyo welcomed the talks.' | gzip -c; } > "$seeds/gzipped"
  ;;
lexicon_parser)
  # actors.csv, tone.csv, modifiers.csv and boilerplate.txt, NUL-separated.
  actors='id,name,kind,parent,alias,case,valid_from,valid_to
PRK,North Korea,state,,North Korea,cap,,
PRK,North Korea,state,,Pyongyang,cap,,
PRK_KCNA,KCNA,media,PRK,KCNA,exact,,
PRK_KIM,Kim Jong Un,person,PRK,Kim,cap,2011-12-17,
KOR,South Korea,state,,Seoul,cap,,
USA,United States,state,,U.S.,exact,,
USA_BIDEN,Joe Biden,person,USA,Biden,cap,2021-01-20,2025-01-20
'
  tone='term,weight,category
condemn*,-2,disapprove
welcom*,2,praise
talks,1,consult
thug,-3,insult
lift sanctions,3,cooperate
fire* ... missile*,-3,assault
'
  modifiers='word,kind,factor
not,negator,-0.8
sharply,intensifier,1.4
somewhat,dampener,0.6
but,contrast,1.5
although,concession,0.5
said,speech,1
we,self,1
'
  boilerplate='# noise
Advertisement
Read more*
'
  printf '%s\0%s\0%s\0%s' "$actors" "$tone" "$modifiers" "$boilerplate" > "$seeds/small"
  printf '%s' "$actors" > "$seeds/actors-only"
  printf '%s\0%speace,nan,x\n' "$actors" "$tone" > "$seeds/bad-weight"
  ;;
*)
  echo "unknown target $target" >&2
  exit 2
  ;;
esac

regressions=()
if [ -d "regressions/$target" ]; then
  regressions=("regressions/$target")
fi
exec nice -n 19 cargo +nightly fuzz run "$target" "$seeds" "${regressions[@]}" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
