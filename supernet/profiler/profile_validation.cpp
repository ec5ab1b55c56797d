// Stages 2 and 3 of the profiler: whole networks timed (through measure_archs) and compared with
// the LUT sum (HW-NAS-Bench's validation) and with the published NB201 latency columns. No
// LibTorch here; the CSVs are the resume state.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <random>

#include "core/csv.h"
#include "core/error.h"
#include "core/gnuplot.h"
#include "core/strings.h"
#include "costmodels/complexity.h"
#include "costmodels/cost_library.h"
#include "costmodels/fbnet_lut.h"
#include "costmodels/stats.h"
#include "supernet/profiler/profile_io.h"
#include "supernet/profiler/profiler.h"

namespace hwnas {

namespace {

// Timings of an earlier (interrupted or smaller) run, by the CSV's first column. A run with other
// measurement settings never gets here: the LUT's protocol check comes first.
std::map<std::string, Timing> earlier_timings(const std::string& path) {
  std::map<std::string, Timing> out;
  if (!std::filesystem::exists(path)) return out;
  const CsvTable csv = CsvTable::load(path);
  const size_t median = csv.column("measured_ms"), p10 = csv.column("p10_ms"),
               p90 = csv.column("p90_ms");
  for (size_t r = 0; r < csv.num_rows(); ++r) {
    out[std::string(csv.cell(r, 0))] = {csv.number(r, median), csv.number(r, p10),
                                        csv.number(r, p90)};
  }
  return out;
}

// FBNet arch in a CSV cell: the names joined by '-' (parse_fbnet_arch reads it back).
std::string csv_arch(const Arch& arch) {
  std::string out;
  for (int op : arch.ops) out += (out.empty() ? "" : "-") + std::string(kFbnetCandidates[op].name);
  return out;
}

// `count` distinct NB201 indices: a partial Fisher-Yates shuffle of 0..15624 from the seed.
std::vector<int> sample_nb201_indices(int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int> all(kNb201Archs);
  std::iota(all.begin(), all.end(), 0);
  for (int i = 0; i < count; ++i) {
    std::swap(all[i], all[i + rng() % static_cast<uint64_t>(kNb201Archs - i)]);
  }
  all.resize(count);
  return all;
}

// Times the archs whose key is not in `known` (keys[i] names archs[i]), kInterleavedNetworks at a
// time and each group in rounds, adding their timings to `known`; `save` runs after each group
// (the stage's CSV is its resume state). Returns how many were measured.
int time_missing(const ProfileOptions& options, const std::vector<Arch>& archs,
                 const std::vector<std::string>& keys, std::map<std::string, Timing>& known,
                 const ProfileObserver& observer, ProgressReporter& progress,
                 const std::function<void()>& save) {
  std::vector<size_t> missing;
  for (size_t i = 0; i < archs.size(); ++i) {
    if (!known.count(keys[i])) missing.push_back(i);
  }
  for (size_t start = 0; start < missing.size(); start += kInterleavedNetworks) {
    const size_t end = std::min(missing.size(), start + kInterleavedNetworks);
    std::vector<Arch> group;
    for (size_t g = start; g < end; ++g) group.push_back(archs[missing[g]]);
    const auto timings = measure_archs(options.measure, group, options.setting);
    for (size_t g = start; g < end; ++g) {
      const Timing& t = timings[g - start];
      known[keys[missing[g]]] = t;
      if (observer.network_measured) observer.network_measured(archs[missing[g]]);
      progress.step(keys[missing[g]], fmt::format("archs, last measured {:.3f} ms", t.median_ms));
    }
    save();
  }
  return static_cast<int>(missing.size());
}

std::string protocol_line(const ProfileOptions& o, int threads) {
  const MeasureOptions& m = o.measure;
  return "Measured on " + host_description() + " (" + m.device + ", " + std::to_string(threads) +
         " thread(s), batch " + std::to_string(m.batch_size) + "); each value is the median of " +
         std::to_string(m.repetitions) + " timed runs after " + std::to_string(m.warmup) +
         " warm-up runs, in ms.";
}

bool plot_validation(const std::string& dir, const std::vector<double>& predicted,
                     const std::vector<double>& measured, const AgreementStats& s,
                     const std::string& title) {
  if (!gnuplot_available()) {
    spdlog::warn("profile: gnuplot not found (Debian package gnuplot-nox); no validation.png");
    return false;
  }
  std::vector<std::vector<double>> rows;
  for (size_t i = 0; i < predicted.size(); ++i) rows.push_back({predicted[i], measured[i]});
  write_data_file(dir + "/validation.dat", {"lut_sum_ms", "measured_ms"}, rows);
  const std::string fit = format_double(s.slope) + " * x + " + format_double(s.intercept);
  write_text_file(
      dir + "/validation.gp",
      png_terminal(800, 640) + "set output 'validation.png'\n" + "set title " +
          gnuplot_quote(title) + "\n" +
          "set xlabel 'LUT sum of the blocks (ms)'\nset ylabel 'whole network measured (ms)'\n"
          "set grid\nset key top left\n" +
          "plot 'validation.dat' using 1:2 with points pt 7 ps 0.9 lc rgb '#1f77b4' title "
          "'architectures', " +
          fit + " with lines lw 2 lc rgb '#d62728' title " +
          gnuplot_quote("fit: " + format_fixed(s.slope, 3) + " x + " +
                        format_fixed(s.intercept, 3) + " ms") +
          ", x with lines dt 2 lc rgb '#555555' title 'measured = LUT sum'\n");
  try {
    run_gnuplot(dir + "/validation.gp");
  } catch (const DataError& e) {
    spdlog::warn("profile: no validation.png: {}", e.what());
    return false;
  }
  return true;
}

}  // namespace

AgreementStats agreement_stats(const std::vector<double>& predicted,
                               const std::vector<double>& measured) {
  if (predicted.size() != measured.size() || predicted.size() < 2) {
    throw InputError("agreement_stats: needs two equally long series of >= 2 values, got " +
                     std::to_string(predicted.size()) + " and " + std::to_string(measured.size()));
  }
  AgreementStats s;
  s.count = static_cast<int>(predicted.size());
  s.pearson = pearson(predicted, measured);
  s.kendall_tau = kendall_tau_b(predicted, measured);
  const double n = s.count;
  const double mx = std::accumulate(predicted.begin(), predicted.end(), 0.0) / n;
  const double my = std::accumulate(measured.begin(), measured.end(), 0.0) / n;
  double sxx = 0, sxy = 0, syy = 0, ratio = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    sxx += (predicted[i] - mx) * (predicted[i] - mx);
    sxy += (predicted[i] - mx) * (measured[i] - my);
    syy += (measured[i] - my) * (measured[i] - my);
    ratio += measured[i] / predicted[i];
  }
  s.slope = sxx > 0 ? sxy / sxx : NAN;
  s.intercept = my - s.slope * mx;
  double ss_res = 0;
  for (size_t i = 0; i < predicted.size(); ++i) {
    const double r = measured[i] - (s.slope * predicted[i] + s.intercept);
    ss_res += r * r;
  }
  s.r2 = syy > 0 ? 1 - ss_res / syy : NAN;
  s.mean_ratio = ratio / n;
  return s;
}

