"""Every C function our libascendcl exports has its pyACL name in `acl`, `acl.rt`, `acl.mdl` or `acl.util`
(and every image function of libacl_dvpp its name in `acl.media`),
so pyACL coverage cannot silently fall behind the C API. Also: `--pyacl-info` and import precedence."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

acl = pytest.importorskip("acl")

#: C names whose pyACL name does not follow the rule (prefix -> namespace, CamelCase -> snake_case).
IRREGULAR = {
    "aclrtGetVersion": "acl.get_version",
    "aclrtGetSocName": "acl.get_soc_name",
    "aclrtSetCurrentContext": "acl.rt.set_context",
    "aclrtGetCurrentContext": "acl.rt.get_context",
    "aclrtUnSubscribeReport": "acl.rt.unsubscribe_report",
    "aclrtMemcpy2d": "acl.rt.memcpy_2d",
    "aclrtMemcpy2dAsync": "acl.rt.memcpy_2d_async",
    "aclmdlCreateAIPP": "acl.mdl.create_aipp",
    "aclmdlDestroyAIPP": "acl.mdl.destroy_aipp",
    "aclopExecWithHandle": "acl.op.execute_with_handle",
}
PREFIXES = [("aclrt", "acl.rt"), ("aclmdl", "acl.mdl"), ("aclop", "acl.op"), ("acl", "acl")]


def pyacl_name(symbol: str) -> str:
    if symbol in IRREGULAR:
        return IRREGULAR[symbol]
    for prefix, namespace in PREFIXES:
        if symbol.startswith(prefix) and symbol[len(prefix)].isupper():
            rest = symbol[len(prefix) :]
            snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", rest).lower()
            return f"{namespace}.{snake}"
    raise AssertionError(f"{symbol}: no pyACL namespace for this prefix (add it to PREFIXES or IRREGULAR)")


def test_naming_rule_examples():
    assert pyacl_name("aclmdlGetInputDimsV2") == "acl.mdl.get_input_dims_v2"
    assert pyacl_name("aclFloat16ToFloat") == "acl.float16_to_float"
    assert pyacl_name("aclrtSynchronizeStreamWithTimeout") == "acl.rt.synchronize_stream_with_timeout"
    assert pyacl_name("aclrtGetCurrentContext") == "acl.rt.get_context"


def exported_acl_functions() -> list[str]:
    if acl.__backend__ != "host":
        pytest.skip("coverage is checked against the host runtime's libascendcl")
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) not installed")
    lib = acl._library_path()
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    names = sorted({line.split()[-1] for line in out.splitlines() if " T " in line})
    # ACL's names go on in CamelCase; acl_host_ext_* are our libascendcl's private entry points
    # for libacl_dvpp (csrc/host/src/host_ext.h), not API.
    return [
        n
        for n in names
        if n.startswith("acl")
        and not n.startswith("acl_")
        and n not in _companion_functions()
        and n not in NOT_YET
    ]


#: Exported by libascendcl with a documented error (ACL_ERROR_API_NOT_SUPPORT), no pyACL binding yet: the
#: operator description of an exception (issue 21) and the custom-kernel and dynamic-shape operator API.
NOT_YET = {
    "aclmdlCreateAndGetOpDesc",
    "aclopCreateKernel",
    "aclopRegisterCompileFunc",
    "aclopUnregisterCompileFunc",
    "aclopSetKernelArgs",
    "aclopSetKernelWorkspaceSizes",
    "aclopUpdateParams",
    "aclopInferShape",
}


def _companion_functions() -> set[str]:
    """Functions of CANN's other libraries (libacl_cblas, libacl_op_compiler, libmsprofiler) that the host
    runtime implements inside libascendcl: pyACL has them in other namespaces (acl.prof, acl.op)."""
    from acl_async import sdk

    names: set[str] = set()
    for header in ("acl/ops/acl_cblas.h", "acl/acl_op_compiler.h", "acl/acl_prof.h"):
        path = sdk.include_dir() / header
        if path.is_file():
            names |= set(re.findall(r"ACL_FUNC_VISIBILITY\s+[^;(]*?\b(\w+)\s*\(", path.read_text()))
    return names


def resolve(dotted: str) -> object | None:
    obj: object = acl
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def test_every_exported_c_function_has_its_pyacl_name():
    symbols = exported_acl_functions()
    assert len(symbols) > 50
    missing = [f"{s} -> {pyacl_name(s)}" for s in symbols if not callable(resolve(pyacl_name(s)))]
    assert not missing, "pyACL functions missing for exported C functions:\n" + "\n".join(missing)


def test_every_exported_c_function_has_a_value_test():
    """More than callability: each pyACL name of an exported C function is checked for what it returns by a
    test of tests/test_pyacl_values.py (its @covers registry)."""
    import test_aipp_dynamic  # noqa: F401  (its @covers: the dynamic AIPP functions)
    import test_pyacl_op  # noqa: F401  (its @covers: acl.op)
    from test_pyacl_values import COVERED

    symbols = exported_acl_functions()
    missing = [f"{s} -> {pyacl_name(s)}" for s in symbols if pyacl_name(s) not in COVERED]
    assert not missing, "exported C functions whose pyACL name no value test checks:\n" + "\n".join(missing)


def exported_dvpp_functions() -> list[str]:
    """The image functions (acldvpp*) libacl_dvpp, beside libascendcl, exports (its video ones, aclvdec* and
    aclvenc*, are checked through tests/test_pyacl_video.py's @covers in test_pyacl_media_values)."""
    if acl.__backend__ != "host":
        pytest.skip("coverage is checked against the host runtime's libacl_dvpp")
    nm = shutil.which("nm")
    if nm is None:
        pytest.skip("nm (binutils) not installed")
    lib = Path(acl._library_path()).parent / "libacl_dvpp.so"
    if not lib.exists():
        pytest.skip("no libacl_dvpp beside libascendcl")
    out = subprocess.run(
        [nm, "-D", "--defined-only", str(lib)], check=True, capture_output=True, text=True
    ).stdout
    return sorted({line.split()[-1] for line in out.splitlines() if " T " in line and " acldvpp" in line})


def pyacl_media_name(symbol: str) -> str:
    """acldvppJpegGetImageInfoV2 -> acl.media.dvpp_jpeg_get_image_info_v2 (pyACL's acl.media names)."""
    rest = symbol[len("acldvpp") :]
    return "acl.media.dvpp_" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", rest).lower()


def test_every_exported_dvpp_function_has_its_pyacl_name_and_a_value_test():
    from test_pyacl_media_values import COVERED as MEDIA_COVERED

    symbols = exported_dvpp_functions()
    assert len(symbols) > 60
    names = {s: pyacl_media_name(s) for s in symbols}
    missing = [f"{s} -> {n}" for s, n in names.items() if not callable(resolve(n))]
    assert not missing, "acl.media functions missing for exported C functions:\n" + "\n".join(missing)
    untested = [f"{s} -> {n}" for s, n in names.items() if n not in MEDIA_COVERED]
    assert not untested, "exported C functions whose acl.media name no value test checks:\n" + "\n".join(
        untested
    )


def test_pyacl_util_functions_exist():
    for name in (
        "start_thread",
        "stop_thread",
        "bytes_to_ptr",
        "ptr_to_bytes",
        "numpy_to_ptr",
        "ptr_to_numpy",
    ):
        assert callable(getattr(acl.util, name))


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=120)


def test_pyacl_info_names_our_module_and_library():
    r = _run(["-m", "acl_async", "--pyacl-info"])
    assert r.returncode == 0, r.stderr
    assert f"acl module: {acl.__file__}" in r.stdout
    assert "implementation: acl-async pyACL" in r.stdout
    assert f"libascendcl: {Path(acl._library_path()).resolve()}" in r.stdout


def test_pythonpath_acl_wins_and_pyacl_info_says_so(tmp_path):
    """CANN's set_env.sh puts its pyACL on PYTHONPATH, which comes before site-packages."""
    (tmp_path / "acl.py").write_text("def init(config_path=None):\n    return 0\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    r = _run(["-m", "acl_async", "--pyacl-info"], env)
    assert r.returncode == 0, r.stderr
    assert f"acl module: {tmp_path / 'acl.py'}" in r.stdout
    assert "implementation: CANN pyACL" in r.stdout
