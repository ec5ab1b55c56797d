#pragma once
// hwnas_profile: a cost table measured on this machine, by HW-NAS-Bench's protocol. Every unique
// block of the FBNet space (the LUT's keys: stem, each layer shape x candidate, head conv, pool,
// FC) is built from the supernet's own block code and timed alone; an architecture's predicted
// latency is the sum of its blocks. The sum is then validated against whole networks timed end to
// end (100 random archs, Pearson / Kendall tau, as the paper did), and whole NB201 networks are
// timed to see which published device this machine ranks architectures like.
//
//   out/<device>_latency.json   the LUT (HW-NAS-Bench format + "metadata"; FbnetLut reads it)
//   out/validation.{csv,md,png} LUT sum vs measured whole networks
//   out/nb201_sample.csv, nb201_correlation.md
//
// Every stage resumes: the LUT is rewritten atomically after each block and the CSVs after each
// network, and a rerun into the same folder measures only what is missing. A rerun with other
// measurement settings is refused rather than mixing two protocols in one table.
//
// No LibTorch in this header: executables and tests that drive the profiler compile fast.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "costmodels/fbnet_macro.h"
#include "costmodels/space.h"

namespace hwnas {

class CostLibrary;

// How blocks and networks are timed. The same routine (and these settings) times LUT blocks and
// whole networks, so their difference is the model error, not a protocol difference.
struct MeasureOptions {
  std::string device = "cpu";  // "cpu", or "cuda" (synchronised before each clock read)
  // One intra-op thread by default: on a shared or small machine it gives the most repeatable
  // medians (no contention, no thread wake-up jitter), batch-1 tensors this small gain little
  // from more threads, and edge targets often run single-threaded. Set it to the deployment's.
  int threads = 1;
  int batch_size = 1;
  int warmup = 10;       // untimed runs first (allocator, caches, lazy init)
  int repetitions = 50;  // timed runs; the median is the value, p10/p90 the spread

  // InputError naming the field, its value and the rule.
  void validate() const;
};

struct ProfileOptions {
  MeasureOptions measure;
  FbnetSetting setting = FbnetSetting::Cifar10;
  std::string device_name = "host_cpu";  // the LUT's metric is "<device_name>_latency"
  int validate_archs = 100;  // random FBNet archs timed whole (HW-NAS-Bench used 100); 0 = skip
  int nb201_archs = 200;     // sampled NB201 archs timed whole; 0 = skip
  uint64_t seed = 0;         // the validation and NB201 samples (and the random weights/inputs)

