#pragma once
// Search spaces and architectures, with round trips to the HW-NAS-Bench forms:
//   FBNet: op_idx_list (22 indices 0..8) and arch_str names (k3_e1 ... skip);
//   NB201: the NAS-Bench-201 string |op~0|+|op~0|op~1|+|op~0|op~1|op~2| (the index needs the
//   tables' arch column, see Nb201Tables).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

enum class Space { FBNet, NB201 };

struct SearchSpace {
  Space space;
  std::string name;                       // "fbnet", "nb201"
  int num_decisions;                      // FBNet 22 layers, NB201 6 edges
  int num_choices;                        // FBNet 9 candidates, NB201 5 ops
  std::vector<std::string> choice_names;  // in the tables' index order
  int64_t num_archs() const;              // num_choices ^ num_decisions (fits FBNet's 9^22)
};

const SearchSpace& search_space(Space space);
Space parse_space(std::string_view name);  // "fbnet", "nb201" (also "nasbench201")
std::string to_string(Space space);

constexpr int kFbnetLayers = 22;
constexpr int kFbnetChoices = 9;
constexpr int kFbnetSkip = 8;
constexpr int kNb201Edges = 6;
constexpr int kNb201Ops = 5;
constexpr int kNb201Archs = 15625;  // 5^6

// FBNet candidate blocks in HW-NAS-Bench index order.
struct FbnetCandidate {
  const char* name;
  int kernel;
  int expansion;
  int group;
  bool skip;
};
extern const std::array<FbnetCandidate, kFbnetChoices> kFbnetCandidates;

// NB201 ops in NAS-Bench-201 string order, and the input node of each edge (1<-0, 2<-0, 2<-1,
// 3<-0, 3<-1, 3<-2).
enum Nb201Op { kNone = 0, kSkipConnect = 1, kNorConv1x1 = 2, kNorConv3x3 = 3, kAvgPool3x3 = 4 };
extern const std::array<const char*, kNb201Ops> kNb201OpNames;
extern const std::array<int, kNb201Edges> kNb201EdgeFrom;
extern const std::array<int, kNb201Edges> kNb201EdgeTo;

// A point of a search space: one choice index per decision.
struct Arch {
  Space space = Space::FBNet;
  std::vector<int> ops;

  bool operator==(const Arch& other) const { return space == other.space && ops == other.ops; }
  bool operator!=(const Arch& other) const { return !(*this == other); }
};

// Throws InputError unless `arch` has the space's length and every choice is in range.
void validate(const Arch& arch);

// FBNet: names "k3_e6,skip,..." or indices "3,8,..." (digits only), exactly 22 entries between
// commas, or whitespace, or '-' (one kind per string); brackets around the list and quotes around
// an entry (a pasted Python list) are allowed. Anything else is an InputError quoting the entry.
Arch parse_fbnet_arch(std::string_view text);
// `count` FBNet archs with every layer's choice uniform and independent, from a seeded mt19937_64.
// rng() % 9 rather than uniform_int_distribution, which differs between standard libraries: the
// same seed gives the same sample everywhere (the bias is below 1e-18).
std::vector<Arch> random_fbnet_archs(size_t count, uint64_t seed);
std::string fbnet_arch_names(const Arch& arch);    // "k3_e6,skip,..."
std::string fbnet_arch_indices(const Arch& arch);  // "3,8,..."

// NB201 string form. Ops may appear in any known name; the ~k input must match the edge.
Arch parse_nb201_string(std::string_view text);
std::string nb201_string(const Arch& arch);
// Dense position of an NB201 arch in 0..15624: base-5 number of the edge ops, edge 0 most
// significant. NOT the NAS-Bench-201 index (see Nb201Tables::index_of).
int nb201_code(const Arch& arch);
Arch nb201_from_code(int code);

// The short human form used in reports: FBNet names or the NB201 string.
std::string arch_to_string(const Arch& arch);

}  // namespace hwnas
