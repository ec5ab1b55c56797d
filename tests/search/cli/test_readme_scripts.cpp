// Every experiment script the READMEs (the top one and each experiment's) show as a command runs
// as shown: a user who pastes
// `experiments/X/run.sh` must not get "Permission denied" (oneshot_quality/run.sh once lacked its
// run bit). Scripts the README runs through an interpreter (`python3 experiments/...`) are exempt.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "core/paths.h"

namespace hwnas {
namespace {

TEST(ReadmeScripts, EveryScriptShownAsACommandIsExecutable) {
  const std::string source = HWNAS_SOURCE_DIR;
  std::string readme = read_text_file(source + "/README.md");
  for (const auto& entry : std::filesystem::directory_iterator(source + "/experiments")) {
    const auto path = entry.path() / "README.md";
    if (std::filesystem::exists(path)) readme += read_text_file(path.string());
  }
  const std::regex script(R"((python3 )?(experiments/[A-Za-z0-9_]+/[A-Za-z0-9_]+\.(sh|py)))");
  std::set<std::string> checked;
  for (auto it = std::sregex_iterator(readme.begin(), readme.end(), script);
       it != std::sregex_iterator(); ++it) {
    if ((*it)[1].matched) continue;  // run through the interpreter
    const std::string path = (*it)[2];
    if (!checked.insert(path).second) continue;
    struct stat info {};
    ASSERT_EQ(stat((source + "/" + path).c_str(), &info), 0)
        << path << " is in the README but not in the tree";
    EXPECT_TRUE(info.st_mode & S_IXUSR)
        << path << " lacks its run bit (git update-index --chmod=+x)";
  }
  EXPECT_GE(checked.size(), 8u)
      << "the README shows fewer scripts than expected: is the pattern stale?";
}

}  // namespace
}  // namespace hwnas
