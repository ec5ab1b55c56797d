"""hwnas.compat.HWNASBenchAPI against the HW-NAS-Bench API's published outputs and interface."""
import json

import pytest

import hwnas
from conftest import nb201_close
from hwnas.compat import HWNASBenchAPI


def product(values, names):
    result = values[names[0]]
    for name in names[1:]:
        result *= values[name]
    return result


def test_every_fbnet_test_vector(testvectors):
    api = HWNASBenchAPI("HW-NAS-Bench-v1_0.pickle", search_space="fbnet")
    checked = 0
    for vector in testvectors["fbnet"]:
        result = api.query_by_index(vector["ops"], vector["dataset"])
        assert list(result) == list(vector["metrics"]) + ["average_hw_metric"]
        for metric, expected in vector["metrics"].items():
            assert result[metric] == expected, metric
            checked += 1
        assert result["average_hw_metric"] == product(vector["metrics"], list(vector["metrics"]))
    assert checked == 48


def test_every_nb201_test_vector(testvectors):
    api = HWNASBenchAPI(None, search_space="nasbench201")
    checked = 0
    for vector in testvectors["nasbench201"]:
        result = api.query_by_index(vector["index"], vector["dataset"])
        assert list(result) == list(vector["metrics"]) + ["average_hw_metric"]
        for metric, expected in vector["metrics"].items():
            assert nb201_close(result[metric], expected), metric
            checked += 1
        hardware = [m for m in vector["metrics"] if m != "eyeriss_arithmetic_intensity"]
        assert nb201_close(result["average_hw_metric"], product(vector["metrics"], hardware))
    assert checked == 30


def test_the_pickle_argument_is_ignored():
    a = HWNASBenchAPI("no/such/file.pickle", search_space="fbnet").query_by_index([1] * 22, "ImageNet")
    b = HWNASBenchAPI({"any": "dict"}, search_space="fbnet").query_by_index([1] * 22, "ImageNet")
    assert a == b


def test_get_net_config_as_the_reference_prints_it():
    nb201 = HWNASBenchAPI("HW-NAS-Bench-v1_0.pickle", search_space="nasbench201")
    # The HW-NAS-Bench README's printed output for get_net_config(0, "cifar10").
    assert nb201.get_net_config(0, "cifar10") == {
        "name": "infer.tiny", "C": 16, "N": 5,
        "arch_str": "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|"
                    "skip_connect~1|skip_connect~2|",
        "num_classes": 10}
    assert nb201.get_net_config(0, "ImageNet16-120")["num_classes"] == 120
    fbnet = HWNASBenchAPI("HW-NAS-Bench-v1_0.pickle", search_space="fbnet")
    ops = [0, 1, 2, 3, 4, 5, 6, 7, 8] * 2 + [0, 1, 2, 3]
    assert fbnet.get_net_config(ops, "cifar100") == {
        "dataset": "cifar100", "num_classes": 100, "op_idx_list": ops,
        "arch_str": ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6",
                     "skip"] * 2 + ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6"]}


def test_get_op_lookup_tables(lib):
    tables = HWNASBenchAPI(None, search_space="fbnet").get_op_lookup_tables()
    assert list(tables) == ["edgegpu_latency", "edgegpu_energy", "raspi4_latency", "pixel3_latency",
                            "eyeriss_latency", "eyeriss_energy", "fpga_latency", "fpga_energy"]
    with open(lib.fbnet_lut_file) as f:
        assert tables == {k: v for k, v in json.load(f).items() if k in tables}
    assert all(len(table) == 225 for table in tables.values())
    with pytest.raises(hwnas.InputError):
        HWNASBenchAPI(None).get_op_lookup_tables()


def test_what_the_tables_lack_is_an_error_not_a_value(lib):
    api = HWNASBenchAPI(None, search_space="nasbench201")
    with pytest.raises(hwnas.InputError) as raised:
        api.query_by_index(0, "cifar100")
    assert str(raised.value).startswith("nb201 costs exist for the cifar10 setting only")
    unknown = next(i for i in range(15625)
                   if not lib.costs("nb201", "cifar10", [i], "edgegpu_latency", unknown="mask")[1][0, 0])
    with pytest.raises(hwnas.MissingValueError):
        api.query_by_index(unknown, "cifar10")
    with pytest.raises(hwnas.InputError) as raised:
        HWNASBenchAPI(None, search_space="fbnet").query_by_index([0] * 21, "cifar100")
    assert str(raised.value) == "fbnet architecture has 21 choices, expected 22"
    with pytest.raises(hwnas.InputError):
        HWNASBenchAPI(None, search_space="nasbench101")
    with pytest.raises(hwnas.InputError):
        api.query_by_index("0", "cifar10")
