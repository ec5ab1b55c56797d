# Sourced by the experiments' run.sh scripts: one resumable stage of a pipeline, and stages side by side.
#   stage LABEL NOUN START_TEXT DONE_FILE RUN_DIR LOG TOOL -- START_COMMAND...
# Skips the stage when RUN_DIR/DONE_FILE exists, continues it with `TOOL --resume RUN_DIR` when
# RUN_DIR holds a checkpoint, and otherwise runs START_COMMAND; output goes to LOG (appended on
# resume). It says which: "LABEL NOUN done (...)", "LABEL resuming the NOUN in ...",
# "LABEL START_TEXT -> RUN_DIR".
stage() {
  local label=$1 noun=$2 start_text=$3 done_file=$4 run_dir=$5 log=$6 tool=$7
  shift 7
  [[ $1 == -- ]] && shift
  local prefix=${label:+$label }
  if [[ -f $run_dir/$done_file ]]; then
    echo "${prefix}$noun done ($run_dir/$done_file)"
  elif [[ -f $run_dir/checkpoints/last.pt ]]; then
    echo "${prefix}resuming the $noun in $run_dir"
    "$tool" --resume "$run_dir" >> "$log" 2>&1
  else
    echo "${prefix}$start_text -> $run_dir"
    "$@" > "$log" 2>&1
  fi
}

# Stages side by side: `throttle N` waits until fewer than N background jobs run; a stage started
# in the background (`my_stage ... &`) is recorded by `started LOG`; `wait_all` waits for every
# recorded stage and exits 1 after naming the log of each one that failed.
pids=() logs=()
throttle() { while [[ $(jobs -rp | wc -l) -ge $1 ]]; do wait -n || true; done; }
started() { pids+=($!) logs+=("$1"); }
wait_all() {
  local failed=0
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      echo "run.sh: a stage failed; its log: ${logs[$i]}" >&2
      failed=1
    fi
  done
  [[ $failed == 0 ]] || exit 1
  pids=() logs=()
}
