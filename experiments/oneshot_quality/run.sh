#!/bin/bash
# One-shot search quality on NAS-Bench-201, graded against the table's truth: per seed one shared
# warm-up of the proxy supernet (configs/oneshot_quality/warmup.yaml), then on every device under
# its 25th-percentile latency limit ProxylessNAS and FBNet-DNAS (GDAS-style hard sampling), both
# continuing the warm-up, and regularized evolution over the warmed-up supernet as evaluator;
# as references regularized evolution over the table itself with 100 and 1,000 queries. The
# searches never read the accuracy table; grade.py looks their archs up afterwards and writes
# results.csv (one row per finished run), results.md (a table per device) and quality.png.
#
#   experiments/oneshot_quality/run.sh                    seed 0, all four devices, into runs/oneshot_quality
#   experiments/oneshot_quality/run.sh --seeds 0,1,2 --devices fpga,raspi4
#   experiments/oneshot_quality/run.sh --toy --out /tmp/oq   seconds, on generated images (a test)
#
# Re-running skips finished runs (a warm-up with supernet.json, a supernet search with arch.json,
# an evolution with summary.txt) and resumes interrupted supernet runs from their last checkpoint.
# Run from the repository root after building.
set -euo pipefail
source "$(dirname "$0")/../stage.sh"

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF
options:
  --seeds LIST        comma-separated seeds (default 0); each has its own warm-up
  --devices LIST      raspi4,pixel3,eyeriss,fpga (default all four)
  --strategies LIST   proxylessnas,fbnet_dnas,evolution_supernet,evolution_tabular_100,
                      evolution_tabular_1000 (default all)
  --out DIR           output folder (default runs/oneshot_quality)
  --bin DIR           folder of hwnas_search (default build/search)
  --jobs N            runs side by side, one thread each (default 2)
  --toy               a budget of seconds on generated images (checks the pipeline, grades nothing real)
  --set KEY=VALUE     override a key of the supernet configs (warm-up and searches; repeatable)
EOF
}

seeds=0 devices=raspi4,pixel3,eyeriss,fpga out=runs/oneshot_quality bin=build/search jobs=2 toy=0
strategies=proxylessnas,fbnet_dnas,evolution_supernet,evolution_tabular_100,evolution_tabular_1000
supernet_sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --strategies) strategies=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --toy) toy=1; shift ;;
    --set) supernet_sets+=(--set "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
configs=configs/oneshot_quality
IFS=, read -r -a seed_list <<< "$seeds"
IFS=, read -r -a device_list <<< "$devices"
IFS=, read -r -a strategy_list <<< "$strategies"
for tool in hwnas_search hwnas_evaluate; do
  [[ -x $bin/$tool ]] || { echo "run.sh: $bin/$tool not found; build first or pass --bin" >&2; exit 2; }
done
for d in "${device_list[@]}"; do
  [[ -f $configs/proxylessnas_$d.yaml ]] || { echo "run.sh: --devices '$d': no $configs/proxylessnas_$d.yaml (known: raspi4, pixel3, eyeriss, fpga)" >&2; exit 2; }
done
for s in "${strategy_list[@]}"; do
  case "$s" in proxylessnas|fbnet_dnas|evolution_supernet|evolution_tabular_100|evolution_tabular_1000) ;;
    *) echo "run.sh: --strategies '$s': unknown (see --help)" >&2; exit 2 ;; esac
done
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --jobs '$jobs': expected a positive integer" >&2; exit 2; }

# The toy budget: a few steps on generated images, the same keys for the warm-up and the searches
# that continue it (a continuation must train the same supernet on the same schedule).
sampling_sets=()
if [[ $toy == 1 ]]; then
  supernet_sets+=(--set data.dataset=synthetic --set data.synthetic_size=32 --set data.augment=false
    --set train.epochs=3 --set train.warmup_epochs=2 --set train.steps_per_epoch=2
    --set train.batch_size=4 --set train.eval_batches=1)
  sampling_sets+=(--set budget.queries=12 --set strategy.population_size=4 --set strategy.sample_size=2)
fi

