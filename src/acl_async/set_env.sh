# acl-async's host runtime SDK environment, as CANN's set_env.sh: `source <site-packages>/acl_async/set_env.sh`
# (the same variables as `python -m acl_async --env`; needs no Python).
_acl_async_sdk="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")" && pwd)"
export DDK_PATH="$_acl_async_sdk"
export INSTALL_DIR="$_acl_async_sdk"
export CANN_PATH="$_acl_async_sdk"
export ASCEND_TOOLKIT_HOME="$_acl_async_sdk"
export ASCEND_HOME_PATH="$_acl_async_sdk"
export ASCEND_AICPU_PATH="$_acl_async_sdk"
export ASCEND_OPP_PATH="$_acl_async_sdk/opp"
export NPU_HOST_LIB="$_acl_async_sdk/runtime/lib64/stub"
export CPU_ARCH="$(uname -m)"
export THIRDPART_PATH="${THIRDPART_PATH:-$HOME/Ascend/thirdpart/$CPU_ARCH}"
export LD_LIBRARY_PATH="$_acl_async_sdk/runtime/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset _acl_async_sdk
