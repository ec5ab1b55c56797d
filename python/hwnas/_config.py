"""Configs given as a dict: written out as the YAML document they mirror, so that the engine reads,
checks and resolves them exactly as a file (errors then cite "<config dict>:line:column")."""
import json
import math
import numbers
import os
from collections.abc import Mapping

from hwnas._hwnas import InputError

DICT_SOURCE = "<config dict>"


def config_source(config):
    """(path or YAML text, is_text, source name) of a config path or dict."""
    if isinstance(config, (str, os.PathLike)):
        path = os.fspath(config)
        return path, False, path
    if isinstance(config, Mapping):
        return "\n".join(_block(config, indent=0)) + "\n", True, DICT_SOURCE
    raise InputError(
        f"config: expected a YAML file path or a dict mirroring the YAML, got {type(config).__name__}")


def _block(mapping, indent):
    pad = " " * indent
    for key, value in mapping.items():
        if not isinstance(key, str):
            raise InputError(f"config key {key!r}: expected a string")
        if isinstance(value, Mapping) and value:
            yield f"{pad}{key}:"
            yield from _block(value, indent + 2)
        else:
            yield f"{pad}{key}: {_flow(value, key)}"


def _flow(value, key):
    """A YAML flow value; JSON's forms are YAML's, except the non-finite floats."""
    if value is None or isinstance(value, (bool, str)):
        return json.dumps(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_flow(v, k)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v, key) for v in value) + "]"
    raise InputError(f"config key '{key}': {type(value).__name__} is not a YAML value "
                     "(expected a number, string, bool, list or dict)")
