"""Training-free proxies from Python: CostLibrary.zero_cost_scores on an array of archs, and the
zero_cost evaluator through hwnas.search (generated images, so no CIFAR-10 is needed)."""
import math

import numpy as np
import pytest

from conftest import hwnas

TINY = {"batch_size": 8, "dataset": "synthetic", "threads": 1}
GOOD = "|nor_conv_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|avg_pool_3x3~0|none~1|nor_conv_3x3~2|"


def test_scores_an_array_of_archs(lib):
    archs = np.array([[3, 2, 1, 4, 0, 3], [1, 0, 3, 2, 4, 1]], dtype=np.uint8)
    scores = lib.zero_cost_scores("nb201", archs, proxies=["params", "naswot", "synflow"], **TINY)
    assert scores.shape == (2, 3) and scores.dtype == np.float64
    assert np.isfinite(scores).all()
    # params (millions): two 3x3 and one 1x1 conv per cell outweigh one of each.
    assert scores[0, 0] > scores[1, 0] > 0
    # One arch as a string, every proxy by default; the same inputs give the same scores.
    one = lib.zero_cost_scores("nb201", [GOOD], **TINY)
    again = lib.zero_cost_scores("nb201", [GOOD], **TINY)
    assert one.shape == (1, 8)
    np.testing.assert_array_equal(one, again)


def test_bad_arguments_are_hwnas_errors(lib):
    with pytest.raises(hwnas.InputError, match="unknown zero-cost proxy 'fisher'"):
        lib.zero_cost_scores("nb201", [GOOD], proxies=["fisher"], **TINY)
    with pytest.raises(hwnas.InputError, match="batch_size"):
        lib.zero_cost_scores("nb201", [GOOD], batch_size=0, dataset="synthetic")
    with pytest.raises(hwnas.InputError):
        lib.zero_cost_scores("nb201", [[9] * 6], **TINY)


def test_the_evaluator_through_search(tmp_path, lib):
    config = {"space": "nb201",
              "objective": {"type": "constrained", "metric": "fpga_latency", "limit": 2.9},
              "budget": {"queries": 6},
              "strategy": {"type": "evolution", "population_size": 3, "sample_size": 2},
              "evaluator": {"type": "zero_cost", "proxy": ["naswot", "params"], "reference_archs": 4,
                            "batch_size": 8, "threads": 1,
                            "data": {"dataset": "synthetic", "synthetic_size": 32}},
              "output": {"plot": False}}
    result = hwnas.search(config, out=tmp_path / "run", library=lib)
    assert result.queries == 6
    feasible = result.history["feasible"]
    accuracy = result.history["accuracy"][feasible]
    assert ((accuracy > 0) & (accuracy < 100)).all()
    scores = (tmp_path / "run" / "zero_cost_scores.csv").read_text().splitlines()
    assert scores[0] == "index,arch,naswot,params"
    assert len(scores) == 1 + int(feasible.sum())
    assert not math.isnan(result.accuracy)
