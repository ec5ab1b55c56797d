#!/bin/bash
# Mean regret after 100 and 1,000 queries over 100 seeds for every sampling strategy on two
# devices' latency limits (accuracy points: the table's best feasible arch minus the best found),
# and NSGA-II vs random search on the normalised accuracy/latency hypervolume gap.
# Run from the repository root after building hwnas_search and the example plug-in:
#   BIN=build/search/hwnas_search PLUGIN=build-custom-strategy/libannealing.so experiments/nb201_regret/run.sh
set -euo pipefail
BIN=${BIN:-build/search/hwnas_search}
PLUGIN=${PLUGIN:-build-custom-strategy/libannealing.so}
PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHONPATH=${PYTHONPATH:-build/python}  # the hwnas package (README "From Python")
table() { awk '/^ +(100|1000) /{printf "%4s: %.3f +- %.3f   ", $1, $2, $3}'; }
row() { printf "%-20s %-13s %s\n" "$1" "$2" "$($BIN --config configs/quickstart.yaml --seeds 0-99 --out /tmp/hw_table --log-level warn "${@:3}" | table)"; }
# A strategy written in Python, driven through hwnas.SearchSession (experiments/python_strategy).
pyrow() { printf "%-20s %-13s %s\n" "$1" "$2" "$($PYTHON experiments/python_strategy/$2 --config configs/quickstart.yaml --seeds 0-99 "${@:3}" | table)"; }
for obj in "edgegpu_latency 5" "raspi4_latency 25"; do set -- $obj
  for s in random evolution reinforce local_search; do
    row "$1<=$2" $s --set objective.metric=$1 --set objective.limit=$2 --set "strategy={type: $s}"
  done
  row "$1<=$2" annealing --set objective.metric=$1 --set objective.limit=$2 --set "strategy={type: plugin, library: $PLUGIN, name: annealing}"
  pyrow "$1<=$2" rea.py --set objective.metric=$1 --set objective.limit=$2
  pyrow "$1<=$2" bo.py --set objective.metric=$1 --set objective.limit=$2
done
for m in edgegpu_latency raspi4_latency; do
  for s in random nsga2; do
    row "pareto acc/$m" $s --set "objective={type: pareto, metrics: [$m]}" --set "strategy={type: $s}"
  done
done
