// Plug-in strategies: the worked example loads and runs; broken libraries give clear errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "search/sampling/strategy.h"
#include "search/sampling/search_fixture.h"
#include "support/temp_dir.h"

namespace hwnas {
namespace {

using testing::error_of;
using testing::make_run;
using testing::TempDir;

std::string plugin_config(const std::string& library, const std::string& name) {
  return "strategy: {type: plugin, library: " + library + ", name: " + name +
         "}\nobjective: {limit: 5}\nbudget: {queries: 300}\n";
}

// The config error around a loader message about `library` (as the config gives it).
std::string library_error(const std::string& library, const std::string& message) {
  return "bad value strategy.library = " + library + " (test.yaml:1:35): " + message;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs the test body in `dir` and returns to the previous working directory afterwards.
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const std::string& dir) : previous_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~WorkingDirectory() { std::filesystem::current_path(previous_); }

 private:
  std::filesystem::path previous_;
};

TEST(Plugins, ExampleLoadsRunsAndWritesItsOptions) {
  const Config config = Config::parse(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing"), "p.yaml",
                                      {"strategy.cooling=0.99"});
  const SearchRun run = SearchRun::from_config(config, testing::shared_library());
  EXPECT_EQ(run.strategy().name(), "annealing");
  const SearchResult r = run.run_seed(/*seed=*/0);
  EXPECT_EQ(r.history.size(), 300u);
  EXPECT_GE(r.best, 0);
  EXPECT_LT(r.final_regret(), 3.0);
  const std::string resolved = config.resolved_yaml();
  EXPECT_NE(resolved.find("  cooling: 0.99\n"), std::string::npos) << resolved;
  EXPECT_NE(resolved.find("  initial_temperature: 2\n"), std::string::npos) << resolved;
  // Loading the same library again reuses it (no duplicate-name error).
  EXPECT_NO_THROW(make_run(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing")));
  // Once loaded, its strategy is a registered type of its own.
  EXPECT_EQ(StrategyRegistry::global().origin("annealing"),
            std::string("plugin ") + HWNAS_EXAMPLE_PLUGIN);
}

TEST(Plugins, UnknownOptionOfAPluginIsAnError) {
  EXPECT_EQ(error_of([] {
              make_run(plugin_config(HWNAS_EXAMPLE_PLUGIN, "annealing"), {"strategy.colling=0.9"});
            }),
            "unknown key 'colling' in strategy (--set strategy.colling=0.9); known: type, library, "
            "name, initial_temperature, cooling, restart_after");
}

TEST(Plugins, MissingFile) {
  EXPECT_EQ(error_of([] { make_run(plugin_config("/nonexistent/libx.so", "x")); }),
            "bad value strategy.library = /nonexistent/libx.so (test.yaml:1:35): plugin library "
            "'/nonexistent/libx.so' not found");
}

TEST(Plugins, MissingSymbol) {
  const std::string lib = HWNAS_BAD_PLUGIN_MISSING_SYMBOL;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "x")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): plugin library '" + lib +
                "' does not export 'hwnas_plugin_strategies' (declare it with HWNAS_PLUGIN_EXPORT "
                "from search/plugin_api.h)");
}

TEST(Plugins, AbiVersionMismatch) {
  const std::string lib = HWNAS_BAD_PLUGIN_WRONG_ABI;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "x")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): plugin library '" + lib +
                "' was built for plugin ABI version 999, this hwnas has version 1; rebuild it "
                "against this hwnas's search/plugin_api.h");
}

TEST(Plugins, DuplicateName) {
  register_builtin_strategies();
  const std::string lib = HWNAS_BAD_PLUGIN_DUPLICATE_NAME;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "random")); }),
            "bad value strategy.library = " + lib + " (test.yaml:1:35): strategy name 'random' "
            "from plugin " + lib + " is already registered by built-in; pick another name");
}

TEST(Plugins, NameNotInTheLibrary) {
  const std::string lib = HWNAS_EXAMPLE_PLUGIN;
  EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "anealing")); }),
            "bad value strategy.name = anealing (test.yaml:1:" + std::to_string(43 + lib.size()) +
                "): the library declares annealing");
}

