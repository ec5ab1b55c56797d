#include "search/sampling/plugin_checks.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>  // ElfW: the ELF types of this machine's class
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <set>
#include <vector>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {
namespace {

#if __SIZEOF_POINTER__ == 8
constexpr unsigned char kHostClass = ELFCLASS64;
#else
constexpr unsigned char kHostClass = ELFCLASS32;
#endif
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
constexpr unsigned char kHostData = ELFDATA2LSB;
#else
constexpr unsigned char kHostData = ELFDATA2MSB;
#endif
// 0 = unknown here: the loader's own check is then the only one.
#if defined(__x86_64__)
constexpr int kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kHostMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr int kHostMachine = EM_386;
#elif defined(__arm__)
constexpr int kHostMachine = EM_ARM;
#elif defined(__riscv)
constexpr int kHostMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr int kHostMachine = EM_PPC64;
#else
constexpr int kHostMachine = 0;
#endif

[[noreturn]] void not_loadable(const std::string& path, const std::string& why) {
  throw DataError(path + ": not a loadable plug-in (" + why + ")");
}

// Closes the descriptor on every exit path.
class File {
 public:
  explicit File(int fd) : fd_(fd) {}
  ~File() {
    if (fd_ >= 0) close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Bytes [offset, offset + length) of the file; the caller has checked they lie within it.
void read_at(const std::string& path, const File& file, uint64_t offset, void* out, size_t length) {
  char* p = static_cast<char*>(out);
  while (length > 0) {
    const ssize_t n = pread(file.fd(), p, length, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      not_loadable(path, std::string("cannot be read: ") +
                             (n < 0 ? std::strerror(errno) : "the file shrank while read"));
    }
    p += n;
    offset += static_cast<uint64_t>(n);
    length -= static_cast<size_t>(n);
  }
}

// `what`, `length` bytes at `offset`, must end within the file's `size` bytes (overflow-safe).
void check_within(const std::string& path, const std::string& what, uint64_t offset,
                  uint64_t length, uint64_t size) {
  if (offset <= size && length <= size - offset) return;
  const std::string range =
      length <= UINT64_MAX - offset
          ? "bytes " + std::to_string(offset) + ".." + std::to_string(offset + length)
          : std::to_string(length) + " bytes at " + std::to_string(offset);
  not_loadable(path, what + " (" + range + ") ends past the end of the file (" +
                         std::to_string(size) + " bytes); truncated?");
}

std::string machine_name(int machine) {
  switch (machine) {
    case EM_X86_64:
      return "x86-64";
    case EM_AARCH64:
      return "aarch64";
    case EM_386:
      return "i386";
    case EM_ARM:
      return "arm";
    case EM_RISCV:
      return "riscv";
    case EM_PPC64:
      return "ppc64";
    default:
      return "machine " + std::to_string(machine);
  }
}

// A plug-in string: non-NULL, NUL-terminated within kMaxPluginText, and (unless `may_be_empty`)
// not empty. `what` names it in the message.
std::string checked_text(const std::string& prefix, const char* text, const std::string& what,
                         bool may_be_empty = false) {
  if (!text) throw DataError(prefix + what + " is NULL");
  const size_t length = strnlen(text, kMaxPluginText + 1);
  if (length > kMaxPluginText) {
    throw DataError(prefix + what + " is longer than " + std::to_string(kMaxPluginText) +
                    " characters (not NUL-terminated?)");
  }
  if (length == 0 && !may_be_empty) throw DataError(prefix + what + " is empty");
  return std::string(text, length);
}

// Strategy and option names are YAML keys and values: letters, digits and '_'.
void check_identifier(const std::string& prefix, const std::string& name, const std::string& what) {
  for (char c : name) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) {
      throw DataError(prefix + what + " '" + name +
                      "' has characters other than letters, digits and '_'");
    }
  }
}

}  // namespace

