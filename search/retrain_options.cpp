#include <cstdio>

#include "core/config.h"
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
  o.tables = CostTablesOptions::read(root);
  o.output_dir = root.child("output").get_string("dir", o.output_dir);
  o.data = ImageDataOptions::read(root.child("data"));
  o.train = TrainLoopOptions::read(root.child("train"), TrainLoopOptions{});
  return o;
}

std::string RetrainResult::brief_report() const {
  char line[256];
  std::snprintf(line, sizeof(line), "test top-1 %.2f%% after %d epochs (%.0f training images/s)",
                top1, epochs, images_per_s);
  return line;
}

}  // namespace hwnas
