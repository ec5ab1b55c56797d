#!/bin/bash
# One-shot NAS over NAS-Bench-201 on this CPU: train the supernet once (SPOS), grade its ranking
# against the table (hwnas_evaluate: Kendall tau / Spearman over 200 random archs and their top 50),
# then search it under each device's latency limit (regularized evolution over the supernet
# evaluator) and look the found archs up in the table.
#   experiments/oneshot/run.sh [--bin build/search] [--out runs] [--devices fpga,raspi4]
# Every stage resumes or is skipped when done (supernet.json, ranking.md, summary.txt).
# Run from the repository root after building.
set -euo pipefail
source "$(dirname "$0")/../stage.sh"
bin=build/search out=runs devices=fpga,raspi4
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
supernet=$out/nb201-spos
mkdir -p "$out"
stage "" "supernet training" "training the supernet" supernet.json "$supernet" "$out/nb201-spos.out" \
  "$bin/hwnas_search" -- "$bin/hwnas_search" --config configs/nb201-oneshot/spos.yaml --out "$supernet"
if [[ -f $supernet/ranking/ranking.md && $(grep -c . "$supernet/ranking/ranking.csv") -gt 200 ]]; then
  echo "ranking graded ($supernet/ranking/ranking.md)"
else
  echo "grading the supernet's ranking -> $supernet/ranking"
  "$bin/hwnas_evaluate" --supernet "$supernet" --archs 200 --top 50 --out "$supernet/ranking" \
    > "$out/nb201-spos-ranking.out" 2>&1
fi
IFS=, read -r -a device_list <<< "$devices"
for d in "${device_list[@]}"; do
  search=$out/nb201-oneshot-evolution-$d
  # A sampling search keeps no checkpoint: an interrupted one starts again.
  stage "$d:" search "searching the supernet" summary.txt "$search" "$out/nb201-oneshot-evolution-$d.out" \
    "$bin/hwnas_search" -- "$bin/hwnas_search" --config "configs/nb201-oneshot/evolution_$d.yaml" \
    --set "evaluator.checkpoint=$supernet" --out "$search"
done
cat "$supernet/ranking/ranking.md"
for d in "${device_list[@]}"; do
  echo "$d: $(grep -A1 '^found' "$out/nb201-oneshot-evolution-$d/summary.txt" | tr -s ' ' | tr '\n' ' ')"
done