// Before the check a truncated library was SIGBUS inside dlopen (its segments map past the end of
// the file); now every cut of the example plug-in is a one-line error naming the file.
TEST(Plugins, TruncatedOrGarbageFilesAreRefusedBeforeDlopen) {
  const TempDir dir("plugins");
  const std::string real = file_bytes(HWNAS_EXAMPLE_PLUGIN);
  ASSERT_GT(real.size(), 4096u);
  const std::string prefix = ": not a loadable plug-in (";
  const auto error_for = [&](const std::string& name, const std::string& bytes) {
    const std::string path = dir / name;
    write_bytes(path, bytes);
    return error_of([&] { make_run(plugin_config(path, "annealing")); });
  };
  const auto expect_refused = [&](const std::string& name, const std::string& bytes,
                                  const std::string& why) {
    const std::string path = dir / name;
    EXPECT_EQ(error_for(name, bytes), library_error(path, path + prefix + why + ")")) << name;
  };
  expect_refused("empty.so", "", "the file is empty");
  expect_refused("cut10.so", real.substr(0, 10),
                 "10 bytes, shorter than an ELF header (64 bytes); truncated?");
  expect_refused("cut63.so", real.substr(0, 63),
                 "63 bytes, shorter than an ELF header (64 bytes); truncated?");
  expect_refused("text.so", "not a library at all\n", "no ELF header");
  std::mt19937_64 rng(/*seed=*/7);
  std::string noise(8192, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  expect_refused("random.so", noise, "no ELF header");
  std::string executable = real;
  executable[16] = 2;  // e_type ET_EXEC
  expect_refused("exec.so", executable, "ELF type 2 (an executable), not a shared library");
  std::string other_class = real;
  other_class[4] = 1;  // EI_CLASS ELFCLASS32
  expect_refused("class32.so", other_class, "32-bit ELF; this hwnas is 64-bit");
  // Every cut past the ELF header: some header table or segment now ends past the file.
  for (const size_t cut : {size_t{64}, size_t{200}, real.size() / 4, real.size() / 2,
                           3 * real.size() / 4, real.size() - 64, real.size() - 1}) {
    const std::string name = "cut" + std::to_string(cut) + ".so";
    const std::string message = error_for(name, real.substr(0, cut));
    const std::string tail = " ends past the end of the file (" + std::to_string(cut) +
                             " bytes); truncated?)";
    EXPECT_EQ(message.rfind(library_error(dir / name, dir / name + prefix), 0), 0u) << message;
    EXPECT_NE(message.find(tail), std::string::npos) << message;
  }
  std::filesystem::create_directory(dir / "folder.so");
  EXPECT_EQ(error_of([&] { make_run(plugin_config(dir / "folder.so", "annealing")); }),
            library_error(dir / "folder.so", dir / "folder.so" + prefix + "not a regular file)"));
}

// Each broken strategy list (plugins/bad_descriptor.cpp) is refused before the field is used;
// case 1 (options NULL, one option) was a segfault of the host.
TEST(Plugins, BrokenDescriptorsAreRefused) {
  const std::vector<std::pair<int, std::string>> cases = {
      {1, "strategy 'bad_case': num_options is 1 but options is NULL"},
      {2, "strategy 'bad_case': num_options is -1; expected 0..256"},
      {3, "strategy 'bad_case': num_options is 1000000; expected 0..256"},
      {4, "strategy 0: the name is NULL"},
      {5, "strategy 0: the name is empty"},
      {6, "strategy 0: the name 'my strategy' has characters other than letters, digits and '_'"},
      {7, "strategy 'bad_case': the description is NULL"},
      {8, "strategy 'bad_case': the run function is NULL"},
      {9, "strategy 'bad_case': option 0: the name is NULL"},
      {10, "strategy 'bad_case': option 'depth': the help is NULL"},
      {11, "strategy 'bad_case': option 'depth': the default is nan; expected a finite number"},
      {12, "strategy 'bad_case': option 'library': the name is taken by the loader (type, "
           "library, name)"},
      {13, "strategy 'bad_case': option 'depth': declared twice"},
      {14, "strategy 'bad_case': declared twice"},
      {15, "hwnas_plugin_strategies returned 1000000 strategies; at most 256 are accepted"},
      {16, "hwnas_plugin_strategies returned 0; expected the number of strategies it declares "
           "(1..256)"},
      {17, "strategy 0: the name is longer than 1024 characters (not NUL-terminated?)"},
      {18, "hwnas_plugin_strategies returned -7; expected the number of strategies it declares "
           "(1..256)"},
      {19, "hwnas_plugin_strategies returned 1 but left its list NULL"},
  };
  for (const auto& [id, message] : cases) {
    const std::string lib = std::string(HWNAS_BAD_DESCRIPTOR_PREFIX) + std::to_string(id) +
                            HWNAS_BAD_DESCRIPTOR_SUFFIX;
    EXPECT_EQ(error_of([&] { make_run(plugin_config(lib, "bad_case")); }),
              library_error(lib, "plugin library '" + lib + "': " + message))
        << "case " << id;
  }
}

// A relative library is taken from the working directory (dlopen itself would search
// LD_LIBRARY_PATH and the system folders for a name without a slash).
TEST(Plugins, RelativePathsAreTakenFromTheWorkingDirectory) {
  const std::filesystem::path example(HWNAS_EXAMPLE_PLUGIN);
  {
    const WorkingDirectory cwd(example.parent_path().string());
    const std::string relative = example.filename().string();
    const SearchRun run = make_run(plugin_config(relative, "annealing"));
    EXPECT_EQ(run.strategy().name(), "annealing");
    EXPECT_EQ(StrategyRegistry::global().origin("annealing"),
              std::string("plugin ") + HWNAS_EXAMPLE_PLUGIN);
  }
  const TempDir dir("plugins");
  const std::string copy = dir / "libwrong.so";
  std::filesystem::copy_file(HWNAS_BAD_PLUGIN_WRONG_ABI, copy);
  const WorkingDirectory cwd(dir.path());
  EXPECT_EQ(error_of([&] { make_run(plugin_config("libwrong.so", "x")); }),
            library_error("libwrong.so",
                          "plugin library '" + copy + "' was built for plugin ABI version 999, "
                          "this hwnas has version 1; rebuild it against this hwnas's "
                          "search/plugin_api.h"));
  EXPECT_EQ(error_of([&] { make_run(plugin_config("sub/../missing.so", "x")); }),
            library_error("sub/../missing.so",
                          "plugin library 'sub/../missing.so' not found (looked for " +
                              dir / "missing.so" +
                              "; a relative path is taken from the working directory)"));
}

}  // namespace
}  // namespace hwnas
