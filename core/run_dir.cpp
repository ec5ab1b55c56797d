#include "core/run_dir.h"

#include <fcntl.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <sstream>

#include "core/error.h"
#include "core/logging.h"
#include "core/paths.h"

namespace hwnas {

namespace fs = std::filesystem;

namespace {

std::string read_fd(int fd) {
  std::string text;
  char buffer[256];
  ssize_t n = 0;
  ::lseek(fd, 0, SEEK_SET);
  while ((n = ::read(fd, buffer, sizeof(buffer))) > 0 && text.size() < 4096) text.append(buffer, n);
  return text;
}

struct Lock {
  int fd = -1;
  std::string previous_kind;  // of the last run that held the folder ("" = not recorded)
};

// Creates `dir` and takes DIR/.lock.
Lock take_lock(const std::string& dir) {
  if (dir.empty()) throw InputError("the run folder is an empty path (--out '' or output.dir: '')");
  std::error_code error;
  if (fs::exists(dir, error) && !fs::is_directory(dir, error)) {
    throw InputError(dir + " is a file, expected a run folder");
  }
  fs::create_directories(dir, error);
  if (error) throw IoError("cannot create the run folder '" + dir + "': " + error.message());
  const std::string path = dir + "/.lock";
  Lock lock;
  lock.fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.fd < 0) throw IoError("cannot create '" + path + "': " + std::strerror(errno));
  if (::flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
    const int reason = errno;
    std::istringstream holder(read_fd(lock.fd));
    ::close(lock.fd);
    std::string pid;
    holder >> pid;
    if (reason == EWOULDBLOCK) {
      throw IoError(dir + " is in use by another hwnas run (pid " + (pid.empty() ? "?" : pid) +
                    "); wait for it or choose another --out");
    }
    throw IoError("cannot lock '" + path + "': " + std::strerror(reason));
  }
  const std::string previous = read_fd(lock.fd);
  if (const auto space = previous.find(' '); space != std::string::npos) {
    lock.previous_kind = previous.substr(space + 1);
    lock.previous_kind.erase(lock.previous_kind.find_last_not_of("\n") + 1);
  }
  return lock;
}

// Records "<pid> <kind>" in the held lock file: who holds the folder, and what it holds next.
void record_holder(int fd, const std::string& dir, const std::string& kind) {
  const std::string record = std::to_string(::getpid()) + " " + kind + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, record.data(), record.size(), 0) < 0) {
    throw IoError("cannot write '" + dir + "/.lock': " + std::strerror(errno));
  }
}

// The rule of `mode` for what the folder already holds.
void check_mode(const std::string& dir, const RunDirOptions& options, const std::string& previous) {
  const bool has_config = fs::exists(dir + "/config.resolved.yaml");
  const bool trained = fs::exists(dir + "/checkpoints");
  // A folder written before the lock recorded kinds: only checkpoints/ tells.
  const bool other_kind = has_config && !previous.empty() && previous != options.kind;
  const std::string other = dir + " already holds a " + previous + " run; choose another --out / name";
  switch (options.mode) {
    case RunDirMode::kStart:
      if (other_kind) throw InputError(other);
      if (trained) {
        throw InputError(dir + " already holds a run; continue it with --resume " + dir +
                         " or choose another --out / name");
      }
      break;
    case RunDirMode::kResume:
      if (!has_config) {
        throw InputError(dir + " holds no run to resume (no config.resolved.yaml); start one with --config");
      }
      if (other_kind) {
        throw InputError(dir + " holds a " + previous + " run, not a " + options.kind + " run");
      }
      break;
    case RunDirMode::kRerun:
      if (other_kind) throw InputError(other);
      if (previous.empty() && trained) {
        throw InputError(dir + " already holds a resumable run; choose another --out / name");
      }
      break;
  }
}

std::shared_ptr<spdlog::sinks::sink> add_log_sink(const std::string& dir, bool truncate) {
  std::shared_ptr<spdlog::sinks::basic_file_sink_mt> file_sink;
  try {
    file_sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(dir + "/log.txt", truncate);
  } catch (const spdlog::spdlog_ex& e) {
    throw IoError(dir + "/log.txt: cannot be opened (" + e.what() + ")");
  }
  file_sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %l %v");
  const auto logger = spdlog::default_logger();
  // The console sink is the logger's first (setup_logging); further sinks are the log.txt of
  // runs already held in this process (the Python package can hold several), whose level stays.
  auto console_level = logger->level();
  if (!logger->sinks().empty()) {
    auto& console = logger->sinks().front();
    console_level = std::max(console_level, console->level());
    console->set_level(console_level);
  }
  file_sink->set_level(std::min(console_level, spdlog::level::info));
  logger->sinks().push_back(file_sink);
  logger->set_level(std::min(console_level, spdlog::level::info));
  // Every line reaches the file as it is logged: a run that fails later (a full disk) still
  // leaves its log. A log line that cannot be written is dropped quietly; the write that matters
  // (a checkpoint, metrics.csv) fails with its own one-line error.
  logger->flush_on(spdlog::level::info);
  logger->set_error_handler([](const std::string&) {});
  return file_sink;
}

}  // namespace

RunDir::RunDir(std::string path, int lock_fd, std::shared_ptr<spdlog::sinks::sink> log_sink)
    : path_(std::move(path)), lock_fd_(lock_fd), log_sink_(std::move(log_sink)) {}

RunDir::RunDir(RunDir&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(other.lock_fd_), log_sink_(std::move(other.log_sink_)) {
  other.lock_fd_ = -1;
}

RunDir::~RunDir() {
  if (log_sink_ && std::uncaught_exceptions() > 0) note_log_of_failing_run(path_ + "/log.txt");
  if (log_sink_) {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_sink_), sinks.end());
  }
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

RunDir open_run_dir(const std::string& dir, const std::string& resolved_config,
                    const RunDirOptions& options) {
  Lock lock = take_lock(dir);
  RunDir held(dir, lock.fd, nullptr);  // closes the lock if a check below throws
  check_mode(dir, options, lock.previous_kind);
  record_holder(lock.fd, dir, options.kind);
  if (options.mode != RunDirMode::kResume) {
    write_file_atomically(dir + "/config.resolved.yaml", resolved_config);
  }
  held.log_sink_ = add_log_sink(dir, options.fresh_log);
  return held;
}

RunDir lock_output_dir(const std::string& dir, const std::string& kind) {
  const Lock lock = take_lock(dir);
  RunDir held(dir, lock.fd, nullptr);
  record_holder(lock.fd, dir, kind);
  return held;
}

}  // namespace hwnas
