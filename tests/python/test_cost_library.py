"""hwnas.CostLibrary: the published test vectors, batch against single, unknown values, FLOPs,
accuracies, expected cost, and the pinned one-line errors."""
import math
import os
import subprocess

import numpy as np
import pytest

import hwnas
from conftest import nb201_close

FBNET_METRICS = ["edgegpu_latency", "edgegpu_energy", "raspi4_latency", "pixel3_latency",
                 "eyeriss_latency", "eyeriss_energy", "fpga_latency", "fpga_energy"]


def test_every_fbnet_test_vector_bit_for_bit(lib, testvectors):
    checked = 0
    for vector in testvectors["fbnet"]:
        batch = lib.costs("fbnet", vector["dataset"], np.array([vector["ops"]]), list(vector["metrics"]))
        for m, (metric, expected) in enumerate(vector["metrics"].items()):
            assert lib.cost("fbnet", vector["dataset"], vector["ops"], metric) == expected, metric
            assert batch[0, m] == expected, metric
            checked += 1
    assert checked == 48


def test_every_nb201_test_vector(lib, testvectors):
    checked = 0
    for vector in testvectors["nasbench201"]:
        index = vector["index"]
        ops = lib.arch("nb201", index)["ops"]
        by_index = lib.costs("nb201", "cifar10", np.array([index]), list(vector["metrics"]))
        by_ops = lib.costs("nb201", "cifar10", np.array([ops]), list(vector["metrics"]))
        for m, (metric, expected) in enumerate(vector["metrics"].items()):
            single = lib.cost("nb201", "cifar10", index, metric)
            assert nb201_close(single, expected), metric
            assert by_index[0, m] == single and by_ops[0, m] == single
            checked += 1
    assert checked == 30


def test_arch_forms_round_trip(lib):
    fbnet = lib.arch("fbnet", "k3_e6," * 21 + "skip")
    assert fbnet == {"op_idx_list": [3] * 21 + [8], "arch_str": ["k3_e6"] * 21 + ["skip"]}
    assert lib.arch("fbnet", fbnet["arch_str"]) == fbnet
    nb201 = lib.arch("nb201", 0)
    assert nb201["index"] == 0
    assert nb201["arch_str"] == ("|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+"
                                 "|nor_conv_1x1~0|skip_connect~1|skip_connect~2|")
    assert lib.arch("nb201", nb201["arch_str"]) == nb201
    assert lib.arch("nb201", nb201["ops"]) == nb201
    assert lib.arch("nb201", np.int64(0)) == nb201


def test_fbnet_batch_equals_single_on_every_metric_and_setting(lib):
    rng = np.random.default_rng(7)
    archs = rng.integers(0, 9, size=(300, 22))
    for setting in ("cifar100", "cifar10", "ImageNet"):
        values = lib.costs("fbnet", setting, archs, FBNET_METRICS)
        assert values.shape == (300, 8) and values.dtype == np.float64
        for i in range(0, 300, 37):
            for m, metric in enumerate(FBNET_METRICS):
                assert values[i, m] == lib.cost("fbnet", setting, archs[i].tolist(), metric)
    # Any integer dtype and memory layout gives the same values.
    reference = lib.costs("fbnet", "cifar100", archs, FBNET_METRICS)
    for variant in (archs.astype(np.uint8), archs.astype(np.int32), np.asfortranarray(archs),
                    archs[::-1][::-1]):
        np.testing.assert_array_equal(lib.costs("fbnet", "cifar100", variant, FBNET_METRICS), reference)


def test_large_fbnet_batch_uses_the_parallel_path_and_agrees(lib):
    archs = np.random.default_rng(1).integers(0, 9, size=(70000, 22), dtype=np.uint8)
    values = lib.costs("fbnet", "cifar100", archs, "fpga_latency")
    for i in (0, 32767, 32768, 69999):
        assert values[i, 0] == lib.cost("fbnet", "cifar100", archs[i].tolist(), "fpga_latency")


def test_nb201_batch_equals_single_by_index_and_by_ops(lib):
    metrics = ["raspi4_latency", "fpga_energy", "titanx_256_latency"]
    indices = np.arange(0, 15625, 97)
    by_index = lib.costs("nb201", "cifar10", indices, metrics)
    ops = np.array([lib.arch("nb201", int(i))["ops"] for i in indices])
    by_ops = lib.costs("nb201", "cifar10", ops, metrics)
    np.testing.assert_array_equal(by_index, by_ops)
    for row, index in enumerate(indices[:20]):
        for m, metric in enumerate(metrics):
            assert by_index[row, m] == lib.cost("nb201", "cifar10", int(index), metric)


def first_unknown(lib, metric):
    values, known = lib.costs("nb201", "cifar10", np.arange(15625), metric, unknown="mask")
    return int(np.flatnonzero(~known[:, 0])[0]), values, known


