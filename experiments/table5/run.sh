#!/bin/bash
# HW-NAS-Bench Table 5 end to end: per seed one weights-only warm-up of the supernet (it does not
# depend on the target) -> one ProxylessNAS search per target device (Edge GPU, Raspi 4, FPGA),
# each continuing the shared warm-up -> retraining of each found architecture from scratch ->
# table5.md / table5.csv / table5.png (top-1 and the latency of each found arch on every device).
#
#   experiments/table5/run.sh                      reduced protocol (CPU, CIFAR-10 copy) into runs/table5-reduced
#   experiments/table5/run.sh --protocol full      the published protocol (CUDA, CIFAR-100; set data.path)
#   experiments/table5/run.sh --seeds 0,1,2 --out runs/t5
#
# Re-running skips finished stages (a warm-up with supernet.json, a search with arch.json, a
# retrain with result.json) and resumes interrupted ones from their last checkpoint. A search from
# the shared warm-up ends with the arch.json of one that warmed up inline (--warmup inline).
# Run from the repository root after building.
set -euo pipefail
source "$(dirname "$0")/../stage.sh"

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF
options:
  --protocol reduced|full   configs/table5-cifar10 + configs/retrain/cifar10-reduced.yaml (default),
                            or configs/table5 + configs/retrain/cifar100-full.yaml
  --seeds LIST              comma-separated seeds, each a full search+retrain per device (default 0)
  --devices LIST            search targets (default edgegpu,raspi4,fpga)
  --warmup shared|inline    one warm-up per seed for every device (default), or one per search
  --out DIR                 output folder (default runs/table5-<protocol>)
  --bin DIR                 folder of hwnas_search, hwnas_train, hwnas_analyze (default build/search)
  --jobs N                  device chains run side by side (default: 3 reduced, 1 full)
  --search-set KEY=VALUE    override a key of the search configs (repeatable)
  --train-set KEY=VALUE     override a key of the retraining config (repeatable)
EOF
}

protocol=reduced seeds=0 devices=edgegpu,raspi4,fpga out="" bin=build/search jobs="" warmup=shared
search_sets=() train_sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --protocol) protocol=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --search-set) search_sets+=(--set "$2"); shift 2 ;;
    --train-set) train_sets+=(--set "$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case "$protocol" in
  reduced) search_dir=configs/table5-cifar10 retrain_config=configs/retrain/cifar10-reduced.yaml
           jobs=${jobs:-3} ;;
  full) search_dir=configs/table5 retrain_config=configs/retrain/cifar100-full.yaml jobs=${jobs:-1} ;;
  *) echo "run.sh: --protocol '$protocol': expected reduced or full" >&2; exit 2 ;;
esac
case "$warmup" in shared|inline) ;; *) echo "run.sh: --warmup '$warmup': expected shared or inline" >&2; exit 2 ;; esac
out=${out:-runs/table5-$protocol}
IFS=, read -r -a seed_list <<< "$seeds"
IFS=, read -r -a device_list <<< "$devices"
for tool in hwnas_search hwnas_train hwnas_analyze; do
  [[ -x $bin/$tool ]] || { echo "run.sh: $bin/$tool not found; build first or pass --bin" >&2; exit 2; }
done
for d in "${device_list[@]}"; do
  [[ -f $search_dir/$d.yaml ]] || { echo "run.sh: no search config $search_dir/$d.yaml" >&2; exit 2; }
done

# One seed's warm-up (skipped when supernet.json exists, resumed from a checkpoint): the first
# device's config as a weights-only run; the device configs differ in their cost term only.
warmup_stage() {
  local seed=$1 dir=$out/seed-$1
  mkdir -p "$dir"
  stage "[seed $seed]" warm-up "warming up the supernet" supernet.json "$dir/warmup" \
    "$dir/warmup.out" "$bin/hwnas_search" -- \
    "$bin/hwnas_search" --config "$search_dir/${device_list[0]}.yaml" --set "seed=$seed" \
    ${search_sets[@]+"${search_sets[@]}"} --set strategy.type=warmup \
    --set strategy.paths=proxylessnas --out "$dir/warmup"
}

# One device and seed: search (skipped when arch.json exists, resumed from a checkpoint), then
# retrain the found arch (skipped when result.json exists, resumed likewise).
chain() {
  local device=$1 seed=$2 dir=$out/seed-$2
  local search=$dir/search-$device retrain=$dir/retrain-$device
  mkdir -p "$dir"
  local init=()
  [[ $warmup == shared ]] && init=(--init-from "$dir/warmup")
  stage "[seed $seed] $device:" search searching arch.json "$search" "$dir/search-$device.out" \
    "$bin/hwnas_search" -- \
    "$bin/hwnas_search" --config "$search_dir/$device.yaml" --set "seed=$seed" \
    ${search_sets[@]+"${search_sets[@]}"} ${init[@]+"${init[@]}"} --out "$search"
  stage "[seed $seed] $device:" retraining retraining result.json "$retrain" "$dir/retrain-$device.out" \
    "$bin/hwnas_train" -- \
    "$bin/hwnas_train" --arch "$search/arch.json" --config "$retrain_config" --set "seed=$seed" \
    ${train_sets[@]+"${train_sets[@]}"} --out "$retrain"
  echo "[seed $seed] $device: $(tail -n 1 "$dir/retrain-$device.out" 2>/dev/null || true)"
}

start=$(date +%s)
if [[ $warmup == shared ]]; then
  for seed in "${seed_list[@]}"; do
    throttle "$jobs"
    warmup_stage "$seed" &
    started "$out/seed-$seed/warmup.out"
  done
  wait_all
fi
for seed in "${seed_list[@]}"; do
  for device in "${device_list[@]}"; do
    throttle "$jobs"
    chain "$device" "$seed" &
    started "$out/seed-$seed/{search,retrain}-$device.out"
  done
done
wait_all

compare=()
for device in "${device_list[@]}"; do
  runs=()
  for seed in "${seed_list[@]}"; do runs+=("$out/seed-$seed/retrain-$device"); done
  compare+=(--compare "${device}_latency=$(IFS=,; echo "${runs[*]}")")
done
columns=$(printf '%s_latency,' "${device_list[@]}")
"$bin/hwnas_analyze" "${compare[@]}" --columns "${columns%,}" --out "$out" --name table5
echo "table5.md, table5.csv, table5.png in $out/ ($(( $(date +%s) - start )) s)"
