// hwnas_train: retrain a found architecture from scratch and evaluate it.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "core/cli_args.h"
#include "core/config.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/paths.h"
#include "core/run_dir.h"
#include "search/training/resume.h"
#include "search/training/retrain.h"

namespace {

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_train",
      "Retrain an architecture (a search's arch.json) from scratch; top-1 and costs in result.json.\n"
      "examples:\n"
      "  hwnas_train --arch runs/table5-cifar10-fpga/arch.json --config configs/retrain/cifar10-reduced.yaml\n"
      "  hwnas_train --resume runs/retrain-fpga",
      {{"arch", true, "arch.json of the architecture to train (required unless --resume)"},
       {"config", true, "the training protocol (YAML)"},
       {"set", true, "override a key: --set train.epochs=10 (repeatable)"},
       {"out", true, "run folder (default: <output.dir>/<name>)"},
       {"resume", true, "continue the run in this folder from its last checkpoint"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  const std::string resume_dir = args.value("resume");
  const bool resume = !resume_dir.empty();
  if (!resume && (!args.has("arch") || !args.has("config"))) {
    throw hwnas::InputError("hwnas_train: --arch and --config are required (or --resume DIR)");
  }
  if (resume) {
    // Options that would start or shape another run are refused rather than ignored.
    if (args.has("arch") || args.has("config") || args.has("out")) {
      throw hwnas::InputError("hwnas_train: --resume DIR continues the run in DIR with its own "
                              "config and arch.json; --arch/--config/--out cannot be combined");
    }
    hwnas::check_resume_folder("hwnas_train", resume_dir, args.values("set"));
  }
  // A resumed run reads its own resolved config and the arch it copied into its folder.
  const auto config = resume ? hwnas::Config::load(resume_dir + "/config.resolved.yaml", args.values("set"))
                             : hwnas::Config::load(args.value("config"), args.values("set"));
  const auto options = hwnas::RetrainOptions::read(config);
  config.check_unknown_keys();
  const std::string arch_path = resume ? resume_dir + "/arch.json" : args.value("arch");
  // The tables first: an NB201 arch.json's index is checked against their catalog.
  const auto library = options.tables.load();
  const auto target = hwnas::ArchFile::read(arch_path, *library);
  const std::string dir = resume ? resume_dir : args.value("out", options.run.run_dir());
  auto run_options = options;
  const auto ranks = hwnas::join_run_ranks(options.distributed, options.run.device,
                                           run_options.run.threads);
  // Rank 0 holds the run folder and writes it; the other ranks only read its checkpoint.
  std::optional<hwnas::RunDir> held;
  if (ranks->is_main()) {
    held.emplace(hwnas::open_run_dir(
        dir, config.resolved_yaml(),
        {"retraining", resume ? hwnas::RunDirMode::kResume : hwnas::RunDirMode::kStart}));
    if (resume) {
      hwnas::prepare_resume(dir, "hwnas_train", options.train.epochs, args.values("set"),
                            config.resolved_yaml(), hwnas::retrain_identity(target));
    } else {
      hwnas::write_file_atomically(dir + "/arch.json", hwnas::read_text_file(arch_path));
    }
  }
  const auto result = hwnas::retrain(run_options, target, *library, dir, resume, *ranks);
  if (!ranks->is_main()) return 0;
  spdlog::info("wrote {}/: config.resolved.yaml, arch.json, log.txt, metrics.csv, model.pt, result.json", dir);
  std::cout << hwnas::arch_to_string(target.arch) << "\n" << result.brief_report() << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_train", argc, argv, run); }
