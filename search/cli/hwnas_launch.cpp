// hwnas_launch: starts N ranks of a data-parallel run on this machine, each with the torchrun
// environment (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR,
// MASTER_PORT), forwards SIGINT/SIGTERM/SIGHUP to them, and stops all of them when one fails
// (a rank left alone would block forever in its next collective).
//
// No LibTorch here: the launcher only forks, execs and waits, so it starts instantly.
#include <netdb.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "core/cli_args.h"
#include "core/error.h"
#include "core/logging.h"

namespace {

constexpr const char* kProgram = "hwnas_launch";
constexpr const char* kUsageLine =
    "usage: hwnas_launch --nproc N [--master-addr ADDR] [--master-port PORT] [--grace-s S] -- "
    "PROGRAM [ARGS...]";
constexpr int kMaxRanks = 1024;
constexpr int kDefaultGraceSeconds = 10;
constexpr int kMaxGraceSeconds = 3600;
constexpr int kExecFailedStatus = 127;  // what a shell returns for a command it cannot run

// The launcher's own command line (before `--`) and the program every rank runs (after it).
struct LaunchOptions {
  int nproc = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;  // 0: pick a free one
  int grace_seconds = kDefaultGraceSeconds;
  std::vector<std::string> program_and_args;
};

struct Rank {
  int rank = 0;
  pid_t pid = -1;
  bool running = false;
};

// How a rank ended, in words and as the launcher's exit status (128+signal for a killed one, the
// shell's convention).
struct RankEnd {
  std::string description;
  int exit_status = 0;
};

RankEnd describe_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    return {"exited with status " + std::to_string(code), code};
  }
  const int signal_number = WTERMSIG(wait_status);
  return {"was killed by signal " + std::to_string(signal_number) + " (" + strsignal(signal_number) +
              ")",
          128 + signal_number};
}

// A free TCP port on `address`: bind port 0, read what the kernel chose, close it. Another process
// could take the port between this close and rank 0's bind (a tiny race); that is acceptable here
// because the run then fails at once with "address in use" and is simply started again (or given
// --master-port), whereas holding the socket open would make rank 0's own bind fail every time.
int find_free_port(const std::string& address) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int lookup = getaddrinfo(address.c_str(), "0", &hints, &found);
  if (lookup != 0) {
    throw hwnas::InputError(std::string(kProgram) + ": --master-addr '" + address +
                            "': cannot resolve it (" + gai_strerror(lookup) + ")");
  }
  std::string last_error = "no address";
  int port = 0;
  for (const addrinfo* candidate = found; candidate && port == 0; candidate = candidate->ai_next) {
    const int fd = socket(candidate->ai_family, candidate->ai_socktype, candidate->ai_protocol);
    if (fd < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    sockaddr_storage bound{};
    socklen_t bound_size = sizeof(bound);
    if (bind(fd, candidate->ai_addr, candidate->ai_addrlen) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_size) == 0) {
      port = bound.ss_family == AF_INET6
                 ? ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port)
                 : ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
    } else {
      last_error = std::strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(found);
  if (port == 0) {
    throw hwnas::InputError(std::string(kProgram) + ": --master-addr '" + address +
                            "': cannot bind a port on it (" + last_error +
                            "); give an address of this machine or --master-port");
  }
  return port;
}

// Returns nullopt for --help (the usage was printed).
std::optional<LaunchOptions> parse_options(int argc, const char* const* argv) {
  // CliArgs knows no `--`: split there and give it only the launcher's part, so the program's own
  // options (which may share names with ours) are never read as the launcher's.
  int separator = -1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0) {
      separator = i;
      break;
    }
  }
  const int launcher_argc = separator < 0 ? argc : separator;
  bool help_asked = false;
  for (int i = 1; i < launcher_argc; ++i) help_asked = help_asked || std::strcmp(argv[i], "--help") == 0;
  if (separator < 0 && !help_asked) {
    throw hwnas::InputError(std::string(kProgram) + ": missing '--' before the program to run; " +
                            kUsageLine);
  }

  hwnas::CliArgs args(
      kProgram,
      "Starts --nproc ranks of PROGRAM on this machine with the torchrun environment (RANK, "
      "LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT); forwards "
      "SIGINT, SIGTERM and SIGHUP to them and stops all ranks when one fails.\n" +
          std::string(kUsageLine),
      {{"nproc", true, "number of ranks, 1.." + std::to_string(kMaxRanks) + " (required)"},
       {"master-addr", true, "MASTER_ADDR of the ranks (default 127.0.0.1)"},
       {"master-port", true, "MASTER_PORT of the ranks (default: a free port of --master-addr)"},
       {"grace-s", true,
        "seconds the ranks get to stop (after SIGTERM or a forwarded signal) before SIGKILL (default " +
            std::to_string(kDefaultGraceSeconds) + ")"},
       {"log-level", true, "debug, info (default), warn, error"}});
  if (!args.parse_and_start(launcher_argc, argv, "info")) return std::nullopt;

  LaunchOptions options;
  if (!args.has("nproc")) {
    throw hwnas::InputError(std::string(kProgram) + ": --nproc is missing: give the number of ranks (1.." +
                            std::to_string(kMaxRanks) + ")");
  }
  options.nproc = args.int_value("nproc", 0, 1, kMaxRanks);
  options.master_addr = args.value("master-addr", options.master_addr);
  if (options.master_addr.empty()) {
    throw hwnas::InputError(std::string(kProgram) + ": --master-addr '' is empty");
  }
  options.master_port = args.int_value("master-port", 0, 1, 65535);
  options.grace_seconds = args.int_value("grace-s", kDefaultGraceSeconds, 0, kMaxGraceSeconds);
  for (int i = separator + 1; i < argc; ++i) options.program_and_args.emplace_back(argv[i]);
  if (options.program_and_args.empty()) {
    throw hwnas::InputError(std::string(kProgram) + ": no program after '--'; " + kUsageLine);
  }
  return options;
}

