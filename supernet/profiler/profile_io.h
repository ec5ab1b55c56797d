#pragma once
// The profiler's files: the LUT it writes (HW-NAS-Bench format plus "metadata") and the atomic
// rewrites that make every stage resumable. No LibTorch here.
#include <map>
#include <string>
#include <vector>

#include "core/paths.h"  // write_file_atomically
#include "supernet/profiler/profiler.h"

namespace hwnas {

// What a table's numbers depend on. A table is only extended by a run with the same protocol; the
// seed is not part of it (it only picks the random weights and inputs).
struct LutProtocol {
  std::string device_name;
  std::string torch_device;
  std::string setting;
  std::string cpu;
  std::string torch_version;
  int threads = 0;  // in effect (after torch::set_num_threads)
  int batch_size = 0;
  int warmup = 0;
  int repetitions = 0;

  // "threads 4 in the file, 1 now; repetitions ..." (empty when equal).
  std::string differences(const LutProtocol& now) const;
};
LutProtocol lut_protocol(const ProfileOptions& options, int threads_in_effect);

// The LUT being built: entries already measured (from an earlier run of the same protocol) plus
// the new ones, written back in network order after each block.
class ProfiledLutFile {
 public:
  // Loads `path` when it exists: DataError when it is not a profiled LUT, InputError (naming the
  // file and each differing setting) when it was measured with another protocol.
  ProfiledLutFile(std::string path, LutProtocol protocol, std::vector<std::string> key_order,
                  uint64_t seed);

  const std::string& path() const { return path_; }
  bool has(const std::string& key) const { return entries_.count(key) > 0; }
  size_t size() const { return entries_.size(); }
  void add(const std::string& key, const Timing& timing) { entries_[key] = timing; }
  // Rewrites the file atomically; `complete` goes into the metadata (partial files say so).
  void save() const;

 private:
  std::string path_;
  LutProtocol protocol_;
  std::vector<std::string> key_order_;
  uint64_t seed_;
  std::map<std::string, Timing> entries_;
};

// The protocol recorded in a LUT's metadata: InputError naming the file and the differences when
// it is not `now` (a validation must time whole networks the way the blocks were timed).
void check_lut_protocol(const std::string& lut_path, const LutProtocol& now);

// Progress of a stage: a bar rewritten in place on stderr when it is a terminal, and an info log
// line about every 10% (log files and pipes get those only).
class ProgressReporter {
 public:
  ProgressReporter(std::string stage, size_t total, size_t already_done);
  // One more item done; `detail` goes into the log line.
  void step(const std::string& label, const std::string& detail);

 private:
  std::string stage_;
  size_t total_, done_, new_done_ = 0, new_total_, next_log_ = 1;
  bool tty_;
};

// The options as YAML (config.resolved.yaml of a profile run).
std::string profile_options_yaml(const ProfileOptions& options);

}  // namespace hwnas
