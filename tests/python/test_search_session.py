"""hwnas.SearchSession (ask/tell): the engine's budget, history, regret and run folder for a
strategy written in Python; the Python port of regularized evolution reproduces the built-in."""
import sys

import numpy as np
import pytest

import hwnas
from conftest import ROOT

sys.path.insert(0, str(ROOT / "experiments" / "python_strategy"))
import rea  # noqa: E402

QUICKSTART = str(ROOT / "configs" / "quickstart.yaml")


@pytest.mark.parametrize("seed, overrides", [
    (0, ["budget.queries=1000"]),
    (7, ["budget.queries=1000", "objective.metric=raspi4_latency", "objective.limit=25"]),
    (3, ["budget.queries=400", "strategy.population_size=50", "strategy.sample_size=10"]),
    # Past the space's 15,625 archs: the memo completes and both end early, the same way.
    (1, ["budget.queries=20000", "objective.limit=100"]),
])
def test_the_python_port_reproduces_the_builtin_evolution(lib, tmp_path, seed, overrides):
    builtin = hwnas.search(QUICKSTART, overrides=overrides + [f"seed={seed}"], out=tmp_path / "builtin",
                           library=lib)
    population = next((int(o.split("=")[1]) for o in overrides if "population_size" in o), 10)
    sample = next((int(o.split("=")[1]) for o in overrides if "sample_size" in o), 3)
    session = rea.run(QUICKSTART, seed, overrides, out=tmp_path / "python", library=lib,
                      population_size=population, sample_size=sample)
    python = session.result
    b, p = builtin.history, python.history
    assert python.queries == builtin.queries
    np.testing.assert_array_equal(p["archs"], b["archs"])
    np.testing.assert_array_equal(p["fitness"], b["fitness"])
    np.testing.assert_array_equal(p["elapsed_seconds"], b["elapsed_seconds"])
    np.testing.assert_array_equal(python.regret_by_query, builtin.regret_by_query)
    assert python.arch == builtin.arch and python.strategy == "rea.py"
    # The same run folder, but for the strategy's name (and the wall time in summary.txt).
    for name in ("metrics.csv", "arch.json"):
        assert (tmp_path / "python" / name).read_bytes() == (tmp_path / "builtin" / name).read_bytes()
    resolved = (tmp_path / "python" / "config.resolved.yaml").read_text()
    assert f"seed: {seed}\n" in resolved and "type: external\n  name: rea.py\n" in resolved


def test_budget_history_and_outputs(tmp_path, lib):
    folder = tmp_path / "session"
    with hwnas.SearchSession(QUICKSTART, overrides=["budget.queries=5"], seed=2, out=folder,
                             name="by_hand", library=lib) as session:
        assert session.space == "nb201" and session.metrics == ["edgegpu_latency"]
        assert session.budget == 5 and session.seed == 2 and session.run_dir == str(folder)
        assert session.objective_options["limit"] == 5.0
        assert session.objective_options["type"] == "constrained"
        archs = [0, 1, "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|",
                 [1, 2, 3, 4, 0, 1], 5]
        for arch in archs:
            q = session.query(arch)
            expected = lib.arch("nb201", arch)
            assert q.arch == expected["ops"]
            assert q.accuracy == lib.accuracy(expected["index"], "cifar10")
            cost = q.costs["edgegpu_latency"]
            assert (np.isnan(cost) and not q.known) or cost == lib.cost("nb201", "cifar10", arch, "edgegpu_latency")
            assert q.feasible == (q.known and cost <= 5)
        assert session.exhausted and session.queries == 5
        with pytest.raises(hwnas.InputError) as raised:
            session.query(6)
        assert str(raised.value) == ("the search budget is spent (5 queries; budget.queries 5); "
                                     "check session.exhausted before querying")
        assert session.history["index"].tolist() == [lib.arch("nb201", a)["index"] for a in archs]
    result = session.result
    assert result.strategy == "by_hand" and result.queries == 5
    files = sorted(p.name for p in folder.iterdir())
    assert {"config.resolved.yaml", "log.txt", "metrics.csv", "summary.txt"} <= set(files)
    resolved = (folder / "config.resolved.yaml").read_text()
    assert "type: external" in resolved and "name: by_hand" in resolved
    assert result.full_report() == (folder / "summary.txt").read_text()
    with pytest.raises(hwnas.Error):
        session.finish()
    with pytest.raises(hwnas.Error):
        session.query(0)


def test_the_session_checks_archs_and_space(lib):
    session = hwnas.SearchSession(QUICKSTART, out=False, library=lib)
    with pytest.raises(hwnas.InputError) as raised:
        session.query([0, 1, 2])
    assert str(raised.value) == "nb201 architecture has 3 choices, expected 6"
    with pytest.raises(hwnas.InputError):
        session.query(15625)
    assert session.queries == 0  # a refused arch costs no budget
    result = session.finish()
    assert result.queries == 0 and result.run_dir is None and result.arch is None