warmup_stage() {
  local seed=$1 dir=$out/seed-$1
  mkdir -p "$dir"
  stage "[seed $seed]" warm-up "warming up the supernet" supernet.json "$dir/warmup" "$dir/warmup.out" \
    "$bin/hwnas_search" -- "$bin/hwnas_search" --config "$configs/warmup.yaml" --set "seed=$seed" \
    ${supernet_sets[@]+"${supernet_sets[@]}"} --out "$dir/warmup"
}

# One search of one seed on one device.
search_stage() {
  local strategy=$1 device=$2 seed=$3 dir=$out/seed-$3
  local run=$dir/$strategy-$device label="[seed $seed] $device $strategy:"
  mkdir -p "$dir"
  case "$strategy" in
    proxylessnas|fbnet_dnas)
      stage "$label" search searching arch.json "$run" "$run.out" "$bin/hwnas_search" -- \
        "$bin/hwnas_search" --config "$configs/${strategy}_$device.yaml" --set "seed=$seed" \
        ${supernet_sets[@]+"${supernet_sets[@]}"} --init-from "$dir/warmup" --out "$run" ;;
    evolution_supernet)
      # A sampling search keeps no checkpoint: an interrupted one starts again.
      local evaluator_sets=()
      [[ $toy == 1 ]] && evaluator_sets=(--set evaluator.images=16 --set evaluator.bn_batches=1 --set evaluator.batch_size=8)
      stage "$label" search searching summary.txt "$run" "$run.out" "$bin/hwnas_search" -- \
        "$bin/hwnas_search" --config "$configs/evolution_supernet_$device.yaml" --set "seed=$seed" \
        --set "evaluator.checkpoint=$dir/warmup" ${evaluator_sets[@]+"${evaluator_sets[@]}"} \
        ${sampling_sets[@]+"${sampling_sets[@]}"} --out "$run" ;;
    evolution_tabular_*)
      local queries=${strategy#evolution_tabular_}
      stage "$label" search searching summary.txt "$run" "$run.out" "$bin/hwnas_search" -- \
        "$bin/hwnas_search" --config "$configs/evolution_tabular_$device.yaml" --set "seed=$seed" \
        --set "budget.queries=$queries" ${sampling_sets[@]+"${sampling_sets[@]}"} --out "$run" ;;
  esac
}

# How well the warmed-up supernet ranks 200 random archs against the table (Kendall tau, Spearman;
# hwnas_evaluate: the same evaluator settings as evolution_supernet_*.yaml).
rank_stage() {
  local seed=$1 warmup=$out/seed-$1/warmup
  if [[ -f $warmup/ranking/ranking.md ]]; then
    echo "[seed $seed] ranking done ($warmup/ranking/ranking.md)"
    return
  fi
  local size=(--archs 200 --top 50 --images 1000 --bn-batches 4 --batch 250)
  [[ $toy == 1 ]] && size=(--archs 6 --top 3 --images 16 --bn-batches 1 --batch 8)
  echo "[seed $seed] ranking archs with the supernet -> $warmup/ranking"
  "$bin/hwnas_evaluate" --supernet "$warmup" "${size[@]}" --threads 1 --out "$warmup/ranking" \
    > "$out/seed-$seed/ranking.out" 2>&1
}

start=$(date +%s)

# The tabular references need no warm-up: they run first, then the warm-ups, then the searches.
for seed in "${seed_list[@]}"; do
  for device in "${device_list[@]}"; do
    for strategy in "${strategy_list[@]}"; do
      [[ $strategy == evolution_tabular_* ]] || continue
      throttle "$jobs"; search_stage "$strategy" "$device" "$seed" &
      started "$out/seed-$seed/$strategy-$device.out"
    done
  done
  throttle "$jobs"; warmup_stage "$seed" &
  started "$out/seed-$seed/warmup.out"
done
wait_all
for seed in "${seed_list[@]}"; do
  throttle "$jobs"; rank_stage "$seed" &
  started "$out/seed-$seed/ranking.out"
  for device in "${device_list[@]}"; do
    for strategy in "${strategy_list[@]}"; do
      [[ $strategy == evolution_tabular_* ]] && continue
      throttle "$jobs"; search_stage "$strategy" "$device" "$seed" &
      started "$out/seed-$seed/$strategy-$device.out"
    done
  done
done
wait_all

python3 "$(dirname "$0")/grade.py" --runs "$out" --data data --out "$out"
echo "results.csv, results.md, quality.png in $out/ ($(( $(date +%s) - start )) s)"
