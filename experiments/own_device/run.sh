#!/bin/bash
# Your own device: a latency table of this machine (hwnas_profile), its validation against whole
# networks, additive tables fitted to HELP's whole-network latencies (hwnas_fit), and a ProxylessNAS
# search that targets this machine, whose found arch is then timed whole against the prediction.
# Run from the repository root after building, on an otherwise idle machine (timings!):
#   experiments/own_device/run.sh                 # into runs/own_device
#   BIN=build/search OUT=runs/own_device experiments/own_device/run.sh
# Every step resumes or is skipped when its output exists (the profile itself resumes per block).
set -euo pipefail
BIN=${BIN:-build/search}
OUT=${OUT:-runs/own_device}
LUT=$OUT/profile/host_cpu_latency.json

echo "== profile (blocks, 100 whole FBNet nets, 200 whole NB201 nets)"
/usr/bin/time -f "profile: %e s wall, %M KB peak RSS" \
  "$BIN/hwnas_profile" --setting cifar10 --out "$OUT/profile" --log-level warn
cat "$OUT/profile/validation.md"

echo "== fitted tables for HELP's measured devices"
"$BIN/hwnas_fit" --device all --out "$OUT/fitted"

echo "== ProxylessNAS targeting host_cpu_latency"
if [[ ! -f $OUT/search/arch.json ]]; then
  if [[ -f $OUT/search/checkpoints/last.pt ]]; then
    "$BIN/hwnas_search" --resume "$OUT/search"
  else
    "$BIN/hwnas_search" --config configs/own_device/proxylessnas_host_cpu.yaml \
      --set "cost_tables=[$LUT]" --out "$OUT/search"
  fi
fi

echo "== found archs timed whole on this machine (together, in rounds) vs the table's prediction"
measure=()
for arch in "$OUT/search/arch.json" runs/table5-reduced/seed-0/search-{edgegpu,raspi4,fpga}/arch.json; do
  [[ -f $arch ]] && measure+=(--measure-arch "$arch")
done
"$BIN/hwnas_profile" "${measure[@]}" --lut "$LUT" --log-level warn
