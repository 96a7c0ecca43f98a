#!/usr/bin/env bash
# CI step: cross-compile acl-async for aarch64 and prove the result by running it
# under user-mode emulation (Debian's qemu-user).
#
# On a Debian 12 x86_64 machine, as root (or with sudo): installs what it needs from
# Debian and PyPI, then
#   1. scripts/cross_compile_aarch64.sh --sdk: the host runtime (libascendcl.so), its C
#      test programs, and the aarch64 wheel, against the aarch64 `openvino` wheel;
#   2. checks that every built shared object and executable (build tree, installed SDK,
#      wheel) is an AArch64 ELF;
#   3. runs the C test programs under qemu-aarch64 against the aarch64 OpenVINO
#      libraries, with small generated ONNX models (tests/models.py), and, when
#      tests/test_host_runtime.py takes a command prefix (ACL_ASYNC_TEST_EXEC), that whole
#      suite with its programs cross-compiled and run under qemu;
#   4. runs the Python extension and the driver under qemu with an aarch64 Python
#      (Debian's libpython3.11:arm64 behind a 3-line main()) and the wheel's aarch64
#      dependencies installed with pip --platform into a folder;
#   5. the CANN path against a stand-in arm64 toolkit: the wheel links the stub by soname,
#      carries no RPATH, and runs under qemu with libascendcl.so from LD_LIBRARY_PATH.
# Exit status: 0 when everything passed, 1 otherwise. Environment: ACL_ASYNC_CROSS_WORK
# (work folder, default .ci-work/cross-aarch64), ACL_ASYNC_CROSS_SKIP_PYTHON=1 (no Python
# under qemu in 4 and 5).
#
# Emulation notes (found on Debian 12, qemu-user 7.2):
#  * `qemu-aarch64 -L /usr/aarch64-linux-gnu prog` hangs (100% CPU) in the first
#    pthread_create of a dynamically linked program once Debian's libc6:arm64 is installed
#    (libpython3.11-dev:arm64 pulls it in): the cross ld-linux-aarch64.so.1 (libc6-arm64-cross)
#    reads the build machine's /etc/ld.so.cache, loads /lib/aarch64-linux-gnu/libc.so.6 of
#    another glibc build, and the two disagree. Putting the cross libc first fixes it:
#    qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib prog
#  * OpenVINO's ARM CPU plugin runs under qemu's default `max` CPU; it defaults to f16
#    inference there (compare with tolerances), and prints a harmless
#    "Can't open MIDR_EL1 sysfs entry" line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${ACL_ASYNC_CROSS_WORK:-$root/.ci-work/cross-aarch64}
mkdir -p "$work"
work=$(cd "$work" && pwd)
t0=$SECONDS
step() { echo "== cross-aarch64: $* [$((SECONDS - t0)) s]"; }
fail() { echo "cross-aarch64: FAILED: $*" >&2; exit 1; }

sysroot=/usr/aarch64-linux-gnu
# An aarch64 program under qemu, with the cross libc first (see above).
qemu_cmd=(qemu-aarch64 -L "$sysroot" -E "LD_LIBRARY_PATH=$sysroot/lib")

# --- 1. packages ----------------------------------------------------------------------
step "packages"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo)
pkgs=(g++-aarch64-linux-gnu qemu-user libpython3.11-dev:arm64 libpng16-16:arm64 python3 python3-venv ca-certificates)
missing=()
dpkg --print-foreign-architectures | grep -qx arm64 || "${sudo[@]}" dpkg --add-architecture arm64
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  "${sudo[@]}" apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
qemu-aarch64 --version | head -n 1

# The build Python: Debian's python3.11, matching the arm64 headers of libpython3.11-dev:arm64.
venv=$work/venv
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "scikit-build-core>=0.10" "pybind11>=2.12" "cmake>=3.18" ninja \
  numpy pillow "onnx>=1.15" pytest av "openvino==$(sed -n 's/.*"openvino==\([0-9][0-9.]*\)".*/\1/p' pyproject.toml | head -n 1)"