// The N ranks, from fork to the last waitpid.
class RankGroup {
 public:
  RankGroup(const LaunchOptions& options, const sigset_t& child_signal_mask)
      : options_(options), child_signal_mask_(child_signal_mask) {}

  // Forks the ranks; false when a fork failed (the started ones are then being stopped).
  bool start();
  // Waits for every rank, handling the signals of `watched`; returns the launcher's exit status.
  int wait_all(const sigset_t& watched);

 private:
  [[noreturn]] void exec_rank() const;  // in the child, after fork
  void reap_ended_ranks();
  void on_rank_ended(Rank& rank, int wait_status);
  void signal_running(int signal_number);
  void begin_stopping(int signal_number);
  int running_count() const;

  const LaunchOptions& options_;
  const sigset_t child_signal_mask_;
  std::vector<Rank> ranks_;
  std::optional<int> exit_status_;  // set by the first failure or signal: it decides
  std::optional<std::chrono::steady_clock::time_point> kill_deadline_;  // set when stopping begins
  bool kill_sent_ = false;
};

bool RankGroup::start() {
  // The environment every rank shares, set in the launcher before forking, so the child only
  // execs (the launcher has one thread, so the child may still allocate for its argv and error
  // line). Values already there (a RANK of an outer launcher) are overwritten.
  setenv("WORLD_SIZE", std::to_string(options_.nproc).c_str(), /*overwrite=*/1);
  setenv("LOCAL_WORLD_SIZE", std::to_string(options_.nproc).c_str(), 1);
  setenv("GROUP_RANK", "0", 1);  // one machine: the only node group
  setenv("MASTER_ADDR", options_.master_addr.c_str(), 1);
  setenv("MASTER_PORT", std::to_string(options_.master_port).c_str(), 1);
  for (int rank = 0; rank < options_.nproc; ++rank) {
    setenv("RANK", std::to_string(rank).c_str(), 1);
    setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
    std::cout.flush();  // nothing buffered may be written twice, once by the child
    std::cerr.flush();
    const pid_t pid = fork();
    if (pid == 0) exec_rank();
    if (pid < 0) {
      const int fork_errno = errno;
      std::cerr << kProgram << ": cannot start rank " << rank << ": fork failed ("
                << std::strerror(fork_errno) << "); stopping the " << ranks_.size()
                << " started ranks\n";
      exit_status_ = 1;  // the environment failed (core/error.h's contract)
      begin_stopping(SIGTERM);
      return false;
    }
    ranks_.push_back({rank, pid, /*running=*/true});
  }
  return true;
}

void RankGroup::exec_rank() const {
  // The launcher blocks the signals it waits for; the program must get them normally.
  sigprocmask(SIG_SETMASK, &child_signal_mask_, nullptr);
  std::vector<char*> exec_argv;
  for (const auto& arg : options_.program_and_args) exec_argv.push_back(const_cast<char*>(arg.c_str()));
  exec_argv.push_back(nullptr);
  execvp(exec_argv[0], exec_argv.data());
  const int exec_errno = errno;
  // One write(2), so the lines of ranks that fail together do not interleave mid-line.
  const std::string line = std::string(kProgram) + ": cannot run '" + options_.program_and_args[0] +
                           "': " + std::strerror(exec_errno) + "\n";
  const ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
  _exit(kExecFailedStatus);
}

int RankGroup::running_count() const {
  int count = 0;
  for (const auto& r : ranks_) count += r.running ? 1 : 0;
  return count;
}

void RankGroup::signal_running(int signal_number) {
  for (const auto& r : ranks_) {
    if (r.running) kill(r.pid, signal_number);
  }
}

// Sends `signal_number` to the running ranks and gives them --grace-s before SIGKILL.
void RankGroup::begin_stopping(int signal_number) {
  signal_running(signal_number);
  if (!kill_deadline_ && !kill_sent_) {
    kill_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(options_.grace_seconds);
  }
}