def test_unknown_values_raise_by_default(lib):
    index, _, _ = first_unknown(lib, "edgegpu_latency")
    arch = lib.arch("nb201", index)
    message = (f"nb201 edgegpu_latency of {arch['arch_str']} (index {index}) is unknown: "
               f"{lib.data_dir}/hw-nas-bench/nb201_cifar10.csv has no value for it (3070 of 15625 "
               "archs are unknown for this metric)")
    with pytest.raises(hwnas.MissingValueError) as single:
        lib.cost("nb201", "cifar10", index, "edgegpu_latency")
    assert str(single.value) == message
    with pytest.raises(LookupError) as batch:
        lib.costs("nb201", "cifar10", np.array([0, index]), ["raspi4_latency", "edgegpu_latency"])
    assert str(batch.value) == message


def test_unknown_values_are_nan_and_masked_never_zero(lib):
    _, values, known = first_unknown(lib, "edgegpu_latency")
    assert known.dtype == np.bool_ and known.shape == (15625, 1)
    assert int((~known).sum()) == 3070
    assert np.isnan(values[~known]).all()
    assert (values[known] > 0).all()
    _, _, tpu_known = first_unknown(lib, "edgetpu_latency")
    assert int(tpu_known.sum()) == 8787
    # Complete metrics come back all known; the masked values equal the raising path's.
    full, full_known = lib.costs("nb201", "cifar10", np.arange(15625), ["fpga_latency"], unknown="mask")
    assert full_known.all()
    np.testing.assert_array_equal(full, lib.costs("nb201", "cifar10", np.arange(15625), ["fpga_latency"]))


def test_complexity_single_and_batch(lib):
    archs = np.random.default_rng(3).integers(0, 9, size=(20, 22))
    flops, params = lib.complexities("fbnet", "cifar100", archs)
    for i in range(20):
        assert (flops[i], params[i]) == lib.complexity("fbnet", "cifar100", archs[i].tolist())
    # NB201 index 0 as hwnas_query prints it (the NAS-Bench-201 API's convention: MACs + bias).
    mflops, mparams = lib.complexity("nb201", "cifar10", 0)
    nb_flops, nb_params = lib.complexities("nb201", "cifar10", np.array([0, 1]))
    assert (nb_flops[0], nb_params[0]) == (mflops, mparams)
    assert 0 < mflops < 200 and 0 < mparams < 2


def test_accuracies_single_and_batch(lib):
    indices = np.arange(0, 15625, 1000)
    datasets = ["cifar10", "cifar100", "ImageNet16-120"]
    table = lib.accuracies(indices, datasets)
    assert table.shape == (len(indices), 3)
    for row, index in enumerate(indices):
        for d, dataset in enumerate(datasets):
            assert table[row, d] == lib.accuracy(int(index), dataset)
            assert 0 <= table[row, d] <= 100


def test_expected_cost_matches_the_tables(lib):
    # FBNet: one-hot probabilities give the arch's cost; the gradient is the per-layer table.
    arch = np.random.default_rng(5).integers(0, 9, size=22)
    onehot = np.eye(9)[arch]
    value = lib.expected_cost("fbnet", "cifar100", "edgegpu_latency", onehot)
    assert math.isclose(value, lib.cost("fbnet", "cifar100", arch.tolist(), "edgegpu_latency"),
                        rel_tol=1e-12)
    value2, grad = lib.expected_cost("fbnet", "cifar100", "edgegpu_latency", onehot, gradient=True)
    assert value2 == value and grad.shape == (22, 9)
    # NB201, uniform edges: the mean over all 15,625 archs.
    uniform = np.full((6, 5), 0.2)
    mean = lib.costs("nb201", "cifar10", np.arange(15625), "fpga_latency").mean()
    assert math.isclose(lib.expected_cost("nb201", "cifar10", "fpga_latency", uniform), mean,
                        rel_tol=1e-12)
    with pytest.raises(hwnas.MissingValueError, match="has no closed form for expected_cost"):
        lib.expected_cost("nb201", "cifar10", "edgegpu_latency", uniform)
    with pytest.raises(hwnas.InputError) as bad:
        lib.expected_cost("fbnet", "cifar100", "edgegpu_latency", np.ones((22, 8)))
    assert str(bad.value) == ("expected_cost over fbnet: the probability matrix must be a 2-D "
                              "floating tensor of shape [22, 9]")


def test_metrics_and_settings(lib):
    assert lib.settings("fbnet") == ["cifar100", "cifar10", "ImageNet"]
    assert lib.metrics("fbnet", "cifar100") == FBNET_METRICS
    assert len(lib.metrics("nb201")) == 33
    assert lib.query("fbnet", "cifar100", [0] * 22).keys() == set(FBNET_METRICS)


