#include "runtime.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "acl/acl.h"
#include "errors.h"
#include "host_hooks.h"

namespace acl_async {

namespace {

struct AclState {
  std::mutex mu;
  int refs = 0;
  bool owned = false;  // we called aclInit (someone else may have, e.g. another library)
  uint64_t generation = 0;
  std::vector<std::weak_ptr<Runtime>> live;
  int64_t live_memory = 0;              // allocations not freed yet
  bool finalize_pending = false;        // last reference gone, waiting for live_memory == 0
  std::vector<int32_t> pending_resets;  // devices closed while memory was alive
};

AclState& state() {
  static AclState instance;
  return instance;
}

}  // namespace

std::shared_ptr<Runtime> Runtime::create(const std::optional<std::string>& config) {
  run_deferred();
  AclState& st = state();
  std::lock_guard<std::mutex> lock(st.mu);
  if (st.refs == 0 && st.finalize_pending) {
    st.finalize_pending = false;  // never finalized: still initialized, memory still valid
  } else if (st.refs == 0) {
    aclError ret;
    {
      HostUnlock nogil;
      ret = aclInit(config ? config->c_str() : nullptr);
    }
    if (ret == ACL_SUCCESS) {
      st.owned = true;
      ++st.generation;
    } else if (ret == ACL_ERROR_REPEAT_INITIALIZE) {
      st.owned = false;  // initialized by someone else in this process: never finalize it
    } else {
      raise_acl(ret, "aclInit");
    }
  }
  auto runtime = std::make_shared<Runtime>(Key{});
  ++st.refs;
  st.live.erase(std::remove_if(st.live.begin(), st.live.end(), [](const auto& w) { return w.expired(); }),
                st.live.end());
  st.live.emplace_back(runtime);
  return runtime;
}

void Runtime::release() noexcept {
  AclState& st = state();
  {
    std::lock_guard<std::mutex> lock(st.mu);
    --st.refs;
  }
  run_or_defer([] {
    AclState& s = state();
    std::lock_guard<std::mutex> lock(s.mu);
    if (s.refs != 0 || !s.owned) return;
    if (s.live_memory > 0) {
      s.finalize_pending = true;  // numpy views still use ACL memory: finalize after the last one
      return;
    }
    s.owned = false;
    HostUnlock nogil;
    aclFinalize();
  });
}

void note_memory_allocated() noexcept {
  std::lock_guard<std::mutex> lock(state().mu);
  ++state().live_memory;
}

void note_memory_freed() noexcept {
  AclState& s = state();
  std::vector<int32_t> resets;
  bool finalize = false;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    if (--s.live_memory > 0) return;
    resets.swap(s.pending_resets);
    finalize = s.finalize_pending && s.refs == 0 && s.owned;
    if (finalize) {
      s.finalize_pending = false;
      s.owned = false;
    }
  }
  HostUnlock nogil;
  for (int32_t id : resets) aclrtResetDevice(id);
  if (finalize) aclFinalize();
}

void reset_device_when_unused(int32_t id) noexcept {
  {
    std::lock_guard<std::mutex> lock(state().mu);
    if (state().live_memory > 0) {
      state().pending_resets.push_back(id);
      return;
    }
  }
  HostUnlock nogil;
  aclrtResetDevice(id);
}

int Runtime::refcount() noexcept {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().refs;
}

uint64_t Runtime::generation() noexcept {
  std::lock_guard<std::mutex> lock(state().mu);
  return state().owned || state().refs > 0 ? state().generation : 0;
}

bool Runtime::initialized() noexcept { return refcount() > 0; }

void shutdown() noexcept {
  run_deferred();  // teardown deferred by report threads goes first, in the order it was asked for
  std::vector<std::weak_ptr<Runtime>> live;
  {
    std::lock_guard<std::mutex> lock(state().mu);
    live.swap(state().live);
  }
  for (auto it = live.rbegin(); it != live.rend(); ++it) {
    if (auto runtime = it->lock()) runtime->close();
  }
  run_deferred();
  // Memory still referenced by numpy views at exit: leave ACL to the process exit.
}

}  // namespace acl_async