void RankGroup::on_rank_ended(Rank& rank, int wait_status) {
  rank.running = false;
  const RankEnd end = describe_wait_status(wait_status);
  spdlog::debug("{}: rank {} (pid {}) {}", kProgram, rank.rank, rank.pid, end.description);
  // Once stopping (an earlier failure or a forwarded signal), ranks ending non-zero is expected.
  if (exit_status_ || end.exit_status == 0) return;
  const int others = running_count();
  std::cerr << kProgram << ": rank " << rank.rank << " (pid " << rank.pid << ") " << end.description
            << "; stopping the other " << others << (others == 1 ? " rank" : " ranks") << "\n";
  exit_status_ = end.exit_status;
  begin_stopping(SIGTERM);
}

void RankGroup::reap_ended_ranks() {
  // Several ranks may end under one SIGCHLD (signals of one kind do not queue): reap until none.
  while (true) {
    int wait_status = 0;
    const pid_t pid = waitpid(-1, &wait_status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return;  // 0: the others still run; ECHILD: none left
    for (auto& r : ranks_) {
      if (r.pid == pid && r.running) on_rank_ended(r, wait_status);
    }
  }
}

int RankGroup::wait_all(const sigset_t& watched) {
  // A signal or SIGCHLD that arrived before this point is pending (blocked), not lost.
  reap_ended_ranks();
  while (running_count() > 0) {
    siginfo_t info{};
    int signal_number = 0;
    if (kill_deadline_) {
      const auto left = *kill_deadline_ - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) {
        spdlog::warn("{}: {} rank(s) still running {} s after being told to stop: SIGKILL", kProgram,
                     running_count(), options_.grace_seconds);
        signal_running(SIGKILL);
        kill_sent_ = true;  // once; from here the wait needs no timeout
        kill_deadline_.reset();
        continue;
      }
      const auto left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
      timespec timeout{static_cast<time_t>(left_ns / 1000000000), static_cast<long>(left_ns % 1000000000)};
      signal_number = sigtimedwait(&watched, &info, &timeout);
    } else {
      signal_number = sigwaitinfo(&watched, &info);
    }
    if (signal_number < 0) continue;  // EINTR (e.g. SIGSTOP/SIGCONT) or EAGAIN: the deadline passed
    if (signal_number == SIGCHLD) {
      reap_ended_ranks();
      continue;
    }
    // SIGINT, SIGTERM or SIGHUP. Ctrl-C reaches the whole process group, so the ranks already have
    // SIGINT; forwarding it again is harmless. Linux hands out pending signals lowest number first,
    // so this signal is seen before the SIGCHLD of ranks it killed: they are not reported as a
    // failure, and the launcher ends with 128+signal like the ranks.
    spdlog::info("{}: got {} ({}); forwarding it to {} rank(s)", kProgram, signal_number,
                 strsignal(signal_number), running_count());
    if (!exit_status_) exit_status_ = 128 + signal_number;
    begin_stopping(signal_number);
  }
  return exit_status_.value_or(0);
}

int run(int argc, const char* const* argv) {
  const auto parsed = parse_options(argc, argv);
  if (!parsed) return 0;
  LaunchOptions options = *parsed;
  if (options.master_port == 0) options.master_port = find_free_port(options.master_addr);
  spdlog::info("{}: {} ranks of '{}', MASTER_ADDR={} MASTER_PORT={}", kProgram, options.nproc,
               options.program_and_args[0], options.master_addr, options.master_port);

  // Block the signals the launcher waits for before the first fork, so none arrives unseen between
  // a fork and the wait (sigwaitinfo takes them from the pending set). A stop signal the launcher
  // was started with ignored (nohup, a background job of a non-interactive shell) is left out and
  // stays ignored: its starter meant it, and the ranks inherit that too. (Blocking it would not do:
  // Linux queues a blocked signal even while its disposition is SIG_IGN.)
  sigset_t watched;
  sigemptyset(&watched);
  sigaddset(&watched, SIGCHLD);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction current {};
    if (sigaction(s, nullptr, &current) == 0 && current.sa_handler != SIG_IGN) sigaddset(&watched, s);
  }
  sigset_t original_mask;
  sigprocmask(SIG_BLOCK, &watched, &original_mask);
  // SIGCHLD's default disposition discards it; a no-op handler makes sure it is kept pending
  // for sigwaitinfo on every system (exec resets the handler in the ranks).
  struct sigaction on_child {};
  on_child.sa_handler = [](int) {};
  sigemptyset(&on_child.sa_mask);
  sigaction(SIGCHLD, &on_child, nullptr);

  RankGroup group(options, original_mask);
  group.start();
  return group.wait_all(watched);
}

}  // namespace

int main(int argc, char** argv) { return hwnas::run_main(kProgram, argc, argv, run); }
