#pragma once
// The keys at the top of every run's config, read by one reader so that every run kind (sampling
// search, supernet search, retraining) checks them alike:
//
//   name: search       # run folder <output.dir>/<name>/ (a folder name, no '/')
//   seed: 0            # >= 0
//   device: cpu        # cpu | cuda    (runs that train networks)
//   threads: 0         # 0..4x the cores, LibTorch intra-op threads, 0 = every core (runs that train)
//   output: {dir: runs}
//
// The tables (data_dir, cost_tables) have their own reader, CostTablesOptions.
#include <string>

namespace hwnas {

class ConfigSection;

struct RunHeader {
  std::string name;
  int seed = 0;
  std::string device = "cpu";
  int threads = 0;
  std::string output_dir = "runs";

  enum class Keys { Plain, WithTorch };
  // `defaults` gives the name and anything else a run kind sets differently; Keys::WithTorch
  // also reads device and threads (elsewhere they are unknown keys).
  static RunHeader read(const ConfigSection& root, const RunHeader& defaults, Keys keys);
  std::string run_dir() const { return output_dir + "/" + name; }
};

// Thread counts beyond 4x this machine's cores only oversubscribe it (a typo like 1000000 would
// spawn threads until the machine stalls).
int max_threads();
// InvalidOption("threads", ...) unless 0 <= threads <= max_threads().
void check_thread_count(int threads);
// InvalidOption("name", ...) unless `name` is one plain folder name: not empty, not "." or "..",
// no '/' or control characters, at most 200 characters.
void check_run_name(const std::string& name);

}  // namespace hwnas
