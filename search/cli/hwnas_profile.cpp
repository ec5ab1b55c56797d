// hwnas_profile: build an FBNet latency table on this machine (HW-NAS-Bench's protocol), validate
// it against whole networks, compare this machine with the published NB201 devices; or time one
// found architecture against such a table.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/run_dir.h"
#include "core/run_header.h"
#include "core/strings.h"
#include "costmodels/arch_report.h"
#include "costmodels/cost_library.h"
#include "costmodels/fbnet_lut.h"
#include "supernet/profiler/profile_io.h"
#include "supernet/profiler/profiler.h"

namespace {

// Explicit flags over `base` (the defaults, or the settings a LUT was measured with).
hwnas::MeasureOptions measure_options(const hwnas::CliArgs& args, hwnas::MeasureOptions base) {
  base.device = args.value("device", base.device);
  base.threads = args.int_value("threads", base.threads, /*minimum=*/0, hwnas::max_threads());
  base.batch_size = args.int_value("batch", base.batch_size, /*minimum=*/0);
  base.warmup = args.int_value("warmup", base.warmup, /*minimum=*/0);
  base.repetitions = args.int_value("reps", base.repetitions, /*minimum=*/0);
  base.validate();
  return base;
}

// --measure-arch (repeatable): arch.json files timed as whole networks, in rounds (so that they
// see the same phases of a shared machine), with the LUT's prediction when given.
int measure_given(const hwnas::CliArgs& args) {
  std::vector<std::string> paths = args.values("measure-arch");
  std::vector<hwnas::ArchFile> files;
  const auto library = hwnas::CostLibrary::load(args.value("data-dir"));  // the NB201 catalog
  for (const auto& path : paths) {
    files.push_back(hwnas::ArchFile::read(path, *library));
    if (files.back().arch.space != files.front().arch.space ||
        files.back().setting != files.front().setting) {
      throw hwnas::InputError(
          "hwnas_profile: " + path + " is " + hwnas::to_string(files.back().arch.space) + " " +
          files.back().setting + ", " + paths.front() + " " +
          hwnas::to_string(files.front().arch.space) + " " + files.front().setting +
          "; time archs of one space and setting together");
    }
  }
  const std::string lut_path = args.value("lut");
  std::optional<hwnas::LutProvenance> provenance;
  if (!lut_path.empty()) provenance = hwnas::read_lut_provenance(lut_path);
  // Timed the way the table was, unless flags say otherwise.
  const auto measure =
      measure_options(args, provenance ? provenance->measure : hwnas::MeasureOptions{});
  const hwnas::Space space = files.front().arch.space;
  if (!lut_path.empty() && space != hwnas::Space::FBNet) {
    throw hwnas::InputError("hwnas_profile: --lut predicts fbnet architectures; " + paths.front() +
                            " is an nb201 one");
  }
  const auto setting = space == hwnas::Space::FBNet
                           ? hwnas::parse_fbnet_setting(files.front().setting)
                           : hwnas::FbnetSetting::Cifar10;
  std::optional<hwnas::FbnetLut> lut;
  hwnas::CostKey key;
  if (!lut_path.empty()) {
    lut = hwnas::FbnetLut::load(lut_path);
    std::string metric = args.value("device-name", provenance ? provenance->device_name : "");
    if (metric.empty()) {
      if (lut->keys().size() != 1) {
        std::vector<std::string> names;
        for (const auto& k : lut->keys()) names.push_back(k.device);
        throw hwnas::InputError("hwnas_profile: " + lut_path + " has several devices (" +
                                hwnas::join(names, ", ") + "); choose one with --device-name");
      }
      metric = lut->keys().front().device;
    }
    key = hwnas::CostKey{metric, hwnas::Metric::Latency};
  }
  const int threads = hwnas::apply_threads(measure);
  std::vector<hwnas::Arch> archs;
  for (const auto& file : files) archs.push_back(file.arch);
  const auto timings = hwnas::measure_archs(measure, archs, setting);
  std::cout << "timed in " << measure.repetitions << " rounds of " << archs.size()
            << " network(s), " << measure.device << ", " << threads << " thread(s), batch "
            << measure.batch_size << "\n";
  for (size_t i = 0; i < files.size(); ++i) {
    const auto& t = timings[i];
    std::cout << paths[i] << ": " << hwnas::arch_to_string(files[i].arch) << " ("
              << hwnas::to_string(space) << " " << files[i].setting << ")\n"
              << "  measured  " << hwnas::format_fixed(t.median_ms, 4) << " ms (median; p10 "
              << hwnas::format_fixed(t.p10_ms, 4) << ", p90 " << hwnas::format_fixed(t.p90_ms, 4)
              << ")\n";
    if (!lut) continue;
    const double predicted = lut->table(setting, key).cost(files[i].arch.ops.data());
    std::cout << "  LUT sum   " << hwnas::format_fixed(predicted, 4) << " ms (" << key.to_string()
              << " in " << lut_path
              << "); measured / LUT = " << hwnas::format_fixed(t.median_ms / predicted, 4) << "\n";
  }
  return 0;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_profile",
      "Measure every unique block of the FBNet space on this machine into a HW-NAS-Bench-format\n"
      "latency table (<out>/<device-name>_latency.json), validate its sums against whole networks\n"
      "(validation.md/.csv/.png), and rank this machine against the published NB201 devices\n"
      "(nb201_correlation.md). A rerun into the same --out resumes where it stopped.\n"
      "examples:\n"
      "  hwnas_profile --setting cifar10 --out runs/profile-host_cpu\n"
      "  hwnas_profile --quick --out /tmp/profile-quick\n"
      "  hwnas_profile --measure-arch runs/X/arch.json --lut "
      "runs/profile-host_cpu/host_cpu_latency.json",
      {{"setting", true, "fbnet setting: cifar10 (default), cifar100, ImageNet"},
       {"device-name", true, "device name of the table: metric <name>_latency (default host_cpu)"},
       {"device", true, "cpu (default) or cuda"},
       {"threads", true,
        "LibTorch intra-op threads (default 1: the most repeatable; 0 = every core)"},
       {"batch", true, "batch size of the timed inputs (default 1)"},
       {"warmup", true, "untimed runs before timing (default 10)"},
       {"reps", true, "timed runs; the median is the value (default 50)"},
       {"validate", true, "random fbnet archs timed whole vs the LUT sum (default 100; 0 = skip)"},
       {"nb201", true, "sampled NB201 archs timed whole (default 200; 0 = skip)"},
       {"seed", true, "samples, random weights and inputs (default 0)"},
       {"quick", false, "a few reps, 5 validation and 10 NB201 archs: seconds"},
       {"out", true, "output folder (default runs/profile-<device-name>)"},
       {"data-dir", true, "benchmark tables folder (for the NB201 comparison)"},
       {"measure-arch", true,
        "time this arch.json as a whole network instead of profiling (repeatable: "
        "timed together, in rounds)"},
       {"lut", true,
        "with --measure-arch: a profiled LUT to compare with (its settings are reused)"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  if (args.has("measure-arch")) return measure_given(args);
  if (args.has("lut")) throw hwnas::InputError("hwnas_profile: --lut goes with --measure-arch");

  hwnas::ProfileOptions o;
  if (args.has("quick")) o = hwnas::ProfileOptions::quick();
  o.setting = hwnas::parse_fbnet_setting(args.value("setting", "cifar10"));
  o.device_name = args.value("device-name", o.device_name);
  o.measure = measure_options(args, o.measure);
  o.validate_archs = args.int_value("validate", o.validate_archs, /*minimum=*/0);
  o.nb201_archs = args.int_value("nb201", o.nb201_archs, /*minimum=*/0);
  const int seed = args.int_value("seed", 0, /*minimum=*/0);
  o.seed = static_cast<uint64_t>(seed);
  o.validate();
  const std::string out = args.value("out", "runs/profile-" + o.device_name);
  // Refused before the folder's config.resolved.yaml would be replaced by the refused options.
  const std::string lut_path = out + "/" + o.lut_file_name();
  if (std::filesystem::exists(lut_path)) {
    hwnas::check_lut_protocol(lut_path, hwnas::lut_protocol(o, hwnas::apply_threads(o.measure)));
  }
  // A rerun into the same --out continues the profile (per block); another kind of run is refused.
  const auto held = hwnas::open_run_dir(out, hwnas::profile_options_yaml(o),
                                        {"profile", hwnas::RunDirMode::kRerun});
  spdlog::info("hwnas_profile: {} -> {}/", hwnas::host_description(), out);

  const auto lut = hwnas::profile_fbnet_lut(o, out);
  std::cout << "lut: " << lut.path << ": " << lut.blocks << " blocks (" << lut.measured
            << " measured, " << lut.reused << " from an earlier run) in "
            << hwnas::format_fixed(lut.seconds, 4) << " s\n";
  if (o.validate_archs > 0) {
    const auto v = hwnas::validate_fbnet_lut(o, out);
    std::cout << v.brief_report() << "\n";
  }
  if (o.nb201_archs > 0) {
    const auto library = hwnas::CostLibrary::load(args.value("data-dir"));
    const auto n = hwnas::profile_nb201_sample(o, *library, out);
    std::cout << n.brief_report() << "\n";
  }
  spdlog::info("wrote {}/: {}{}{}, log.txt", out, o.lut_file_name(),
               o.validate_archs > 0 ? ", validation.md/.csv/.png" : "",
               o.nb201_archs > 0 ? ", nb201_correlation.md, nb201_sample.csv" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_profile", argc, argv, run); }
