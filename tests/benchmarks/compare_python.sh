#!/bin/bash
# C++ (bench_training BM_ChildStep) against Python PyTorch (python/child_training.py) on the same
# child nets, batch 64, the same thread count: runs interleaved A B B A per arch and format,
# `rounds` times, and prints the medians and their ratio. Both sides use Debian's LibTorch 1.13.
#   tests/benchmarks/compare_python.sh [build/tests/benchmarks/bench_training] [rounds=3] [threads=1]
set -euo pipefail
bench=${1:-build/tests/benchmarks/bench_training} rounds=${2:-3} threads=${3:-1}
python=/usr/bin/python3
here=$(dirname "$0")
[[ -x $bench ]] || { echo "compare_python.sh: $bench not found (configure with -DHWNAS_BUILD_BENCHMARKS=ON)" >&2; exit 2; }
$python -c "import torch" 2>/dev/null || { echo "compare_python.sh: $python has no torch (apt-get install python3-torch)" >&2; exit 2; }
cpp() {  # arch format(0|1) -> images/s
  HWNAS_BENCH_THREADS=$threads "$bench" --benchmark_filter="BM_ChildStep/$1/$2/" \
    --benchmark_format=csv 2>/dev/null |
    awk -F, 'NR==1{for(i=1;i<=NF;i++) if($i=="\"images_per_s\"") c=i} NR==2{print $c}'
}
py() {  # arch format(nchw|channels_last) -> images/s
  $python "$here/python/child_training.py" --arch "$1" --format "$2" --threads "$threads" --seconds 4 | awk '{print $2}'
}
median() { sort -g | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
names=(edgegpu raspi4 fpga all_k3_e6)
printf "%-10s %-14s %10s %10s %10s %12s\n" arch cpp_format cpp_img_s py_nchw py_cl cpp/py_nchw
for arch in 0 1 2 3; do
  for format in 0 1; do
    c=() p=() q=()
    for ((r = 0; r < rounds; r++)); do  # A B B A
      c+=("$(cpp $arch $format)"); p+=("$(py $arch nchw)")
      q+=("$(py $arch channels_last)"); c+=("$(cpp $arch $format)")
    done
    mc=$(printf '%s\n' "${c[@]}" | median) mp=$(printf '%s\n' "${p[@]}" | median) mq=$(printf '%s\n' "${q[@]}" | median)
    printf "%-10s %-14s %10.1f %10.1f %10.1f %12.2f\n" "${names[$arch]}" "$([[ $format == 1 ]] && echo channels_last || echo nchw)" \
      "$mc" "$mp" "$mq" "$(awk -v a="$mc" -v b="$mp" 'BEGIN{print a/b}')"
  done
done
