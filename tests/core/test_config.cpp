#include "core/config.h"

#include <gtest/gtest.h>

#include "support/error_of.h"

#include <functional>

namespace hwnas {
namespace {

using testing::error_of;

// The options struct of a made-up component, read the way every component reads its options.
struct PopulationOptions {
  int population_size = 50;
  int sample_size = 10;
  double rate = 0.5;
  std::string name = "evo";

  static PopulationOptions read(const ConfigSection& s) {
    PopulationOptions o;
    o.population_size = s.get_int("population_size", o.population_size);
    o.sample_size = s.get_int("sample_size", o.sample_size);
    o.rate = s.get_double("rate", o.rate);
    o.name = s.get_string("name", o.name);
    s.validate([&] { o.validate(); });
    return o;
  }
  void validate() const {
    if (population_size < 2) throw InvalidOption("population_size", "must be >= 2");
    if (sample_size > population_size) {
      throw InvalidOption("sample_size", "must be in 1..population_size (" +
                                             std::to_string(population_size) + ")");
    }
  }
};

TEST(Config, ReadsValuesAndFillsDefaultsInTheResolvedYaml) {
  const Config config = Config::parse("strategy:\n  population_size: 64\n", "x.yaml");
  const auto o = PopulationOptions::read(config.root().child("strategy"));
  config.check_unknown_keys();
  EXPECT_EQ(o.population_size, 64);
  EXPECT_EQ(o.sample_size, 10);
  EXPECT_EQ(config.resolved_yaml(),
            "strategy:\n  population_size: 64\n  sample_size: 10\n  rate: 0.5\n  name: evo\n");
}

TEST(Config, ResolvedYamlReadsBackToTheSameValues) {
  const Config first = Config::parse("strategy: {rate: 0.1, name: \"my evo\"}\n", "x.yaml");
  const auto a = PopulationOptions::read(first.root().child("strategy"));
  const Config second = Config::parse(first.resolved_yaml(), "config.resolved.yaml");
  const auto b = PopulationOptions::read(second.root().child("strategy"));
  second.check_unknown_keys();
  EXPECT_EQ(b.rate, a.rate);
  EXPECT_EQ(b.name, "my evo");
  EXPECT_EQ(second.resolved_yaml(), first.resolved_yaml());
}

TEST(Config, UnknownKeyNamesFilePositionAndKnownKeys) {
  const Config config = Config::parse(
      "name: run\n"
      "strategy:\n"
      "  population_size: 20\n"
      "  popsize: 3\n",
      "configs/x.yaml");
  config.root().get_string("name", "");
  PopulationOptions::read(config.root().child("strategy"));
  EXPECT_EQ(error_of([&] { config.check_unknown_keys(); }),
            "unknown key 'popsize' in strategy (configs/x.yaml:4:3); known: population_size, "
            "sample_size, rate, name");
}

TEST(Config, UnknownTopLevelKeyAndUnknownSection) {
  const Config config = Config::parse("name: a\nstrategyy:\n  type: random\n", "x.yaml");
  config.root().get_string("name", "");
  config.root().child("strategy");
  EXPECT_EQ(error_of([&] { config.check_unknown_keys(); }),
            "unknown key 'strategyy' at top level (x.yaml:2:1); known: name, strategy");
}

TEST(Config, BadValuesNamePathValueRuleAndPosition) {
  const Config config = Config::parse("strategy:\n  population_size: ten\n", "x.yaml");
  EXPECT_EQ(error_of([&] { PopulationOptions::read(config.root().child("strategy")); }),
            "bad value strategy.population_size = ten (x.yaml:2:20): expected an integer");

  const Config rule = Config::parse("strategy:\n  population_size: 50\n  sample_size: 80\n", "x.yaml");
  EXPECT_EQ(error_of([&] { PopulationOptions::read(rule.root().child("strategy")); }),
            "bad value strategy.sample_size = 80 (x.yaml:3:16): must be in 1..population_size (50)");

  const Config number = Config::parse("strategy: {rate: fast}\n", "x.yaml");
  EXPECT_EQ(error_of([&] { PopulationOptions::read(number.root().child("strategy")); }),
            "bad value strategy.rate = fast (x.yaml:1:18): expected a number");

  const Config not_map = Config::parse("strategy: evolution\n", "x.yaml");
  EXPECT_EQ(error_of([&] { not_map.root().child("strategy"); }),
            "bad value strategy = evolution (x.yaml:1:11): expected a map of keys");
}

TEST(Config, ADefaultThatBreaksARuleSaysDefault) {
  const Config config = Config::parse("strategy: {population_size: 5}\n", "x.yaml");
  EXPECT_EQ(error_of([&] { PopulationOptions::read(config.root().child("strategy")); }),
            "bad value strategy.sample_size = null (default): must be in 1..population_size (5)");
}

TEST(Config, RequiredKeysAndChoices) {
  const Config config = Config::parse("objective:\n  type: constrained\n", "x.yaml");
  const ConfigSection objective = config.root().child("objective");
  EXPECT_EQ(error_of([&] { objective.require_double("limit", "required when objective.type is constrained"); }),
            "missing key objective.limit (default): required when objective.type is constrained");
  const Config choice = Config::parse("strategy:\n  type: evolutoin\n", "x.yaml");
  EXPECT_EQ(error_of([&] {
              choice.root().child("strategy").get_choice("type", "random", {"evolution", "random"},
                                                         /*list_word=*/"registered");
            }),
            "unknown strategy.type 'evolutoin' (x.yaml:2:9); registered: evolution, random");
}

TEST(Config, SetOverridesKeysAndIsNamedInErrors) {
  const Config config = Config::parse("strategy:\n  population_size: 8\n", "x.yaml",
                                      {"strategy.population_size=16", "strategy.name=fast evo",
                                       "budget.queries=100"});
  const auto o = PopulationOptions::read(config.root().child("strategy"));
  EXPECT_EQ(o.population_size, 16);
  EXPECT_EQ(o.name, "fast evo");
  EXPECT_EQ(config.root().child("budget").get_int("queries", 1000), 100);
  config.check_unknown_keys();

  const Config bad = Config::parse("strategy: {}\n", "x.yaml", {"strategy.population_size=ten"});
  EXPECT_EQ(error_of([&] { PopulationOptions::read(bad.root().child("strategy")); }),
            "bad value strategy.population_size = ten (--set strategy.population_size=ten): "
            "expected an integer");
  const Config unknown = Config::parse("strategy: {}\n", "x.yaml", {"strategy.popsize=3"});
  PopulationOptions::read(unknown.root().child("strategy"));
  EXPECT_EQ(error_of([&] { unknown.check_unknown_keys(); }),
            "unknown key 'popsize' in strategy (--set strategy.popsize=3); known: population_size, "
            "sample_size, rate, name");
  EXPECT_EQ(error_of([&] { Config::parse("", "x.yaml", {"strategy.population_size"}); }),
            "bad --set 'strategy.population_size': expected key.path=value, e.g. "
            "strategy.population_size=64");
}

TEST(Config, ListsAndBooleans) {
  const Config config = Config::parse("metrics: [a, b]\nsingle: c\nref: [1, 2.5]\nplot: no\n", "x.yaml");
  const ConfigSection root = config.root();
  EXPECT_EQ(root.get_strings("metrics", {}), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(root.get_strings("single", {}), (std::vector<std::string>{"c"}));
  EXPECT_EQ(root.get_doubles("ref", {}), (std::vector<double>{1, 2.5}));
  EXPECT_FALSE(root.get_bool("plot", true));
  EXPECT_EQ(config.resolved_yaml(), "metrics: [a, b]\nsingle: [c]\nref: [1, 2.5]\nplot: false\n");
}

TEST(Config, SyntaxErrorsAndMissingFiles) {
  EXPECT_EQ(error_of([] { Config::parse("a: [1, 2\n", "x.yaml"); }).rfind("x.yaml:", 0), 0u);
  EXPECT_EQ(error_of([] { Config::load("/nonexistent/x.yaml"); }),
            "config file '/nonexistent/x.yaml' cannot be read (missing or unreadable)");
  EXPECT_EQ(error_of([] { Config::parse("- a\n- b\n", "x.yaml"); }),
            "x.yaml: expected a map of keys at the top level, got '[a, b]'");
}

}  // namespace
}  // namespace hwnas
