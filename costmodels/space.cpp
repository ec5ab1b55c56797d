#include "costmodels/space.h"

#include <random>

#include "core/error.h"
#include "core/strings.h"

namespace hwnas {

const std::array<FbnetCandidate, kFbnetChoices> kFbnetCandidates = {{
    {"k3_e1", 3, 1, 1, false},
    {"k3_e1_g2", 3, 1, 2, false},
    {"k3_e3", 3, 3, 1, false},
    {"k3_e6", 3, 6, 1, false},
    {"k5_e1", 5, 1, 1, false},
    {"k5_e1_g2", 5, 1, 2, false},
    {"k5_e3", 5, 3, 1, false},
    {"k5_e6", 5, 6, 1, false},
    {"skip", 0, 0, 1, true},
}};

const std::array<const char*, kNb201Ops> kNb201OpNames = {
    "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"};
const std::array<int, kNb201Edges> kNb201EdgeFrom = {0, 0, 1, 0, 1, 2};
const std::array<int, kNb201Edges> kNb201EdgeTo = {1, 2, 2, 3, 3, 3};

namespace {

SearchSpace make_fbnet() {
  SearchSpace s{Space::FBNet, "fbnet", kFbnetLayers, kFbnetChoices, {}};
  for (const auto& c : kFbnetCandidates) s.choice_names.emplace_back(c.name);
  return s;
}

SearchSpace make_nb201() {
  SearchSpace s{Space::NB201, "nb201", kNb201Edges, kNb201Ops, {}};
  for (const char* name : kNb201OpNames) s.choice_names.emplace_back(name);
  return s;
}

int find_choice(const SearchSpace& space, std::string_view name) {
  for (int i = 0; i < space.num_choices; ++i) {
    if (space.choice_names[i] == name) return i;
  }
  return -1;
}

}  // namespace

int64_t SearchSpace::num_archs() const {
  int64_t n = 1;
  for (int i = 0; i < num_decisions; ++i) n *= num_choices;
  return n;
}

const SearchSpace& search_space(Space space) {
  static const SearchSpace fbnet = make_fbnet();
  static const SearchSpace nb201 = make_nb201();
  return space == Space::FBNet ? fbnet : nb201;
}

Space parse_space(std::string_view name) {
  const std::string lower = to_lower(trim(name));
  if (lower == "fbnet") return Space::FBNet;
  if (lower == "nb201" || lower == "nasbench201" || lower == "nas-bench-201") return Space::NB201;
  throw InputError("unknown search space '" + std::string(name) + "'; known: fbnet, nb201");
}

std::string to_string(Space space) { return search_space(space).name; }

void validate(const Arch& arch) {
  const SearchSpace& s = search_space(arch.space);
  if (static_cast<int>(arch.ops.size()) != s.num_decisions) {
    throw InputError(s.name + " architecture has " + std::to_string(arch.ops.size()) +
                     " choices, expected " + std::to_string(s.num_decisions));
  }
  for (size_t i = 0; i < arch.ops.size(); ++i) {
    if (arch.ops[i] < 0 || arch.ops[i] >= s.num_choices) {
      throw InputError(s.name + " architecture: choice " + std::to_string(i) + " is " +
                       std::to_string(arch.ops[i]) + ", expected 0.." +
                       std::to_string(s.num_choices - 1));
    }
  }
}

namespace {

// The entries of an FBNet arch string. One separator kind per string: commas (spaces around
// them allowed), else runs of whitespace (HELP's "7 8 1 ..."), else '-' (the profiler's CSV
// cells "k3_e1-skip-..."). Brackets around the whole list and quotes around an entry (a pasted
// Python list) are dropped; nothing else is, so "-1", "1x" or an empty entry stays an entry and
// fails as one instead of being read as a separator.
std::vector<std::string_view> fbnet_entries(std::string_view text) {
  text = trim(text);
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
    text = trim(text.substr(1, text.size() - 2));
  }
  std::vector<std::string_view> entries;
  if (text.find(',') != std::string_view::npos) {
    entries = split(text, ',');
  } else if (text.find_first_of(" \t\r\n") != std::string_view::npos) {
    entries = split_any(text, " \t\r\n");
  } else {
    entries = split(text, '-');
  }
  for (auto& entry : entries) {
    entry = trim(entry);
    if (entry.size() >= 2 && (entry.front() == '\'' || entry.front() == '"') &&
        entry.back() == entry.front()) {
      entry = entry.substr(1, entry.size() - 2);
    }
  }
  return entries;
}

}  // namespace

