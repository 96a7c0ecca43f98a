"""The single busy stream's compiled configuration is observable (logged at ACL_INFO when a model is
compiled) and is OpenVINO's own one-request LATENCY configuration of the same model (issue 24: the
single-stream benchmark's reference is ``compile_model(model, "CPU", {"PERFORMANCE_HINT": "LATENCY"})``)."""

from __future__ import annotations

import re
import subprocess
import sys

#: The keys exec_policy::describe() logs, in its order.
KEYS = ("PERFORMANCE_HINT", "NUM_STREAMS", "INFERENCE_NUM_THREADS", "ENABLE_CPU_PINNING",
        "SCHEDULING_CORE_TYPE", "ENABLE_HYPER_THREADING", "INFERENCE_PRECISION_HINT")  # fmt: skip

LOAD = "from acl_async.session import Session\nwith Session() as s:\n    s.load_model({path!r})\n"


def logged_variants(model: str, env: dict[str, str]) -> dict[str, dict[str, str]]:
    """{variant: {key: value}} from the runtime's ``... variant: KEY=value ...`` log lines of a load."""
    env = {**env, "ASCEND_GLOBAL_LOG_LEVEL": "1", "ASCEND_SLOG_PRINT_TO_STDOUT": "1"}
    out = subprocess.run([sys.executable, "-c", LOAD.format(path=model)], env=env, capture_output=True,
                         text=True, timeout=300, check=True).stdout  # fmt: skip
    found = {}
    for variant, props in re.findall(r"(\w+) variant: (.*)", out):
        found[variant] = dict(item.split("=", 1) for item in props.split())
    return found


def openvino_latency(model: str) -> dict[str, str]:
    """OpenVINO's own LATENCY compilation of ``model``, its properties as the runtime logs them."""
    import openvino as ov

    compiled = ov.Core().compile_model(model, "CPU", {"PERFORMANCE_HINT": "LATENCY"})

    def text(value: object) -> str:
        if isinstance(value, bool):
            return "YES" if value else "NO"
        if isinstance(value, ov.Type):
            return value.to_string()
        name = getattr(value, "name", None)
        return name if isinstance(name, str) else str(value)

    return {key: text(compiled.get_property(key)) for key in KEYS}


def test_the_latency_variant_is_compiled_as_openvinos_own_latency_run(
    default_model: str, cache_env: dict[str, str]
) -> None:
    env = {k: v for k, v in cache_env.items() if not k.startswith("ACL_HOST_")}
    variants = logged_variants(default_model, env)
    assert set(variants) == {"THROUGHPUT", "LATENCY"}, variants  # the adaptive policy: both compiled
    assert variants["THROUGHPUT"]["PERFORMANCE_HINT"] == "THROUGHPUT"
    reference = openvino_latency(default_model)
    assert variants["LATENCY"] == reference
    assert "?" not in variants["LATENCY"].values()  # every key is reported by this OpenVINO


def test_a_latency_hint_compiles_that_variant_only(default_model: str, cache_env: dict[str, str]) -> None:
    variants = logged_variants(default_model, {**cache_env, "ACL_HOST_PERFORMANCE_HINT": "LATENCY"})
    assert list(variants) == ["only"]
    assert variants["only"] == openvino_latency(default_model)