def test_exception_hierarchy():
    assert issubclass(hwnas.InputError, hwnas.Error) and issubclass(hwnas.InputError, ValueError)
    assert issubclass(hwnas.ConfigError, hwnas.InputError)
    assert issubclass(hwnas.DataError, hwnas.InputError)
    assert issubclass(hwnas.MissingValueError, hwnas.Error)
    assert issubclass(hwnas.MissingValueError, LookupError)
    assert not issubclass(hwnas.MissingValueError, ValueError)
    assert issubclass(hwnas.IoError, OSError)


@pytest.mark.parametrize("call, message", [
    (lambda lib: lib.cost("fbnet", "cifar100", [0] * 21, "edgegpu_latency"),
     "fbnet architecture has 21 choices, expected 22"),
    (lambda lib: lib.cost("fbnet", "cifar100", [0] * 21 + [9], "edgegpu_latency"),
     "fbnet architecture: choice 21 is 9, expected 0..8"),
    (lambda lib: lib.cost("fbnet", "cifar100", [0.5] + [0] * 21, "edgegpu_latency"),
     "fbnet architecture: choice 0 is 0.5 (float), expected an integer 0..8"),
    (lambda lib: lib.cost("fbnet", "cifar100", 7, "edgegpu_latency"),
     "fbnet architecture: expected 22 choice indices (0..8) or names, got the integer 7 (an index "
     "exists for nb201 only)"),
    (lambda lib: lib.cost("fbnet", "cifar100", [0] * 22, "edgegpu_lat"),
     "'edgegpu_lat' is not a device metric; expected DEVICE_METRIC with METRIC one of latency, "
     "energy, arithmetic_intensity (e.g. edgegpu_latency; --list shows them all)"),
    (lambda lib: lib.cost("fbnet", "cifar1000", [0] * 22, "edgegpu_latency"),
     "unknown fbnet setting 'cifar1000'; known: cifar100, cifar10, ImageNet"),
    (lambda lib: lib.cost("fbnet2", "cifar100", [0] * 22, "edgegpu_latency"),
     "unknown search space 'fbnet2'; known: fbnet, nb201"),
    (lambda lib: lib.cost("nb201", "cifar10", 15625, "fpga_latency"), None),
    (lambda lib: lib.costs("fbnet", "cifar100", np.zeros((4, 21), dtype=int), "fpga_latency"),
     "fbnet archs: expected an integer array of shape (N, 22) (choice indices 0..8), got shape (4, 21)"),
    (lambda lib: lib.costs("fbnet", "cifar100", np.zeros((4, 22)), "fpga_latency"),
     "fbnet archs: expected an integer array of shape (N, 22) (choice indices 0..8), got dtype float64"),
    (lambda lib: lib.costs("fbnet", "cifar100", np.full((3, 22), 300), "fpga_latency"),
     "fbnet archs: row 0 has choice 300 at layer 0, expected 0..8"),
    (lambda lib: lib.costs("fbnet", "cifar100", np.full((2, 22), 9, dtype=np.uint8), "fpga_latency"),
     "fbnet archs: row 0 has choice 9 at layer 0, expected 0..8"),
    (lambda lib: lib.complexities("nb201", "cifar10", np.full((1, 6), 5, dtype=np.uint8)),
     "nb201 archs: row 0 has choice 5 at edge 0, expected 0..4"),
    (lambda lib: lib.costs("fbnet", "cifar100", "k3_e6", "fpga_latency"),
     "fbnet archs: expected an integer array of shape (N, 22) (choice indices 0..8), got dtype <U5"),
    (lambda lib: lib.costs("nb201", "cifar10", np.array([[0, 1, 2, 3, 4, -1]]), "fpga_latency"),
     "nb201 archs: row 0 has choice -1 at edge 5, expected 0..4"),
    (lambda lib: lib.costs("nb201", "cifar10", np.array([3, 15625]), "fpga_latency"),
     "nb201 archs: index 15625 at row 1 is out of range 0..15624"),
    (lambda lib: lib.costs("nb201", "cifar10", np.array([3]), "fpga_latency", unknown="zero"),
     "unknown='zero': expected 'raise' (MissingValueError at the first unknown value) or 'mask' "
     "(NaN and a boolean known array)"),
])
def test_bad_input_raises_the_pinned_message(lib, call, message):
    with pytest.raises(hwnas.InputError) as raised:
        call(lib)
    text = str(raised.value)
    assert "\n" not in text
    if message is not None:
        assert text == message
    else:
        assert "15625" in text


@pytest.mark.parametrize("space, arch", [
    ("fbnet", "k3_e6,skip"), ("fbnet", "k3_e6," * 21 + "k7_e6"), ("nb201", "15625"),
    ("nb201", "|nor_conv_3x3~0|+"), ("nb201", "abc")])
