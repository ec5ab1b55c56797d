#include <cmath>

#include "core/config.h"
#include "core/strings.h"
#include "search/supernet_search.h"

namespace hwnas {

SupernetDataOptions SupernetDataOptions::read(const ConfigSection& s) {
  SupernetDataOptions o;
  static_cast<ImageDataOptions&>(o) = ImageDataOptions::read(s);
  o.arch_fraction = s.get_double("arch_fraction", o.arch_fraction);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetDataOptions::validate() const {
  if (!(arch_fraction > 0 && arch_fraction < 1)) {
    throw InvalidOption("arch_fraction", "must be in (0, 1)");
  }
}

SupernetTrainOptions SupernetTrainOptions::read(const ConfigSection& s) {
  SupernetTrainOptions o;
  static_cast<TrainLoopOptions&>(o) = TrainLoopOptions::read(s, o);
  o.warmup_epochs = s.get_int("warmup_epochs", o.warmup_epochs);
  o.steps_per_epoch = s.get_int("steps_per_epoch", o.steps_per_epoch);
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetTrainOptions::validate() const {
  if (warmup_epochs < 0 || warmup_epochs >= epochs) {
    throw InvalidOption("warmup_epochs", "must be in 0..epochs-1 (" + std::to_string(epochs - 1) +
                                             "), so that some epochs search the architecture");
  }
  if (steps_per_epoch < 0) throw InvalidOption("steps_per_epoch", "must be >= 0 (0 = one pass)");
}

SupernetStrategyOptions SupernetStrategyOptions::read(const ConfigSection& s) {
  SupernetStrategyOptions o;
  o.type = s.get_string("type", o.type);
  const bool dnas = o.type == "fbnet_dnas";
  o.arch_every = s.get_int("arch_every", o.arch_every);
  o.arch_lr = s.get_double("arch_lr", dnas ? 0.01 : 1e-3);  // FBNet: Adam 0.01 on theta
  o.arch_beta1 = s.get_double("arch_beta1", dnas ? 0.9 : 0.0);
  o.arch_beta2 = s.get_double("arch_beta2", o.arch_beta2);
  if (dnas) {
    o.temperature = s.get_double("temperature", o.temperature);
    o.temperature_decay = s.get_double("temperature_decay", o.temperature_decay);
    o.gumbel_sampling = s.get_choice("gumbel_sampling", o.gumbel_sampling, {"batch", "example"});
  } else {
    o.estimator = s.get_choice("estimator", o.estimator, {"two", "full"});
  }
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetStrategyOptions::validate() const {
  if (arch_every < 1) throw InvalidOption("arch_every", "must be >= 1");
  if (!(arch_lr > 0)) throw InvalidOption("arch_lr", "must be > 0");
  if (arch_beta1 < 0 || arch_beta1 >= 1) throw InvalidOption("arch_beta1", "must be in [0, 1)");
  if (arch_beta2 < 0 || arch_beta2 >= 1) throw InvalidOption("arch_beta2", "must be in [0, 1)");
  if (!(temperature > 0)) throw InvalidOption("temperature", "must be > 0");
  if (temperature_decay < 0) throw InvalidOption("temperature_decay", "must be >= 0");
}

bool is_supernet_strategy(const std::string& type) {
  return type == "proxylessnas" || type == "fbnet_dnas";
}

SupernetSearchOptions SupernetSearchOptions::read(const Config& config) {
  const ConfigSection root = config.root();
  SupernetSearchOptions o;
  o.name = root.get_string("name", o.name);
  o.seed = root.get_int("seed", o.seed);
  o.device = root.get_choice("device", o.device, {"cpu", "cuda"});
  o.threads = root.get_int("threads", o.threads);
  if (o.threads < 0) root.fail("threads", "must be >= 0 (0 = all cores)");
  o.space = parse_space(root.get_choice("space", "fbnet", {"fbnet", "nb201"}));
  o.setting = root.get_string("setting", o.setting);
  o.tables = CostTablesOptions::read(root);
  o.output_dir = root.child("output").get_string("dir", o.output_dir);
  o.data = SupernetDataOptions::read(root.child("data"));
  o.train = SupernetTrainOptions::read(root.child("train"));
  const ConfigSection strategy = root.child("strategy");
  strategy.get_choice("type", o.strategy.type, {"proxylessnas", "fbnet_dnas"}, "registered");
  o.strategy = SupernetStrategyOptions::read(strategy);
  const bool dnas = o.strategy.type == "fbnet_dnas";
  o.cost = CostLossOptions::read(root.child("cost"), dnas ? "dnas" : "mul_log", dnas ? 0.6 : 0.3);
  if (o.space == Space::NB201 && !o.setting.empty() && to_lower(o.setting) != "cifar10") {
    root.fail("setting", "nb201 has cost tables for the cifar10 setting only");
  }
  return o;
}

std::string SupernetSearchOptions::cost_setting() const {
  if (space == Space::NB201) return "cifar10";
  if (!setting.empty()) return setting;
  if (data.dataset == "cifar100") return "cifar100";
  if (data.dataset == "synthetic" && data.synthetic_classes == 100) return "cifar100";
  return "cifar10";
}

std::string SupernetSearchResult::brief_report() const {
  char line[768];
  std::snprintf(line, sizeof(line),
                "found %s\n  cost %s (E[cost] under the final alphas %s), supernet top-1 %.2f%% "
                "after %d epochs",
                arch_to_string(arch).c_str(), format_double(arch_cost).c_str(),
                format_double(expected_cost).c_str(), test_accuracy, epochs);
  std::string report = line;
  if (!std::isnan(table_accuracy)) {
    std::snprintf(line, sizeof(line),
                  "\n  NAS-Bench-201 %s test accuracy (200 epochs) %.2f%%; best in the table at "
                  "no more cost %.2f%% (gap %.2f points)",
                  accuracy_dataset.c_str(), table_accuracy, best_accuracy_at_cost,
                  best_accuracy_at_cost - table_accuracy);
    report += line;
  }
  return report;
}

}  // namespace hwnas