export PATH="$venv/bin:$PATH"
export PYTHON="$venv/bin/python"

# --- 2. cross build -------------------------------------------------------------------
step "cross build (scripts/cross_compile_aarch64.sh --sdk)"
build=$work/build
dist=$work/dist
rm -rf "$dist"
b0=$SECONDS
nice -n 10 "$root/scripts/cross_compile_aarch64.sh" --sdk --build-dir "$build" --dist "$dist" -j 2
echo "cross build took $((SECONDS - b0)) s"
wheel=$(ls "$dist"/acl_async-*-linux_aarch64.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || fail "no *-linux_aarch64.whl in $dist"
echo "wheel: $(basename "$wheel")"

# --- 3. ELF machines ------------------------------------------------------------------
step "ELF machine of every shared object and executable"
wheel_tree=$work/wheel-tree
rm -rf "$wheel_tree" && mkdir -p "$wheel_tree"
"$PYTHON" -m zipfile -e "$wheel" "$wheel_tree"
n_elf=0
bad=0
while IFS= read -r -d '' f; do
  [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
  header=$(aarch64-linux-gnu-readelf -h "$f")
  type=$(sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p' <<<"$header")
  machine=$(sed -n 's/^ *Machine: *//p' <<<"$header")
  case "$type" in EXEC|DYN) ;; *) continue ;; esac   # skip object files
  n_elf=$((n_elf + 1))
  if [ "$machine" != AArch64 ]; then
    echo "NOT AArch64: $f ($machine)"
    bad=$((bad + 1))
  fi
done < <(find "$build/sdk" "$build/sdk-install" "$build/wheel-build" "$wheel_tree" -type f -print0)
echo "checked $n_elf ELF executables and shared objects, $bad not AArch64"
[ "$n_elf" -gt 0 ] || fail "no ELF file found"
[ "$bad" = 0 ] || fail "$bad ELF files are not AArch64"
for f in "$build/sdk/host/libascendcl.so" "$build/sdk/host/tests/test_pipeline" \
         "$wheel_tree"/acl_async/_acl.*.so "$wheel_tree/acl_async/runtime/lib64/libascendcl.so"; do
  [ -f "$f" ] || fail "expected build product missing: $f"
  printf '  %-60s %s\n' "${f#"$work"/}" "$(aarch64-linux-gnu-readelf -h "$f" | sed -n 's/^ *Machine: *//p')"
done

# --- 4. the C tests under qemu --------------------------------------------------------
step "C test programs under qemu-aarch64"
models=$work/models
rm -rf "$models" && mkdir -p "$models"
"$PYTHON" - "$root/tests" "$models" <<'PY'
import shutil, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import numpy as np
import models
d = Path(sys.argv[2])
models.make_add_model(d / "add.onnx", (1, 3, 8, 8), np.float32, const=1.5)
shutil.copy(d / "add.onnx", d / "add_named.om")   # the sample's .om name, ONNX content
models.make_classifier_model(d / "classifier.onnx")
x = np.random.default_rng(3).standard_normal((1, 3, 8, 8)).astype(np.float32)
x.tofile(d / "classifier_in.bin")
(d / "acl.json").write_text("{}\n")
PY
tests_dir=$build/sdk/host/tests
n_pass=0
n_fail=0
run_c_test() {  # run_c_test NAME ARGS...: the program prints "N passed, M failed" last
  local name=$1; shift
  local exe=$tests_dir/$name out rc last s0=$SECONDS
  rc=0
  out=$(cd "$work" && timeout 600 "${qemu_cmd[@]}" "$exe" "$@" 2>&1) || rc=$?
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n 1 || true)
  if [ "$rc" = 0 ] && [[ "$last" =~ ^[1-9][0-9]*\ passed,\ 0\ failed ]]; then
    echo "  [qemu] $name -> $last ($((SECONDS - s0)) s)"
    n_pass=$((n_pass + 1))
  else
    echo "  [qemu] $name FAILED (exit $rc, $((SECONDS - s0)) s); output tail:"
    tail -n 30 <<<"$out" | sed 's/^/    /'
    n_fail=$((n_fail + 1))
  fi
}
[ -x "$tests_dir/test_pipeline" ] || fail "test_pipeline was not built"
# Each program: <case>|all <data dir> (csrc/host/tests/CMakeLists.txt).
run_c_test test_pipeline run "$models"
run_c_test test_pipeline model_named_om "$models"
[ ! -x "$tests_dir/test_acl_base" ] || run_c_test test_acl_base all
if [ -x "$tests_dir/test_acl_rt" ]; then
  mkdir -p "$work/rt-tmp"
  run_c_test test_acl_rt all "$work/rt-tmp"
