#include "search/training/training_options.h"

#include "core/config.h"

namespace hwnas {

TrainLoopOptions TrainLoopOptions::read(const ConfigSection& s, const TrainLoopOptions& defaults) {
  TrainLoopOptions o = defaults;
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
  o.memory_format = s.get_choice("memory_format", o.memory_format, {"channels_last", "contiguous"});
  s.validate([&] { o.validate(); });
  return o;
}

void TrainLoopOptions::validate() const {
  if (epochs < 1) throw InvalidOption("epochs", "must be >= 1");
  if (batch_size < 1 || batch_size > kMaxBatchSize) {
    throw InvalidOption("batch_size", "must be in 1.." + std::to_string(kMaxBatchSize));
  }
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

}  // namespace hwnas
