#pragma once
// What hwnas checks before it trusts a plug-in (search/plugin_api.h), so that a broken library is
// a clear error instead of a signal in the host:
//  - the file, before dlopen: dlopen maps the segments its program headers name, and touching a
//    page past the end of a truncated file is SIGBUS inside the loader;
//  - the descriptors it hands over, before any field is used: a NULL options array with a
//    non-zero count is a segfault on the first option read.
#include <string>

#include "search/plugin_api.h"

namespace hwnas {

// Most strategies one library may declare, options one strategy may declare, and characters of
// a name or help string: far above any real plug-in, low enough that a garbage count or an
// unterminated string is caught before it is walked.
constexpr int kMaxPluginStrategies = 256;
constexpr int kMaxPluginOptions = 256;
constexpr size_t kMaxPluginText = 1024;

// DataError "<path>: not a loadable plug-in (<why>)" unless `path` is a readable regular file
// holding a shared library (ELF ET_DYN) of this machine's class, byte order and machine type
// whose program headers, PT_LOAD segments and section headers lie within the file.
void check_plugin_file(const std::string& path);

// DataError "plugin library '<path>': <what is wrong>" for a strategy list that the host cannot
// use as it is: a count outside 1..kMaxPluginStrategies, a NULL list, and per strategy a missing
// or malformed name, description or run function, duplicate names, and options that are NULL
// with a non-zero count, too many, unnamed, duplicated, named like the loader's own keys (type,
// library, name), without help or with a non-finite default.
void check_plugin_strategies(const std::string& path, const hwnas_strategy_desc* descs, int count);

}  // namespace hwnas
