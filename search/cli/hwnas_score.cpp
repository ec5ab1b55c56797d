// hwnas_score: scores architectures with training-free proxies and writes a score table (the
// table a zero_cost evaluator reads with `table:`), so a whole space is scored once and searched
// many times. Resumable: archs already in <out>/scores.csv are not scored again; the table is
// rewritten atomically every few archs, so a kill loses at most those. With --time-each it
// instead times each proxy on its own (ms per arch, medians) and writes no table.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
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
#include "search/zero_cost/score_table.h"
#include "search/zero_cost/zero_cost_scorer.h"

namespace {

constexpr int kRowsPerWrite = 25;

std::vector<hwnas::Proxy> parse_proxies(const std::string& text) {
  std::vector<hwnas::Proxy> proxies;
  for (const auto& name : hwnas::split(text, ',')) {
    const hwnas::Proxy p = hwnas::parse_proxy(hwnas::trim(name));
    if (std::find(proxies.begin(), proxies.end(), p) != proxies.end()) {
      throw hwnas::InputError("hwnas_score: --proxies lists " + hwnas::to_string(p) + " twice");
    }
    proxies.push_back(p);
  }
  return proxies;
}

// The archs to score: NB201 --archs 0 = the whole space in index order, else sample_archs.
std::vector<hwnas::Arch> archs_to_score(const hwnas::CostLibrary& library, hwnas::Space space,
                                        int count, uint64_t seed) {
  if (space != hwnas::Space::NB201 || count > 0) return hwnas::sample_archs(space, count, seed);
  std::vector<hwnas::Arch> all;
  for (int index = 0; index < hwnas::kNb201Archs; ++index) {
    all.push_back(library.nb201().arch_at(index));
  }
  return all;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// Each proxy alone over `archs`: median ms per arch (the first arch is a warm-up, not counted).
int time_each(const hwnas::ZeroCostInputs& inputs, hwnas::Space space, const std::string& setting,
              const std::vector<hwnas::Proxy>& proxies, const std::vector<hwnas::Arch>& archs) {
  std::cout << "| proxy | archs | median ms per arch | threads |\n|---|---|---|---|\n";
  for (hwnas::Proxy p : proxies) {
    const hwnas::ZeroCostScorer scorer(inputs, space, setting, {p});
    std::vector<double> ms;
    for (size_t i = 0; i < archs.size(); ++i) {
      const auto start = std::chrono::steady_clock::now();
      scorer.score(archs[i]);
      if (i > 0 || archs.size() == 1) {
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
      }
    }
    std::cout << "| " << hwnas::to_string(p) << " | " << ms.size() << " | "
              << hwnas::format_fixed(median(ms), 1) << " | " << inputs.threads << " |" << std::endl;
  }
  return 0;
}

int run(int argc, const char* const* argv) {
  hwnas::CliArgs args(
      "hwnas_score",
      "Score architectures with training-free proxies at initialisation (a score table).\n"
      "examples:\n"
      "  hwnas_score --space nb201 --archs 1000 --out runs/zc/nb201-1000\n"
      "  hwnas_score --space nb201 --archs 0 --proxies naswot,synflow --out runs/zc/nb201-all\n"
      "  hwnas_score --space fbnet --setting cifar10 --archs 20 --proxies naswot --time-each",
      {{"space", true, "nb201 (default) or fbnet"},
       {"setting", true, "fbnet LUT setting: cifar10 (default) or cifar100"},
       {"proxies", true,
        "comma-separated, default all: params,flops,grad_norm,snip,synflow,jacov,naswot,zico"},
       {"archs", true, "archs to score: NB201 0 = all 15,625 (default 1000), FBNet >= 1"},
       {"sample-seed", true, "seed of the arch sample (default 0)"},
       {"seed", true, "seed of the images and the weight init (default 0)"},
       {"batch", true, "images per batch (default 64)"},
       {"batches", true, "batches (default 2; zico uses all, the others the first)"},
       {"init", true, "default (LibTorch's = PyTorch's) or kaiming_normal"},
       {"dataset", true, "cifar10 (default), cifar100 or synthetic"},
       {"data", true, "folder of the CIFAR binary files (default ../shared/data/cifar10)"},
       {"threads", true, "LibTorch threads (default 1)"},
       {"memory-format", true,
        "contiguous (default) or channels_last (1.5x faster naswot; scores then vary by thread "
        "count)"},
       {"time-each", false, "time each proxy on its own over the archs; no table"},
       {"out", true, "folder for scores.csv (required unless --time-each)"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(argc, argv, /*default_log_level=*/"info")) return 0;  // --help
  const hwnas::Space space = hwnas::parse_space(args.value("space", "nb201"));
  const std::string setting =
      space == hwnas::Space::NB201 ? "cifar10" : args.value("setting", "cifar10");
  std::string all_names;
  for (hwnas::Proxy p : hwnas::all_proxies())
    all_names += (all_names.empty() ? "" : ",") + hwnas::to_string(p);
  const auto proxies = parse_proxies(args.value("proxies", all_names));
  const int count = args.int_value("archs", 1000, space == hwnas::Space::NB201 ? 0 : 1,
                                   space == hwnas::Space::NB201 ? hwnas::kNb201Archs : 1000000);
  hwnas::ZeroCostInputs inputs;
  inputs.seed = args.int_value("seed", 0, 0);
  inputs.batch_size = args.int_value("batch", inputs.batch_size, 1, 4096);
  inputs.batches = args.int_value("batches", inputs.batches, 1, 64);
  inputs.init = args.value("init", inputs.init);
  if (inputs.init != "default" && inputs.init != "kaiming_normal") {
    throw hwnas::InputError("hwnas_score: --init " + inputs.init +
                            ": expected default or kaiming_normal");
  }
  inputs.data.dataset = args.value("dataset", inputs.data.dataset);
  if (inputs.data.dataset != "cifar10" && inputs.data.dataset != "cifar100" &&
      inputs.data.dataset != "synthetic") {
    throw hwnas::InputError("hwnas_score: --dataset " + inputs.data.dataset +
                            ": expected cifar10, cifar100 or synthetic");
  }
  inputs.data.path = args.value("data", inputs.data.path);
  inputs.threads = args.int_value("threads", 1, 0, hwnas::max_threads());
  inputs.memory_format = args.value("memory-format", inputs.memory_format);
  inputs.validate();

  const auto library = hwnas::CostLibrary::load();
  const auto archs = archs_to_score(*library, space, count,
                                    static_cast<uint64_t>(args.int_value("sample-seed", 0, 0)));
  if (args.has("time-each")) return time_each(inputs, space, setting, proxies, archs);
  if (!args.has("out")) throw hwnas::InputError("hwnas_score: --out is required (see --help)");
  const std::string out = args.value("out");

  // Held for the whole run: two scorers into one folder would mix scores.csv.
  const auto held = hwnas::lock_output_dir(out, "scoring");
  const std::string csv_path = out + "/scores.csv", inputs_path = out + "/inputs.txt";
  const std::string provenance = hwnas::score_provenance(space, setting, inputs.describe());
  const std::string header = hwnas::score_table_header(proxies);
  std::string csv_text = header;
  std::set<std::vector<int>> done;
  if (std::filesystem::exists(csv_path)) {
    if (!std::filesystem::exists(inputs_path) || hwnas::read_text_file(inputs_path) != provenance) {
      throw hwnas::InputError("hwnas_score: " + out + " holds scores of other inputs (" +
                              inputs_path + "); choose another --out or the same options");
    }
    csv_text = hwnas::read_text_file(csv_path);
    if (csv_text.compare(0, header.size(), header) != 0) {
      throw hwnas::InputError("hwnas_score: " + csv_path + " has other columns than --proxies " +
                              "(its header: " + csv_text.substr(0, csv_text.find('\n')) + ")");
    }
    const auto table = hwnas::ScoreTable::load(csv_path, space);
    for (const auto& arch : archs) {
      if (table.find(arch, proxies.front())) done.insert(arch.ops);
    }
    spdlog::info("{}: {} archs already scored", csv_path, table.size());
  } else {
    hwnas::write_file_atomically(inputs_path, provenance);
    hwnas::write_file_atomically(csv_path, csv_text);
  }
  const hwnas::ZeroCostScorer scorer(inputs, space, setting, proxies);
  std::vector<std::string> names;
  for (hwnas::Proxy p : proxies) names.push_back(hwnas::to_string(p));
  spdlog::info("scoring {} {} archs with {} on {}", archs.size(), hwnas::to_string(space),
               hwnas::join(names, ","), inputs.describe());
  const auto start = std::chrono::steady_clock::now();
  int scored = 0, pending = 0;
  for (size_t i = 0; i < archs.size(); ++i) {
    if (done.count(archs[i].ops)) continue;
    csv_text += hwnas::score_table_row(*library, archs[i], scorer.score(archs[i]));
    ++scored;
    if (++pending == kRowsPerWrite || i + 1 == archs.size()) {
      hwnas::write_file_atomically(csv_path, csv_text);
      pending = 0;
    }
    if (scored % 100 == 0) {
      const double s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      spdlog::info("{}/{} archs ({} this call, {:.0f} ms per arch)", done.size() + scored,
                   archs.size(), scored, 1000.0 * s / scored);
    }
  }
  if (pending > 0) hwnas::write_file_atomically(csv_path, csv_text);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "{} archs scored in this call in {:.1f} s{}", scored, seconds,
      scored ? " (" + hwnas::format_fixed(1000.0 * seconds / scored, 1) + " ms per arch)" : "");

  // NB201: how each proxy ranks the scored archs against the table's CIFAR-10 accuracy.
  if (space == hwnas::Space::NB201) {
    const auto table = hwnas::ScoreTable::load(csv_path, space);
    const auto& accuracy = library->nb201().accuracy_by_code(hwnas::Nb201Dataset::Cifar10);
    std::cout << "| proxy | archs | Kendall tau-b | Spearman |\n|---|---|---|---|\n";
    for (hwnas::Proxy p : proxies) {
      std::vector<double> score, truth;
      for (const auto& arch : archs) {
        const auto s = table.find(arch, p);
        if (!s) continue;
        score.push_back(*s);
        truth.push_back(accuracy[hwnas::nb201_code(arch)]);
      }
      const auto tau = hwnas::correlate(hwnas::Correlation::KendallTauB, score, truth);
      const auto rho = hwnas::correlate(hwnas::Correlation::Spearman, score, truth);
      std::cout << "| " << hwnas::to_string(p) << " | " << tau.count << " | "
                << hwnas::format_fixed(tau.value, 3) << " | " << hwnas::format_fixed(rho.value, 3)
                << " |\n";
    }
  }
  std::cout << "wrote " << csv_path << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main("hwnas_score", argc, argv, run); }
