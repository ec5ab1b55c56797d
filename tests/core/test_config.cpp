#include "core/config.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <functional>

#include "core/cli_args.h"
#include "core/run_header.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

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
            "config file '/nonexistent/x.yaml': no such file");
  EXPECT_EQ(error_of([] { Config::parse("- a\n- b\n", "x.yaml"); }),
            "x.yaml: expected a map of keys at the top level, got '[a, b]'");
}

// Audit reproducers: each was accepted silently or failed with a misleading message.
TEST(Config, DuplicateKeysAreErrorsWithBothPlaces) {
  EXPECT_EQ(error_of([] { Config::parse("seed: 0\nname: a\nseed: 7\n", "q.yaml"); }),
            "duplicate key 'seed' (q.yaml:3:1); first given at q.yaml:1:1; give each key once");
  EXPECT_EQ(error_of([] { Config::parse("strategy:\n  type: random\n  type: evolution\n", "q.yaml"); }),
            "duplicate key 'strategy.type' (q.yaml:3:3); first given at q.yaml:2:3; give each key once");
}

TEST(Config, ASecondDocumentIsAnError) {
  EXPECT_EQ(error_of([] { Config::parse("seed: 0\n---\nseed: 7\n", "q.yaml"); }),
            "q.yaml:3:1: a second YAML document (after '---'); a config is one document");
  EXPECT_EQ(error_of([] { Config::parse("---\nseed: 0\n", "q.yaml"); }), "(no error)");
}

TEST(Config, DeepNestingIsNamedBeforeTheParserRecurses) {
  const std::string deep = "a: " + std::string(1000, '[') + std::string(1000, ']') + "\n";
  EXPECT_EQ(error_of([&] { Config::parse(deep, "q.yaml"); }),
            "q.yaml:1:36: nested deeper than 32 levels; a config needs a few");
  EXPECT_EQ(error_of([] { Config::parse("a: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[['  # [[[[\n", "q.yaml"); }),
            "(no error)");
}

TEST(Config, OnlyRegularFilesOfSaneSizeAreRead) {
  const testing::TempDir dir("config_files");
  EXPECT_EQ(error_of([&] { Config::load(dir.path()); }),
            "config file '" + dir.path() + "': is a directory, expected a file");
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of([&] { Config::load(fifo); }),  // would block forever in open()
            "config file '" + fifo + "': is not a regular file (a pipe or device?), expected a file");
  EXPECT_EQ(error_of([] { Config::load("/dev/zero"); }),
            "config file '/dev/zero': is not a regular file (a pipe or device?), expected a file");
  const std::string big = dir.path() + "/big.yaml";
  std::ofstream(big) << "a: '" << std::string(2 << 20, 'x') << "'\n";
  EXPECT_NE(error_of([&] { Config::load(big); }).find("more than the 1048576 expected"), std::string::npos);
}

TEST(Config, EchoedValuesAreBounded) {
  const Config config = Config::parse("name: " + std::string(50000, 'n') + "\n", "q.yaml");
  const std::string message = error_of([&] { config.root().get_int("name", 0); });
  EXPECT_LT(message.size(), 400u) << message.substr(0, 400);
  EXPECT_NE(message.find("... (50000 characters)"), std::string::npos);
}

TEST(Config, ASetBelowAnUnknownKeyIsPlacedAtTheSet) {
  const Config config = Config::parse("seed: 0\n", "q.yaml", {"a.b.c=1"});
  config.root().get_int("seed", 0);
  EXPECT_EQ(error_of([&] { config.check_unknown_keys(); }),
            "unknown key 'a' at top level (--set a.b.c=1); known: seed");
}

TEST(RunHeader, NamesSeedsAndThreadsAreCheckedByTheOneReader) {
  const auto read = [](const std::string& text) {
    return error_of([&] {
      RunHeader::read(Config::parse(text, "q.yaml").root(), RunHeader{"run"}, RunHeader::Keys::WithTorch);
    });
  };
  const std::string name_rule =
      "must be one folder name (not empty, '.' or '..'; no '/' or control characters; at most 200 "
      "characters)";
  EXPECT_EQ(read("name: ..\n"), "bad value name = .. (q.yaml:1:7): " + name_rule);
  EXPECT_EQ(read("name: .\n"), "bad value name = . (q.yaml:1:7): " + name_rule);
  EXPECT_EQ(read("name: ''\n"), "bad value name = '' (q.yaml:1:7): " + name_rule);
  EXPECT_EQ(read("name: a/b\n"), "bad value name = a/b (q.yaml:1:7): " + name_rule);
  EXPECT_EQ(read("seed: -1\n"), "bad value seed = -1 (q.yaml:1:7): must be >= 0");
  EXPECT_EQ(read("threads: 1000000\n"),
            "bad value threads = 1000000 (q.yaml:1:10): must be in 0.." + std::to_string(max_threads()) +
                " (0 = every core; at most 4x this machine's cores)");
  EXPECT_EQ(read("name: ok\nthreads: 2\n"), "(no error)");
  // Invalid UTF-8 once passed and killed a supernet run at its first checkpoint (JSON).
  for (const std::string bad : {"\"\xff\xfe\"", "\"a\xc3\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\""}) {
    EXPECT_NE(read("name: " + bad + "\n").find("must be valid UTF-8"), std::string::npos) << bad;
  }
  EXPECT_EQ(read("name: caf\xc3\xa9-\xe5\x90\x8d\xf0\x9f\x99\x82\n"), "(no error)");
}

TEST(RunMain, PrintsOneBoundedLine) {
  EXPECT_EQ(one_line_message("first\n frame #0\n frame #1"), "first");
  const std::string line = one_line_message(std::string(5000, 'x'));
  EXPECT_EQ(line, std::string(1000, 'x') + "... (4000 more characters)");
}

}  // namespace
}  // namespace hwnas
