#!/bin/bash
# Training-free evaluators on NAS-Bench-201 (experiments/zero_cost/README.md), in stages:
#   score-1000  every proxy on 1,000 random archs (hwnas_score)         -> OUT/nb201-1000/scores.csv
#   correlate   rank correlations with the table's CIFAR-10 accuracy    -> OUT/correlations.md/.csv
#   time        ms per arch of each proxy, 1 and 2 threads, both spaces -> OUT/timing.md
#   score-all   the whole space for the --whole-space proxies           -> OUT/nb201-all/scores.csv
#   search      evolution and local search over the proxies, hard limit, per device and seed
#               -> OUT/searches/seed-S/{evolution,local}_<evaluator>-<device>/
#   grade       experiments/oneshot_quality/grade.py over the searches  -> OUT/graded/
# Every stage is skipped or resumed when done (hwnas_score keeps the rows it has; a search with
# summary.txt is not run again).
#
#   experiments/zero_cost/run.sh                      every stage, into runs/zero_cost
#   experiments/zero_cost/run.sh --stage search       one stage (or a comma-separated list)
#   experiments/zero_cost/run.sh --toy --out /tmp/zc  seconds, on generated images (a test)
#
# Run from the repository root after building.
set -euo pipefail

usage() {
  sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
  cat <<'USAGE'
options:
  --stage LIST        score-1000,correlate,time,score-all,search,grade (default all)
  --whole-space LIST  proxies scored over the whole space (default params,flops,synflow,naswot)
  --evaluators LIST   the searches' evaluators: proxy names and combo (default naswot,synflow,combo)
  --combo LIST        the members of the combination, '+'-separated (default params+synflow+jacov)
  --seeds LIST        comma-separated (default 0,1,2)
  --devices LIST      raspi4,pixel3,eyeriss,fpga (default all four)
  --out DIR           output folder (default runs/zero_cost)
  --bin DIR           folder of hwnas_score and hwnas_search (default build/search)
  --threads N         LibTorch threads of the scoring (default 1)
  --toy               generated images and a few archs: checks the pipeline, measures nothing
USAGE
}

stages=score-1000,correlate,time,score-all,search,grade
whole_space=params,flops,synflow,naswot evaluators=naswot,synflow,combo combo=params+synflow+jacov
seeds=0,1,2 devices=raspi4,pixel3,eyeriss,fpga out=runs/zero_cost bin=build/search threads=1 toy=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --stage) stages=$2; shift 2 ;;
    --whole-space) whole_space=$2; shift 2 ;;
    --evaluators) evaluators=$2; shift 2 ;;
    --combo) combo=$2; shift 2 ;;
    --seeds) seeds=$2; shift 2 ;;
    --devices) devices=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --toy) toy=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for tool in hwnas_score hwnas_search; do
  [[ -x $bin/$tool ]] || { echo "run.sh: $bin/$tool not found; build first or pass --bin" >&2; exit 2; }
done
python=/usr/bin/python3  # Debian's, with numpy (the pyenv one first on PATH has none)
[[ -x $python ]] || python=python3
declare -A limits=([raspi4]=15.72283 [pixel3]=6.44113 [eyeriss]=4.62867 [fpga]=2.90577)
IFS=, read -r -a seed_list <<< "$seeds"
IFS=, read -r -a device_list <<< "$devices"
IFS=, read -r -a evaluator_list <<< "$evaluators"
for d in "${device_list[@]}"; do
  [[ -n ${limits[$d]:-} ]] || { echo "run.sh: unknown device '$d' (raspi4, pixel3, eyeriss, fpga)" >&2; exit 2; }
done
wants() { [[ ,$stages, == *,$1,* ]]; }
fail() { echo "run.sh: $1" >&2; exit 1; }
mkdir -p "$out"

# The scoring inputs: CIFAR-10, batch 64, two batches; --toy: generated images, batch 8.
score_args=()
sample=1000 time_archs=10 all=0
if [[ $toy == 1 ]]; then
  score_args+=(--dataset synthetic --batch 8)
  sample=12 time_archs=2 all=30  # toy: 30 archs stand for the space
fi

if wants score-1000; then
  echo "score-1000: $sample random archs, every proxy -> $out/nb201-1000"
  "$bin/hwnas_score" --space nb201 --archs "$sample" --threads "$threads" ${score_args[@]+"${score_args[@]}"} \
    --out "$out/nb201-1000" >> "$out/nb201-1000.out" 2>&1 || fail "scoring failed; its log: $out/nb201-1000.out"
