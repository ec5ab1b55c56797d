#include "search/training/resume.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include "core/config.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"
#include "search/training/checkpoint_file.h"

namespace hwnas {

namespace {

bool may_change(const std::string& key) {
  // distributed.*: how the ranks talk (backend, timeout), not what they compute.
  return key == "train.epochs" || key == "train.stop_after_epochs" ||
         key.rfind("distributed.", 0) == 0;
}

// "a.b" -> the value as flow YAML, for every leaf of the maps (a list is one value).
void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      const std::string key = entry.first.as<std::string>();
      flatten(entry.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  if (node.IsScalar()) {
    out[prefix] = node.Scalar();
    return;
  }
  YAML::Emitter flow;
  flow << YAML::Flow << node;
  out[prefix] = flow.c_str();
}

std::map<std::string, std::string> flattened(const std::string& yaml, const std::string& name) {
  std::map<std::string, std::string> out;
  try {
    flatten(YAML::Load(yaml), "", out);
  } catch (const YAML::Exception& e) {
    throw DataError(name + ": not YAML (" + e.msg + ")");
  }
  return out;
}

}  // namespace

void check_resume_overrides(const std::string& program, const std::vector<std::string>& sets) {
  for (const auto& set : sets) {
    const std::string key = split_override(set).first;
    if (!may_change(key)) {
      throw InputError(program + ": --resume: --set " + key +
                       " would make the resumed run another run; only train.epochs (raised above "
                       "the epochs done), train.stop_after_epochs and distributed.* can change");
    }
  }
}

std::vector<std::string> changed_run_keys(const std::string& before, const std::string& after) {
  const auto a = flattened(before, "the checkpoint's config"), b = flattened(after, "config");
  std::map<std::string, std::string> keys = a;
  keys.insert(b.begin(), b.end());
  std::vector<std::string> changed;
  for (const auto& [key, unused] : keys) {
    if (may_change(key)) continue;
    const auto ia = a.find(key), ib = b.find(key);
    const std::string va = ia == a.end() ? "(absent)" : ia->second;
    const std::string vb = ib == b.end() ? "(absent)" : ib->second;
    if (va != vb) changed.push_back(key + " " + va + " -> " + vb);
  }
  return changed;
}

void check_metrics_csv(const std::string& path, int completed_epochs) {
  if (completed_epochs <= 0) return;
  const std::string done = std::to_string(completed_epochs);
  if (!std::filesystem::exists(path)) {
    throw DataError(path + " is missing; it held the rows of the " + done +
                    " epochs done: restore it, or delete the checkpoint to restart the run from "
                    "scratch");
  }
  std::istringstream in(read_text_file(path));
  std::string line;
  std::getline(in, line);  // the header
  std::set<int> epochs;
  while (std::getline(in, line)) {
    int epoch = 0;
    if (parse_int(line.substr(0, line.find(',')), epoch) && epoch >= 1 && epoch <= completed_epochs) {
      epochs.insert(epoch);
    }
  }
  if (static_cast<int>(epochs.size()) < completed_epochs) {
    throw DataError(path + " has rows for " + std::to_string(epochs.size()) + " of the " + done +
                    " epochs done: restore it, or delete the checkpoint to restart the run from "
                    "scratch");
  }
}

std::string run_identity(const std::string& dir, const std::string& extra_identity) {
  const std::string path = dir + "/config.resolved.yaml";
  const std::string config = std::filesystem::exists(path) ? read_text_file(path) : "";
  return extra_identity.empty() ? config : config + "\n" + extra_identity;
}

int check_resumable(const std::string& dir, const std::string& kind, int epochs, bool epochs_set,
                    const std::string& extra_identity) {
  const std::string path = dir + "/checkpoints/last.pt";
  if (!std::filesystem::exists(path)) return 0;
  const CheckpointMeta meta = read_checkpoint_file(path).meta;
  if (!meta.verified) return 0;  // an older hwnas's: nothing to compare (load() warns)
  if (meta.kind != kind) {
    throw DataError(path + " belongs to another run (written by " + meta.kind + ", this is " +
                    kind + "); delete it to restart the run from scratch");
  }
  const std::string config_path = dir + "/config.resolved.yaml";
  if (!meta.config.empty()) {
    auto changed = changed_run_keys(meta.config, run_identity(dir, extra_identity));
    if (!changed.empty()) {
      const size_t shown = std::min<size_t>(changed.size(), 4);
      std::string list = join(std::vector<std::string>(changed.begin(), changed.begin() + shown), ", ");
      if (changed.size() > shown) list += " and " + std::to_string(changed.size() - shown) + " more";
      throw DataError(path + " belongs to another run (" + config_path +
                      (extra_identity.empty() ? "" : " or arch.json") + " differs: " + list +
                      "); undo the edit, or delete the checkpoint to restart the run from scratch");
    }
  }
  const auto it = meta.numbers.find("completed_epochs");
  const int done = it == meta.numbers.end() ? 0 : static_cast<int>(it->second);
  if (epochs_set && epochs <= done) {
    throw InputError("--resume: --set train.epochs=" + std::to_string(epochs) +
                     " is not above the " + std::to_string(done) + " epochs " + dir +
                     " has done; raise it, or leave it out to finish the run as configured");
  }
  check_metrics_csv(dir + "/metrics.csv", done);
  return done;
}

int prepare_resume(const std::string& dir, const std::string& kind, int epochs,
                   const std::vector<std::string>& sets, const std::string& resolved_yaml,
                   const std::string& extra_identity) {
  const bool epochs_set = std::any_of(sets.begin(), sets.end(), [](const std::string& s) {
    return split_override(s).first == "train.epochs";
  });
  const int done = check_resumable(dir, kind, epochs, epochs_set, extra_identity);
  if (!sets.empty()) write_file_atomically(dir + "/config.resolved.yaml", resolved_yaml);
  return done;
}

void check_resume_folder(const std::string& program, const std::string& dir,
                         const std::vector<std::string>& sets) {
  check_resume_overrides(program, sets);
  if (std::filesystem::exists(dir) && !std::filesystem::is_directory(dir)) {
    throw InputError(dir + " is a file, expected a run folder");
  }
  if (!std::filesystem::exists(dir + "/config.resolved.yaml")) {
    throw InputError(program + ": --resume: " + dir + " holds no run to resume (no config.resolved.yaml)");
  }
}

}  // namespace hwnas