  // --quick: seconds, for tests and a first look (few repetitions, small samples).
  static ProfileOptions quick();
  void validate() const;
  std::string lut_file_name() const { return device_name + "_latency.json"; }
};

// One unique block of the FBNet space at HW-NAS-Bench's LUT granularity.
struct FbnetBlock {
  enum class Kind { Stem, Layer, Head, Pool, Classifier };
  Kind kind = Kind::Layer;
  std::string key;          // HW-NAS-Bench op key (fbnet_*_key)
  FbnetLayerShape shape{};  // Layer: the layer's shape
  int op = -1;              // Layer: candidate index 0..8
};

// The blocks a setting's LUT needs, each key once, in network order (stem, layers, head, pool,
// FC). Layers of equal shape (a stage's repeated blocks) share their keys.
std::vector<FbnetBlock> fbnet_unique_blocks(FbnetSetting setting);

struct Timing {
  double median_ms = 0;
  double p10_ms = 0;
  double p90_ms = 0;
};

// Quantile q in [0, 1] with linear interpolation between order statistics (numpy's default).
double quantile(std::vector<double> values, double q);

// Applies the options' thread count to LibTorch (process-wide) and returns the count in effect.
int apply_threads(const MeasureOptions& options);

// Architectures as whole child networks (same modules as the supernet), timed end to end in rounds
// (each round runs every network once), so that the slow and fast phases of a shared machine fall
// on all of them alike; all are built first. `setting` is the FBNet setting (ignored for NB201:
// cifar10, 32x32, 10 classes).
std::vector<Timing> measure_archs(const MeasureOptions& options, const std::vector<Arch>& archs,
                                  FbnetSetting setting);
// How many networks one interleaved group holds. All are built at once (the profile with 100
// FBNet cifar10 child nets per group peaked at 0.9 GB RSS), and the profile resumes group by group.
// Groups must be large: a shared machine also drifts between groups (with groups of 25, two runs of
// the same 100 networks differed by up to 26 % in one group's mean and agreed in the others).
constexpr size_t kInterleavedNetworks = 100;

// Called as each stage goes (tests count what is measured; the CLI draws nothing extra).
struct ProfileObserver {
  std::function<void(const FbnetBlock&)> block_measured;
  std::function<void(const Arch&)> network_measured;
};

struct LutStageSummary {
  std::string path;
  int blocks = 0;    // unique keys of the setting
  int measured = 0;  // measured in this run
  int reused = 0;    // already in the file from an earlier (interrupted) run
  double seconds = 0;
};

// Stage 1: measures every block missing from out_dir/<device>_latency.json and (re)writes it.
// InputError naming the file, the setting and both values when the file was measured with other
// settings; DataError when it is not such a file.
LutStageSummary profile_fbnet_lut(const ProfileOptions& options, const std::string& out_dir,
                                  const ProfileObserver& observer = {});

// Least-squares line measured = slope * predicted + intercept, and the rank/linear agreement.
struct AgreementStats {
  int count = 0;
  double pearson = 0;
  double kendall_tau = 0;
  double r2 = 0;  // of the fit line (= pearson^2 for an OLS line with intercept)
  double slope = 0;
  double intercept = 0;
  double mean_ratio = 0;  // mean of measured / predicted: the overhead the block sum misses
};
// x = predicted, y = measured; InputError for fewer than 2 pairs or unequal lengths.
AgreementStats agreement_stats(const std::vector<double>& predicted,
                               const std::vector<double>& measured);

struct ValidationSummary {
  AgreementStats stats;
  AgreementStats flops_stats;  // the same against FLOPs (a baseline: how much the LUT adds)
  int measured = 0, reused = 0;
  bool plotted = false;
  std::string brief_report() const;
};

// Stage 2: the seeded random FBNet archs timed whole vs the LUT sum (the LUT must be complete).
// Writes validation.csv (arch, lut_sum_ms, measured_ms, p10, p90, mflops), validation.md and,
// when gnuplot is installed, validation.png.
ValidationSummary validate_fbnet_lut(const ProfileOptions& options, const std::string& out_dir,
                                     const ProfileObserver& observer = {});

struct Nb201Agreement {
  std::string column;  // a published latency column ("edgegpu_latency", "titanx_256_latency", ...)
  int known = 0;       // sampled archs this column has a value for
  double pearson = 0;  // over the known ones; NaN when fewer than 2
  double kendall_tau = 0;
};
struct Nb201Summary {
  int sampled = 0, measured = 0, reused = 0;
  std::vector<Nb201Agreement> columns;  // sorted by Kendall tau, best first
  std::string brief_report() const;
};

// Stage 3: `nb201_archs` NB201 archs (seeded sample of the 15,625 indices) timed whole and
// correlated with every published NB201 latency column and FLOPs. Writes nb201_sample.csv and
// nb201_correlation.md.
Nb201Summary profile_nb201_sample(const ProfileOptions& options, const CostLibrary& library,
                                  const std::string& out_dir, const ProfileObserver& observer = {});

// Settings an existing LUT was measured with (its "metadata"), so a single arch can be timed the
// same way later. nullopt when the file has no metadata (e.g. HW-NAS-Bench's own LUT).
struct LutProvenance {
  MeasureOptions measure;
  std::string device_name;
  std::string setting;
};
std::optional<LutProvenance> read_lut_provenance(const std::string& lut_path);

// "model name" from /proc/cpuinfo (or the machine type) and the LibTorch version: the LUT's
// description of where it was measured.
std::string host_description();

}  // namespace hwnas
