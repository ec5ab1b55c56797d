#include "supernet/profiler/profile_io.h"

#include <spdlog/spdlog.h>
#include <sys/utsname.h>
#include <torch/version.h>  // TORCH_VERSION only: a few #defines, not the LibTorch headers
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/paths.h"
#include "core/strings.h"

namespace hwnas {

namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  // x86 says "model name"; some ARM kernels only "Hardware" or "Processor".
  for (const char* field : {"model name", "Hardware", "Processor"}) {
    in.clear();
    in.seekg(0);
    while (std::getline(in, line)) {
      const auto colon = line.find(':');
      if (colon == std::string::npos || trim(line.substr(0, colon)) != field) continue;
      const auto value = std::string(trim(line.substr(colon + 1)));
      if (!value.empty()) return value;
    }
  }
  utsname name{};
  return uname(&name) == 0 ? std::string(name.machine) + " CPU" : "unknown CPU";
}

LutProtocol protocol_from_metadata(const nlohmann::json& m) {
  LutProtocol p;
  p.device_name = m.at("device").get<std::string>();
  p.torch_device = m.at("torch_device").get<std::string>();
  p.setting = m.at("setting").get<std::string>();
  p.cpu = m.at("cpu").get<std::string>();
  p.torch_version = m.at("torch_version").get<std::string>();
  p.threads = m.at("threads").get<int>();
  p.batch_size = m.at("batch_size").get<int>();
  p.warmup = m.at("warmup").get<int>();
  p.repetitions = m.at("repetitions").get<int>();
  return p;
}

// The parsed file and its protocol; DataError naming the file when it is not a profiled LUT.
nlohmann::ordered_json read_profiled_lut(const std::string& path, LutProtocol& protocol) {
  nlohmann::ordered_json root;
  try {
    root = nlohmann::ordered_json::parse(read_text_file(path));
    protocol = protocol_from_metadata(root.at("metadata"));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(path + ": not a LUT written by hwnas_profile (" + e.what() +
                    "); expected \"<device>_latency\" and \"metadata\" with device, torch_device, "
                    "setting, cpu, torch_version, threads, batch_size, warmup, repetitions");
  }
  return root;
}

}  // namespace

std::string host_description() { return cpu_model() + ", LibTorch " + TORCH_VERSION; }

std::string LutProtocol::differences(const LutProtocol& now) const {
  std::vector<std::string> out;
  const auto diff = [&](const char* name, const std::string& file, const std::string& run) {
    if (file != run)
      out.push_back(std::string(name) + " '" + file + "' in the file, '" + run + "' now");
  };
  const auto diff_int = [&](const char* name, int file, int run) {
    if (file != run) {
      out.push_back(std::string(name) + " " + std::to_string(file) + " in the file, " +
                    std::to_string(run) + " now");
    }
  };
  diff("device", device_name, now.device_name);
  diff("torch_device", torch_device, now.torch_device);
  diff("setting", setting, now.setting);
  diff("cpu", cpu, now.cpu);
  diff("torch_version", torch_version, now.torch_version);
  diff_int("threads", threads, now.threads);
  diff_int("batch_size", batch_size, now.batch_size);
  diff_int("warmup", warmup, now.warmup);
  diff_int("repetitions", repetitions, now.repetitions);
  return join(out, "; ");
}

LutProtocol lut_protocol(const ProfileOptions& o, int threads_in_effect) {
  LutProtocol p;
  p.device_name = o.device_name;
  p.torch_device = o.measure.device;
  p.setting = to_string(o.setting);
  p.cpu = cpu_model();
  p.torch_version = TORCH_VERSION;
  p.threads = threads_in_effect;
  p.batch_size = o.measure.batch_size;
  p.warmup = o.measure.warmup;
  p.repetitions = o.measure.repetitions;
  return p;
}

void check_lut_protocol(const std::string& lut_path, const LutProtocol& now) {
  LutProtocol recorded;
  read_profiled_lut(lut_path, recorded);
  const std::string diff = recorded.differences(now);
  if (!diff.empty()) {
    throw InputError(lut_path + " was measured with other settings (" + diff +
                     "); rerun with the file's settings to resume it, or write to another --out");
  }
}

ProfiledLutFile::ProfiledLutFile(std::string path, LutProtocol protocol,
                                 std::vector<std::string> key_order, uint64_t seed)
    : path_(std::move(path)),
      protocol_(std::move(protocol)),
      key_order_(std::move(key_order)),
      seed_(seed) {
  if (!std::filesystem::exists(path_)) return;
  check_lut_protocol(path_, protocol_);
  LutProtocol recorded;
  const auto root = read_profiled_lut(path_, recorded);
  const std::string metric = protocol_.device_name + "_latency";
  const auto& spread = root["metadata"].value("spread", nlohmann::ordered_json::object());
  if (!root.contains(metric) || !root[metric].is_object()) {
    throw DataError(path_ + ": no \"" + metric + "\" object of op_key -> latency (ms)");
  }
  for (const auto& [key, value] : root[metric].items()) {
    if (!value.is_number())
      throw DataError(path_ + ": " + metric + "['" + key + "'] is not a number");
    Timing t;
    t.median_ms = t.p10_ms = t.p90_ms = value.get<double>();
    if (spread.contains(key) && spread[key].is_array() && spread[key].size() == 2) {
      t.p10_ms = spread[key][0].get<double>();
      t.p90_ms = spread[key][1].get<double>();
    }
    entries_[key] = t;
  }
}

