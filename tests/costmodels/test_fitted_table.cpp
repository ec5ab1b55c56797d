#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "core/paths.h"
#include "core/strings.h"
#include "costmodels/fitted_table.h"
#include "support/library_fixture.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::library;

const HelpFbnetMeasurements& help() {
  static const auto loaded =
      HelpFbnetMeasurements::load(data_dir() + "/help/fbnet_cifar100_latency.csv");
  return loaded;
}

// A random additive table the LUT format can hold: layers of equal shape (equal LUT key) share
// their entries, as in HW-NAS-Bench.
FbnetCostTable random_lut_table(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> cost(0.05, 3.0);
  std::map<std::string, std::array<double, kFbnetChoices>> by_key;
  FbnetCostTable t;
  t.stem = 0.7;
  t.head = 0.4;
  t.pool = 0.05;
  t.fc = 0.1;
  const FbnetMacro& m = fbnet_macro(FbnetSetting::Cifar100);
  for (int l = 0; l < kFbnetLayers; ++l) {
    const std::string key = fbnet_layer_key(m.layers[l], 0);
    if (!by_key.count(key)) {
      for (double& v : by_key[key]) v = cost(rng);
    }
    for (int op = 0; op < kFbnetChoices; ++op) t.layer[l * kFbnetChoices + op] = by_key[key][op];
  }
  return t;
}

// The same costs with every layer's smallest entry moved into the fixed part.
FbnetCostTable gauge_normalised(FbnetCostTable t) {
  double fixed = t.fixed();
  for (int l = 0; l < kFbnetLayers; ++l) {
    double* row = &t.layer[l * kFbnetChoices];
    const double least = *std::min_element(row, row + kFbnetChoices);
    for (int op = 0; op < kFbnetChoices; ++op) row[op] -= least;
    fixed += least;
  }
  t.stem = fixed;
  t.head = t.pool = t.fc = 0;
  return t;
}

std::vector<double> costs_of(const FbnetCostTable& t, const std::vector<Arch>& archs) {
  std::vector<double> out;
  for (const auto& a : archs) out.push_back(t.cost(a.ops.data()));
  return out;
}

TEST(FittedTable, RecoversASyntheticAdditiveTableExactly) {
  const FbnetCostTable truth = random_lut_table(/*seed=*/11);
  const auto archs = random_fbnet_archs(600, /*seed=*/5);
  FitOptions options;
  options.lambda = 1e-12;
  const auto fit = fit_fbnet_table("synthetic", archs, costs_of(truth, archs), options);
  EXPECT_EQ(fit.train_archs, 480u);
  EXPECT_EQ(fit.test_archs, 120u);
  const auto split = split_train_test(archs.size(), options.test_fraction, options.seed);
  for (size_t i : split.test) {
    const double expected = truth.cost(archs[i].ops.data());
    EXPECT_NEAR(fit.predict(archs[i]), expected, 1e-9 * expected) << "held-out arch " << i;
  }
  const FbnetCostTable normal = gauge_normalised(truth);
  EXPECT_NEAR(fit.fixed(), normal.stem, 1e-8);
  for (size_t k = 0; k < normal.layer.size(); ++k) {
    EXPECT_NEAR(fit.table.layer[k], normal.layer[k], 1e-8)
        << "layer " << k / kFbnetChoices << " op " << k % kFbnetChoices;
  }
  EXPECT_NEAR(fit.test.kendall_tau, 1.0, 1e-12);
  EXPECT_LT(fit.test.mean_relative_error, 1e-10);
}

TEST(FittedTable, EntriesAreGaugeNormalisedAndNonNegative) {
  const auto fit = fit_help_device(help(), "2080ti_1", FitOptions{});
  for (int l = 0; l < kFbnetLayers; ++l) {
    const double* row = &fit.table.layer[l * kFbnetChoices];
    EXPECT_EQ(*std::min_element(row, row + kFbnetChoices), 0.0) << "layer " << l;
  }
  EXPECT_GT(fit.fixed(), 0);
  EXPECT_EQ(fit.table.head + fit.table.pool + fit.table.fc, 0.0);
}

