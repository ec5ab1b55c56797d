// The `plugin` strategy type: loads a shared library written against search/plugin_api.h
// (dlopen), checks its ABI version, registers its strategies under their own names and creates
// the one named in the config. A library is loaded once per process and never unloaded (its
// strategies stay registered).
#include <dlfcn.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/config.h"
#include "core/error.h"
#include "core/strings.h"
#include "search/plugin_api.h"
#include "search/sampling/plugin_checks.h"
#include "search/sampling/strategy.h"

namespace hwnas {
namespace {

// Per-run state behind the C callbacks.
struct Host {
  SearchContext* ctx;
  const std::map<std::string, double>* options;
  std::string error;
};

int host_exhausted(void* handle) { return static_cast<Host*>(handle)->ctx->exhausted() ? 1 : 0; }

int host_query(void* handle, const int* ops, hwnas_query_result* out) {
  Host& host = *static_cast<Host*>(handle);
  // A plug-in's NULL must be an error it can report, not a crash of the host.
  if (!ops || !out) {
    host.error = std::string("query: ") + (!ops ? "ops" : "out") + " is NULL";
    return -1;
  }
  try {
    Arch arch{host.ctx->space().space,
              std::vector<int>(ops, ops + host.ctx->space().num_decisions)};
    const QueryRecord& r = host.ctx->query(arch);
    out->accuracy = r.eval.accuracy;
    out->fitness = r.fitness;
    out->feasible = r.feasible ? 1 : 0;
    out->known = r.eval.known ? 1 : 0;
    out->num_costs = static_cast<int>(host.ctx->objective().metrics().size());
    for (int m = 0; m < 4; ++m) out->costs[m] = m < out->num_costs ? r.eval.costs[m] : std::nan("");
    return 0;
  } catch (const std::exception& e) {
    host.error = e.what();
    return -1;
  } catch (...) {  // nothing may unwind into the plug-in's C frames
    host.error = "query: unknown error";
    return -1;
  }
}

double host_option(void* handle, const char* name) {
  Host& host = *static_cast<Host*>(handle);
  if (!name) {
    host.error = "option: the name is NULL";
    return std::nan("");
  }
  const auto it = host.options->find(name);
  if (it == host.options->end()) {
    host.error = std::string("option '") + name + "' is not declared by the plugin";
    return std::nan("");
  }
  return it->second;
}

void host_log(void*, const char* message) {
  if (message) spdlog::info("plugin: {}", message);
}

const char* host_error(void* handle) { return static_cast<Host*>(handle)->error.c_str(); }

class PluginStrategy : public SearchStrategy {
 public:
  PluginStrategy(const hwnas_strategy_desc* desc, std::string library,
                 std::map<std::string, double> options)
      : desc_(desc), library_(std::move(library)), options_(std::move(options)) {}
  std::string name() const override { return desc_->name; }
  bool supports(Objective::Kind) const override { return true; }

  void search(SearchContext& ctx) const override {
    Host host{&ctx, &options_, ""};
    hwnas_search_api api{};
    api.abi_version = HWNAS_PLUGIN_ABI_VERSION;
    api.handle = &host;
    api.num_decisions = ctx.space().num_decisions;
    api.num_choices = ctx.space().num_choices;
    api.seed = ctx.seed();
    api.multi_objective = ctx.objective().multi_objective() ? 1 : 0;
    api.exhausted = host_exhausted;
    api.query = host_query;
    api.option = host_option;
    api.log = host_log;
    api.error = host_error;
    char error[1024] = {0};
    const int status = desc_->run(&api, error, sizeof(error));
    error[sizeof(error) - 1] = '\0';  // a plug-in that filled the buffer without terminating it
    if (status != 0) {
      throw Error("plugin strategy '" + name() + "' (" + library_ + ") failed: " + error);
    }
  }

 private:
  const hwnas_strategy_desc* desc_;
  std::string library_;
  std::map<std::string, double> options_;
};

std::mutex& loaded_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Library path -> names it registered.
std::map<std::string, std::vector<std::string>>& loaded() {
  static std::map<std::string, std::vector<std::string>> libraries;
  return libraries;
}

// The path dlopen gets: absolute, so that dlopen's search rules (LD_LIBRARY_PATH, the system
// folders) never apply; a relative `library` is taken from the working directory, like every
// other path in a config.
std::string absolute_library_path(const std::string& library) {
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(library, ec);
  if (ec) {
    throw InputError("plugin library '" + library + "': cannot make the path absolute (" +
                     ec.message() + ")");
  }
  return absolute.lexically_normal().string();
}

// Closes a library that failed its checks; a library whose strategies were registered stays.
class LibraryHandle {
 public:
  explicit LibraryHandle(void* handle) : handle_(handle) {}
  ~LibraryHandle() {
    if (handle_) dlclose(handle_);
  }
  LibraryHandle(const LibraryHandle&) = delete;
  LibraryHandle& operator=(const LibraryHandle&) = delete;
  void* get() const { return handle_; }
  void keep() { handle_ = nullptr; }

