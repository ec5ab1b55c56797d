"""hwnas.search(): the engine's sampling searches in process, with hwnas_search's run folder."""
import json
import os
import re
import subprocess

import numpy as np
import pytest

import hwnas
from conftest import ROOT

QUICKSTART = str(ROOT / "configs" / "quickstart.yaml")


def search_bin():
    path = os.environ.get("HWNAS_SEARCH_BIN")
    if not path:
        pytest.skip("HWNAS_SEARCH_BIN is not set (ctest sets it)")
    return path


def without_wall_time(summary):
    return re.sub(r"wall [0-9.]+ s", "wall - s", summary)


def test_the_run_folder_is_hwnas_searchs(tmp_path, lib):
    overrides = ["budget.queries=300", "seed=4", "output.plot=false"]
    cli_dir, py_dir = tmp_path / "cli", tmp_path / "py"
    subprocess.run([search_bin(), "--config", QUICKSTART, "--out", str(cli_dir), "--log-level", "warn"]
                   + [a for o in overrides for a in ("--set", o)], check=True, capture_output=True)
    result = hwnas.search(QUICKSTART, overrides=overrides, out=py_dir, library=lib)
    cli_files = sorted(p.name for p in cli_dir.iterdir() if p.name != ".lock")
    assert sorted(p.name for p in py_dir.iterdir() if p.name != ".lock") == cli_files
    for name in ("config.resolved.yaml", "metrics.csv", "arch.json"):
        assert (py_dir / name).read_text() == (cli_dir / name).read_text(), name
    assert without_wall_time((py_dir / "summary.txt").read_text()) == \
        without_wall_time((cli_dir / "summary.txt").read_text())
    assert "hwnas_search --config" in (py_dir / "log.txt").read_text()
    assert result.run_dir == str(py_dir)
    assert result.full_report() == (py_dir / "summary.txt").read_text()


def test_the_result_object(lib, tmp_path):
    result = hwnas.search(QUICKSTART, overrides=["budget.queries=200"], out=tmp_path, library=lib)
    assert result.strategy == "evolution" and result.queries == 200
    history = result.history
    assert history["archs"].shape == (200, 6) and history["costs"].shape == (200, 1)
    assert history["metrics"] == ["edgegpu_latency"]
    # The found arch in HW-NAS-Bench forms, as arch.json holds it, and the history agrees.
    best = result.best_query
    assert history["fitness"][best] == history["fitness"][history["feasible"]].max()
    arch = result.arch
    assert arch["index"] == history["index"][best]
    assert arch["ops"] == history["archs"][best].tolist()
    assert result.accuracy == history["accuracy"][best]
    assert result.costs == {"edgegpu_latency": history["costs"][best, 0]}
    assert result.costs["edgegpu_latency"] <= 5
    assert result.accuracy == lib.accuracy(arch["index"], "cifar10")
    # Regret: table optimum minus the best feasible so far, non-increasing.
    regret = result.regret_by_query
    assert regret.shape == (200,) and (np.diff(regret) <= 0).all()
    assert result.regret == regret[-1] == result.regret_after(200)
    unknown = ~history["known"]
    assert np.isnan(history["costs"][unknown]).all() and not history["feasible"][unknown].any()


def test_a_dict_config_and_many_seeds(tmp_path, lib):
    config = {"name": "dict-run", "objective": {"metric": "raspi4_latency", "limit": 25},
              "budget": {"queries": 100}, "strategy": {"type": "random"},
              "output": {"dir": str(tmp_path), "plot": False}}
    results = hwnas.search(config, seeds="0-9", library=lib)
    assert isinstance(results, hwnas.SearchResults) and len(results) == 10
    assert [r.seed for r in results] == list(range(10))
    assert results.run_dir == str(tmp_path / "dict-run")
    assert "seeds.csv" in os.listdir(results.run_dir)
    assert results.table.split("\n")[0].split()[0] == "queries"
    single = hwnas.search(config, overrides=["seed=3"], out=tmp_path / "one", library=lib)
    np.testing.assert_array_equal(single.history["archs"], results[3].history["archs"])
    # Seeds as a list or an int, the same runs.
    again = hwnas.search(config, seeds=[3], out=tmp_path / "list", library=lib)
    assert again[0].regret == results[3].regret