// HELP's raspi4 column is the HW-NAS-Bench LUT sum, so plain least squares finds that LUT back.
TEST(FittedTable, FindsTheHwNasBenchLutBackFromItsSums) {
  FitOptions options;
  options.lambda = 0;
  const auto fit = fit_help_device(help(), "raspi4", options);
  const FbnetCostTable lut = gauge_normalised(
      library().fbnet().table(FbnetSetting::Cifar100, {"raspi4", Metric::Latency}));
  EXPECT_NEAR(fit.fixed(), lut.stem, 1e-9 * lut.stem);
  for (size_t k = 0; k < lut.layer.size(); ++k) EXPECT_NEAR(fit.table.layer[k], lut.layer[k], 1e-9);
  EXPECT_LT(fit.test.mean_relative_error, 1e-12);
}

TEST(FittedTable, BeatsTheFlopsLineOnRealHelpDevices) {
  for (const std::string device : {"2080ti_1", "gold_6226", "samsung_s7"}) {
    const auto fit = fit_help_device(help(), device, FitOptions{});
    std::cout << "[ fit      ] " << fit.brief_report() << "\n";
    EXPECT_GT(fit.test.kendall_tau, fit.flops_baseline.kendall_tau) << device;
    EXPECT_EQ(fit.train_archs, 4000u);
    EXPECT_EQ(fit.test_archs, 1000u);
  }
}

TEST(FittedTable, WrittenJsonLoadsAsALutWithTheSameCosts) {
  const auto fit = fit_help_device(help(), "gold_6226", FitOptions{});
  const std::string text = fitted_table_json(fit);
  const FbnetLut lut = FbnetLut::parse(text, "gold_6226_latency.json");
  const CostKey key{"gold_6226", Metric::Latency};
  ASSERT_EQ(lut.keys(), std::vector<CostKey>{key});
  EXPECT_FALSE(lut.has_setting(FbnetSetting::ImageNet));
  const FbnetCostTable& table = lut.table(FbnetSetting::Cifar100, key);
  for (const auto& arch : random_fbnet_archs(20, /*seed=*/3)) {
    EXPECT_EQ(table.cost(arch.ops.data()), fit.predict(arch)) << fbnet_arch_names(arch);
  }
  EXPECT_EQ(table.layer, fit.table.layer);  // 17 significant digits: every entry round-trips
  // The 32x32 10-class setting shares every entry (cifar10 searches can target the device).
  ASSERT_TRUE(lut.has_setting(FbnetSetting::Cifar10));
  EXPECT_EQ(lut.table(FbnetSetting::Cifar10, key).layer, fit.table.layer);
  EXPECT_EQ(lut.table(FbnetSetting::Cifar10, key).fixed(), fit.fixed());

  const auto meta = nlohmann::json::parse(text).at("metadata");
  EXPECT_EQ(meta.at("source"), "fitted");
  EXPECT_EQ(meta.at("device"), "gold_6226");
  EXPECT_EQ(meta.at("train_archs"), 4000);
  EXPECT_EQ(meta.at("lambda").get<double>(), FitOptions{}.lambda);
  EXPECT_EQ(meta.at("test_kendall_tau").get<double>(), fit.test.kendall_tau);
  EXPECT_NE(meta.at("description").get<std::string>().find("ridge least squares"),
            std::string::npos);
}

TEST(FittedTable, SplitIsSeededAndDisjoint) {
  const auto a = split_train_test(100, 0.2, /*seed=*/1);
  EXPECT_EQ(a.test.size(), 20u);
  EXPECT_EQ(a.train.size(), 80u);
  EXPECT_EQ(a.test, split_train_test(100, 0.2, /*seed=*/1).test);
  EXPECT_NE(a.test, split_train_test(100, 0.2, /*seed=*/2).test);
  std::vector<size_t> all = a.train;
  all.insert(all.end(), a.test.begin(), a.test.end());
  std::sort(all.begin(), all.end());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
}

