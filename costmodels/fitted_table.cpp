#include "costmodels/fitted_table.h"

#include <spdlog/spdlog.h>

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>

#include "core/csv.h"
#include "core/error.h"
#include "core/strings.h"
#include "costmodels/complexity.h"
#include "costmodels/stats.h"

namespace hwnas {

namespace {

constexpr int kBasis = kFbnetChoices - 1;  // a layer's entries have 8 degrees of freedom + gauge

// The LUT keys a layer by its shape, so layers of equal shape (blocks 2-4 of a stage) share their
// entries: the 22 layers form 12 shape groups, and a fitted table must tie them to be writable.
struct ShapeGroups {
  std::vector<int> group_of_layer;  // [22]
  int count = 0;
};

const ShapeGroups& cifar100_shape_groups() {
  static const ShapeGroups groups = [] {
    ShapeGroups g;
    const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar100);
    std::vector<std::string> keys;  // a group's key of op 0 (the shape decides every op's key)
    for (int l = 0; l < kFbnetLayers; ++l) {
      const std::string key = fbnet_layer_key(m.layers[l], 0);
      const auto it = std::find(keys.begin(), keys.end(), key);
      g.group_of_layer.push_back(static_cast<int>(it - keys.begin()));
      if (it == keys.end()) keys.push_back(key);
    }
    g.count = static_cast<int>(keys.size());
    return g;
  }();
  return groups;
}

// Orthonormal basis of the mean-zero vectors of R^9 (Helmert contrasts). Writing a group's entries
// as P z removes the gauge from the solve, and ||P z|| = ||z|| keeps the ridge penalty the same.
Eigen::Matrix<double, kFbnetChoices, kBasis> helmert_basis() {
  Eigen::Matrix<double, kFbnetChoices, kBasis> p =
      Eigen::Matrix<double, kFbnetChoices, kBasis>::Zero();
  for (int k = 1; k <= kBasis; ++k) {
    const double norm = std::sqrt(static_cast<double>(k) * (k + 1));
    for (int i = 0; i < k; ++i) p(i, k - 1) = 1 / norm;
    p(k, k - 1) = -k / norm;
  }
  return p;
}

std::string percent(double fraction) {
  return std::isnan(fraction) ? "n/a" : format_fixed(100 * fraction, 2) + "%";
}


bool is_lut_sum(const std::string& device) {
  return std::find_if(kHelpLutSumDevices.begin(), kHelpLutSumDevices.end(),
                      [&](const char* d) { return device == d; }) != kHelpLutSumDevices.end();
}

FitQuality quality(const std::vector<double>& predicted, const std::vector<double>& measured) {
  FitQuality q;
  q.kendall_tau = kendall_tau_b(predicted, measured);
  q.pearson = pearson(predicted, measured);
  double sum = 0;
  for (size_t i = 0; i < measured.size(); ++i) {
    sum += std::abs(predicted[i] - measured[i]) / measured[i];
  }
  q.mean_relative_error = sum / static_cast<double>(measured.size());
  return q;
}

// Ridge solve of the mean-zero group parameters z on the train rows; fills table.layer and returns
// the intercept (before the gauge shift).
double solve_ridge(const std::string& device, const std::vector<Arch>& archs,
                   const std::vector<double>& latency_ms, const std::vector<size_t>& train,
                   double lambda, FbnetCostTable& table) {
  const ShapeGroups& groups = cifar100_shape_groups();
  const auto p = helmert_basis();
  const Eigen::Index n = static_cast<Eigen::Index>(train.size());
  const Eigen::Index cols = static_cast<Eigen::Index>(groups.count) * kBasis;

  // Per group, how often each op occurs in the arch (a one-hot for single-layer groups).
  Eigen::MatrixXd counts = Eigen::MatrixXd::Zero(n, groups.count * kFbnetChoices);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Arch& arch = archs[train[i]];
    for (int l = 0; l < kFbnetLayers; ++l) {
      counts(i, groups.group_of_layer[l] * kFbnetChoices + arch.ops[l]) += 1;
    }
    y(i) = latency_ms[train[i]];
  }
  if (lambda == 0) {  // plain least squares: every entry must be seen (a clearer error than rank)
    const Eigen::RowVectorXd seen = counts.colwise().sum();
    for (int l = 0; l < kFbnetLayers; ++l) {
      for (int op = 0; op < kFbnetChoices; ++op) {
        if (seen(groups.group_of_layer[l] * kFbnetChoices + op) == 0) {
          throw DataError(device + ": no training arch has " + kFbnetCandidates[op].name +
                          " at layer " + std::to_string(l) +
                          ", so lambda = 0 cannot determine its cost; use lambda > 0");
        }
      }
    }
  }
  Eigen::MatrixXd x(n, cols);
  for (int g = 0; g < groups.count; ++g) {
    x.middleCols(g * kBasis, kBasis) = counts.middleCols(g * kFbnetChoices, kFbnetChoices) * p;
  }
  // Centring leaves the intercept out of the penalty: it is mean(y) - mean(x) z afterwards.
  const Eigen::RowVectorXd x_mean = x.colwise().mean();
  const double y_mean = y.mean();
  Eigen::MatrixXd a(lambda > 0 ? n + cols : n, cols);
  a.topRows(n) = x.rowwise() - x_mean;
  Eigen::VectorXd b = Eigen::VectorXd::Zero(a.rows());
  b.head(n) = y.array() - y_mean;
  if (lambda > 0) {  // the ridge term as extra rows: QR of the stacked system, no normal equations
    a.bottomRows(cols) =
        std::sqrt(lambda * static_cast<double>(n)) * Eigen::MatrixXd::Identity(cols, cols);
  }
  const Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(a);
  if (qr.rank() < cols) {
    throw DataError(device + ": the " + std::to_string(n) + " training archs determine only " +
                    std::to_string(qr.rank()) + " of the table's " + std::to_string(cols) +
                    " free entries with lambda = " + format_double(lambda) +
                    "; use a larger lambda");
  }
  const Eigen::VectorXd z = qr.solve(b);
  for (int l = 0; l < kFbnetLayers; ++l) {
    const int g = groups.group_of_layer[l];
    const Eigen::Matrix<double, kFbnetChoices, 1> entries = p * z.segment<kBasis>(g * kBasis);
    for (int op = 0; op < kFbnetChoices; ++op) table.layer[l * kFbnetChoices + op] = entries(op);
  }
  return y_mean - x_mean.dot(z);
}

