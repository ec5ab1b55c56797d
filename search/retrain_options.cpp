#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/paths.h"
#include "core/strings.h"
#include "search/retrain.h"

namespace hwnas {

RetrainOptions RetrainOptions::read(const Config& config) {
  const ConfigSection root = config.root();
  RetrainOptions o;
  o.name = root.get_string("name", o.name);
  o.seed = root.get_int("seed", o.seed);
  o.device = root.get_choice("device", o.device, {"cpu", "cuda"});
  o.threads = root.get_int("threads", o.threads);
  if (o.threads < 0) root.fail("threads", "must be >= 0 (0 = all cores)");
  o.data_dir = root.get_string("data_dir", o.data_dir);
  o.output_dir = root.child("output").get_string("dir", o.output_dir);
  o.data = ImageDataOptions::read(root.child("data"));
  o.train = TrainLoopOptions::read(root.child("train"), TrainLoopOptions{});
  return o;
}

ArchToTrain ArchToTrain::read_json(const std::string& path) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_text_file(path));
    ArchToTrain target;
    const Space space = parse_space(j.at("space").get<std::string>());
    target.setting = j.at("setting").get<std::string>();
    target.arch = Arch{space, j.at(space == Space::FBNet ? "op_idx_list" : "ops").get<std::vector<int>>()};
    validate(target.arch);
    return target;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": not an arch.json of hwnas (" + e.what() +
                     "); expected space, setting and op_idx_list (fbnet) or ops (nb201)");
  } catch (const InputError& e) {
    throw InputError(path + ": " + e.what());
  }
}

std::string RetrainResult::brief_report() const {
  char line[256];
  std::snprintf(line, sizeof(line), "test top-1 %.2f%% after %d epochs (%.0f training images/s)",
                top1, epochs, images_per_s);
  return line;
}

}  // namespace hwnas
