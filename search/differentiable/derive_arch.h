#pragma once
// How a supernet search reads its final architecture off the architecture distribution.
//   argmax                 the most probable op of every slot (DARTS, ProxylessNAS, FBNet-DNAS)
//   most_probable_feasible the most probable architecture (max sum of log-probabilities) whose
//                          cost meets the limit: a hard constraint holds for the arch that is
//                          reported, not only in expectation. NB201: exact, over all 15,625
//                          archs. FBNet (additive LUT costs): exact on a cost grid of limit/20000
//                          with every layer's cost rounded up, so the result is always feasible
//                          (an arch within 22 grid steps of the limit may be passed over).
// without_none (NB201): `none` is never chosen (DARTS' genotype rule).
#include <string>
#include <vector>

#include "costmodels/space.h"

namespace hwnas {

class CostLoss;

struct DeriveRule {
  std::string rule = "argmax";  // argmax | most_probable_feasible
  bool without_none = false;
};

// `probabilities` [slots][choices]. For most_probable_feasible, `cost` and `limit` > 0 are
// needed; InputError when no architecture meets the limit.
Arch derive_arch(Space space, const std::vector<std::vector<double>>& probabilities,
                 const DeriveRule& rule, const CostLoss* cost = nullptr, double limit = 0);

}  // namespace hwnas