void ProfiledLutFile::save() const {
  // Values are written in shortest round-trip form: the double read back is the one measured.
  nlohmann::ordered_json table = nlohmann::ordered_json::object();
  nlohmann::ordered_json spread = nlohmann::ordered_json::object();
  size_t written = 0;
  for (const auto& key : key_order_) {
    const auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    table[key] = it->second.median_ms;
    spread[key] = {it->second.p10_ms, it->second.p90_ms};
    ++written;
  }
  const auto& p = protocol_;
  nlohmann::ordered_json meta;
  meta["source"] = "profiled";
  meta["description"] = p.cpu + ", LibTorch " + p.torch_version;
  meta["device"] = p.device_name;
  meta["torch_device"] = p.torch_device;
  meta["setting"] = p.setting;
  meta["cpu"] = p.cpu;
  meta["threads"] = p.threads;
  meta["batch_size"] = p.batch_size;
  meta["warmup"] = p.warmup;
  meta["repetitions"] = p.repetitions;
  meta["torch_version"] = p.torch_version;
  meta["statistic"] = "median of the timed runs, ms; spread = [p10, p90]";
  meta["seed"] = seed_;
  meta["date"] = utc_timestamp();
  meta["blocks"] = key_order_.size();
  meta["complete"] = written == key_order_.size();
  meta["spread"] = spread;
  nlohmann::ordered_json root;
  root[p.device_name + "_latency"] = table;
  root["metadata"] = meta;
  write_file_atomically(path_, root.dump(2) + "\n");
}

std::optional<LutProvenance> read_lut_provenance(const std::string& lut_path) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(read_text_file(lut_path));
  } catch (const nlohmann::json::exception& e) {
    throw DataError(lut_path + ": not valid JSON (" + e.what() + ")");
  }
  if (!root.is_object() || !root.contains("metadata")) return std::nullopt;
  LutProtocol p;
  read_profiled_lut(lut_path, p);
  LutProvenance out;
  out.device_name = p.device_name;
  out.setting = p.setting;
  out.measure.device = p.torch_device;
  out.measure.threads = p.threads;
  out.measure.batch_size = p.batch_size;
  out.measure.warmup = p.warmup;
  out.measure.repetitions = p.repetitions;
  return out;
}

ProgressReporter::ProgressReporter(std::string stage, size_t total, size_t already_done)
    : stage_(std::move(stage)),
      total_(total),
      done_(already_done),
      new_total_(total - std::min(total, already_done)),
      tty_(isatty(STDERR_FILENO) != 0) {}

void ProgressReporter::step(const std::string& label, const std::string& detail) {
  ++done_;
  ++new_done_;
  if (tty_) {
    constexpr size_t kWidth = 30;
    const size_t filled = kWidth * std::min(done_, total_) / std::max<size_t>(total_, 1);
    std::string line = "\r[" + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] " +
                       std::to_string(done_) + "/" + std::to_string(total_) + " " + label;
    line.resize(std::max<size_t>(line.size(), 120), ' ');  // blanks a longer previous label
    std::fputs(line.c_str(), stderr);
    if (done_ >= total_) std::fputs("\n", stderr);
    std::fflush(stderr);
  }
  if (10 * new_done_ >= next_log_ * new_total_) {  // about every 10% of what this run measures
    if (tty_ && done_ < total_) std::fputs(("\r" + std::string(120, ' ') + "\r").c_str(), stderr);
    spdlog::info("{}: {}/{} {}", stage_, done_, total_, detail);
    while (10 * new_done_ >= next_log_ * new_total_) ++next_log_;
  }
}

std::string profile_options_yaml(const ProfileOptions& o) {
  const MeasureOptions& m = o.measure;
  return "# hwnas_profile options (a rerun with the same measure: settings resumes the folder)\n"
         "setting: " +
         to_string(o.setting) + "\n" + "device_name: " + o.device_name + "\n" +
         "measure:\n"
         "  device: " +
         m.device + "\n" + "  threads: " + std::to_string(m.threads) + "\n" +
         "  batch_size: " + std::to_string(m.batch_size) + "\n" +
         "  warmup: " + std::to_string(m.warmup) + "\n" +
         "  repetitions: " + std::to_string(m.repetitions) + "\n" +
         "validate_archs: " + std::to_string(o.validate_archs) + "\n" +
         "nb201_archs: " + std::to_string(o.nb201_archs) + "\n" +
         "seed: " + std::to_string(o.seed) + "\n";
}

}  // namespace hwnas
