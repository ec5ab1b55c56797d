# Sourced by the experiments' run.sh scripts: one resumable stage of a pipeline.
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
