#pragma once
// Additive FBNet cost tables fitted to whole-network latencies, for devices measured only as whole
// networks (HELP's 23 extra devices): cost(arch) = fixed + sum_l C[l][a_l], the form of the
// HW-NAS-Bench LUT (cifar100 setting), found by ridge least squares on a seeded train split and
// judged on the held-out rest against a FLOPs-only baseline (latency ~ a * MFLOPs + b).
//
// Gauge: each layer's one-hot features sum to 1, so adding t to every entry of one layer and -t to
// `fixed` changes no prediction. The ridge term (intercept unpenalised) picks mean-zero layers;
// the result is then shifted so that every layer's smallest entry is 0 (the LUT loader rejects
// negative entries), the shifts going into `fixed`.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "costmodels/fbnet_lut.h"
#include "costmodels/help_fbnet.h"
#include "costmodels/space.h"

namespace hwnas {

// HELP columns that are HW-NAS-Bench LUT sums, not measurements: fitting them is a sanity check
// (an additive table fits them almost exactly), not a new device.
constexpr std::array<const char*, 4> kHelpLutSumDevices = {"eyeriss", "fpga", "pixel3", "raspi4"};
// HELP's measured devices (every column but the LUT sums), in file order.
std::vector<std::string> help_measured_devices(const HelpFbnetMeasurements& help);

struct FitOptions {
  // Ridge penalty: minimise (1/n_train) sum_i (y_i - fixed - sum_l C[l][a_il])^2
  //                           + lambda * sum_{l,o} C[l][o]^2   (fixed is not penalised).
  // Scaled by 1/n so that lambda does not depend on the number of archs; an entry is seen in
  // about 1/9 of the archs, so lambda = 1e-3 shrinks each entry by ~1% towards its layer's mean.
  // 0 is plain least squares (then every op of every layer must occur in the train split).
  // At most kMaxLambda: lambda = 1 already shrinks each entry to ~10% of its unpenalised size
  // (HELP's 2080ti_1: held-out MRE 3.9% against 0.6% at the default, gold_6226 18% against 2.6%),
  // so its milliseconds are no longer latencies; further on the table tends to a constant (every
  // entry 0, the mean latency in `fixed`: lambda 1e100 gave 112 of 113 LUT entries 0).
  static constexpr double kMaxLambda = 1;
  double lambda = 1e-3;
  double test_fraction = 0.2;  // held-out share of the archs, in (0, 1)
  uint64_t seed = 0;           // of the train/test split

  // InputError naming the option, its value and the rule.
  void validate() const;
};

struct TrainTestSplit {
  std::vector<size_t> train, test;  // row indices, each sorted ascending
};
// Seeded split of rows 0..n-1: round(n * test_fraction) rows held out. Portable (the same rows on
// every standard library). InputError when either part would have fewer than 2 rows.
TrainTestSplit split_train_test(size_t n, double test_fraction, uint64_t seed);

// How well a predictor ranks and matches held-out latencies.
struct FitQuality {
  double kendall_tau = 0;  // tau-b of prediction vs measurement
  double pearson = 0;
  double mean_relative_error = 0;  // mean |prediction - measurement| / measurement
};

struct FittedFbnetTable {
  std::string device;  // HELP name, e.g. "2080ti_32"
  std::string source;  // where the latencies came from (file)
  FitOptions options;
  // cifar100 setting; `fixed` (intercept plus the gauge shifts) is in `stem`, head/pool/fc are 0.
  FbnetCostTable table;
  size_t train_archs = 0, test_archs = 0;
  double train_rmse_ms = 0;
  FitQuality test;                              // the fitted table on the held-out archs
  FitQuality flops_baseline;                    // a * MFLOPs + b, fitted on the train split
  double flops_slope = 0, flops_intercept = 0;  // ms per MFLOP, ms

  double fixed() const { return table.fixed(); }
  double predict(const Arch& arch) const;  // validates the arch
  std::string brief_report() const;        // one line
};

// Fits `latency_ms[i]` of `archs[i]` (FBNet, cifar100 setting). InputError for bad options or
// mismatched lengths; DataError naming the device when a latency is not finite and > 0, when
// lambda = 0 leaves an entry undetermined, when `fixed` comes out negative, and when the table
// is degenerate: a non-finite entry, or predictions that hardly vary (their spread over the train
// archs under kMinRelativeSpread of the latencies' spread), which would rank nothing.
constexpr double kMinRelativeSpread = 1e-3;
FittedFbnetTable fit_fbnet_table(const std::string& device, const std::vector<Arch>& archs,
                                 const std::vector<double>& latency_ms, const FitOptions& options,
                                 const std::string& source = "");
// One HELP column (InputError listing the devices when unknown).
FittedFbnetTable fit_help_device(const HelpFbnetMeasurements& help, const std::string& device,
                                 const FitOptions& options);

// The table as a LUT file FbnetLut::parse reads: {"<device>_latency": {op_key: ms, ...},
// "metadata": {...}} with the cifar100 op keys; values round-trip exactly.
std::string fitted_table_json(const FittedFbnetTable& fit);

// The per-device summary: a Markdown table (as printed by hwnas_fit) and the same as CSV.
std::string fit_report_markdown(const std::vector<FittedFbnetTable>& fits);
std::string fit_report_csv(const std::vector<FittedFbnetTable>& fits);

}  // namespace hwnas