def test_every_registered_sampling_strategy_runs(tmp_path, lib):
    for strategy in ("random", "evolution", "reinforce", "local_search"):
        r = hwnas.search(QUICKSTART, overrides=[f"strategy={{type: {strategy}}}", "budget.queries=50"],
                         out=tmp_path / strategy, library=lib)
        assert r.strategy == strategy and r.queries == 50
    pareto = hwnas.search(QUICKSTART, overrides=["strategy={type: nsga2}", "budget.queries=60",
                                                 "objective={type: pareto, metrics: [fpga_latency]}",
                                                 "output.plot=false"],
                          out=tmp_path / "nsga2", library=lib)
    assert pareto.front and pareto.arch is None and 0 <= pareto.regret < 1


def test_config_errors_are_the_clis(tmp_path):
    with pytest.raises(hwnas.ConfigError) as raised:
        hwnas.search({"objective": {"metric": "fpga_latency", "limit": 3, "metirc": 2}}, out=tmp_path)
    assert str(raised.value).startswith("unknown key 'metirc' in objective (<config dict>:4:3)")
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(QUICKSTART, overrides=["strategy={type: evolutoin}"], out=tmp_path)
    assert "evolutoin" in str(raised.value) and "registered" in str(raised.value)
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(str(tmp_path / "missing.yaml"))
    assert "missing.yaml" in str(raised.value)
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(QUICKSTART, seeds="3-1", out=tmp_path)
    assert str(raised.value) == "bad seed list '3-1': '3-1' is empty or negative; expected e.g. 7, 0-99 or 1,2,10-12"
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(42)
    assert str(raised.value) == "config: expected a YAML file path or a dict mirroring the YAML, got int"
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(ROOT / "configs" / "smoke" / "proxylessnas_fbnet.yaml", seeds="0-1", out=tmp_path)
    assert str(raised.value) == ('seeds= is for sampling strategies; run supernet searches one seed '
                                 'at a time (overrides=["seed=N"])')
    # A folder held by another run: an IoError (exit status 1 in the CLI), also an OSError.
    folder = tmp_path / "held"
    session = hwnas.SearchSession(QUICKSTART, out=folder)
    with pytest.raises(OSError) as raised:
        hwnas.search(QUICKSTART, out=folder)
    assert "is in use by another hwnas run" in str(raised.value)
    session.finish()


def test_a_supernet_strategy_writes_hwnas_searchs_run_folder(tmp_path, lib):
    # configs/smoke: ProxylessNAS over FBNet on 64 generated images, seconds.
    smoke = ROOT / "configs" / "smoke" / "proxylessnas_fbnet.yaml"
    overrides = ["train.epochs=2", "train.warmup_epochs=1"]
    cli_dir = tmp_path / "cli"
    subprocess.run([search_bin(), "--config", str(smoke), "--out", str(cli_dir), "--log-level", "warn"]
                   + [a for o in overrides for a in ("--set", o)], check=True, capture_output=True)
    result = hwnas.search(smoke, overrides=overrides, out=tmp_path / "py", library=lib)
    assert isinstance(result, hwnas.SupernetResult) and result.epochs == 2
    found = json.loads((tmp_path / "py" / "arch.json").read_text())
    assert found == json.loads((cli_dir / "arch.json").read_text())  # same seed, same arch
    assert result.arch["op_idx_list"] == found["op_idx_list"]
    assert result.probabilities.shape == (22, 9)
    np.testing.assert_allclose(result.probabilities.sum(axis=1), 1.0)
    assert (tmp_path / "py" / "checkpoints").is_dir()
    # A second start over a run with checkpoints is refused, as by hwnas_search.
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.search(smoke, overrides=overrides, out=tmp_path / "py", library=lib)
    assert "already holds a run" in str(raised.value)


def test_seeds_that_are_not_whole_numbers_are_refused(tmp_path, lib):
    """seeds=[1.5], seeds=True and seed=1.7 once ran seed 1 silently."""
    for bad in ([1.5], True, 2.5, [True], -1, [0, -3]):
        with pytest.raises((TypeError, ValueError), match="seeds"):
            hwnas.search(QUICKSTART, seeds=bad, out=tmp_path / "bad", library=lib)
    with pytest.raises(TypeError, match="seed: expected a whole number"):
        hwnas.SearchSession(QUICKSTART, seed=1.7, out=False, library=lib)
    results = hwnas.search(QUICKSTART, seeds=[np.int64(2)], out=tmp_path / "np", library=lib)
    assert [r.seed for r in results] == [2]
