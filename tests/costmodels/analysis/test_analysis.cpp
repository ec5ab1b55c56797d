#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/gnuplot.h"
#include "core/strings.h"
#include "costmodels/analysis/analysis.h"
#include "costmodels/analysis/analysis_plots.h"
#include "support/library_fixture.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;
namespace fs = std::filesystem;

const MetricTable& nb201_table() {
  static const MetricTable t = nb201_metric_table(library());
  return t;
}

TEST(AnalysisTable, Nb201HasEveryMetricAndAccuracy) {
  const MetricTable& t = nb201_table();
  ASSERT_EQ(t.archs.size(), 15625u);
  EXPECT_EQ(t.costs.size(), 33u);  // 10 HW-NAS-Bench metrics + 23 HELP devices
  EXPECT_EQ(t.cost("edgegpu_latency").known(), 12555u);
  EXPECT_EQ(t.cost("edgetpu_latency").known(), 8787u);
  EXPECT_EQ(t.cost("2080ti_32_latency").source, "HELP");
  ASSERT_EQ(t.accuracy.size(), 3u);
  EXPECT_EQ(t.accuracy[0].name, "cifar10_test");
  EXPECT_EQ(error_of([&] { t.cost("tpu_latency"); }).rfind(
                "no metric 'tpu_latency' in the nb201_cifar10 table; known: edgegpu_latency, ", 0),
            0u);
}

// Published NAS-Bench-201 cifar10 FLOPs by NB201 index: the 'flop' column of
// HW-NAS-Visualization's results/alldata.csv (NinaHerrmann/HW-NAS-Visualization; rows with
// arch_index 1462 = all nor_conv_3x3, 1103, 763 and 12941).
TEST(AnalysisTable, Nb201FlopsColumnMatchesPublishedValues) {
  const MetricTable& t = nb201_table();
  const std::vector<std::pair<int, double>> published = {
      {1462, 220.11969}, {1103, 47.10465}, {763, 11.71521}, {12941, 7.78305}};
  for (const auto& [index, mflops] : published) {
    const auto row = std::find(t.nb201_index.begin(), t.nb201_index.end(), index);
    ASSERT_NE(row, t.nb201_index.end());
    EXPECT_NEAR(t.complexity[0].values[row - t.nb201_index.begin()], mflops, 1e-9) << index;
  }
}

TEST(AnalysisTable, FbnetSampleIsSeeded) {
  const MetricTable a = fbnet_metric_table(library(), FbnetSetting::Cifar100, 40, 7);
  const MetricTable b = fbnet_metric_table(library(), FbnetSetting::Cifar100, 40, 7);
  const MetricTable c = fbnet_metric_table(library(), FbnetSetting::Cifar100, 40, 8);
  EXPECT_EQ(a.archs, b.archs);
  EXPECT_NE(a.archs, c.archs);
  EXPECT_EQ(a.costs.size(), 8u);
  // The columns are the LUT model's costs of the sampled archs.
  const auto model = library().model(Space::FBNet, "cifar100", parse_cost_key("fpga_latency"));
  EXPECT_EQ(a.cost("fpga_latency").values[5], model->cost(a.archs[5]));
  EXPECT_EQ(error_of([] { fbnet_metric_table(library(), FbnetSetting::ImageNet, 0, 0); }),
            "fbnet sample size is 0; expected at least 1 architecture");
}

TEST(AnalysisTable, HelpFbnetTableListsLutSumsOnce) {
  const auto help = HelpFbnetMeasurements::load(library().dir() + "/help/fbnet_cifar100_latency.csv");
  const MetricTable t = fbnet_help_metric_table(library(), help);
  EXPECT_EQ(t.archs.size(), 5000u);
  // 8 LUT metrics + 27 HELP columns, of which eyeriss, fpga, pixel3 and raspi4 equal LUT sums.
  EXPECT_EQ(t.costs.size(), 31u);
  EXPECT_EQ(t.notes.size(), 4u);
  for (const auto& note : t.notes) EXPECT_NE(note.find("listed once"), std::string::npos) << note;
}

TEST(Analysis, ComplexityCorrelationsUseTheKnownRows) {
  const MetricTable& t = nb201_table();
  const auto rows = complexity_correlations(t);
  ASSERT_EQ(rows.size(), t.costs.size());
  for (size_t c = 0; c < rows.size(); ++c) {
    EXPECT_EQ(rows[c].count, t.costs[c].known()) << rows[c].metric;
    EXPECT_LE(std::abs(rows[c].flops[0]), 1.0);
  }
  EXPECT_EQ(rows[0].flops[0],
            correlate(Correlation::KendallTauB, t.complexity[0].values, t.costs[0].values).value);
  const std::string csv = complexity_csv(rows);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "metric,unit,source,archs,flops_kendall,flops_spearman,flops_pearson,params_kendall,"
            "params_spearman,params_pearson");
}