 private:
  void* handle_;
};

// Loads `library` once and registers its strategies; returns their names. Errors are
// InputErrors whose message the caller places in the config.
std::vector<std::string> load_library(const std::string& library) {
  const std::string path = absolute_library_path(library);
  std::lock_guard<std::mutex> lock(loaded_mutex());
  const auto it = loaded().find(path);
  if (it != loaded().end()) return it->second;
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    throw InputError("plugin library '" + library + "' not found" +
                     (path == library ? "" : " (looked for " + path +
                                                 "; a relative path is taken from the working "
                                                 "directory)"));
  }
  check_plugin_file(path);
  // RTLD_LOCAL: two plug-ins may define the same internal symbols without clashing.
  LibraryHandle handle(dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!handle.get()) {
    throw InputError("plugin library '" + path + "' cannot be loaded: " + dlerror());
  }
  const auto symbol = [&](const char* name) {
    void* s = dlsym(handle.get(), name);
    if (!s) {
      throw InputError("plugin library '" + path + "' does not export '" + name +
                       "' (declare it with HWNAS_PLUGIN_EXPORT from search/plugin_api.h)");
    }
    return s;
  };
  const auto abi = reinterpret_cast<hwnas_plugin_abi_version_fn>(symbol("hwnas_plugin_abi_version"));
  const auto list = reinterpret_cast<hwnas_plugin_strategies_fn>(symbol("hwnas_plugin_strategies"));
  const uint32_t version = abi();
  if (version != HWNAS_PLUGIN_ABI_VERSION) {
    throw InputError("plugin library '" + path + "' was built for plugin ABI version " +
                     std::to_string(version) + ", this hwnas has version " +
                     std::to_string(HWNAS_PLUGIN_ABI_VERSION) +
                     "; rebuild it against this hwnas's search/plugin_api.h");
  }
  const hwnas_strategy_desc* descs = nullptr;
  const int count = list(&descs);
  // Every pointer, count and string is checked before the factories below use any of them.
  check_plugin_strategies(path, descs, count);
  std::vector<std::string> names;
  StrategyRegistry& registry = StrategyRegistry::global();
  // Once a name is registered, its factory points into the library: it must stay loaded.
  handle.keep();
  for (int i = 0; i < count; ++i) {
    const hwnas_strategy_desc* desc = &descs[i];
    // A duplicate name throws here and leaves the library's earlier names registered: loading
    // is all-or-nothing only per name, which is enough to report the clash.
    registry.add(desc->name, "plugin " + path, desc->description,
                 [desc, path](const ConfigSection& s) -> std::unique_ptr<SearchStrategy> {
                   std::map<std::string, double> options;
                   for (int o = 0; o < desc->num_options; ++o) {
                     options[desc->options[o].name] =
                         s.get_double(desc->options[o].name, desc->options[o].default_value);
                   }
                   return std::make_unique<PluginStrategy>(desc, path, std::move(options));
                 });
    names.push_back(desc->name);
  }
  loaded()[path] = names;
  spdlog::debug("loaded plugin {} ({})", path, join(names, ", "));
  return names;
}

}  // namespace

void register_plugin_loader(StrategyRegistry& registry) {
  registry.add("plugin", "built-in", "a strategy from a shared library (search/plugin_api.h)",
               [](const ConfigSection& s) -> std::unique_ptr<SearchStrategy> {
                 const std::string library =
                     s.require_string("library", "required when strategy.type is plugin (path "
                                                 "of the shared library)");
                 const std::string name = s.require_string(
                     "name", "required when strategy.type is plugin (a strategy of the library)");
                 std::vector<std::string> names;
                 try {
                   names = load_library(library);
                 } catch (const InputError& e) {
                   s.fail("library", e.what());
                 }
                 if (std::find(names.begin(), names.end(), name) == names.end()) {
                   s.fail("name", "the library declares " + join(names, ", "));
                 }
                 return StrategyRegistry::global().create(name, s);
               });
}

}  // namespace hwnas
