#!/usr/bin/env bash
# The README's two set-up commands on a fresh Debian 12 machine:
#   bash .ci/setup.sh main   install missing packages, build (Release), run the main job
#   bash .ci/setup.sh test   install missing packages, build with tests, run the whole suite
set -euo pipefail
mode=${1:-main}
case "$mode" in main|test) ;; *) echo "usage: bash .ci/setup.sh main|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

packages="cmake ninja-build g++ pkg-config libtorch-dev libeigen3-dev libtbb-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libspdlog-dev libbenchmark-dev nlohmann-json3-dev gnuplot-nox
  libopenblas0-openmp libgloo-dev pybind11-dev python3-dev python3-numpy python3-pytest"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  # --no-install-recommends: libtorch-dev would otherwise pull in several GB.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi

tests=OFF; [ "$mode" = test ] && tests=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DHWNAS_BUILD_TESTS=$tests
ninja -C build -j"$(nproc)"

if [ "$mode" = main ]; then
  # The embedded default job: hardware-aware search on the bundled NAS-Bench-201 tables
  # (regularized evolution, best CIFAR-10 accuracy under an Edge GPU latency limit; seconds).
  ./build/search/hwnas_search --config configs/quickstart.yaml
else
  ctest --test-dir build --output-on-failure -j"$(nproc)"
fi
