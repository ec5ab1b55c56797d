#include <nlohmann/json.hpp>

#include "core/config.h"
#include "core/paths.h"
#include "core/strings.h"
#include "search/retrain.h"

namespace hwnas {

RetrainTrainOptions RetrainTrainOptions::read(const ConfigSection& s) {
  RetrainTrainOptions o;
  o.epochs = s.get_int("epochs", o.epochs);
  o.batch_size = s.get_int("batch_size", o.batch_size);
  o.lr = s.get_double("lr", o.lr);
  o.momentum = s.get_double("momentum", o.momentum);
  o.nesterov = s.get_bool("nesterov", o.nesterov);
  o.weight_decay = s.get_double("weight_decay", o.weight_decay);
  o.label_smoothing = s.get_double("label_smoothing", o.label_smoothing);
  o.grad_clip = s.get_double("grad_clip", o.grad_clip);
  o.eval_batches = s.get_int("eval_batches", o.eval_batches);
  o.log_every = s.get_int("log_every", o.log_every);
  o.stop_after_epochs = s.get_int("stop_after_epochs", o.stop_after_epochs);
  s.validate([&] { o.validate(); });
  return o;
}

void RetrainTrainOptions::validate() const {
  if (epochs < 1) throw InvalidOption("epochs", "must be >= 1");
  if (batch_size < 1) throw InvalidOption("batch_size", "must be >= 1");
  if (!(lr > 0)) throw InvalidOption("lr", "must be > 0");
  if (momentum < 0 || momentum >= 1) throw InvalidOption("momentum", "must be in [0, 1)");
  if (weight_decay < 0) throw InvalidOption("weight_decay", "must be >= 0");
  if (label_smoothing < 0 || label_smoothing >= 1) {
    throw InvalidOption("label_smoothing", "must be in [0, 1)");
  }
  if (grad_clip < 0) throw InvalidOption("grad_clip", "must be >= 0 (0 = off)");
  if (eval_batches < 0) throw InvalidOption("eval_batches", "must be >= 0 (0 = all)");
  if (log_every < 1) throw InvalidOption("log_every", "must be >= 1");
  if (stop_after_epochs < 0) throw InvalidOption("stop_after_epochs", "must be >= 0 (0 = off)");
}

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
  o.train = RetrainTrainOptions::read(root.child("train"));
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
