#pragma once
// The run folder every search, retraining and profile writes: created with its resolved config
// and its log, and held by one program at a time (an flock on DIR/.lock for the run's life, which
// also records the kind of run the folder holds).
#include <memory>
#include <string>

namespace spdlog::sinks {
class sink;
}

namespace hwnas {

// What a program does with a folder that already holds a run.
enum class RunDirMode {
  // A new resumable run (a supernet search, a retraining). Refuses a folder whose run started
  // training (it has checkpoints/): "<dir> already holds a run; continue it with --resume <dir>
  // or choose another --out / name", and one that holds another kind of run. A start that failed
  // during its set-up (config.resolved.yaml, no checkpoints/) is replaced.
  kStart,
  // --resume: the folder must hold a run of this kind. config.resolved.yaml is left as it is: the
  // caller checks the resume and rewrites it.
  kResume,
  // A run whose rerun continues it (hwnas_profile, per block) or redoes it (a sampling search:
  // seconds, no checkpoint): refuses only a folder that holds another kind of run.
  kRerun,
};

struct RunDirOptions {
  std::string kind;  // "supernet search", "sampling search", "retraining", "profile", ...
  RunDirMode mode = RunDirMode::kStart;
  bool fresh_log = false;  // truncate log.txt (a redone run); otherwise appended
};

// A held run folder: the lock and the log.txt sink live as long as it.
class RunDir {
 public:
  RunDir(std::string path, int lock_fd, std::shared_ptr<spdlog::sinks::sink> log_sink);
  RunDir(RunDir&& other) noexcept;
  RunDir& operator=(RunDir&&) = delete;
  RunDir(const RunDir&) = delete;
  ~RunDir();  // releases the lock, detaches log.txt from the default logger

  const std::string& path() const { return path_; }

 private:
  friend RunDir open_run_dir(const std::string&, const std::string&, const RunDirOptions&);
  std::string path_;
  int lock_fd_ = -1;
  std::shared_ptr<spdlog::sinks::sink> log_sink_;
};

// Creates (or reopens) the run folder `dir`, takes its lock, applies `options.mode`'s rule, writes
// config.resolved.yaml (not for kResume) and adds its log.txt to the default logger (info lines
// and above, whatever the console shows, each flushed as written, so an error leaves the log
// complete). Errors: InputError "<dir> is a file, expected a run folder", "<dir> already holds a
// run; ...", "<dir> holds no run to resume ..."; IoError "<dir> is in use by another hwnas run
// (pid N); wait for it or choose another --out", or naming what cannot be created or written.
[[nodiscard]] RunDir open_run_dir(const std::string& dir, const std::string& resolved_config,
                                  const RunDirOptions& options);

// Only the lock of a folder of outputs (hwnas_evaluate's ranking): created when absent; the
// same errors as open_run_dir for a file and for a folder in use.
[[nodiscard]] RunDir lock_output_dir(const std::string& dir, const std::string& kind);

}  // namespace hwnas