Arch parse_fbnet_arch(std::string_view text) {
  const SearchSpace& s = search_space(Space::FBNet);
  Arch arch{Space::FBNet, {}};
  for (std::string_view piece : fbnet_entries(text)) {
    int index = -1;
    if (!parse_index(piece, index)) index = find_choice(s, piece);
    if (index < 0 || index >= s.num_choices) {
      throw InputError("fbnet architecture '" + std::string(text) + "': entry " +
                       std::to_string(arch.ops.size()) + " is " +
                       (piece.empty() ? "empty" : "'" + std::string(piece) + "'") +
                       ", expected an index 0..8 or one of " + join(s.choice_names, ", "));
    }
    arch.ops.push_back(index);
  }
  if (static_cast<int>(arch.ops.size()) != s.num_decisions) {
    throw InputError("fbnet architecture '" + std::string(text) + "' has " +
                     std::to_string(arch.ops.size()) + " entries, expected 22 (one per layer)");
  }
  return arch;
}

std::string fbnet_arch_names(const Arch& arch) {
  std::vector<std::string> names;
  for (int op : arch.ops) names.emplace_back(kFbnetCandidates.at(op).name);
  return join(names, ",");
}

std::string fbnet_arch_indices(const Arch& arch) {
  std::vector<std::string> indices;
  for (int op : arch.ops) indices.push_back(std::to_string(op));
  return join(indices, ",");
}

Arch parse_nb201_string(std::string_view text) {
  const std::string_view input = trim(text);
  const auto fail = [&](const std::string& why) {
    return InputError("nb201 architecture '" + std::string(text) + "': " + why +
                      "; expected |op~0|+|op~0|op~1|+|op~0|op~1|op~2| with op one of none, "
                      "skip_connect, nor_conv_1x1, nor_conv_3x3, avg_pool_3x3");
  };
  const auto nodes = split(input, '+');
  if (nodes.size() != 3) throw fail(std::to_string(nodes.size()) + " node groups, expected 3");
  Arch arch{Space::NB201, {}};
  for (size_t node = 0; node < nodes.size(); ++node) {
    std::string_view group = nodes[node];
    if (group.size() < 2 || group.front() != '|' || group.back() != '|') {
      throw fail("node group '" + std::string(group) + "' is not enclosed in '|'");
    }
    const auto edges = split(group.substr(1, group.size() - 2), '|');
    if (edges.size() != node + 1) {
      throw fail("node " + std::to_string(node + 1) + " has " + std::to_string(edges.size()) +
                 " inputs, expected " + std::to_string(node + 1));
    }
    for (size_t input_node = 0; input_node < edges.size(); ++input_node) {
      const auto parts = split(edges[input_node], '~');
      // The input node exactly as NAS-Bench-201 writes it: "~+0" or "~ 0" is not an edge.
      if (parts.size() != 2 || parts[1] != std::to_string(input_node)) {
        throw fail("edge '" + std::string(edges[input_node]) + "' should read op~" +
                   std::to_string(input_node));
      }
      const int op = find_choice(search_space(Space::NB201), parts[0]);
      if (op < 0) throw fail("unknown op '" + std::string(parts[0]) + "'");
      arch.ops.push_back(op);
    }
  }
  return arch;
}

std::string nb201_string(const Arch& arch) {
  validate(arch);
  std::string out = "|";
  for (int edge = 0; edge < kNb201Edges; ++edge) {
    out += kNb201OpNames[arch.ops[edge]];
    out += "~" + std::to_string(kNb201EdgeFrom[edge]) + "|";
    if (edge == 0 || edge == 2) out += "+|";
  }
  return out;
}

int nb201_code(const Arch& arch) {
  int code = 0;
  for (int op : arch.ops) code = code * kNb201Ops + op;
  return code;
}

Arch nb201_from_code(int code) {
  Arch arch{Space::NB201, std::vector<int>(kNb201Edges)};
  for (int edge = kNb201Edges - 1; edge >= 0; --edge) {
    arch.ops[edge] = code % kNb201Ops;
    code /= kNb201Ops;
  }
  return arch;
}

std::string arch_to_string(const Arch& arch) {
  return arch.space == Space::FBNet ? fbnet_arch_names(arch) : nb201_string(arch);
}

std::vector<Arch> random_fbnet_archs(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Arch> archs;
  for (size_t i = 0; i < count; ++i) {
    Arch a{Space::FBNet, std::vector<int>(kFbnetLayers)};
    for (int& op : a.ops) op = static_cast<int>(rng() % kFbnetChoices);
    archs.push_back(std::move(a));
  }
  return archs;
}

}  // namespace hwnas
