// hwnas_launch end to end with `sh` ranks: the torchrun environment, exit statuses, fail-all,
// SIGKILL after the grace period, signal forwarding and bad usage.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/run_command.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::run_command;
using testing::TempDir;

const std::string kLaunch = HWNAS_LAUNCH_BIN;

// A rank's program as a script file: no shell quoting of quoting in the tests.
std::string write_script(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir / name;
  std::ofstream(path) << text;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a rank does first: write its pid (atomically, the tests read it while it runs). `exec`
// makes the sleeping process the rank itself, so the pid is the one the launcher must stop.
std::string write_pid_line(const TempDir& dir) {
  return "echo $$ > " + dir.path() + "/pid.$RANK.tmp && mv " + dir.path() + "/pid.$RANK.tmp " +
         dir.path() + "/pid.$RANK\n";
}

// A rank that waits (at most 10 s) until rank R wrote its pid, so R is surely running when
// this one fails.
std::string wait_for_pid_line(const TempDir& dir, int rank) {
  return "i=0; while [ ! -s " + dir.path() + "/pid." + std::to_string(rank) +
         " ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done\n";
}

bool process_exists(const std::string& pid_file) {
  const int pid = std::stoi(read_file(pid_file));
  return kill(pid, 0) == 0;
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST(HwnasLaunch, EveryRankGetsTheTorchrunEnvironment) {
  TempDir dir("launch_env");
  const std::string script = write_script(
      dir, "rank.sh",
      "echo \"$RANK $LOCAL_RANK $WORLD_SIZE $LOCAL_WORLD_SIZE $GROUP_RANK $MASTER_ADDR "
      "$MASTER_PORT $HWNAS_LAUNCH_TEST_MARK\" > " +
          dir.path() + "/env.$RANK\n");
  // RANK and WORLD_SIZE of the launcher's own environment are overwritten; the rest is passed on.
  const auto r = run_command("RANK=7 WORLD_SIZE=9 HWNAS_LAUNCH_TEST_MARK=inherited " + kLaunch +
                             " --nproc 3 -- sh " + script);
  ASSERT_EQ(r.status, 0) << r.output;
  std::set<int> ranks;
  std::set<int> ports;
  for (int rank = 0; rank < 3; ++rank) {
    std::istringstream fields(read_file(dir / ("env." + std::to_string(rank))));
    int seen_rank = -1, local_rank = -1, world_size = -1, local_world_size = -1, group_rank = -1;
    int port = -1;
    std::string addr, mark;
    fields >> seen_rank >> local_rank >> world_size >> local_world_size >> group_rank >> addr >>
        port >> mark;
    EXPECT_EQ(seen_rank, rank);
    EXPECT_EQ(local_rank, rank);
    EXPECT_EQ(world_size, 3);
    EXPECT_EQ(local_world_size, 3);
    EXPECT_EQ(group_rank, 0);
    EXPECT_EQ(addr, "127.0.0.1");
    EXPECT_GE(port, 1);
    EXPECT_LE(port, 65535);
    EXPECT_EQ(mark, "inherited");
    ranks.insert(seen_rank);
    ports.insert(port);
  }
  EXPECT_EQ(ranks, (std::set<int>{0, 1, 2}));
  EXPECT_EQ(ports.size(), 1u) << "every rank must see the same MASTER_PORT";
}

TEST(HwnasLaunch, GivenAddressAndPortArePassedOn) {
  TempDir dir("launch_port");
  const std::string script =
      write_script(dir, "rank.sh", "echo \"$MASTER_ADDR $MASTER_PORT\" > " + dir.path() + "/env.$RANK\n");
  const auto r = run_command(kLaunch + " --nproc 2 --master-addr localhost --master-port 29555 -- sh " +
                             script);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_file(dir / "env.0"), "localhost 29555\n");
  EXPECT_EQ(read_file(dir / "env.1"), "localhost 29555\n");
}

TEST(HwnasLaunch, AllRanksSucceedIsExitZero) {
  const auto r = run_command(kLaunch + " --nproc 4 -- true");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(r.output.find("stopping"), std::string::npos) << r.output;
}

TEST(HwnasLaunch, OneFailingRankStopsTheOthersAndDecidesTheStatus) {
  TempDir dir("launch_fail");
  const std::string script =
      write_script(dir, "rank.sh",
                   "if [ $RANK = 1 ]; then\n" + wait_for_pid_line(dir, 0) + "exit 3\nfi\n" +
                       write_pid_line(dir) + "exec sleep 30\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(kLaunch + " --nproc 2 -- sh " + script);
  EXPECT_LT(seconds_since(start), 8.0) << "the sleeping rank was not stopped";
  EXPECT_EQ(r.status, 3) << r.output;
  EXPECT_EQ(count(r.output, "hwnas_launch: rank 1 (pid "), 1u) << r.output;
  EXPECT_NE(r.output.find(") exited with status 3; stopping the other 1 rank\n"), std::string::npos)
      << r.output;
  EXPECT_EQ(count(r.output, "stopping"), 1u) << r.output;
  EXPECT_FALSE(process_exists(dir / "pid.0"));
}

TEST(HwnasLaunch, KilledRankIsReportedWithItsSignal) {
  TempDir dir("launch_killed");
  const std::string script = write_script(
      dir, "rank.sh",
      "if [ $RANK = 0 ]; then\n" + wait_for_pid_line(dir, 1) + "kill -9 $$\nfi\n" +
          write_pid_line(dir) + "exec sleep 30\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(kLaunch + " --nproc 2 -- sh " + script);
  EXPECT_LT(seconds_since(start), 8.0);
  EXPECT_EQ(r.status, 137) << r.output;
  EXPECT_NE(r.output.find("hwnas_launch: rank 0 (pid "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(") was killed by signal 9 (Killed); stopping the other 1 rank\n"),
            std::string::npos)
      << r.output;
  EXPECT_FALSE(process_exists(dir / "pid.1"));
}

TEST(HwnasLaunch, RankIgnoringSigtermIsKilledAfterTheGracePeriod) {
  TempDir dir("launch_grace");
  const std::string script = write_script(
      dir, "rank.sh",
      "if [ $RANK = 1 ]; then\n" + wait_for_pid_line(dir, 0) + "exit 1\nfi\n" +
          "trap '' TERM\n" + write_pid_line(dir) + "exec sleep 30\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command(kLaunch + " --nproc 2 --grace-s 1 -- sh " + script);
  const double seconds = seconds_since(start);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_GE(seconds, 0.9) << "SIGKILL came before the grace period";
  EXPECT_LT(seconds, 8.0) << "SIGKILL did not come";
  EXPECT_NE(r.output.find("SIGKILL"), std::string::npos) << r.output;
  EXPECT_FALSE(process_exists(dir / "pid.0"));
}

TEST(HwnasLaunch, SigtermToTheLauncherIsForwarded) {
  TempDir dir("launch_sigterm");
  const std::string rank_script = write_script(dir, "rank.sh", write_pid_line(dir) + "exec sleep 30\n");
  // The launcher in the background of a shell, TERM once both ranks run, then its exit status.
  const std::string driver = write_script(
      dir, "driver.sh",
      kLaunch + " --nproc 2 -- sh " + rank_script + " &\nlauncher=$!\n" + wait_for_pid_line(dir, 0) +
          wait_for_pid_line(dir, 1) + "kill -TERM $launcher\nwait $launcher\necho \"launcher exit $?\"\n");
  const auto start = std::chrono::steady_clock::now();
  const auto r = run_command("sh " + driver);
  EXPECT_LT(seconds_since(start), 8.0);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("launcher exit 143"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("stopping"), std::string::npos) << "a forwarded signal is no failure\n"
                                                          << r.output;
  EXPECT_FALSE(process_exists(dir / "pid.0"));
  EXPECT_FALSE(process_exists(dir / "pid.1"));
}

// Ctrl-C in a terminal sends SIGINT to the whole foreground process group: the ranks get it
// directly and again from the launcher. That is one interrupt, not a failure of a rank: exit 130
// and no "stopping" line. The launcher runs in a process group of its own (as a terminal's
// foreground job would), with SIGINT's default disposition.
TEST(HwnasLaunch, SigintToTheWholeProcessGroupIsOneInterrupt) {
  TempDir dir("launch_sigint");
  const std::string rank_script = write_script(dir, "rank.sh", write_pid_line(dir) + "exec sleep 30\n");
  const std::string output_path = dir / "output.txt";
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, output_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&files, STDOUT_FILENO, STDERR_FILENO);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t default_signals;
  sigemptyset(&default_signals);
  sigaddset(&default_signals, SIGINT);
  posix_spawnattr_setsigdefault(&attributes, &default_signals);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group: the pgid is the launcher's pid
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> arguments = {kLaunch, "--nproc", "2", "--", "sh", rank_script};
  std::vector<char*> argv;
  for (auto& a : arguments) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t launcher = -1;
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(posix_spawn(&launcher, kLaunch.c_str(), &files, &attributes, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attributes);
  for (int i = 0; i < 200 && !(std::ifstream(dir / "pid.0") && std::ifstream(dir / "pid.1")); ++i) {
    usleep(50000);
  }
  ASSERT_EQ(kill(-launcher, SIGINT), 0);
  int wait_status = 0;
  ASSERT_EQ(waitpid(launcher, &wait_status, 0), launcher);
  const std::string output = read_file(output_path);
  EXPECT_LT(seconds_since(start), 8.0) << output;
  ASSERT_TRUE(WIFEXITED(wait_status)) << output;
  EXPECT_EQ(WEXITSTATUS(wait_status), 130) << output;
  EXPECT_EQ(output.find("stopping"), std::string::npos) << output;
  EXPECT_FALSE(process_exists(dir / "pid.0"));
  EXPECT_FALSE(process_exists(dir / "pid.1"));
}

TEST(HwnasLaunch, BadUsageIsOneLineAndExitStatusTwo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--nproc 2 sh -c true", "hwnas_launch: missing '--' before the program to run"},
      {"--nproc 0 -- true", "hwnas_launch: --nproc '0' is not an integer in 1..1024"},
      {"--nproc 1025 -- true", "hwnas_launch: --nproc '1025' is not an integer in 1..1024"},
      {"--nproc abc -- true", "hwnas_launch: --nproc 'abc' is not an integer in 1..1024"},
      {"-- true", "hwnas_launch: --nproc is missing"},
      {"--nproc 2 --", "hwnas_launch: no program after '--'"},
      {"--nproc 2 --master-port 0 -- true", "--master-port '0' is not an integer in 1..65535"},
      {"--nproc 2 --master-port 65536 -- true", "--master-port '65536' is not an integer in 1..65535"},
      {"--nproc 2 --grace-s -1 -- true", "--grace-s '-1' is not an integer in 0..3600"},
      {"--nproc 2 --bogus 1 -- true", "unknown option '--bogus'"},
  };
  for (const auto& [arguments, expected] : cases) {
    const auto r = run_command(kLaunch + " " + arguments);
    EXPECT_EQ(r.status, 2) << arguments << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("hwnas_launch: ", 0), 0u) << arguments << "\n" << r.output;
    EXPECT_NE(r.output.find(expected), std::string::npos) << arguments << "\n" << r.output;
    EXPECT_EQ(count(r.output, "\n"), 1u) << arguments << "\n" << r.output;
  }
}

TEST(HwnasLaunch, ProgramThatCannotRunIsExitStatus127) {
  const auto r = run_command(kLaunch + " --nproc 2 -- /nonexistent/hwnas_no_such_program --x");
  EXPECT_EQ(r.status, 127) << r.output;
  // Each rank whose exec failed says so; the second may be stopped by SIGTERM before its exec.
  EXPECT_GE(count(r.output,
                  "hwnas_launch: cannot run '/nonexistent/hwnas_no_such_program': No such file or "
                  "directory\n"),
            1u)
      << r.output;
  EXPECT_EQ(count(r.output, "exited with status 127; stopping"), 1u) << r.output;
}

}  // namespace
}  // namespace hwnas