void check_plugin_file(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    not_loadable(path, std::string("cannot be read: ") + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) not_loadable(path, "not a regular file");
  const File file(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd() < 0) not_loadable(path, std::string("cannot be read: ") + std::strerror(errno));
  if (fstat(file.fd(), &info) != 0) {  // the file opened, not the one stat() saw
    not_loadable(path, std::string("cannot be read: ") + std::strerror(errno));
  }
  const uint64_t size = static_cast<uint64_t>(info.st_size);
  if (size == 0) not_loadable(path, "the file is empty");

  ElfW(Ehdr) header{};
  if (size < sizeof(header)) {
    unsigned char magic[SELFMAG] = {0};
    read_at(path, file, 0, magic, std::min<size_t>(size, SELFMAG));
    if (size < SELFMAG || std::memcmp(magic, ELFMAG, SELFMAG) != 0) {
      not_loadable(path, "no ELF header");
    }
    not_loadable(path, std::to_string(size) + " bytes, shorter than an ELF header (" +
                           std::to_string(sizeof(header)) + " bytes); truncated?");
  }
  read_at(path, file, 0, &header, sizeof(header));
  if (std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0) not_loadable(path, "no ELF header");
  if (header.e_ident[EI_CLASS] != kHostClass) {
    const unsigned char c = header.e_ident[EI_CLASS];
    not_loadable(path, std::string(c == ELFCLASS32   ? "32-bit"
                                   : c == ELFCLASS64 ? "64-bit"
                                                     : "unknown-class") +
                           " ELF; this hwnas is " +
                           (kHostClass == ELFCLASS64 ? "64-bit" : "32-bit"));
  }
  if (header.e_ident[EI_DATA] != kHostData) {
    not_loadable(path, std::string("ELF byte order ") +
                           (header.e_ident[EI_DATA] == ELFDATA2MSB ? "big-endian" : "unknown") +
                           "; this machine is " +
                           (kHostData == ELFDATA2LSB ? "little-endian" : "big-endian"));
  }
  if (header.e_type != ET_DYN) {
    const std::string kind = header.e_type == ET_EXEC  ? " (an executable)"
                             : header.e_type == ET_REL ? " (an object file)"
                                                       : "";
    not_loadable(path,
                 "ELF type " + std::to_string(header.e_type) + kind + ", not a shared library");
  }
  if (kHostMachine != 0 && header.e_machine != kHostMachine) {
    not_loadable(path, "built for " + machine_name(header.e_machine) + "; this machine is " +
                           machine_name(kHostMachine));
  }

  if (header.e_phnum == 0) not_loadable(path, "no program headers");
  if (header.e_phentsize != sizeof(ElfW(Phdr))) {
    not_loadable(path, "program header size " + std::to_string(header.e_phentsize) + ", expected " +
                           std::to_string(sizeof(ElfW(Phdr))));
  }
  const uint64_t ph_bytes = uint64_t{header.e_phnum} * sizeof(ElfW(Phdr));
  check_within(path, "the program header table", header.e_phoff, ph_bytes, size);
  std::vector<ElfW(Phdr)> segments(header.e_phnum);
  read_at(path, file, header.e_phoff, segments.data(), ph_bytes);
  for (size_t i = 0; i < segments.size(); ++i) {
    const ElfW(Phdr)& s = segments[i];
    // The loader maps PT_LOAD segments and reads PT_DYNAMIC through them.
    if (s.p_type != PT_LOAD && s.p_type != PT_DYNAMIC) continue;
    check_within(path,
                 std::string(s.p_type == PT_LOAD ? "PT_LOAD" : "PT_DYNAMIC") + " segment " +
                     std::to_string(i),
                 s.p_offset, s.p_filesz, size);
  }

  if (header.e_shoff != 0) {
    uint64_t count = header.e_shnum;
    if (header.e_shentsize != sizeof(ElfW(Shdr))) {
      not_loadable(path, "section header size " + std::to_string(header.e_shentsize) +
                             ", expected " + std::to_string(sizeof(ElfW(Shdr))));
    }
    check_within(path, "the section header table", header.e_shoff, sizeof(ElfW(Shdr)), size);
    if (count == 0) {  // 65,280 sections or more: the count is in section 0's sh_size
      ElfW(Shdr) first{};
      read_at(path, file, header.e_shoff, &first, sizeof(first));
      count = first.sh_size;
    }
    if (count > (UINT64_MAX - header.e_shoff) / sizeof(ElfW(Shdr))) {
      not_loadable(path, "section header count " + std::to_string(count) + " is impossible");
    }
    check_within(path, "the section header table", header.e_shoff, count * sizeof(ElfW(Shdr)),
                 size);
  }
}

void check_plugin_strategies(const std::string& path, const hwnas_strategy_desc* descs, int count) {
  const std::string library = "plugin library '" + path + "': ";
  if (count < 1) {
    throw DataError(library + "hwnas_plugin_strategies returned " + std::to_string(count) +
                    "; expected the number of strategies it declares (1.." +
                    std::to_string(kMaxPluginStrategies) + ")");
  }
  if (count > kMaxPluginStrategies) {
    throw DataError(library + "hwnas_plugin_strategies returned " + std::to_string(count) +
                    " strategies; at most " + std::to_string(kMaxPluginStrategies) +
                    " are accepted");
  }
  if (!descs) {
    throw DataError(library + "hwnas_plugin_strategies returned " + std::to_string(count) +
                    " but left its list NULL");
  }
  // The loader's own keys of the strategy section: an option of the same name could not be set.
  static const std::set<std::string> kReserved = {"type", "library", "name"};
  std::set<std::string> names;
  for (int i = 0; i < count; ++i) {
    const hwnas_strategy_desc& d = descs[i];
    const std::string strategy = library + "strategy " + std::to_string(i);
    const std::string name = checked_text(strategy + ": ", d.name, "the name");
    check_identifier(strategy + ": ", name, "the name");
    const std::string prefix = library + "strategy '" + name + "': ";
    if (!names.insert(name).second) throw DataError(prefix + "declared twice");
    checked_text(prefix, d.description, "the description", /*may_be_empty=*/true);
    if (!d.run) throw DataError(prefix + "the run function is NULL");
    if (d.num_options < 0 || d.num_options > kMaxPluginOptions) {
      throw DataError(prefix + "num_options is " + std::to_string(d.num_options) +
                      "; expected 0.." + std::to_string(kMaxPluginOptions));
    }
    if (d.num_options > 0 && !d.options) {
      throw DataError(prefix + "num_options is " + std::to_string(d.num_options) +
                      " but options is NULL");
    }
    std::set<std::string> options;
    for (int o = 0; o < d.num_options; ++o) {
      const hwnas_option_desc& option = d.options[o];
      const std::string at = prefix + "option " + std::to_string(o) + ": ";
      const std::string option_name = checked_text(at, option.name, "the name");
      check_identifier(at, option_name, "the name");
      const std::string named = prefix + "option '" + option_name + "': ";
      if (kReserved.count(option_name)) {
        throw DataError(named + "the name is taken by the loader (type, library, name)");
      }
      if (!options.insert(option_name).second) throw DataError(named + "declared twice");
      checked_text(named, option.help, "the help", /*may_be_empty=*/true);
      if (!std::isfinite(option.default_value)) {
        throw DataError(named + "the default is " + format_double(option.default_value) +
                        "; expected a finite number");
      }
    }
  }
}

}  // namespace hwnas
