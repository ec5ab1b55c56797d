"""A drop-in for the HW-NAS-Bench API (RICE-EIC/HW-NAS-Bench, hw_nas_bench_api.HWNASBenchAPI),
answered from hwnas's tables: an existing script changes its import line only.

    from hwnas.compat import HWNASBenchAPI as HWAPI      # was: from hw_nas_bench_api import ...
    hw_api = HWAPI("HW-NAS-Bench-v1_0.pickle", search_space="fbnet")
    hw_api.query_by_index([3] * 22, "cifar100")           # {"edgegpu_latency": ..., "average_hw_metric": ...}

Differences, all errors rather than other values: NB201 hardware costs exist for cifar10 only
(HW-NAS-Bench's cifar100 and ImageNet16-120 NB201 tables are not in hwnas's data), and an NB201
value the tables lack (3,070 Edge GPU archs, 6,838 Edge TPU archs) raises
hwnas.MissingValueError; bad arguments raise hwnas.InputError where the reference asserts.
"""
import json

from hwnas._hwnas import CostLibrary, InputError

# The reference API's metric lists and order; average_hw_metric is their product, multiplied in
# this order as the reference does (NB201 without eyeriss_arithmetic_intensity, a ratio).
_NB201_METRICS = ["edgegpu_latency", "edgegpu_energy", "raspi4_latency", "edgetpu_latency",
                  "pixel3_latency", "eyeriss_latency", "eyeriss_energy",
                  "eyeriss_arithmetic_intensity", "fpga_latency", "fpga_energy"]
_FBNET_METRICS = ["edgegpu_latency", "edgegpu_energy", "raspi4_latency", "pixel3_latency",
                  "eyeriss_latency", "eyeriss_energy", "fpga_latency", "fpga_energy"]
_NB201_HARDWARE = [m for m in _NB201_METRICS if m != "eyeriss_arithmetic_intensity"]
_NB201_CLASSES = {"cifar10": 10, "cifar100": 100, "ImageNet16-120": 120}
_FBNET_CLASSES = {"cifar100": 100, "cifar10": 10, "ImageNet": 1000}
_SPACES = {"nasbench201": "nb201", "fbnet": "fbnet"}

_shared_library = None


def _library():
    global _shared_library  # one copy of the tables per process, as the reference keeps its dict
    if _shared_library is None:
        _shared_library = CostLibrary()
    return _shared_library


class HWNASBenchAPI:
    """HW-NAS-Bench's API over hwnas's tables.

    file_path_or_dict: accepted and ignored. The reference unpickles HW-NAS-Bench-v1_0.pickle
    here; hwnas's data/ holds the same tables (checked against the API's published outputs), so
    there is no pickle to read and any value (a path, a dict, None) is fine.
    search_space: "nasbench201" or "fbnet", as in the reference. library: an hwnas.CostLibrary
    to answer from (default: the built-in tables, loaded once per process).
    """

    def __init__(self, file_path_or_dict=None, search_space="nasbench201", verbose=True,
                 library=None):
        if search_space not in _SPACES:
            raise InputError(f"search_space '{search_space}': expected 'nasbench201' or 'fbnet'")
        self.search_space = search_space
        self._space = _SPACES[search_space]
        self._lib = library if library is not None else _library()
        self._queries = {}  # dataname -> CostLibrary.query_function, prepared on first use

    def query_by_index(self, arch_index, dataname):
        """{metric: value} plus average_hw_metric of one arch: an NB201 index (nasbench201) or a
        list of 22 op indices (fbnet), on dataname (cifar10 for nasbench201; cifar100, ImageNet
        or cifar10 for fbnet)."""
        query = self._queries.get(dataname)
        if query is None:
            metrics, hardware = ((_NB201_METRICS, _NB201_HARDWARE) if self._space == "nb201"
                                 else (_FBNET_METRICS, _FBNET_METRICS))
            query = self._queries[dataname] = self._lib.query_function(
                self._space, dataname, metrics, product=("average_hw_metric", hardware))
        return query(_index(arch_index) if self._space == "nb201" else arch_index)

    def get_net_config(self, arch_index, dataname):
        """The network's config: nasbench201 {name, C, N, arch_str, num_classes} (what
        get_cell_based_tiny_net takes), fbnet {dataset, num_classes, op_idx_list, arch_str}."""
        if self._space == "nb201":
            if dataname not in _NB201_CLASSES:
                raise InputError(f"nasbench201 dataname '{dataname}': expected one of "
                                 + ", ".join(_NB201_CLASSES))
            forms = self._lib.arch("nb201", _index(arch_index))
            return {"name": "infer.tiny", "C": 16, "N": 5, "arch_str": forms["arch_str"],
                    "num_classes": _NB201_CLASSES[dataname]}
        if dataname not in _FBNET_CLASSES:
            raise InputError(f"fbnet dataname '{dataname}': expected one of " + ", ".join(_FBNET_CLASSES))
        forms = self._lib.arch("fbnet", arch_index)
        return {"dataset": dataname, "num_classes": _FBNET_CLASSES[dataname],
                "op_idx_list": arch_index, "arch_str": forms["arch_str"]}

    def get_op_lookup_tables(self):
        """fbnet: {metric: {op key: value}}, the per-block lookup tables of the 8 metrics."""
        if self._space != "fbnet":
            raise InputError("get_op_lookup_tables: the lookup tables belong to the fbnet space "
                             "(HWNASBenchAPI(..., search_space='fbnet'))")
        with open(self._lib.fbnet_lut_file) as f:
            tables = json.load(f)
        return {metric: tables[metric] for metric in _FBNET_METRICS}


def _index(arch_index):
    if isinstance(arch_index, bool) or not hasattr(arch_index, "__index__"):
        raise InputError(f"nasbench201 arch_index {arch_index!r}: expected an integer 0..15624")
    return int(arch_index)
