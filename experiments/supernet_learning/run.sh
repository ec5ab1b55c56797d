#!/usr/bin/env bash
# Path switching in the FBNet supernet: one row per network/sampling (measured/*.txt, then
# results.md). Each row trains from scratch; the 600-step rows took about 50 minutes each on one
# thread beside other jobs, the 150-step ones 5-10. pre-fix-*.txt: rows measured before grouped ops' shared slices followed the channel shuffle.
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
row random-lr0.01 --net random --lr 0.01 --steps $((4 * steps))
row shared-k3e6-k5e6 --net random --ops 3,7 --shared
row shared-k3e1-k3e1g2 --net random --ops 0,1 --shared --steps $((3 * steps / 2))
row shared-k3e3-k3e6 --net random --ops 2,3 --shared --steps $((3 * steps / 2))
row shared-k3-e1-e3-e6 --net random --ops 0,2,3 --shared --steps $((3 * steps / 2))
row shared-conv-only --net random --ops 0,1,2,3,4,5,6,7 --shared --steps $((3 * steps / 2))
row shared-lr0.01 --net random --shared --lr 0.01 --steps $((4 * steps))
row shared-lr0.02 --net random --shared --lr 0.02 --steps $((3 * steps)) --eval-archs 2
row shared --net random --shared --steps $((6 * steps)) --eval-archs 2
row shared-progressive --net random --shared --stage "$steps:7" --stage "$steps:3,7" --stage "$steps:2,3,6,7" \
  --stage "$steps:0,2,3,4,6,7" --stage "$steps:0,1,2,3,4,5,6,7" --steps $((6 * steps)) --eval-archs 2
{
  echo "| row | command flags | train top-1 every 50 steps (%) | top-1 of 2 fixed random archs, 1,000 test images (%) | last loss |"
  echo "|---|---|---|---|---|"
  for f in "$out"/*.txt; do
    name=$(basename "$f" .txt)
    field() { awk -v key="$1" '{for (i = 1; i <= NF; ++i) if ($i == key) printf "%s%s", sep, $(i + 1); sep=" / "}' "$f"; }
    tops=$(field train_top1)
    evals=$(field eval_top1)
    loss=$(awk '{for (i = 1; i <= NF; ++i) if ($i == "loss") l = $(i + 1)} END {print l}' "$f")
    flags=$(head -1 "$f" | awk '{print "net " $2 ", ops " $4 ", shared " $6 ", stages " $8 ", sandwich " $10 ", distill " $12}')
    echo "| $name | $flags | $tops | ${evals:--} | $loss |"
  done
} > "$out/results.md"
cat "$out/results.md"
