#pragma once
// The rules of --resume DIR (hwnas_search's supernet searches, hwnas_train): a resumed run is the
// run its checkpoint continues, with the config it started with. Two keys may change, by --set:
//   train.epochs             raised above the epochs already done: the run trains on to the new
//                            total. The cosine schedule is recomputed over the new total, so the
//                            remaining epochs get the longer schedule's learning rates (higher
//                            than the old schedule's at that point, decaying to 0 at the new last
//                            epoch); the finished epochs stay as they were trained, so the result
//                            is not the one of a run started with that many epochs.
//   train.stop_after_epochs  epochs this call trains before it stops (0 = to the end).
//   distributed.*            how the ranks of a data-parallel run talk (backend, timeout_s).
// The number of ranks (WORLD_SIZE) may change too: the global batch, its data and the sampled
// paths do not depend on it (search/distributed/batch_shard.h).
// Everything else (data, seed, batch size, strategy, cost...) would make it another run: refused
// on the command line, and detected when DIR/config.resolved.yaml was edited.
#include <string>
#include <vector>

namespace hwnas {

// InputError "<program>: --resume: --set KEY ..." for the first override that is not one of the
// two keys above.
void check_resume_overrides(const std::string& program, const std::vector<std::string>& sets);

// Before anything is read from DIR: the --set overrides (check_resume_overrides), and that `dir`
// is a folder holding a run (InputError "<dir> is a file, expected a run folder" / "... holds no
// run to resume").
void check_resume_folder(const std::string& program, const std::string& dir,
                         const std::vector<std::string>& sets);

// The keys whose values differ between two resolved configs (YAML texts), "key a -> b" each,
// ignoring the two keys a resumed run may change.
std::vector<std::string> changed_run_keys(const std::string& before, const std::string& after);

// Checks that the run in `dir` can continue from DIR/checkpoints/last.pt (absent: returns 0, the
// run starts from epoch 1): the checkpoint verifies (DataError "corrupt checkpoint"), was written
// by a `kind` run with DIR/config.resolved.yaml's config (DataError "<checkpoint> belongs to
// another run (...)" naming the keys that differ), metrics.csv has a row for every epoch done,
// and, when --set gave it, `epochs` is above the epochs done. `extra_identity` (YAML keys) joins
// the folder's config in the comparison: what else defines the run (hwnas_train: its arch.json).
// Returns the epochs done.
int check_resumable(const std::string& dir, const std::string& kind, int epochs, bool epochs_set,
                    const std::string& extra_identity = "");

// What hwnas_search and hwnas_train do on --resume once they hold DIR: check_resumable (whether
// `sets` gives train.epochs), then DIR/config.resolved.yaml records what `sets` changed, so the
// run's next checkpoints carry it. Returns the epochs done.
int prepare_resume(const std::string& dir, const std::string& kind, int epochs,
                   const std::vector<std::string>& sets, const std::string& resolved_yaml,
                   const std::string& extra_identity = "");

// The identity a run's checkpoints record: `dir`/config.resolved.yaml ("" without one) followed
// by `extra_identity`.
std::string run_identity(const std::string& dir, const std::string& extra_identity = "");

// DataError naming metrics.csv `path` when it lacks the row of one of the epochs 1..completed
// (missing or cut short): a resumed run never loses history silently.
void check_metrics_csv(const std::string& path, int completed_epochs);

}  // namespace hwnas