// A table that cannot be a cost model: a non-finite entry, or predictions that hardly vary (a
// lambda near its maximum on nearly constant latencies), which a search would read as "every arch
// costs the same".
void check_not_degenerate(const std::string& device, const FittedFbnetTable& fit,
                          const std::vector<Arch>& archs, const std::vector<double>& latency_ms,
                          const std::vector<size_t>& train) {
  const FbnetCostTable& t = fit.table;
  if (!std::isfinite(t.stem)) {
    throw DataError(device + ": the fitted fixed part is " + format_double(t.stem) +
                    "; the fit is degenerate (lambda " + format_double(fit.options.lambda) + ")");
  }
  int zeros = 0;
  for (int i = 0; i < kFbnetLayers * kFbnetChoices; ++i) {
    if (!std::isfinite(t.layer[i])) {
      throw DataError(device + ": the fitted entry of " +
                      kFbnetCandidates[i % kFbnetChoices].name + " at layer " +
                      std::to_string(i / kFbnetChoices) + " is " + format_double(t.layer[i]) +
                      "; the fit is degenerate (lambda " + format_double(fit.options.lambda) +
                      ")");
    }
    if (t.layer[i] == 0) ++zeros;
  }
  double low = INFINITY, high = -INFINITY, measured_low = INFINITY, measured_high = -INFINITY;
  for (size_t i : train) {
    const double predicted = t.cost(archs[i].ops.data());
    low = std::min(low, predicted);
    high = std::max(high, predicted);
    measured_low = std::min(measured_low, latency_ms[i]);
    measured_high = std::max(measured_high, latency_ms[i]);
  }
  const double spread = high - low, measured = measured_high - measured_low;
  if (!(spread >= kMinRelativeSpread * measured) || !(spread > 0)) {
    throw DataError(device + ": the fitted table is degenerate: its predictions for the " +
                    std::to_string(train.size()) + " training archs span " +
                    format_double(spread) + " ms, the measured latencies " +
                    format_double(measured) + " ms (" + std::to_string(zeros) + " of the " +
                    std::to_string(kFbnetLayers * kFbnetChoices) +
                    " layer entries are 0; lambda " + format_double(fit.options.lambda) +
                    "); no table written");
  }
}

}  // namespace