fi
# The engine's C++ tests (csrc/engine/tests: pool back-pressure, callback order, teardown).
if [ -x "$build/sdk/csrc/engine/tests/test_engine" ]; then
  host_tests_dir=$tests_dir
  tests_dir=$build/sdk/csrc/engine/tests
  run_c_test test_engine all "$models"
  tests_dir=$host_tests_dir
fi
echo "C programs under qemu: $n_pass ran and passed, $n_fail did not"
[ "$n_fail" = 0 ] || fail "C test programs failed under qemu"

# The whole C suite (tests/test_host_runtime.py) compiled for aarch64 against the cross SDK
# and run under qemu, when the suite takes a command prefix for its programs.
if grep -q ACL_ASYNC_TEST_EXEC "$root/tests/test_host_runtime.py" 2>/dev/null; then
  step "tests/test_host_runtime.py: programs built for aarch64, run under qemu"
  sdk=$build/sdk-install
  # The installed layout of a wheel: acl_async/runtime/lib64 finds ../../../openvino/libs.
  ln -sfn "$(ls -d "$build"/openvino-*-aarch64)/openvino" "$sdk/openvino"
  # VDEC's libavcodec: the one of PyAV's aarch64 wheel (the wheel's runtime dependency), named
  # through ACL_DVPP_LIBAVCODEC since the SDK folder has no site-packages around it.
  avdir=$work/av-aarch64
  if [ ! -d "$avdir/av.libs" ]; then
    rm -rf "$avdir" && mkdir -p "$avdir"
    "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
      --platform manylinux_2_28_aarch64 -d "$avdir" av
    "$PYTHON" -m zipfile -e "$(ls "$avdir"/av-*.whl | head -n 1)" "$avdir"
  fi
  ACL_DVPP_LIBAVCODEC=$(ls "$avdir"/av.libs/libavcodec-*.so* | head -n 1)
  export ACL_DVPP_LIBAVCODEC
  # OpenVINO's ARM plugin infers in f16 by default; the suite's exact checks want f32.
  (cd "$root" && CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ ACL_ASYNC_DDK_PATH="$sdk/acl_async" \
    ACL_ASYNC_TEST_EXEC="${qemu_cmd[*]}" ACL_HOST_INFERENCE_PRECISION=f32 \
    timeout 1200 "$PYTHON" -m pytest -q -p no:cacheprovider tests/test_host_runtime.py) ||
    fail "tests/test_host_runtime.py under qemu"
fi

# --- 5. the Python extension and the driver under qemu --------------------------------
if [ "${ACL_ASYNC_CROSS_SKIP_PYTHON:-0}" = 1 ]; then
  step "Python under qemu: skipped (ACL_ASYNC_CROSS_SKIP_PYTHON=1)"