std::string ValidationSummary::brief_report() const {
  return "validation: " + std::to_string(stats.count) + " archs, LUT sum vs measured: Pearson " +
         format_fixed(stats.pearson, 4) + ", Kendall tau " + format_fixed(stats.kendall_tau, 4) +
         ", R^2 " + format_fixed(stats.r2, 4) + ", measured = " + format_fixed(stats.slope, 4) +
         " * LUT + " + format_fixed(stats.intercept, 4) + " ms, mean ratio " +
         format_fixed(stats.mean_ratio, 4) + " (FLOPs: Kendall tau " +
         format_fixed(flops_stats.kendall_tau, 4) + ")";
}

ValidationSummary validate_fbnet_lut(const ProfileOptions& options, const std::string& out_dir,
                                     const ProfileObserver& observer) {
  options.validate();
  if (options.validate_archs < 2) throw InputError("profile: validation needs >= 2 archs");
  const int threads = apply_threads(options.measure);
  const std::string lut_path = out_dir + "/" + options.lut_file_name();
  check_lut_protocol(lut_path, lut_protocol(options, threads));
  const FbnetLut lut = FbnetLut::load(lut_path);
  const FbnetCostTable& table =
      lut.table(options.setting, parse_cost_key(options.device_name + "_latency"));

  const std::string csv_path = out_dir + "/validation.csv";
  const auto earlier = earlier_timings(csv_path);
  const auto archs = random_fbnet_archs(static_cast<size_t>(options.validate_archs), options.seed);
  ValidationSummary summary;
  std::vector<std::string> keys;
  std::map<std::string, Timing> known;  // csv_arch -> timing: the rows of earlier runs first
  for (const Arch& arch : archs) {
    keys.push_back(csv_arch(arch));
    if (const auto it = earlier.find(keys.back()); it != earlier.end()) known.insert(*it);
  }
  summary.reused = static_cast<int>(known.size());
  ProgressReporter progress("validation", archs.size(), known.size());
  std::vector<double> predicted, measured, mflops;
  // Rewritten after each group: a killed run keeps its rows (and drops archs no longer sampled).
  const auto write_rows = [&] {
    predicted.clear();
    measured.clear();
    mflops.clear();
    std::string csv = "arch,lut_sum_ms,measured_ms,p10_ms,p90_ms,mflops\n";
    for (size_t i = 0; i < archs.size(); ++i) {
      const auto it = known.find(keys[i]);
      if (it == known.end()) continue;
      predicted.push_back(table.cost(archs[i].ops.data()));
      mflops.push_back(fbnet_complexity(archs[i], options.setting).mflops);
      measured.push_back(it->second.median_ms);
      csv += it->first + "," + format_double(predicted.back()) + "," +
             format_double(it->second.median_ms) + "," + format_double(it->second.p10_ms) + "," +
             format_double(it->second.p90_ms) + "," + format_double(mflops.back()) + "\n";
    }
    write_file_atomically(csv_path, csv);
  };
  summary.measured = time_missing(options, archs, keys, known, observer, progress, write_rows);
  write_rows();
  summary.stats = agreement_stats(predicted, measured);
  summary.flops_stats = agreement_stats(mflops, measured);

  const std::string title = options.device_name + ": LUT sum vs whole network, fbnet " +
                            to_string(options.setting) + ", " + std::to_string(archs.size()) +
                            " archs (Pearson " + format_fixed(summary.stats.pearson, 3) +
                            ", Kendall " + format_fixed(summary.stats.kendall_tau, 3) + ")";
  summary.plotted = plot_validation(out_dir, predicted, measured, summary.stats, title);
  const AgreementStats& s = summary.stats;
  const AgreementStats& f = summary.flops_stats;
  const std::string md =
      "# LUT validation: " + options.device_name + ", fbnet " + to_string(options.setting) +
      "\n\n" + protocol_line(options, threads) + "\n\n" + std::to_string(archs.size()) +
      " random architectures (seed " + std::to_string(options.seed) +
      ") were timed as whole child networks and compared with the sum of their blocks in " +
      options.lut_file_name() +
      " (HW-NAS-Bench's validation of its FBNet LUTs). FLOPs are the baseline a table has to "
      "beat.\n\n"
      "| statistic | LUT sum | FLOPs |\n|---|---|---|\n"
      "| Pearson | " +
      format_fixed(s.pearson, 4) + " | " + format_fixed(f.pearson, 4) +
      " |\n"
      "| Kendall tau-b | " +
      format_fixed(s.kendall_tau, 4) + " | " + format_fixed(f.kendall_tau, 4) +
      " |\n"
      "| R^2 of the least-squares line | " +
      format_fixed(s.r2, 4) + " | " + format_fixed(f.r2, 4) +
      " |\n"
      "| slope (measured per unit) | " +
      format_fixed(s.slope, 4) + " | " + format_fixed(f.slope, 6) +
      " ms/MFLOP |\n"
      "| intercept (ms) | " +
      format_fixed(s.intercept, 4) + " | " + format_fixed(f.intercept, 4) +
      " |\n"
      "| mean measured / LUT sum | " +
      format_fixed(s.mean_ratio, 4) +
      " | |\n\n"
      "A slope or ratio above 1 is per-network overhead the isolated blocks do not see (framework "
      "dispatch between blocks, cache effects); rankings (Kendall tau) are what a search uses.\n\n"
      "Files: validation.csv (arch, lut_sum_ms, measured_ms, p10_ms, p90_ms, mflops)" +
      (summary.plotted ? ", validation.png (fit line in red, y = x dashed)" : "") + ".\n";
  write_file_atomically(out_dir + "/validation.md", md);
  return summary;
}