TEST(FittedTable, BadOptionsAndDataArePinned) {
  FitOptions o;
  o.lambda = -1;
  EXPECT_EQ(error_of([&] { o.validate(); }), "fit: lambda is -1; expected a number in 0..1");
  o.lambda = NAN;
  EXPECT_EQ(error_of([&] { o.validate(); }), "fit: lambda is nan; expected a number in 0..1");
  // Beyond 1 the entries shrink to nothing: 1e100 wrote a LUT with 112 of 113 entries 0.
  for (double bad : {1.000001, 10.0, 1e100, 1e308, double(INFINITY)}) {
    o.lambda = bad;
    EXPECT_EQ(error_of([&] { o.validate(); }),
              "fit: lambda is " + format_double(bad) + "; expected a number in 0..1");
  }
  o.lambda = FitOptions::kMaxLambda;
  EXPECT_NO_THROW(o.validate());
  o = FitOptions{};
  for (double bad : {0.0, 1.0, 1.5, -0.2}) {
    o.test_fraction = bad;
    EXPECT_EQ(error_of([&] { o.validate(); }),
              "fit: test_fraction is " + format_double(bad) + "; expected a number in (0, 1)");
  }
  o.test_fraction = 0;  // checked by the fit too
  EXPECT_EQ(error_of([&] { fit_help_device(help(), "2080ti_1", o); }),
            "fit: test_fraction is 0; expected a number in (0, 1)");
  EXPECT_EQ(error_of([] { split_train_test(5, 0.2, 0); }),
            "split: 5 archs with test_fraction 0.2 leave 4 for training and 1 held out; expected "
            "at least 2 in each");
  const auto archs = random_fbnet_archs(3, 0);
  EXPECT_EQ(error_of([&] {
              fit_fbnet_table("d", archs, {1.0, 2.0}, FitOptions{});
            }),
            "fit d: 3 archs but 2 latencies; expected one per arch");
  EXPECT_EQ(error_of([&] {
              fit_fbnet_table("d", archs, {1.0, 0.0, 2.0}, FitOptions{});
            }),
            "d: the latency of arch 1 is 0; expected a finite latency > 0 ms");
  const std::string unknown = error_of([] { fit_help_device(help(), "tpu", FitOptions{}); });
  EXPECT_EQ(
      unknown.rfind("no HELP fbnet device 'tpu' in " + help().file + "; known: 1080ti_1, ", 0), 0u)
      << unknown;
}

// Latencies whose additive fit needs a negative fixed part cannot become a LUT.
TEST(FittedTable, NegativeFixedPartNamesTheDevice) {
  FbnetCostTable t;
  for (int l = 0; l < kFbnetLayers; ++l) {
    for (int op = 1; op < kFbnetChoices; ++op) t.layer[l * kFbnetChoices + op] = 10;
  }
  t.stem = -5;  // every sampled arch still has a positive latency (>= one op of cost 10)
  const auto archs = random_fbnet_archs(300, /*seed=*/9);
  FitOptions options;
  options.lambda = 1e-12;
  const std::string message =
      error_of([&] { fit_fbnet_table("odd_device", archs, costs_of(t, archs), options); });
  const std::string prefix =
      "odd_device: the fitted fixed part (stem, head, pool, FC and every layer's cheapest op) is -";
  EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
  EXPECT_NE(message.find(" ms < 0; an additive table"), std::string::npos) << message;
}

// Latencies that do not vary fit a constant table: it would rank nothing, so it is refused.
TEST(FittedTable, DegenerateTableIsRefused) {
  const auto archs = random_fbnet_archs(300, /*seed=*/5);
  const std::vector<double> latency(archs.size(), 2.5);
  EXPECT_EQ(error_of([&] { fit_fbnet_table("flat", archs, latency, FitOptions{}); }),
            "flat: the fitted table is degenerate: its predictions for the 240 training archs "
            "span 0 ms, the measured latencies 0 ms (198 of the 198 layer entries are 0; lambda "
            "0.001); no table written");
}

// At the largest lambda the real devices still give a table that ranks (the bound is not a
// degenerate corner).
TEST(FittedTable, LargestLambdaStillRanksARealDevice) {
  FitOptions options;
  options.lambda = FitOptions::kMaxLambda;
  const FittedFbnetTable fit = fit_help_device(help(), "2080ti_1", options);
  EXPECT_GT(fit.test.kendall_tau, 0.5);
}

TEST(FittedTable, PlainLeastSquaresNeedsEveryEntrySeen) {
  const auto archs = random_fbnet_archs(20, /*seed=*/4);  // 16 train archs cannot show 9 ops x 22 layers
  std::vector<double> latency(archs.size(), 1.0);
  FitOptions options;
  options.lambda = 0;
  const std::string message = error_of([&] { fit_fbnet_table("d", archs, latency, options); });
  EXPECT_EQ(message.rfind("d: no training arch has ", 0), 0u) << message;
  EXPECT_NE(message.find(", so lambda = 0 cannot determine its cost; use lambda > 0"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace hwnas