else
  step "Python extension and driver under qemu-aarch64"
  pyemu=$work/pyemu
  mkdir -p "$pyemu"
  # An aarch64 python3.11: Debian's libpython3.11:arm64 (with its arm64 stdlib in
  # /usr/lib/python3.11) behind the interpreter's own main().
  printf '#include <Python.h>\nint main(int argc, char **argv) { return Py_BytesMain(argc, argv); }\n' >"$pyemu/main.c"
  aarch64-linux-gnu-gcc -O2 -I"$build/python3.11-aarch64-include" "$pyemu/main.c" -o "$pyemu/python3.11" \
    /usr/lib/aarch64-linux-gnu/libpython3.11.so.1.0 -Wl,-rpath-link,/usr/lib/aarch64-linux-gnu \
    -Wl,-rpath-link,/lib/aarch64-linux-gnu
  # The wheel and its runtime dependencies, aarch64 builds, in a folder.
  plats=()
  for m in 17 26 27 28 29 30 31 32 33 34 35 36; do plats+=(--platform "manylinux_2_${m}_aarch64"); done
  plats+=(--platform manylinux2014_aarch64 --platform linux_aarch64)
  rm -rf "$pyemu/site"
  "$PYTHON" -m pip install --quiet --target "$pyemu/site" --python-version 3.11 --implementation cp \
    --only-binary=:all: "${plats[@]}" "$wheel"
  pyrun() {
    (cd "$work" && timeout 900 "${qemu_cmd[@]}" -E PYTHONHOME=/usr -E "PYTHONPATH=$pyemu/site" -E PYTHONDONTWRITEBYTECODE=1 \
      "$pyemu/python3.11" "$@")
  }
  pyrun -c "import platform, sys; print('aarch64 python', sys.version.split()[0], platform.machine())"
  pyrun -c "import acl_async._acl as m; print('imported', m.__name__, 'from', m.__file__)" ||
    fail "the aarch64 extension does not import under qemu"
  s0=$SECONDS
  out=$(pyrun -m acl_async 10 5 10 -m "$models/classifier.onnx" -i "$models/classifier_in.bin" -c "$models/acl.json" 2>&1) || {
    echo "$out" | tail -n 30
    fail "the driver (python -m acl_async 10 5 10) failed under qemu"
  }
  echo "$out" | tail -n 12 | sed 's/^/    /'
  # Every result: the class and probability of the numpy twin of the model (f16 tolerance).
  printf '%s\n' "$out" >"$work/driver.out"
  "$PYTHON" - "$root/tests" "$models/classifier_in.bin" "$work/driver.out" <<'PY' ||
import re, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import models
x = np.fromfile(sys.argv[2], dtype=np.float32).reshape(1, 3, 8, 8)
ref = models.reference_classifier(x).ravel()
found = [(int(k), float(v)) for k, v in re.findall(r"top 1: index\[(\d+)\] value\[([-+0-9.eE]+)\]", open(sys.argv[3]).read())]
print(f"  reference top 1: index[{ref.argmax()}] value[{ref.max():.6f}]; driver printed {len(found)} results")
assert len(found) == 10, found
assert all(k == int(ref.argmax()) and abs(v - float(ref.max())) < 5e-3 for k, v in found), found
PY
    fail "the driver's results under qemu do not match the reference"
  echo "  [qemu] python -m acl_async 10 5 10 -> 10 results ($((SECONDS - s0)) s)"
fi

# --- 6. the CANN path: arm64 "toolkit" stand-in, stub linking, LD_LIBRARY_PATH lookup --
# No CANN here: a stand-in DDK_PATH holds the ACL headers (the real CANN ones when
# .ci/run has fetched them, else ours) and, as runtime/lib64/stub/libascendcl.so, the
# aarch64 host runtime. The wheel must link it by soname without any RPATH/RUNPATH, and
# find the library through LD_LIBRARY_PATH at run time, as CANN's set_env.sh arranges.
step "CANN path (DDK_PATH=arm64 toolkit stand-in)"
ddk=$work/fake-ascend-toolkit/latest/arm64-linux
rm -rf "$work/fake-ascend-toolkit"
mkdir -p "$ddk/runtime/include" "$ddk/runtime/lib64/stub"
if [ -f "$root/.ci-work/cann/acl/acl.h" ]; then
  cp -r "$root/.ci-work/cann/acl" "$ddk/runtime/include/"
  echo "ACL headers: the real CANN ones"