std::string Nb201Summary::brief_report() const {
  std::string out = "nb201: " + std::to_string(sampled) + " archs timed whole; Kendall tau with";
  for (size_t i = 0; i < columns.size() && i < 3; ++i) {
    out += (i ? ", " : " ") + columns[i].column + " " + format_fixed(columns[i].kendall_tau, 3);
  }
  return out + (columns.size() > 3 ? ", ... (nb201_correlation.md)" : "");
}

Nb201Summary profile_nb201_sample(const ProfileOptions& options, const CostLibrary& library,
                                  const std::string& out_dir, const ProfileObserver& observer) {
  options.validate();
  if (options.nb201_archs < 2) throw InputError("profile: the nb201 sample needs >= 2 archs");
  const int threads = apply_threads(options.measure);
  std::filesystem::create_directories(out_dir);
  // The folder's LUT fixes its protocol: earlier rows are only reused when measured the same way.
  const std::string lut_path = out_dir + "/" + options.lut_file_name();
  if (std::filesystem::exists(lut_path))
    check_lut_protocol(lut_path, lut_protocol(options, threads));
  const Nb201Tables& tables = library.nb201();
  const std::string csv_path = out_dir + "/nb201_sample.csv";
  const auto earlier = earlier_timings(csv_path);
  const auto indices = sample_nb201_indices(options.nb201_archs, options.seed);
  Nb201Summary summary;
  summary.sampled = static_cast<int>(indices.size());
  std::vector<Arch> sample;
  std::vector<std::string> keys;
  std::map<std::string, Timing> known;  // NB201 index -> timing: the rows of earlier runs first
  for (int index : indices) {
    sample.push_back(tables.arch_at(index));
    keys.push_back(std::to_string(index));
    if (const auto it = earlier.find(keys.back()); it != earlier.end()) known.insert(*it);
  }
  summary.reused = static_cast<int>(known.size());
  ProgressReporter progress("nb201", indices.size(), known.size());
  std::vector<Arch> archs;
  std::vector<double> measured, mflops;
  const auto write_rows = [&] {
    archs.clear();
    measured.clear();
    mflops.clear();
    std::string csv = "index,arch,measured_ms,p10_ms,p90_ms,mflops\n";
    for (size_t i = 0; i < sample.size(); ++i) {
      const auto it = known.find(keys[i]);
      if (it == known.end()) continue;
      archs.push_back(sample[i]);
      measured.push_back(it->second.median_ms);
      mflops.push_back(nb201_complexity(archs.back()).mflops);
      csv += keys[i] + "," + nb201_string(archs.back()) + "," +
             format_double(it->second.median_ms) + "," + format_double(it->second.p10_ms) + "," +
             format_double(it->second.p90_ms) + "," + format_double(mflops.back()) + "\n";
    }
    write_file_atomically(csv_path, csv);
  };
  summary.measured = time_missing(options, sample, keys, known, observer, progress, write_rows);
  write_rows();

  // Every published latency column, over the sampled archs it has a value for.
  std::vector<std::string> partial;
  for (const CostKey& key : library.keys(Space::NB201)) {
    if (key.metric != Metric::Latency) continue;
    const Nb201Column& column = tables.column(key);
    std::vector<double> published;
    for (const Arch& a : archs) published.push_back(column.by_code[nb201_code(a)]);
    Nb201Agreement row;
    row.column = key.to_string();
    const auto p = correlate(Correlation::Pearson, published, measured);
    row.known = static_cast<int>(p.count);
    row.pearson = p.value;
    row.kendall_tau = correlate(Correlation::KendallTauB, published, measured).value;
    if (row.known < summary.sampled) {
      partial.push_back(row.column + " (" + std::to_string(row.known) + " of " +
                        std::to_string(summary.sampled) + ")");
    }
    summary.columns.push_back(row);
  }
  Nb201Agreement flops;
  flops.column = "FLOPs (nb201_complexity)";
  flops.known = summary.sampled;
  flops.pearson = pearson(mflops, measured);
  flops.kendall_tau = kendall_tau_b(mflops, measured);
  summary.columns.push_back(flops);
  std::stable_sort(summary.columns.begin(), summary.columns.end(),
                   [](const Nb201Agreement& a, const Nb201Agreement& b) {
                     const double x = std::isnan(a.kendall_tau) ? -2 : a.kendall_tau;
                     const double y = std::isnan(b.kendall_tau) ? -2 : b.kendall_tau;
                     return x > y;
                   });
  if (!partial.empty()) {
    spdlog::warn(
        "nb201: some published columns lack values for sampled archs and are compared on "
        "the archs they have: {}",
        join(partial, ", "));
  }

  std::string md = "# NB201: this machine vs the published latency tables\n\n" +
                   protocol_line(options, threads) + "\n\n" + std::to_string(summary.sampled) +
                   " NAS-Bench-201 architectures (seeded sample of the 15,625, seed " +
                   std::to_string(options.seed) +
                   ") timed as whole networks (cifar10: 32x32, 10 classes), correlated with every "
                   "published NB201 latency column: the devices whose rankings this machine "
                   "shares come first.\n\n"
                   "| column | archs with a value | Pearson | Kendall tau-b |\n|---|---|---|---|\n";
  for (const auto& c : summary.columns) {
    md += "| " + c.column + " | " + std::to_string(c.known) + " | " + format_fixed(c.pearson, 4) +
          " | " + format_fixed(c.kendall_tau, 4) + " |\n";
  }
  md += "\n" +
        (partial.empty()
             ? std::string("Every column has a value for every sampled architecture.\n")
             : "Columns without a value for some sampled architectures are compared on the "
               "ones they have: " +
                   join(partial, ", ") + ".\n") +
        "\nFiles: nb201_sample.csv (index, arch, measured_ms, p10_ms, p90_ms, mflops).\n";
  write_file_atomically(out_dir + "/nb201_correlation.md", md);
  return summary;
}

}  // namespace hwnas
