#pragma once
// YAML configuration onto plain options structs. A component reads its keys from a ConfigSection
// with the default it documents in its options struct; every read is recorded, so that
//  - a key the file has but nobody read is an error naming the file, line:column and the known
//    keys (check_unknown_keys), and
//  - resolved_yaml() is the whole effective configuration with every default filled in, which each
//    run writes as config.resolved.yaml (reading it back gives the same run).
// `--set a.b=c` overrides are applied to the YAML tree before anything is read. yaml-cpp stays in
// config.cpp: components see only this header.
//
// Error messages (pinned by tests/core/test_config.cpp):
//   unknown key 'popsize' in strategy (x.yaml:7:3); known: type, population_size, sample_size
//   bad value strategy.sample_size = 80 (x.yaml:9:16): must be in 1..population_size (50)
//   bad value strategy.population_size = ten (x.yaml:7:20): expected an integer
//   missing key objective.limit (x.yaml:5:3): required when objective.type is constrained
//   unknown strategy.type 'evolutoin' (x.yaml:4:9); registered: evolution, random
// A value that came from --set is placed as "(--set strategy.population_size=ten)".
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace YAML {
class Node;
}

namespace hwnas {

// Thrown by an options struct's validate(): the key (relative to its section) and the rule it
// breaks. ConfigSection::validate turns it into a ConfigError with the path, value and position.
class InvalidOption : public ConfigError {
 public:
  InvalidOption(std::string key, std::string rule)
      : ConfigError(key + ": " + rule), key_(std::move(key)), rule_(std::move(rule)) {}
  const std::string& key() const { return key_; }
  const std::string& rule() const { return rule_; }

 private:
  std::string key_;
  std::string rule_;
};

class ConfigSection;

class Config {
 public:
  // `overrides` are "a.b=c" strings (the value is YAML: 3, text, [a, b], {k: v}).
  static Config load(const std::string& path, const std::vector<std::string>& overrides = {});
  // `source_name` names the text in messages (a file name, "<string>").
  static Config parse(const std::string& text, const std::string& source_name,
                      const std::vector<std::string>& overrides = {});

  const std::string& source() const;
  ConfigSection root() const;

  // ConfigError for the first key (in file order) that no component read.
  void check_unknown_keys() const;
  // Every key read so far with the value used (defaults included), in reading order.
  std::string resolved_yaml() const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

class ConfigSection {
 public:
  // "" for the top level, "strategy", "objective.reference", ...
  const std::string& path() const { return path_; }
  const std::string& source() const;
  // True when the file (or a --set) gives the key.
  bool has(const std::string& key) const;

  // Typed reads: the key's value, or `fallback` when the file does not give it. Either way the
  // key becomes known and its value is recorded for the resolved config.
  int get_int(const std::string& key, int fallback) const;
  double get_double(const std::string& key, double fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  std::vector<std::string> get_strings(const std::string& key,
                                       const std::vector<std::string>& fallback) const;
  std::vector<double> get_doubles(const std::string& key,
                                  const std::vector<double>& fallback) const;
  // A key without a default: "missing key <path> (<where>): <why_required>" when absent.
  double require_double(const std::string& key, const std::string& why_required) const;
  std::string require_string(const std::string& key, const std::string& why_required) const;

  // `key` must be one of `names` (registered types, enum values); the error lists them.
  std::string get_choice(const std::string& key, const std::string& fallback,
                         const std::vector<std::string>& names,
                         const std::string& list_word = "known") const;

  // A nested map (absent = empty, every key at its default).
  ConfigSection child(const std::string& key) const;

  // Runs an options struct's validate(); an InvalidOption it throws becomes a ConfigError naming
  // the path, value and position of its key.
  void validate(const std::function<void()>& validate_fn) const;
  // A rule broken by `key`'s value, for checks done while reading.
  [[noreturn]] void fail(const std::string& key, const std::string& rule) const;

  // "x.yaml:7:3", "--set a.b=c" or "default" for a key the file does not give.
  std::string where(const std::string& key) const;
  std::string value_text(const std::string& key) const;

 private:
  friend class Config;
  ConfigSection(std::shared_ptr<Config::State> state, size_t id);
  std::string full(const std::string& key) const;
  YAML::Node lookup(const std::string& key) const;
  void note_known(const std::string& key) const;

  std::shared_ptr<Config::State> state_;
  size_t id_ = 0;
  std::string path_;
};

// "a.b=c" -> {"a.b", "c"}; InputError otherwise.
std::pair<std::string, std::string> split_override(const std::string& text);

}  // namespace hwnas