def test_the_same_one_line_message_as_hwnas_query(lib, space, arch):
    query_bin = os.environ.get("HWNAS_QUERY_BIN")
    if not query_bin:
        pytest.skip("HWNAS_QUERY_BIN is not set (ctest sets it)")
    setting = "cifar100" if space == "fbnet" else "cifar10"
    cli = subprocess.run([query_bin, "--space", space, "--setting", setting, "--arch", arch],
                         capture_output=True, text=True)
    assert cli.returncode == 2
    with pytest.raises(hwnas.InputError) as raised:
        lib.cost(space, setting, arch, "fpga_latency")
    assert cli.stderr == f"hwnas_query: {raised.value}\n"


def test_bad_tables_are_data_errors(tmp_path):
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.CostLibrary(data_dir=str(tmp_path))
    assert str(tmp_path) in str(raised.value)
    bad = tmp_path / "lut.json"
    bad.write_text("{")
    with pytest.raises(hwnas.InputError) as raised:
        hwnas.CostLibrary(cost_tables=[str(bad)])
    assert str(bad) in str(raised.value)


def test_a_batch_releases_the_gil(lib):
    # While a thread computes a large batch the main thread keeps running Python: it records the
    # times of its loop steps, and some fall well inside the batch. With the GIL held through the
    # batch none could (the main thread would wait for the call to return).
    import threading
    import time
    archs = np.random.default_rng(2).integers(0, 9, size=(1_000_000, 22), dtype=np.uint8)
    span = []

    def batch():
        start = time.perf_counter()
        lib.costs("fbnet", "cifar100", archs, FBNET_METRICS)
        span.extend([start, time.perf_counter()])

    worker = threading.Thread(target=batch)
    steps = []
    worker.start()
    while worker.is_alive():
        steps.append(time.perf_counter())
    worker.join()
    start, end = span
    margin = 0.02  # beyond the interpreter's 5 ms switch interval at either end
    assert end - start > 3 * margin, "the batch was too quick to tell"
    inside = [t for t in steps if start + margin < t < end - margin]
    assert len(inside) > 100


def test_a_prepared_query_equals_query_and_forms_the_product(lib):
    prepared = lib.query_function("fbnet", "ImageNet", FBNET_METRICS, product=("p", FBNET_METRICS[::-1]))
    arch = [4] * 11 + [8] * 11
    values = prepared(arch)
    plain = lib.query("fbnet", "ImageNet", arch, FBNET_METRICS)
    assert list(values) == FBNET_METRICS + ["p"]
    assert {k: values[k] for k in FBNET_METRICS} == plain
    product = plain[FBNET_METRICS[-1]]
    for metric in FBNET_METRICS[-2::-1]:
        product *= plain[metric]
    assert values["p"] == product
    assert prepared.metrics == FBNET_METRICS
    with pytest.raises(hwnas.InputError) as raised:
        lib.query_function("fbnet", "ImageNet", ["fpga_latency"], product=("p", ["fpga_energy"]))
    assert str(raised.value) == "query_function: product metric 'fpga_energy' is not one of the query's metrics"


def test_a_list_entry_holding_several_names_is_refused(lib):
    """['k3_e6,k3_e6'] * 11 was joined into 22 layers and costed."""
    with pytest.raises(hwnas.InputError, match="entry 0 'k3_e6,k3_e6' is not one op name"):
        lib.cost("fbnet", "cifar100", ["k3_e6,k3_e6"] * 11, "edgegpu_latency")
    with pytest.raises(hwnas.InputError, match="is not one op name"):
        lib.cost("fbnet", "cifar100", ["k3_e6"] * 21 + ["k3_e6 skip"], "edgegpu_latency")
    assert lib.cost("fbnet", "cifar100", ["k3_e6"] * 22, "edgegpu_latency") > 0


def test_expected_cost_takes_only_probability_rows(lib):
    """NaN, inf, negative entries and rows that do not sum to 1 once gave a number."""
    uniform = np.full((6, 5), 0.2)
    assert lib.expected_cost("nb201", "cifar10", "fpga_latency", uniform) > 0
    for value, message in ((np.nan, "holds nan"), (np.inf, "holds inf"), (-0.1, "holds -0.1")):
        bad = uniform.copy()
        bad[2, 1] = value
        with pytest.raises(hwnas.InputError, match="probs row 2 " + message):
            lib.expected_cost("nb201", "cifar10", "fpga_latency", bad)
    with pytest.raises(hwnas.InputError, match="probs row 0 sums to 2, expected 1"):
        lib.expected_cost("nb201", "cifar10", "fpga_latency", uniform * 2)
    float32_softmax = np.full((6, 5), np.float32(0.2)).astype(np.float64)
    assert lib.expected_cost("nb201", "cifar10", "fpga_latency", float32_softmax) > 0
