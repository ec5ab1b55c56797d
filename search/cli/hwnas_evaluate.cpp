// hwnas_evaluate: scores NAS-Bench-201 archs with a trained supernet (the supernet evaluator of
// the sampling searches) and grades its ranking against the table's 200-epoch accuracies:
// Kendall tau-b and Spearman over N random archs and over the K best of them (the standard
// one-shot diagnostic). Resumable: archs already in <out>/ranking.csv are not evaluated again.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "core/cli_args.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/paths.h"
#include "core/run_dir.h"
#include "core/run_header.h"
#include "core/strings.h"
#include "costmodels/cost_library.h"
#include "costmodels/stats.h"
#include "search/differentiable/supernet_evaluator.h"
#include "search/training/training_options.h"

namespace {

struct Ranked {
  int code = 0;
  double supernet = 0, table = 0;
};

std::string correlation_line(const std::string& what, const std::vector<Ranked>& rows) {
  std::vector<double> supernet, table;
  for (const auto& r : rows) {
    supernet.push_back(r.supernet);
    table.push_back(r.table);
  }
  return "| " + what + " | " + std::to_string(rows.size()) + " | " +
         hwnas::format_fixed(hwnas::kendall_tau_b(supernet, table), 3) + " | " +
         hwnas::format_fixed(hwnas::spearman(supernet, table), 3) + " |";
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_evaluate",
      "Score NAS-Bench-201 archs with a trained supernet and compare the ranking with the table.\n"
      "examples:\n"
      "  hwnas_evaluate --supernet runs/nb201-spos --archs 200 --top 50 --out runs/nb201-spos-ranking",
      {{"supernet", true, "a supernet run folder (hwnas_search, e.g. strategy.type spos) (required)"},
       {"archs", true, "random NB201 archs to score, 2..15625 (default 200)"},
       {"top", true,
        "also grade the K archs with the best table accuracy among them, 2..--archs (default 50, "
        "or --archs when fewer)"},
       {"seed", true, "seed of the arch sample (default 0)"},
       {"images", true, "held-out images per arch (default 1000; 0 = the whole split)"},
       {"bn-batches", true, "training batches re-estimating BN per arch (default 4)"},
       {"batch", true, "batch size, 1.." + std::to_string(hwnas::kMaxBatchSize) + " (default 250)"},
       {"threads", true, "LibTorch threads (default 0 = every core)"},
       {"out", true, "folder for ranking.csv and ranking.md (default <supernet>/ranking)"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  if (!args.has("supernet")) throw hwnas::InputError("hwnas_evaluate: --supernet is required (see --help)");
  const int archs = args.int_value("archs", 200, /*minimum=*/2, /*maximum=*/hwnas::kNb201Archs);
  const int top = args.int_value("top", std::min(50, archs), /*minimum=*/2, /*maximum=*/archs);
  hwnas::SupernetEvaluatorOptions options;
  options.checkpoint = args.value("supernet");
  options.images = args.int_value("images", static_cast<int>(options.images), /*minimum=*/0);
  options.bn_batches = args.int_value("bn-batches", options.bn_batches, /*minimum=*/0);
  options.batch_size = args.int_value("batch", options.batch_size, /*minimum=*/1, hwnas::kMaxBatchSize);
  options.threads = args.int_value("threads", options.threads, /*minimum=*/0, hwnas::max_threads());
  options.validate();
  const std::string out = args.value("out", options.checkpoint + "/ranking");

  hwnas::EvaluatorContext context;
  context.library = hwnas::CostLibrary::load();
  context.space = hwnas::Space::NB201;
  const hwnas::SupernetEvaluator evaluator(options, context);
  spdlog::info("{}", evaluator.describe());
  const auto& accuracy = context.library->nb201().accuracy_by_code(hwnas::Nb201Dataset::Cifar10);

  // The sample: `archs` distinct codes from a seeded shuffle of all 15,625.
  std::vector<int> codes(hwnas::kNb201Archs);
  std::iota(codes.begin(), codes.end(), 0);
  std::mt19937_64 rng(static_cast<uint64_t>(args.int_value("seed", 0, /*minimum=*/0)));
  std::shuffle(codes.begin(), codes.end(), rng);
  codes.resize(std::min<size_t>(codes.size(), static_cast<size_t>(archs)));

  // Held for the whole evaluation: two evaluations into one folder would mix ranking.csv.
  const auto held = hwnas::lock_output_dir(out, "evaluation");
  const std::string csv_path = out + "/ranking.csv";
  const std::string header = "index,arch,supernet_top1,table_top1";
  std::map<int, double> done;  // index -> supernet top-1, from an earlier (interrupted) run
  // The whole file is rewritten atomically after each arch: a kill or a full disk leaves the
  // rows scored so far, never a torn one, and a failed write stops the run (IoError).
  std::string csv_text = header + "\n";
  if (std::filesystem::exists(csv_path)) {
    const auto table = hwnas::CsvTable::load(csv_path);
    for (size_t r = 0; r < table.num_rows(); ++r) {
      done[table.integer(r, table.column("index"))] = table.number(r, table.column("supernet_top1"));
    }
    csv_text = hwnas::read_text_file(csv_path);
  } else {
    hwnas::write_file_atomically(csv_path, csv_text);
  }
  std::vector<Ranked> rows;
  const auto start = std::chrono::steady_clock::now();
  int evaluated = 0;
  for (int code : codes) {
    const hwnas::Arch arch = hwnas::nb201_from_code(code);
    const int index = context.library->nb201().index_of(arch);
    Ranked r{code, 0, accuracy[code]};
    const auto known = done.find(index);
    if (known != done.end()) {
      r.supernet = known->second;
    } else {
      r.supernet = evaluator.supernet_accuracy(arch);
      csv_text += std::to_string(index) + "," + hwnas::nb201_string(arch) + "," +
                  hwnas::format_double(r.supernet) + "," + hwnas::format_double(r.table) + "\n";
      hwnas::write_file_atomically(csv_path, csv_text);
      ++evaluated;
    }
    rows.push_back(r);
    if (rows.size() % 20 == 0) spdlog::info("{}/{} archs scored", rows.size(), codes.size());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<Ranked> best = rows;
  std::sort(best.begin(), best.end(), [](const Ranked& a, const Ranked& b) { return a.table > b.table; });
  best.resize(std::min<size_t>(best.size(), static_cast<size_t>(top)));
  std::string md = "# Supernet ranking vs NAS-Bench-201 (CIFAR-10 test accuracy, 200 epochs)\n\n" +
                   evaluator.describe() + "\n\n| archs | n | Kendall tau-b | Spearman |\n|---|---|---|---|\n" +
                   correlation_line("random sample", rows) + "\n" +
                   correlation_line("top " + std::to_string(best.size()) + " by table accuracy", best) + "\n\n" +
                   std::to_string(evaluated) + " archs evaluated in this call in " +
                   hwnas::format_fixed(seconds, 1) + " s" +
                   (evaluated ? " (" + hwnas::format_fixed(seconds / evaluated, 2) + " s per arch)" : "") + "\n";
  hwnas::write_text_file(out + "/ranking.md", md);
  spdlog::info("wrote {}/: ranking.csv, ranking.md", out);
  std::cout << md;
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_evaluate", argc, argv, run); }
