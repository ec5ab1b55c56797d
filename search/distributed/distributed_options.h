#pragma once
// How a run trains over several processes (search/distributed/rank_group.h). The roles come from
// the environment, by the torchrun convention, so torchrun, Slurm srun wrappers, mpirun-style
// scripts and hwnas_launch all start the same executables:
//
//   RANK, WORLD_SIZE              this process and the number of processes (absent: 1 process)
//   LOCAL_RANK, LOCAL_WORLD_SIZE  the same on this machine (threads: 0 shares its cores)
//   MASTER_ADDR, MASTER_PORT      where rank 0 serves the rendezvous (c10d TCPStore)
//
// and the config's optional section:
//
//   distributed:
//     backend: auto        # auto = nccl with device: cuda, gloo with device: cpu | gloo | nccl
//     timeout_s: 300       # a collective (or the rendezvous) waiting longer fails the run
#include <string>

namespace hwnas {

class ConfigSection;

struct DistributedOptions {
  std::string backend = "auto";
  double timeout_s = 300;

  static DistributedOptions read(const ConfigSection& section);
  void validate() const;
  // The backend for `device` ("cpu" / "cuda"): auto resolved; InputError for nccl on the CPU.
  std::string backend_for(const std::string& device) const;
};

struct LaunchEnvironment {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr;
  int master_port = 0;

  // From the environment; InputError naming the variable, its value and what was expected.
  static LaunchEnvironment read();
  bool distributed() const { return world_size > 1; }
  // "rank 1 of 2"
  std::string describe() const;
};

}  // namespace hwnas
