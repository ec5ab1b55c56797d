#include "core/config.h"
#include "search/training/retrain.h"

namespace hwnas {

RetrainOptions RetrainOptions::read(const Config& config) {
  const ConfigSection root = config.root();
  RetrainOptions o;
  o.run = RunHeader::read(root, o.run, RunHeader::Keys::WithTorch);
  o.tables = CostTablesOptions::read(root);
  o.data = ImageDataOptions::read(root.child("data"));
  o.train = TrainLoopOptions::read(root.child("train"), TrainLoopOptions{});
  o.distributed = DistributedOptions::read(root.child("distributed"));
  return o;
}

}  // namespace hwnas