else
  cp -r "$root/csrc/host/include/acl" "$ddk/runtime/include/"
  echo "ACL headers: ours (csrc/host/include)"
fi
cp "$build/sdk/host/libascendcl.so" "$ddk/runtime/lib64/stub/"
b0=$SECONDS
(unset ASCEND_TOOLKIT_HOME ASCEND_HOME_PATH; DDK_PATH=$ddk nice -n 10 "$root/scripts/cross_compile_aarch64.sh" \
  --build-dir "$work/build-cann" --dist "$work/dist-cann" -j 2)
echo "CANN-path wheel took $((SECONDS - b0)) s"
cann_wheel=$(ls "$work"/dist-cann/acl_async-*-linux_aarch64.whl 2>/dev/null | head -n 1)
[ -n "$cann_wheel" ] || fail "no CANN-path wheel"
cann_tree=$work/wheel-tree-cann
rm -rf "$cann_tree" && mkdir -p "$cann_tree"
"$PYTHON" -m zipfile -e "$cann_wheel" "$cann_tree"
ext=$(ls "$cann_tree"/acl_async/_acl.*.so)
dyn=$(aarch64-linux-gnu-readelf -d "$ext")
[ "$(aarch64-linux-gnu-readelf -h "$ext" | sed -n 's/^ *Machine: *//p')" = AArch64 ] || fail "$ext is not AArch64"
grep -q 'NEEDED.*\[libascendcl.so\]' <<<"$dyn" || fail "the CANN-path extension does not link libascendcl.so"
! grep -qE 'RPATH|RUNPATH' <<<"$dyn" || fail "the CANN-path extension carries an RPATH/RUNPATH"
[ ! -e "$cann_tree/acl_async/runtime/lib64/libascendcl.so" ] || fail "the CANN-path wheel bundles a libascendcl.so"
grep -q 'BACKEND = "cann"' "$cann_tree/acl_async/_build_info.py" || fail "the CANN-path wheel is not a cann build"
echo "  $(basename "$cann_wheel"): NEEDED libascendcl.so, no RPATH/RUNPATH, no bundled runtime"
if [ "${ACL_ASYNC_CROSS_SKIP_PYTHON:-0}" != 1 ]; then
  rm -rf "$work/site-cann"
  "$PYTHON" -m pip install --quiet --no-deps --target "$work/site-cann" --python-version 3.11 \
    --implementation cp --only-binary=:all: --platform linux_aarch64 "$cann_wheel"
  out=$(cd "$work" && timeout 900 qemu-aarch64 -L "$sysroot" \
    -E "LD_LIBRARY_PATH=$sysroot/lib:$build/sdk/host" -E PYTHONHOME=/usr \
    -E "PYTHONPATH=$work/site-cann:$pyemu/site" -E PYTHONDONTWRITEBYTECODE=1 \
    "$pyemu/python3.11" -m acl_async 4 2 4 -m "$models/classifier.onnx" -i "$models/classifier_in.bin" 2>&1) || {
    echo "$out" | tail -n 30
    fail "the CANN-path wheel did not run under qemu with libascendcl.so from LD_LIBRARY_PATH"
  }
  [ "$(grep -c 'top 1: index\[' <<<"$out")" = 4 ] || { echo "$out" | tail -n 30; fail "the CANN-path run printed no results"; }
  echo "  [qemu] CANN-path wheel, libascendcl.so found through LD_LIBRARY_PATH -> 4 results"
fi

step "done: aarch64 build checked and run under qemu"
