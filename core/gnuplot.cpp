#include "core/gnuplot.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {
namespace {

// The gnuplot executable's full path, or "" when there is none.
std::string find_gnuplot() {
  if (const char* env = std::getenv("HWNAS_GNUPLOT"); env && *env) {
    return access(env, X_OK) == 0 ? std::string(env) : std::string();
  }
  const char* path = std::getenv("PATH");
  for (auto dir : split(path ? path : "/usr/bin:/bin", ':')) {
    const std::string candidate = std::string(dir.empty() ? "." : dir) + "/gnuplot";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

struct RunResult {
  int status = -1;     // exit status, or -1 when killed by a signal
  std::string output;  // stdout and stderr together
};

// Runs `program args...` in `working_dir` with stdout+stderr captured. fork/exec rather than
// system(): no shell, so paths need no quoting.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& working_dir) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (pipe(fds) != 0) throw Error(std::string("gnuplot: pipe failed: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw Error(std::string("gnuplot: fork failed: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    close(fds[1]);
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    if (!working_dir.empty() && chdir(working_dir.c_str()) != 0) _exit(126);
    execv(program.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  RunResult result;
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fds[0], buffer, sizeof(buffer));
    if (n > 0) {
      result.output.append(buffer, static_cast<size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

std::string file_name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool gnuplot_available() { return !find_gnuplot().empty(); }

std::string png_terminal(int width, int height) {
  // Asked once per process: gnuplot-nox has pngcairo, a minimal build may have only libgd png.
  static const bool has_cairo = [] {
    const std::string program = find_gnuplot();
    if (program.empty()) return true;  // run_gnuplot will report the missing program
    const RunResult r = run_program(program, {"-e", "set terminal pngcairo"}, "");
    return r.status == 0 && trim(r.output).empty();
  }();
  const std::string size = std::to_string(width) + "," + std::to_string(height);
  return has_cairo ? "set terminal pngcairo size " + size + " noenhanced font ',10'\n"
                   : "set terminal png size " + size + " noenhanced\n";
}

std::string gnuplot_quote(std::string_view text) {
  // In single-quoted gnuplot strings only the quote itself is special, written twice.
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

void write_data_file(const std::string& path, const std::vector<std::string>& column_names,
                     const std::vector<std::vector<double>>& rows) {
  std::string text;
  if (!column_names.empty()) text = "# " + join(column_names, " ") + "\n";
  for (const auto& row : rows) {
    for (size_t j = 0; j < row.size(); ++j) {
      if (j) text += ' ';
      text += std::isnan(row[j]) ? std::string("NaN") : format_double(row[j]);
    }
    text += '\n';
  }
  write_text_file(path, text);
}

void run_gnuplot(const std::string& script_path) {
  const std::string program = find_gnuplot();
  if (program.empty()) {
    throw DataError("cannot draw '" + script_path +
                    "': gnuplot not found on PATH (Debian/Ubuntu: apt-get install gnuplot-nox; or "
                    "set HWNAS_GNUPLOT to the program)");
  }
  if (access(script_path.c_str(), R_OK) != 0) {
    throw DataError("cannot draw '" + script_path + "': " + std::strerror(errno));
  }
  const RunResult r = run_program(program, {file_name_of(script_path)}, folder_of(script_path));
  if (r.status != 0) {
    std::string output(trim(r.output));
    if (output.size() > 2000) output = output.substr(0, 2000) + " ...";
    throw DataError("gnuplot (" + program + ") failed on '" + script_path + "' with " +
                    (r.status < 0 ? std::string("a signal") : "status " + std::to_string(r.status)) +
                    (output.empty() ? std::string() : ": " + output));
  }
}

}  // namespace hwnas
