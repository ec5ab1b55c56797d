#include "search/distributed/distributed_options.h"

#include <charconv>
#include <cstdlib>

#include "core/config.h"
#include "core/error.h"

namespace hwnas {

DistributedOptions DistributedOptions::read(const ConfigSection& section) {
  DistributedOptions o;
  o.backend = section.get_choice("backend", o.backend, {"auto", "gloo", "nccl"});
  o.timeout_s = section.get_double("timeout_s", o.timeout_s);
  section.validate([&] { o.validate(); });
  return o;
}

void DistributedOptions::validate() const {
  // A day at most: beyond that a dead peer would hold the other ranks for longer than any
  // epoch could plausibly take.
  if (!(timeout_s >= 1 && timeout_s <= 86400)) {
    throw InvalidOption("timeout_s", "must be 1..86400 seconds");
  }
}

std::string DistributedOptions::backend_for(const std::string& device) const {
  if (backend == "auto") return device == "cuda" ? "nccl" : "gloo";
  if (backend == "nccl" && device != "cuda") {
    throw InputError("distributed.backend: nccl needs device: cuda (this run's device is " +
                     device + "); use gloo or auto");
  }
  return backend;
}

namespace {

// The variable as a whole integer in minimum..maximum; `fallback` when unset.
int env_int(const char* name, int fallback, int minimum, int maximum, const std::string& rule) {
  const char* text = std::getenv(name);
  if (!text) return fallback;
  const std::string value(text);
  int parsed = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (value.empty() || error != std::errc() || end != value.data() + value.size() ||
      parsed < minimum || parsed > maximum) {
    throw InputError("environment: " + std::string(name) + "=" + value.substr(0, 40) +
                     ": expected " + rule);
  }
  return parsed;
}

}  // namespace

LaunchEnvironment LaunchEnvironment::read() {
  LaunchEnvironment e;
  e.world_size = env_int("WORLD_SIZE", 1, 1, 65536, "a whole number of processes >= 1");
  const std::string rank_rule = "a whole number 0.." + std::to_string(e.world_size - 1) +
                                " (WORLD_SIZE=" + std::to_string(e.world_size) + ")";
  e.rank = env_int("RANK", 0, 0, e.world_size - 1, rank_rule);
  if (e.world_size > 1 && !std::getenv("RANK")) {
    throw InputError("environment: WORLD_SIZE=" + std::to_string(e.world_size) +
                     " but RANK is not set: start every process with its RANK (hwnas_launch or "
                     "torchrun do)");
  }
  e.local_world_size = env_int("LOCAL_WORLD_SIZE", 1, 1, e.world_size,
                               "a whole number 1..WORLD_SIZE (" + std::to_string(e.world_size) + ")");
  e.local_rank = env_int("LOCAL_RANK", 0, 0, e.world_size - 1, rank_rule);
  if (!e.distributed()) return e;
  const char* addr = std::getenv("MASTER_ADDR");
  e.master_addr = addr && *addr ? addr : "";
  if (e.master_addr.empty()) {
    throw InputError("environment: WORLD_SIZE=" + std::to_string(e.world_size) +
                     " but MASTER_ADDR is not set: the address of rank 0's machine");
  }
  if (!std::getenv("MASTER_PORT")) {
    throw InputError("environment: WORLD_SIZE=" + std::to_string(e.world_size) +
                     " but MASTER_PORT is not set: a free TCP port on rank 0's machine");
  }
  e.master_port = env_int("MASTER_PORT", 0, 1, 65535, "a TCP port 1..65535");
  return e;
}

std::string LaunchEnvironment::describe() const {
  return "rank " + std::to_string(rank) + " of " + std::to_string(world_size);
}

}  // namespace hwnas