std::vector<std::string> help_measured_devices(const HelpFbnetMeasurements& help) {
  std::vector<std::string> devices;
  for (const auto& column : help.columns) {
    if (!is_lut_sum(column.device)) devices.push_back(column.device);
  }
  return devices;
}

void FitOptions::validate() const {
  if (!(lambda >= 0 && lambda <= kMaxLambda)) {
    throw InputError("fit: lambda is " + format_double(lambda) + "; expected a number in 0.." +
                     format_double(kMaxLambda));
  }
  if (!(test_fraction > 0 && test_fraction < 1)) {
    throw InputError("fit: test_fraction is " + format_double(test_fraction) +
                     "; expected a number in (0, 1)");
  }
}

TrainTestSplit split_train_test(size_t n, double test_fraction, uint64_t seed) {
  const size_t n_test = static_cast<size_t>(std::llround(static_cast<double>(n) * test_fraction));
  if (n_test < 2 || n - n_test < 2) {
    throw InputError("split: " + std::to_string(n) + " archs with test_fraction " +
                     format_double(test_fraction) + " leave " + std::to_string(n - n_test) +
                     " for training and " + std::to_string(n_test) +
                     " held out; expected at least 2 in each");
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  // Fisher-Yates with rng() % k, not std::shuffle or uniform_int_distribution, whose results
  // differ between standard libraries (the bias of % is below 1e-15 here).
  std::mt19937_64 rng(seed);
  for (size_t i = n - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
  TrainTestSplit split;
  split.test.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_test));
  split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(n_test), order.end());
  std::sort(split.test.begin(), split.test.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

double FittedFbnetTable::predict(const Arch& arch) const {
  if (arch.space != Space::FBNet)
    throw InputError("an nb201 architecture given to a fitted fbnet table");
  validate(arch);
  return table.cost(arch.ops.data());
}

std::string FittedFbnetTable::brief_report() const {
  return device + ": fixed " + format_fixed(fixed(), 3) + " ms, held-out (" +
         std::to_string(test_archs) + " archs) Kendall tau " + format_fixed(test.kendall_tau, 4) +
         ", Pearson " + format_fixed(test.pearson, 4) + ", MRE " +
         percent(test.mean_relative_error) + "; FLOPs line: tau " +
         format_fixed(flops_baseline.kendall_tau, 4) + ", MRE " +
         percent(flops_baseline.mean_relative_error);
}

FittedFbnetTable fit_fbnet_table(const std::string& device, const std::vector<Arch>& archs,
                                 const std::vector<double>& latency_ms, const FitOptions& options,
                                 const std::string& source) {
  options.validate();
  if (archs.size() != latency_ms.size()) {
    throw InputError("fit " + device + ": " + std::to_string(archs.size()) + " archs but " +
                     std::to_string(latency_ms.size()) + " latencies; expected one per arch");
  }
  for (size_t i = 0; i < archs.size(); ++i) {
    if (archs[i].space != Space::FBNet) {
      throw InputError("fit " + device + ": arch " + std::to_string(i) + " is not an fbnet arch");
    }
    validate(archs[i]);
    if (!(latency_ms[i] > 0) || !std::isfinite(latency_ms[i])) {  // relative errors divide by it
      throw DataError(device + ": the latency of arch " + std::to_string(i) + " is " +
                      format_double(latency_ms[i]) + "; expected a finite latency > 0 ms");
    }
  }
  const TrainTestSplit split = split_train_test(archs.size(), options.test_fraction, options.seed);

  FittedFbnetTable fit;
  fit.device = device;
  fit.source = source;
  fit.options = options;
  fit.train_archs = split.train.size();
  fit.test_archs = split.test.size();
  double fixed = solve_ridge(device, archs, latency_ms, split.train, options.lambda, fit.table);
  for (int l = 0; l < kFbnetLayers; ++l) {  // gauge: every layer's cheapest op costs 0
    double* row = &fit.table.layer[l * kFbnetChoices];
    const double least = *std::min_element(row, row + kFbnetChoices);
    for (int op = 0; op < kFbnetChoices; ++op) row[op] -= least;
    fixed += least;
  }
  if (!(fixed >= 0)) {
    throw DataError(device +
                    ": the fitted fixed part (stem, head, pool, FC and every layer's "
                    "cheapest op) is " +
                    format_double(fixed) +
                    " ms < 0; an additive table with "
                    "non-negative entries cannot represent these latencies (try a larger lambda)");
  }
  fit.table.stem = fixed;  // head, pool and fc stay 0: the whole fixed part lives in the stem key
  check_not_degenerate(device, fit, archs, latency_ms, split.train);

  double squares = 0;
  for (size_t i : split.train) {
    const double r = fit.table.cost(archs[i].ops.data()) - latency_ms[i];
    squares += r * r;
  }
  fit.train_rmse_ms = std::sqrt(squares / static_cast<double>(split.train.size()));

  // FLOPs baseline: the least-squares line through (MFLOPs, latency) of the train rows.
  std::vector<double> mflops(archs.size());
  for (size_t i = 0; i < archs.size(); ++i) {
    mflops[i] = fbnet_complexity(archs[i], FbnetSetting::Cifar100).mflops;
  }
  double f_mean = 0, y_mean = 0;
  for (size_t i : split.train) {
    f_mean += mflops[i];
    y_mean += latency_ms[i];
  }
  f_mean /= static_cast<double>(split.train.size());
  y_mean /= static_cast<double>(split.train.size());
  double sxy = 0, sxx = 0;
  for (size_t i : split.train) {
    sxy += (mflops[i] - f_mean) * (latency_ms[i] - y_mean);
    sxx += (mflops[i] - f_mean) * (mflops[i] - f_mean);
  }
  fit.flops_slope = sxx > 0 ? sxy / sxx : 0;
  fit.flops_intercept = y_mean - fit.flops_slope * f_mean;

  std::vector<double> measured, table_pred, flops_pred;
  for (size_t i : split.test) {
    measured.push_back(latency_ms[i]);
    table_pred.push_back(fit.table.cost(archs[i].ops.data()));
    flops_pred.push_back(fit.flops_slope * mflops[i] + fit.flops_intercept);
  }
  fit.test = quality(table_pred, measured);
  fit.flops_baseline = quality(flops_pred, measured);
  spdlog::info("fit {}", fit.brief_report());
  return fit;
}

FittedFbnetTable fit_help_device(const HelpFbnetMeasurements& help, const std::string& device,
                                 const FitOptions& options) {
  return fit_fbnet_table(device, help.archs, help.column(device).latency_ms, options, help.file);
}

std::string fitted_table_json(const FittedFbnetTable& fit) {
  const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar100);
  nlohmann::ordered_json ops = nlohmann::ordered_json::object();
  ops[fbnet_stem_key(m)] = fit.table.stem;
  for (int l = 0; l < kFbnetLayers; ++l) {
    for (int op = 0; op < kFbnetChoices; ++op) {
      // Layers of one shape share a key; the fit tied them, so they agree to the bit.
      ops[fbnet_layer_key(m.layers[l], op)] = fit.table.layer[l * kFbnetChoices + op];
    }
  }
  ops[fbnet_head_key(m)] = fit.table.head;
  ops[fbnet_pool_key(m)] = fit.table.pool;
  ops[fbnet_fc_key(m)] = fit.table.fc;
  // The 10-class head of the 32x32 setting too, so cifar10 searches can target the device. The
  // measured nets had the 100-class FC, which sits in `fixed`; a 10-class FC would cost a little
  // less, a constant that changes no ranking.
  ops[fbnet_fc_key(fbnet_macro(FbnetSetting::Cifar10))] = fit.table.fc;

  const size_t total = fit.train_archs + fit.test_archs;
  nlohmann::ordered_json meta;
  meta["source"] = "fitted";
  meta["description"] =
      "Additive per-layer latency table (ms) for " + fit.device +
      ", fbnet cifar100 setting, fitted "
      "from " +
      std::to_string(fit.train_archs) +
      " HELP whole-network latencies by ridge least "
      "squares (" +
      std::to_string(fit.test_archs) + " of " + std::to_string(total) +
      " archs held out). Not a measurement of single blocks: only sums over whole networks are "
      "meaningful. The whole fixed part (stem, head conv, pool, FC and every layer's cheapest op) "
      "is stored in the stem key; head, pool and FC are 0. The cifar10 setting (FC_Cin1504_Cout10) "
      "reuses it: the 100-class FC of the measured networks stays in the fixed part.";
  meta["device"] = fit.device;
  meta["setting"] = "cifar100";  // and cifar10, with the same fixed part
  meta["unit"] = "ms";
  meta["data"] = fit.source;
  meta["lambda"] = fit.options.lambda;
  meta["test_fraction"] = fit.options.test_fraction;
  meta["seed"] = fit.options.seed;
  meta["train_archs"] = fit.train_archs;
  meta["test_archs"] = fit.test_archs;
  meta["fixed_ms"] = fit.fixed();
  meta["train_rmse_ms"] = fit.train_rmse_ms;
  meta["test_kendall_tau"] = fit.test.kendall_tau;
  meta["test_pearson"] = fit.test.pearson;
  meta["test_mean_relative_error"] = fit.test.mean_relative_error;
  meta["flops_baseline_kendall_tau"] = fit.flops_baseline.kendall_tau;
  meta["flops_baseline_pearson"] = fit.flops_baseline.pearson;
  meta["flops_baseline_mean_relative_error"] = fit.flops_baseline.mean_relative_error;
  meta["date"] = utc_timestamp();

  nlohmann::ordered_json root;
  root[fit.device + "_latency"] = std::move(ops);
  root["metadata"] = std::move(meta);
  // nlohmann writes doubles in their shortest round-trip form: parsing gives the same bits back.
  return root.dump(2) + "\n";
}

