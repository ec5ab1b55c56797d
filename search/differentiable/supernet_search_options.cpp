#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "search/differentiable/supernet_search.h"

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
  if (warmup_epochs < 0) throw InvalidOption("warmup_epochs", "must be >= 0");
  if (steps_per_epoch < 0) throw InvalidOption("steps_per_epoch", "must be >= 0 (0 = one pass)");
}

void check_same_supernet_run(const SupernetSearchOptions& source, const SupernetSearchOptions& here,
                             const std::string& dir) {
  const auto check = [&](const std::string& field, const std::string& there, const std::string& mine) {
    if (there != mine) {
      throw InputError("init.from " + dir + ": " + field + " is " + there + " there and " + mine +
                       " here; a run continues another only on the same supernet, images and "
                       "schedule");
    }
  };
  const auto number = [](double v) { return format_double(v); };
  check("space", to_string(source.space), to_string(here.space));
  check("setting", source.cost_setting(), here.cost_setting());
  check("data.dataset", source.data.dataset, here.data.dataset);
  check("data.train_limit", std::to_string(source.data.train_limit), std::to_string(here.data.train_limit));
  check("data.arch_fraction", number(source.data.arch_fraction), number(here.data.arch_fraction));
  check("data.augment", source.data.augment ? "true" : "false", here.data.augment ? "true" : "false");
  check("data.cutout", std::to_string(source.data.cutout), std::to_string(here.data.cutout));
  if (here.data.dataset == "synthetic") {
    check("data.synthetic_size", std::to_string(source.data.synthetic_size), std::to_string(here.data.synthetic_size));
    check("data.synthetic_classes", std::to_string(source.data.synthetic_classes), std::to_string(here.data.synthetic_classes));
  }
  check("supernet.channels", std::to_string(source.shape.nb201_channels), std::to_string(here.shape.nb201_channels));
  check("supernet.cells_per_stage", std::to_string(source.shape.nb201_cells_per_stage),
        std::to_string(here.shape.nb201_cells_per_stage));
  check("supernet.weights", source.shape.fbnet_weights, here.shape.fbnet_weights);
  check("seed (it splits the images)", std::to_string(source.run.seed), std::to_string(here.run.seed));
  check("train.epochs (the cosine schedule)", std::to_string(source.train.epochs), std::to_string(here.train.epochs));
  check("train.batch_size", std::to_string(source.train.batch_size), std::to_string(here.train.batch_size));
  check("train.steps_per_epoch", std::to_string(source.train.steps_per_epoch), std::to_string(here.train.steps_per_epoch));
  check("train.lr", number(source.train.lr), number(here.train.lr));
  check("train.momentum", number(source.train.momentum), number(here.train.momentum));
  check("train.nesterov", source.train.nesterov ? "true" : "false", here.train.nesterov ? "true" : "false");
  check("train.weight_decay", number(source.train.weight_decay), number(here.train.weight_decay));
  check("train.label_smoothing", number(source.train.label_smoothing), number(here.train.label_smoothing));
  check("train.grad_clip", number(source.train.grad_clip), number(here.train.grad_clip));
}

bool is_supernet_strategy(const std::string& type) {
  register_builtin_supernet_strategies();
  return SupernetStrategyRegistry::global().has(type);
}

SupernetShapeOptions SupernetShapeOptions::read(const ConfigSection& s, Space space) {
  SupernetShapeOptions o;
  if (space == Space::NB201) {
    o.nb201_channels = s.get_int("channels", o.nb201_channels);
    o.nb201_cells_per_stage = s.get_int("cells_per_stage", o.nb201_cells_per_stage);
  } else {
    o.fbnet_weights = s.get_choice("weights", o.fbnet_weights, {"separate", "shared"});
  }
  s.validate([&] { o.validate(); });
  return o;
}

void SupernetShapeOptions::validate() const {
  if (nb201_channels < 1 || nb201_channels > 256) throw InvalidOption("channels", "must be in 1..256");
  if (nb201_cells_per_stage < 1 || nb201_cells_per_stage > 10) {
    throw InvalidOption("cells_per_stage", "must be in 1..10");
  }
}

SupernetSearchOptions SupernetSearchOptions::read(const Config& config) {
  register_builtin_supernet_strategies();
  const auto& registry = SupernetStrategyRegistry::global();
  const ConfigSection root = config.root();
  SupernetSearchOptions o;
  o.run = RunHeader::read(root, o.run, RunHeader::Keys::WithTorch);
  o.space = parse_space(root.get_choice("space", "fbnet", {"fbnet", "nb201"}));
  o.setting = root.get_string("setting", o.setting);
  o.tables = CostTablesOptions::read(root);
  o.data = SupernetDataOptions::read(root.child("data"));
  o.train = SupernetTrainOptions::read(root.child("train"));
  // Each space's keys are read (and so written to config.resolved.yaml) for that space only: a
  // run's resolved config must read back.
  const ConfigSection shape = root.child("supernet");
  if (o.space == Space::FBNet && (shape.has("channels") || shape.has("cells_per_stage"))) {
    root.fail("supernet", "the supernet's size can be changed for space nb201 only (FBNet's LUT "
                          "keys fix its layers)");
  }
  if (o.space == Space::NB201 && shape.has("weights")) {
    shape.fail("weights", "shares candidate weights in space fbnet only (NB201's candidates have "
                          "no common shape)");
  }
  if (root.has("supernet") || o.space == Space::NB201) o.shape = SupernetShapeOptions::read(shape, o.space);
  const ConfigSection strategy = root.child("strategy");
  const std::string type = strategy.get_choice("type", o.strategy.type, registry.names(), "registered");
  const SupernetStrategyDefaults defaults = registry.info(type);
  o.strategy = SupernetStrategyOptions::read(strategy, defaults.options);
  std::shared_ptr<SupernetStrategy> algorithm = registry.create(type, strategy);
  int trains = 0;
  root.child("train").validate([&] {
    const int w = o.train.warmup_epochs, e = o.train.epochs;
    trains = algorithm->epochs_to_train(e, w);
    if (trains < 1 || trains > e) {
      throw InvalidOption("warmup_epochs", "must be in 1..epochs (" + std::to_string(e) + ") for a " +
                                               type + " run: the epochs it trains");
    }
    if (algorithm->searches_architecture() && w >= e) {
      throw InvalidOption("warmup_epochs", "must be in 0..epochs-1 (" + std::to_string(e - 1) +
                                               "), so that some epochs search the architecture");
    }
  });
  strategy.validate([&] { algorithm->bind_to_run(o.space, trains); });
  o.algorithm = std::move(algorithm);
  const ConfigSection init = root.child("init");
  o.init.from = init.get_string("from", o.init.from);
  o.init.alphas = init.get_choice("alphas", o.init.alphas, {"reset", "keep"});
  o.cost = CostLossOptions::read(root.child("cost"), defaults.cost_form, defaults.cost_b);
  o.distributed = DistributedOptions::read(root.child("distributed"));
  if (o.strategy.derive == "most_probable_feasible" && !(o.cost.target > 0)) {
    root.child("strategy").fail("derive", "needs a cost limit: cost.target > 0");
  }
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

}  // namespace hwnas
