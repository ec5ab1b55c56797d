#!/bin/bash
# Data parallelism on one machine: the same workload as 1 process x 2 threads and as 2 processes
# x 1 thread (hwnas_launch --nproc 2, Gloo on loopback), interleaved A B B A over rounds, and the
# medians of each side's images/s and of the gradient all-reduce time per step. Workloads:
#   search   the Table 5 reduced search (configs/table5-cifar10/edgegpu.yaml: ProxylessNAS over
#            the FBNet supernet, CIFAR-10 copy): 1 weights-only epoch and 1 search epoch
#   retrain  hwnas_train of a found FBNet arch (configs/retrain/cifar10-reduced.yaml), 1 epoch
#
#   experiments/distributed/run.sh                      3 rounds into runs/distributed
#   experiments/distributed/run.sh --rounds 5 --steps 20
#   experiments/distributed/run.sh --toy --out /tmp/d   seconds, on generated images (a test)
#
# Writes <out>/results.csv (one row per run) and <out>/results.md (medians and ratios). Finished
# runs are skipped on a rerun. Run from the repository root after building.
set -euo pipefail

rounds=3 steps=10 out=runs/distributed bin=build/search toy=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --toy) toy=1; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in hwnas_search hwnas_train hwnas_launch; do
  [[ -x $bin/$tool ]] || { echo "run.sh: $bin/$tool not found: build first (or --bin DIR)" >&2; exit 2; }
done
mkdir -p "$out"

search_config=configs/table5-cifar10/edgegpu.yaml
search_sets=(--set train.epochs=2 --set train.warmup_epochs=1 --set train.steps_per_epoch=$steps
             --set train.log_every=1000)
train_sets=(--set train.epochs=1 --set data.train_limit=$((steps * 64)) --set data.test_limit=500
            --set train.log_every=1000)
if [[ $toy == 1 ]]; then
  data=(--set data.dataset=synthetic --set data.synthetic_size=64 --set data.train_limit=0
        --set data.test_limit=0)
  search_sets+=("${data[@]}" --set train.batch_size=4)
  train_sets=(--set train.epochs=1 --set train.batch_size=4 --set train.log_every=1000 "${data[@]}")
fi

# The arch the retrain workload trains, the same for both sides: what a one-step search derives.
arch=$out/arch.json
if [[ ! -f $arch ]]; then
  "$bin/hwnas_search" --config "$search_config" "${search_sets[@]}" --set train.epochs=1 \
    --set train.warmup_epochs=0 --set train.steps_per_epoch=1 --out "$out/arch-source" \
    --log-level warn > /dev/null
  cp "$out/arch-source/arch.json" "$arch"
fi

# run WORKLOAD CASE ROUND: one run into $out/WORKLOAD-CASE-ROUND (skipped when finished).
run() {
  local workload=$1 case=$2 round=$3
  local dir=$out/$workload-$case-$round threads=2 launch=()
  [[ $case == 2x1 ]] && threads=1 launch=("$bin/hwnas_launch" --nproc 2 --)
  local done_file=arch.json; [[ $workload == retrain ]] && done_file=result.json
  if [[ -f $dir/$done_file ]]; then echo "$dir done"; return; fi
  rm -rf "$dir"
  echo "$workload $case round $round -> $dir"
  if [[ $workload == search ]]; then
    "${launch[@]}" "$bin/hwnas_search" --config "$search_config" "${search_sets[@]}" \
      --set threads=$threads --out "$dir" > "$dir.out" 2>&1
  else
    "${launch[@]}" "$bin/hwnas_train" --arch "$arch" --config configs/retrain/cifar10-reduced.yaml \
      "${train_sets[@]}" --set threads=$threads --out "$dir" > "$dir.out" 2>&1
  fi
}

for round in $(seq 1 "$rounds"); do
  # A B B A: each side runs first in every other round, so a drift in the machine's load hits both.
  if (( round % 2 )); then order=(1x2 2x1); else order=(2x1 1x2); fi
  for workload in search retrain; do
    for case in "${order[@]}"; do run "$workload" "$case" "$round"; done
  done
done

python3 "$(dirname "$0")/summarize.py" "$out" "$rounds"
