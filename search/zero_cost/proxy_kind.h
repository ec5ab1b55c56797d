#pragma once
// The names of the training-free proxies (proxies.h defines them), without LibTorch.
#include <string>
#include <string_view>
#include <vector>

namespace hwnas {

enum class Proxy { Params, Flops, GradNorm, Snip, Synflow, Jacov, Naswot, Zico };

const std::vector<Proxy>& all_proxies();
std::string to_string(Proxy proxy);
// InputError listing the proxies when `name` is none of them.
Proxy parse_proxy(std::string_view name);
// params and flops come from the arch alone (no network, no images).
bool proxy_needs_network(Proxy proxy);

}  // namespace hwnas