fi
if wants correlate; then
  "$python" experiments/zero_cost/correlate.py --scores "$out/nb201-1000/scores.csv" --data data \
    --out "$out" > "$out/correlate.out" 2>&1 || fail "correlate.py failed; its log: $out/correlate.out"
  echo "correlate: $out/correlations.md"
fi
if wants time; then
  {
    for space in nb201 fbnet; do
      for t in 1 2; do
        echo "$space, $t thread(s):"
        echo
        "$bin/hwnas_score" --space "$space" --archs "$time_archs" --sample-seed 1 --time-each \
          ${score_args[@]+"${score_args[@]}"} --threads "$t"
        echo
      done
    done
  } > "$out/timing.md" 2> "$out/timing.err" || fail "timing failed; its log: $out/timing.err"
  echo "time: $out/timing.md"
fi
if wants score-all || wants grade; then
  # params and flops need no network: the whole space in seconds (the largest-parameter baseline).
  "$bin/hwnas_score" --space nb201 --archs 0 --proxies params,flops --out "$out/nb201-params" \
    > "$out/nb201-params.out" 2>&1 || fail "scoring failed; its log: $out/nb201-params.out"
fi
if wants score-all; then
  echo "score-all: $whole_space over $( ((all)) && echo "$all" || echo "all 15,625") archs -> $out/nb201-all"
  # Channels-last: naswot 1.5x faster; the table is scored on one thread count, so its scores are
  # consistent among themselves (zero_cost_scorer.h).
  "$bin/hwnas_score" --space nb201 --archs "$all" --proxies "$whole_space" --threads "$threads" \
    --memory-format channels_last \
    ${score_args[@]+"${score_args[@]}"} --out "$out/nb201-all" >> "$out/nb201-all.out" 2>&1 ||
    fail "scoring failed; its log: $out/nb201-all.out"
fi
if wants search; then
  # The 1,000-arch table holds every proxy: it is each search's reference distribution (an arch's
  # percentile) and cache; the archs it lacks are computed with the same inputs, its memory format
  # read from its inputs.txt (the evaluator refuses a table of other inputs).
  table=$out/nb201-1000/scores.csv
  [[ -f $table ]] || fail "$table missing: run the score-1000 stage first"
  format=channels_last
  grep -q "contiguous memory" "$out/nb201-1000/inputs.txt" && format=contiguous
  search_sets=(--set "evaluator.memory_format=$format")
  [[ $toy == 1 ]] && search_sets+=(--set evaluator.batch_size=8 --set "evaluator.data={dataset: synthetic}"
                                --set budget.queries=10)
  for seed in "${seed_list[@]}"; do
    for device in "${device_list[@]}"; do
      for strategy in evolution local; do
        for evaluator in "${evaluator_list[@]}"; do
          members=$evaluator
          [[ $evaluator == combo ]] && members=${combo//+/,}
          run=$out/searches/seed-$seed/${strategy}_$evaluator-$device
          [[ -f $run/summary.txt ]] && continue
          # Regularized evolution as in experiments/oneshot_quality (population 20, sample 5);
          # local search from a random arch, best improvement.
          strategy_set="strategy={type: evolution, population_size: 20, sample_size: 5}"
          [[ $strategy == local ]] && strategy_set="strategy={type: local_search}"
          mkdir -p "$(dirname "$run")"
          "$bin/hwnas_search" --config configs/zero_cost/search.yaml --set "seed=$seed" \
            --set "objective.metric=${device}_latency" --set "objective.limit=${limits[$device]}" \
            --set "$strategy_set" --set "evaluator.proxy=[$members]" --set "evaluator.table=$table" \
            ${search_sets[@]+"${search_sets[@]}"} --out "$run" > "$run.out" 2>&1 ||
            fail "search failed; its log: $run.out"
        done
      done
    done
  done
  echo "search: $out/searches"
fi
if wants grade; then
  "$python" experiments/oneshot_quality/grade.py --runs "$out/searches" --data data \
    --params "$out/nb201-params/scores.csv" --out "$out/graded" > "$out/grade.out" 2>&1 ||
    fail "grading failed; its log: $out/grade.out"
  echo "grade: $out/graded/results.md"
fi