std::string fit_report_markdown(const std::vector<FittedFbnetTable>& fits) {
  std::string out =
      "### Fitted additive latency tables vs a FLOPs-only line (HELP fbnet cifar100)\n\n";
  if (!fits.empty()) {
    const FitOptions& o = fits.front().options;
    out += "Ridge lambda " + format_double(o.lambda) + ", held-out fraction " +
           format_double(o.test_fraction) + ", split seed " + std::to_string(o.seed) +
           ". Scores on the held-out archs: tau Kendall tau-b, r Pearson, MRE mean relative "
           "error. FLOPs: latency ~ a * MFLOPs + b fitted on the same train split. (LUT sum): a "
           "HW-NAS-Bench table sum, fitted as a sanity check.\n\n";
  }
  out +=
      "| device | train | test | table tau | table r | table MRE | FLOPs tau | FLOPs r | "
      "FLOPs MRE |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& f : fits) {
    out += "| " + f.device + (is_lut_sum(f.device) ? " (LUT sum)" : "") + " | " +
           std::to_string(f.train_archs) + " | " + std::to_string(f.test_archs) + " | " +
           format_fixed(f.test.kendall_tau, 4) + " | " + format_fixed(f.test.pearson, 4) +
           " | " + percent(f.test.mean_relative_error) + " | " +
           format_fixed(f.flops_baseline.kendall_tau, 4) + " | " +
           format_fixed(f.flops_baseline.pearson, 4) + " | " +
           percent(f.flops_baseline.mean_relative_error) + " |\n";
  }
  return out;
}

std::string fit_report_csv(const std::vector<FittedFbnetTable>& fits) {
  std::string out =
      "device,lut_sum,train_archs,test_archs,lambda,seed,fixed_ms,train_rmse_ms,table_kendall_tau,"
      "table_pearson,table_mean_relative_error,flops_kendall_tau,flops_pearson,"
      "flops_mean_relative_error\n";
  for (const auto& f : fits) {
    out += f.device + "," + (is_lut_sum(f.device) ? "1" : "0") + "," +
           std::to_string(f.train_archs) + "," + std::to_string(f.test_archs) + "," +
           csv_number(f.options.lambda) + "," + std::to_string(f.options.seed) + "," +
           csv_number(f.fixed()) + "," + csv_number(f.train_rmse_ms) + "," +
           csv_number(f.test.kendall_tau) + "," + csv_number(f.test.pearson) + "," +
           csv_number(f.test.mean_relative_error) + "," + csv_number(f.flops_baseline.kendall_tau) +
           "," + csv_number(f.flops_baseline.pearson) + "," +
           csv_number(f.flops_baseline.mean_relative_error) + "\n";
  }
  return out;
}

}  // namespace hwnas
