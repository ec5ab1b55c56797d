#!/usr/bin/env bash
# Path switching in the FBNet supernet: one row per network/sampling (measured/*.txt, then
# results.md). Each row trains from scratch; about 15 min on 2 cores in all.
#   experiments/supernet_learning/run.sh [--bin build/tests/supernet_path_switching]
#     [--data ../shared/data/cifar10] [--steps 100] [--out experiments/supernet_learning/measured]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=build/tests/supernet_path_switching
data=../shared/data/cifar10
steps=100
out=experiments/supernet_learning/measured
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -x "$bin" ] || { echo "run.sh: $bin not built (cmake -DHWNAS_BUILD_TESTS=ON)" >&2; exit 2; }
[ -d "$data" ] || { echo "run.sh: no CIFAR-10 copy at $data" >&2; exit 2; }
mkdir -p "$out"
row() {  # name, arguments...; a finished row is skipped
  local name=$1; shift
  [ -s "$out/$name.txt" ] && return 0
  "$bin" --data "$data" --steps "$steps" "$@" > "$out/$name.txt.part"
  mv "$out/$name.txt.part" "$out/$name.txt"
}
row child --net child
row fixed --net fixed
row random --net random
row shared-k3e6-k5e6 --net random --ops 3,7 --shared
row shared-k3e1-k3e1g2 --net random --ops 0,1 --shared
row shared --net random --shared
row shared-largest-first --net random --shared --stage "$steps:7" --steps $((2 * steps))
{
  echo "| row | command flags | train top-1 by 50 steps (%) | last loss |"
  echo "|---|---|---|---|"
  for f in "$out"/*.txt; do
    name=$(basename "$f" .txt)
    tops=$(awk '{for (i = 1; i <= NF; ++i) if ($i == "train_top1") printf "%s%s", sep, $(i + 1); sep=" / "}' "$f")
    loss=$(awk '{for (i = 1; i <= NF; ++i) if ($i == "loss") l = $(i + 1)} END {print l}' "$f")
    flags=$(head -1 "$f" | awk '{print "net " $2 ", ops " $4 ", shared " $6 ", stages " $8 ", sandwich " $10 ", distill " $12}')
    echo "| $name | $flags | $tops | $loss |"
  done
} > "$out/results.md"
cat "$out/results.md"
