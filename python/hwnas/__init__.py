"""hwnas from Python: the engine's cost tables, searches and errors in process.

    import hwnas
    lib = hwnas.CostLibrary()
    lib.cost("fbnet", "cifar100", [3] * 22, "edgegpu_latency")
    lib.costs("fbnet", "cifar100", archs, ["edgegpu_latency", "fpga_energy"])   # numpy (N, 22) -> (N, 2)
    result = hwnas.search("configs/quickstart.yaml")

The HW-NAS-Bench API's interface is hwnas.compat.HWNASBenchAPI. Errors derive from hwnas.Error;
hwnas.InputError is also a ValueError and hwnas.MissingValueError a LookupError, with the one-line
messages the executables print.
"""
from hwnas._hwnas import (
    ConfigError,
    CostLibrary,
    DataError,
    Error,
    InputError,
    IoError,
    MissingValueError,
    Query,
    Random,
    SearchResult,
    SeenArchs,
    SupernetResult,
    set_log_level,
)
from hwnas._search import SearchResults, SearchSession, parse_seeds, search, seeds_table

__all__ = [
    "ConfigError",
    "CostLibrary",
    "DataError",
    "Error",
    "InputError",
    "IoError",
    "MissingValueError",
    "Query",
    "Random",
    "SearchResult",
    "SearchResults",
    "SearchSession",
    "SeenArchs",
    "SupernetResult",
    "parse_seeds",
    "search",
    "seeds_table",
    "set_log_level",
]