// A hand-made (cost, accuracy) table with an unknown cost, a tie and a duplicate.
TEST(Analysis, AccuracyParetoRowsOnAHandMadeTable) {
  const double nan = std::nan("");
  MetricColumn cost{"lat", "ms", "t", {3, 1, 2, nan, 2, 4, 1, 5}};
  MetricColumn accuracy{"acc", "%", "t", {80, 60, 70, 99, 75, 90, 60, 85}};
  // row 3 has no cost; row 2 (2 ms, 70) loses to row 4 (2 ms, 75); row 6 duplicates row 1;
  // row 7 (5 ms, 85) loses to row 5 (4 ms, 90). Sorted by cost.
  EXPECT_EQ(accuracy_pareto_rows(cost, accuracy), (std::vector<size_t>{1, 4, 0, 5}));
}

TEST(Analysis, MatrixTablesNumberTheColumns) {
  CorrelationMatrix m;
  m.value = {{1, 0.5}, {0.5, std::nan("")}};
  EXPECT_EQ(matrix_markdown({"a_latency", "b_energy"}, m),
            "| # | metric | 1 | 2 |\n|---:|---|---:|---:|\n"
            "| 1 | a_latency | 1.00 | 0.50 |\n| 2 | b_energy | 0.50 | n/a |\n");
  EXPECT_EQ(matrix_csv({"a", "b"}, m), "metric,a,b\na,1,0.5\nb,0.5,\n");
}

TEST(Analysis, RunWritesTablesAndFronts) {
  const testing::TempDir temp("run");
  const fs::path dir = temp.path();
  AnalysisOptions o;
  o.out_dir = dir.string();
  o.fbnet_settings = {FbnetSetting::Cifar100};
  o.fbnet_samples = 200;
  o.fbnet_help = false;
  o.plots = false;
  const AnalysisReport r = run_analysis(library(), o);
  for (const char* f : {"report.md", "complexity_nb201_cifar10.md", "cross_device_nb201_cifar10.csv",
                        "complexity_fbnet_cifar100.csv", "cross_device_fbnet_cifar100.md",
                        "pareto_nb201_cifar10_cifar10/summary.md",
                        "pareto_nb201_cifar10_cifar10/edgegpu_latency.csv"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  EXPECT_NE(r.markdown.find("### Cross-device Kendall tau-b (nb201_cifar10)"), std::string::npos);
  // The highlight metric keeps all of its own front.
  const std::string summary = read_text_file((dir / "pareto_nb201_cifar10_cifar10/summary.csv").string());
  const size_t line = summary.find("\nedgegpu_latency,");
  ASSERT_NE(line, std::string::npos);
  const std::string_view row =
      std::string_view(summary).substr(line + 1, summary.find('\n', line + 1) - line - 1);
  const auto fields = split(row, ',');  // metric,archs,front_size,highlight_kept,tau
  EXPECT_EQ(fields[2], fields[3]);
}

TEST(Analysis, OptionsNameTheProblem) {
  AnalysisOptions o;
  o.highlight = "nope_latency";
  o.nb201 = true;
  o.fbnet = false;
  o.complexity = o.cross_device = false;
  o.plots = false;
  const testing::TempDir temp("bad");
  o.out_dir = temp / "out";
  EXPECT_EQ(error_of([&] { run_analysis(library(), o); }).substr(0, 58),
            "no metric 'nope_latency' in the nb201_cifar10 table; known");
  o.pareto = false;
  EXPECT_EQ(error_of([&] { o.validate(); }),
            "analysis: no analysis selected; expected complexity, cross and/or pareto");
}

TEST(AnalysisPlots, DrawHeatmapBarsAndScatter) {
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed (Debian: gnuplot-nox)";
  const testing::TempDir temp("plots");
  const fs::path dir = temp.path();
  CorrelationMatrix m;
  m.value = {{1, 0.3, -0.2}, {0.3, 1, 0.9}, {-0.2, 0.9, 1}};
  plot_heatmap(dir.string(), "heat", "t", {"a_latency", "b's", "c"}, m);
  ComplexityCorrelation row;
  row.metric = "x_latency";
  row.flops = {0.8, 0.9, 0.95};
  row.params = {0.7, 0.8, 0.85};
  plot_complexity_bars(dir.string(), "bars", "t", {row, row});
  write_data_file((dir / "all.dat").string(), {"acc", "lat"}, {{90, 1}, {80, 0.5}, {95, 3}});
  AccuracyPlot p;
  p.stem = "scatter";
  p.all_file = "all.dat";
  p.front = {{0.5, 80}, {1, 90}, {3, 95}};
  p.highlight = {{1, 90}};
  p.highlight_name = "edgegpu_latency";
  p.y_min = 70;
  plot_accuracy_cost(dir.string(), p);
  for (const char* f : {"heat.png", "bars.png", "scatter.png"}) {
    ASSERT_TRUE(fs::exists(dir / f)) << f;
    EXPECT_GT(fs::file_size(dir / f), 1000u) << f;
  }
}

}  // namespace
}  // namespace hwnas