def test_the_random_stream_is_the_strategys(lib, tmp_path):
    # The built-in random search draws random_arch() once per query: its history is the stream.
    builtin = hwnas.search(QUICKSTART, overrides=["strategy={type: random}", "budget.queries=30", "seed=11"],
                           out=tmp_path, library=lib)
    session = hwnas.SearchSession(QUICKSTART, seed=11, out=False, library=lib)
    drawn = [session.random.random_arch() for _ in range(30)]
    assert drawn == builtin.history["archs"].tolist()
    assert 0 <= session.random.randint(0, 4) <= 4 and 0 <= session.random.uniform() < 1
    child = session.random.mutate_one(drawn[0])
    assert sum(a != b for a, b in zip(child, drawn[0])) == 1


def test_external_strategies_cannot_run_inside_the_engine(tmp_path):
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(QUICKSTART, overrides=["strategy={type: external, name: x}"], out=tmp_path)
    assert "strategy.type external is driven from outside the engine" in str(raised.value)


def test_the_bayesian_optimisation_example_stays_in_budget(lib):
    import bo
    session = bo.run(QUICKSTART, 0, ["budget.queries=60"], library=lib)
    result = session.result
    assert result.queries == 60 and result.strategy == "bo.py"
    assert result.best_query is not None and result.costs["edgegpu_latency"] <= 5
    # After its 10 random queries it asks only for archs it has not queried.
    later = [tuple(a) for a in result.history["archs"][10:].tolist()]
    assert len(set(later)) == len(later)
    with pytest.raises(hwnas.InputError):
        bo.run(QUICKSTART, 0, ["objective={type: pareto, metrics: [fpga_latency]}"], library=lib)


def test_a_session_over_a_trained_supernet(tmp_path, lib):
    # A tiny SPOS supernet on generated images (hwnas.search trains it, as hwnas_search would),
    # then a session whose config names it as the evaluator: queries are scored by the supernet.
    trained = hwnas.search({
        "space": "nb201", "seed": 2, "threads": 1,
        "data": {"dataset": "synthetic", "synthetic_size": 96, "augment": False, "arch_fraction": 0.25},
        "train": {"epochs": 2, "batch_size": 8, "steps_per_epoch": 6, "eval_batches": 1, "log_every": 1000},
        "strategy": {"type": "spos"}}, out=tmp_path / "spos", library=lib)
    assert isinstance(trained, hwnas.SupernetResult) and trained.trained_only == "spos"
    assert trained.arch is None and (tmp_path / "spos" / "supernet.json").exists()
    config = {"space": "nb201", "budget": {"queries": 12},
              "objective": {"type": "constrained", "metric": "raspi4_latency", "limit": 20},
              "strategy": {"type": "evolution", "population_size": 4, "sample_size": 2},
              "evaluator": {"type": "supernet", "checkpoint": str(tmp_path / "spos"), "images": 24,
                            "bn_batches": 2, "batch_size": 8, "threads": 1}}
    builtin = hwnas.search(config, out=tmp_path / "builtin", library=lib)
    session = rea.run(config, 0, library=lib, population_size=4, sample_size=2)
    python = session.result
    assert "supernet" in session.evaluator
    np.testing.assert_array_equal(python.history["archs"], builtin.history["archs"])
    np.testing.assert_array_equal(python.history["accuracy"], builtin.history["accuracy"])
    # An arch over the limit is not scored by the supernet (NaN); every scored one is a top-1.
    feasible = python.history["feasible"]
    assert np.isnan(python.history["accuracy"][~feasible]).all()
    accuracy = python.history["accuracy"][feasible]
    assert ((0 <= accuracy) & (accuracy <= 100)).all() and len(set(accuracy.tolist())) > 1
    # Scored by the supernet, not the table; the costs are the table's.
    table = lib.accuracies(python.history["index"], ["cifar10"])[feasible, 0]
    assert not np.array_equal(accuracy, table)
    for arch, cost in zip(python.history["archs"].tolist(), python.history["costs"][:, 0]):
        assert cost == lib.cost("nb201", "cifar10", arch, "raspi4_latency")
    assert np.isnan(python.regret)  # a supernet's optimum is not enumerated


def test_seen_archs_checks_archs_and_fitness_as_the_cost_library_does():
    """SeenArchs indexes its tables by the choices: an out-of-range arch once crashed the process
    (segfault, double free) and a short one was accepted; each is now an hwnas.InputError."""
    seen = hwnas.SeenArchs("nb201")
    for bad in ([9] * 6, [4, 4, 4, 4, 4, 5], [0] * 5, [0] * 7, [-1] * 6):
        with pytest.raises(hwnas.InputError, match="SeenArchs.insert: nb201 architecture"):
            seen.insert(bad, 1.0)
        with pytest.raises(hwnas.InputError, match="SeenArchs.find: nb201 architecture"):
            seen.find(bad)
    for fitness in (float("nan"), float("inf")):
        with pytest.raises(hwnas.InputError, match="expected a finite number"):
            seen.insert([1] * 6, fitness)
    assert len(seen) == 0
    seen.insert([1] * 6, 2.0)
    seen.insert([3] * 6, float("-inf"))  # the engine's fitness of an unknown cost
    assert seen.find([1] * 6) == 2.0 and seen.find([2] * 6) is None and len(seen) == 2
    with pytest.raises(hwnas.InputError, match="too many to enumerate"):
        hwnas.SeenArchs("fbnet")
