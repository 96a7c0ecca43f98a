// Device memory (bounded arena, 64-byte aligned), host memory, copies and memsets.
#include <cstdint>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>

#include "acl/acl.h"
#include "detail/context.h"
#include "detail/error.h"
#include "detail/memory.h"
#include "detail/runtime.h"
#include "detail/strict.h"
#include "detail/stream.h"
#include "detail/util.h"
#include "selftest_plant.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
// Under ASan the guard bytes are poisoned: an access that runs past an allocation into its guards is
// reported like one past a malloc'd block (the guards otherwise hide it inside our own allocation).
#define ACL_HOST_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#else
#define ACL_HOST_POISON(p, n) ((void)(p), (void)(n))
#endif

namespace acl_host {
namespace memory {
namespace {

constexpr size_t kAlign = 64;
// Guard bytes on each side of every allocation: the runtime's own, so a range that
// starts just before or runs just past an allocation touches it (strict mode rejects
// it as an overrun) instead of reaching the C heap's bookkeeping next to it.
constexpr size_t kGuard = kAlign;

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

struct Block {
  size_t size;      // requested
  size_t reserved;  // accounted (aligned)
  Kind kind;
  std::unique_ptr<void, FreeDeleter> mem;  // the allocation with its guards (key - kGuard)
  uint64_t serial = 0;
  uint32_t pins = 0;  // stream tasks queued or running that use the block (Pins)
};

struct Registry {
  std::mutex m;
  std::map<uintptr_t, Block> blocks;
  size_t device_used = 0;
  uint64_t next_serial = 1;
  int unpin_waiters = 0;
  std::condition_variable unpinned;  // a block's pins dropped to 0 (or blocks were released)
  // Blocks aclFinalize released while pinned (another thread's copy or memset was using them): no
  // longer ACL memory, freed when their last pin goes.
  std::map<uintptr_t, Block> orphans;
};

// The block holding address p (registry locked); end() when none.
std::map<uintptr_t, Block>::iterator holder(Registry& r, uintptr_t p) {
  auto it = r.blocks.upper_bound(p);
  if (it == r.blocks.begin()) return r.blocks.end();
  --it;
  return p < it->first + it->second.reserved ? it : r.blocks.end();
}

Registry& reg() {
  static NoDestructor<Registry> r;
  return *r;
}

aclError allocate(void** out, size_t size, Kind kind) {
  if (size > (SIZE_MAX >> 1))
    return kind == Kind::Device
               ? fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "cannot allocate %zu bytes of device memory", size)
               : fail(ACL_ERROR_BAD_ALLOC, "cannot allocate %zu bytes of host memory", size);
  size_t reserved = align_up(size, kAlign);
  Registry& r = reg();
  {
    std::lock_guard<std::mutex> lock(r.m);
    if (kind == Kind::Device) {
      size_t total = config().device_memory;
      if (reserved > total || r.device_used > total - reserved)
        return fail(ACL_ERROR_RT_MEMORY_ALLOCATION,
                    "out of device memory: %zu bytes requested, %zu of %zu bytes free "
                    "(ACL_HOST_DEVICE_MEMORY_MB sets the arena size)",
                    size, total - r.device_used, total);
      r.device_used += reserved;
    }
  }
  void* raw = reserved <= SIZE_MAX - 2 * kGuard ? std::aligned_alloc(kAlign, reserved + 2 * kGuard) : nullptr;
  void* p = raw ? static_cast<char*>(raw) + kGuard : nullptr;
  if (raw) {
    ACL_HOST_POISON(raw, kGuard);
    ACL_HOST_POISON(static_cast<char*>(p) + reserved, kGuard);
  }
  std::lock_guard<std::mutex> lock(r.m);
  if (!p) {
    if (kind == Kind::Device) {
      r.device_used -= reserved;
      return fail(ACL_ERROR_RT_MEMORY_ALLOCATION, "cannot allocate %zu bytes of device memory", size);
    }
    return fail(ACL_ERROR_BAD_ALLOC, "cannot allocate %zu bytes of host memory", size);
  }
  r.blocks.emplace(reinterpret_cast<uintptr_t>(p),
                   Block{size, reserved, kind, std::unique_ptr<void, FreeDeleter>(raw), r.next_serial++, 0});
  *out = p;
  return ACL_SUCCESS;
}

// Frees ptr if it starts a block of `want` kind (or any kind in relaxed mode).
aclError release(void* ptr, Kind want) {
  Registry& r = reg();
  std::unique_ptr<void, FreeDeleter> doomed;
  {
    std::unique_lock<std::mutex> lock(r.m);
    const uintptr_t key = reinterpret_cast<uintptr_t>(ptr);
    auto it = r.blocks.find(key);
    if (it == r.blocks.end()) {
      if (!strict_mode()) return ACL_SUCCESS;  // relaxed: not ours, leave it alone
      auto up = r.blocks.upper_bound(key);
      if (up != r.blocks.begin()) {
        --up;
        if (key < up->first + up->second.size)
          return fail(ACL_ERROR_RT_PARAM_INVALID,
                      "%p points inside an allocation (base %p), not at its start", ptr,
                      reinterpret_cast<void*>(up->first));
      }
      return fail(ACL_ERROR_RT_PARAM_INVALID,
                  "%p was not allocated by %s or was already freed (double free?)", ptr,
                  want == Kind::Device ? "aclrtMalloc" : "aclrtMallocHost");
    }
    if (it->second.kind != want && strict_mode())
      return fail(ACL_ERROR_RT_INVALID_MEMORY_TYPE, "%p is %s: free it with %s", ptr,
                  kind_name(it->second.kind),
                  it->second.kind == Kind::Device ? "aclrtFree" : "aclrtFreeHost");
    if (it->second.pins > 0) {
      // CANN's aclrtFree frees at once, "without implicit device or stream synchronization:
      // the caller makes sure the memory is no longer accessed" (aclrtFreeWithDevSync is the
      // one that waits). Strict mode reports the caller's bug; relaxed mode waits for the
      // queued work instead of freeing under it.
      if (strict_mode())
        return fail(ACL_ERROR_RT_MEMORY_FREE,
                    "%p is still used by %u task(s) queued on a stream: synchronize the stream before "
                    "freeing it (aclrtFree does not wait; strict mode, ACL_HOST_STRICT=0 waits)",
                    ptr, it->second.pins);
      const uint64_t serial = it->second.serial;
      ++r.unpin_waiters;
      r.unpinned.wait(lock, [&] {
        it = r.blocks.find(key);
        return it == r.blocks.end() || it->second.serial != serial || it->second.pins == 0;
      });
      --r.unpin_waiters;
      if (it == r.blocks.end() || it->second.serial != serial) return ACL_SUCCESS;  // freed meanwhile
    }
    if (it->second.kind == Kind::Device) r.device_used -= it->second.reserved;
    doomed = std::move(it->second.mem);
    r.blocks.erase(it);
  }
  return ACL_SUCCESS;
}

}  // namespace

void Pins::add(const void* ptr, size_t len) {
  if (!ptr || len == 0) return;
  Registry& r = reg();
  const uintptr_t first = reinterpret_cast<uintptr_t>(ptr);
  const uintptr_t last = len - 1 > UINTPTR_MAX - first ? UINTPTR_MAX : first + (len - 1);
  std::lock_guard<std::mutex> lock(r.m);
  auto a = holder(r, first);
  if (a != r.blocks.end()) {
    ++a->second.pins;
    held_.push_back(Held{a->first, a->second.serial});
  }
  auto b = holder(r, last);
  if (b != r.blocks.end() && b != a) {
    ++b->second.pins;
    held_.push_back(Held{b->first, b->second.serial});
  }
}

void Pins::release() {
  if (held_.size() == 0) return;
  Registry& r = reg();
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(r.m);
    for (size_t i = 0; i < held_.size(); ++i) {
      auto it = r.blocks.find(held_[i].base);
      if (it == r.blocks.end() || it->second.serial != held_[i].serial) {
        auto o = r.orphans.find(held_[i].base);
        if (o != r.orphans.end() && o->second.serial == held_[i].serial && --o->second.pins == 0)
          r.orphans.erase(o);
        continue;
      }
      if (it->second.pins == 0) continue;
      if (--it->second.pins == 0 && r.unpin_waiters > 0) wake = true;
    }
    held_.clear();
  }
  if (wake) r.unpinned.notify_all();
}

Where classify(const void* ptr, size_t len) {
  Where w;
  Registry& r = reg();
  const uintptr_t p = reinterpret_cast<uintptr_t>(ptr);
  std::lock_guard<std::mutex> lock(r.m);
  // The first allocation whose guarded span [key - kGuard, key + reserved + kGuard) starts after p.
  auto next = r.blocks.upper_bound(p > UINTPTR_MAX - kGuard ? UINTPTR_MAX : p + kGuard);
  auto set = [&](const std::pair<const uintptr_t, Block>& b) {
    w.kind = b.second.kind;
    w.base = reinterpret_cast<const void*>(b.first);
    w.size = b.second.size;
  };
  if (next != r.blocks.begin()) {
    auto it = std::prev(next);
    if (p < it->first + it->second.reserved + kGuard) {  // p is in this allocation or its guards
      set(*it);
      w.contains = p >= it->first && len <= it->second.size && p - it->first <= it->second.size - len;
      return w;
    }
  }
  // p is in no allocation: the range must not reach into the next one (its guard included).
  if (next != r.blocks.end() && len > next->first - kGuard - p) set(*next);
  return w;
}

void release_all() {
  Registry& r = reg();
  std::map<uintptr_t, Block> doomed;
  {
    std::lock_guard<std::mutex> lock(r.m);
    doomed.swap(r.blocks);
    r.device_used = 0;
    for (auto it = doomed.begin(); it != doomed.end();) {  // in use right now: freed by its last pin
      if (it->second.pins > 0) {
        r.orphans.insert(doomed.extract(it++));
      } else {
        ++it;
      }
    }
  }
  r.unpinned.notify_all();
}

size_t device_used() {
  Registry& r = reg();
  std::lock_guard<std::mutex> lock(r.m);
  return r.device_used;
}

}  // namespace memory

namespace {

bool valid_policy(int policy) {
  unsigned p = static_cast<unsigned>(policy);
  unsigned base = p & 0xFFu;
  unsigned rest = p & ~0xFFu;
  // Huge/normal/P2P variants, optionally with a bandwidth or read-only flag.
  return base <= 7u && (rest & ~(0x100u | 0x1000u | 0x100000u)) == 0;
}

bool valid_kind(int kind) { return kind >= 0 && kind <= 4; }

aclError check_copy_args(void* dst, size_t destMax, const void* src, size_t count, int kind) {
  if (!dst) return fail(ACL_ERROR_INVALID_PARAM, "dst must not be NULL");
  if (!src) return fail(ACL_ERROR_INVALID_PARAM, "src must not be NULL");
  if (!valid_kind(kind)) return fail(ACL_ERROR_INVALID_PARAM, "invalid memcpy kind %d", kind);
  if (count > destMax)
    return fail(ACL_ERROR_RT_PARAM_INVALID, "count (%zu) exceeds destMax (%zu)", count, destMax);
  return ACL_SUCCESS;
}

aclError check_set_args(void* devPtr, size_t maxCount, size_t count) {
  if (!devPtr) return fail(ACL_ERROR_INVALID_PARAM, "devPtr must not be NULL");
  if (count > maxCount)
    return fail(ACL_ERROR_RT_PARAM_INVALID, "count (%zu) exceeds maxCount (%zu)", count, maxCount);
  return ACL_SUCCESS;
}

// aclrtMalloc and aclrtMallocCached.
aclError malloc_device(void** devPtr, size_t size, aclrtMemMallocPolicy policy) {
  if (!devPtr) return fail(ACL_ERROR_INVALID_PARAM, "devPtr must not be NULL");
  if (size == 0) return fail(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  if (!valid_policy(static_cast<int>(policy)))
    return fail(ACL_ERROR_INVALID_PARAM, "invalid memory policy %d", static_cast<int>(policy));
  if (aclError e = require_init()) return e;
  std::shared_ptr<Context> ctx;
  if (aclError e = context::require_current(ctx)) return e;
  return memory::allocate(devPtr, size, memory::Kind::Device);
}

}  // namespace
}  // namespace acl_host

using namespace acl_host;

extern "C" {

aclError aclrtMalloc(void** devPtr, size_t size, aclrtMemMallocPolicy policy) ACL_API_TRY {
  ACL_API();
  return malloc_device(devPtr, size, policy);
} ACL_API_CATCH

aclError aclrtFree(void* devPtr) ACL_API_TRY {
  ACL_API();
  if (!devPtr) return fail(ACL_ERROR_INVALID_PARAM, "devPtr must not be NULL");
  return memory::release(devPtr, memory::Kind::Device);
} ACL_API_CATCH

aclError aclrtMallocHost(void** hostPtr, size_t size) ACL_API_TRY {
  ACL_API();
  if (!hostPtr) return fail(ACL_ERROR_INVALID_PARAM, "hostPtr must not be NULL");
  if (size == 0) return fail(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  if (aclError e = require_init()) return e;
  return memory::allocate(hostPtr, size, memory::Kind::Host);
} ACL_API_CATCH

aclError aclrtFreeHost(void* hostPtr) ACL_API_TRY {
  ACL_API();
  if (!hostPtr) return fail(ACL_ERROR_INVALID_PARAM, "hostPtr must not be NULL");
  return memory::release(hostPtr, memory::Kind::Host);
} ACL_API_CATCH

aclError aclrtMemcpy(void* dst, size_t destMax, const void* src, size_t count, aclrtMemcpyKind kind) ACL_API_TRY {
  ACL_API();
  if (aclError e = check_copy_args(dst, destMax, src, count, static_cast<int>(kind))) return e;
  if (count == 0) return ACL_SUCCESS;
  // Pinned before the check: another thread's aclrtFree of either block now waits (relaxed) or is
  // refused (strict) until the copy is done, so the check stays true while the bytes move.
  memory::Pins pins;
  pins.add(dst, count);
  pins.add(src, count);
  if (aclError e = strict::check_memcpy_by_address(dst, src, count, kind)) return e;
  std::memmove(dst, src, count + acl_async::selftest::overread("host-overread"));
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtMemcpyAsync(void* dst, size_t destMax, const void* src, size_t count, aclrtMemcpyKind kind,
                          aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (aclError e = check_copy_args(dst, destMax, src, count, static_cast<int>(kind))) return e;
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  if (count == 0) return ACL_SUCCESS;
  if (aclError e = strict::check_memcpy(dst, src, count, kind)) return e;
  Task t;
  t.kind = TaskKind::Memcpy;
  t.dst = dst;
  t.src = src;
  t.count = count;
  acl_async::selftest::race("host-race");
  return s->enqueue(std::move(t));
} ACL_API_CATCH

aclError aclrtMemset(void* devPtr, size_t maxCount, int32_t value, size_t count) ACL_API_TRY {
  ACL_API();
  if (aclError e = check_set_args(devPtr, maxCount, count)) return e;
  if (count == 0) return ACL_SUCCESS;
  memory::Pins pins;  // as in aclrtMemcpy: no free between the check and the write
  pins.add(devPtr, count);
  if (aclError e = strict::check_memset(devPtr, count)) return e;
  std::memset(devPtr, value, count);
  return ACL_SUCCESS;
} ACL_API_CATCH

aclError aclrtMemsetAsync(void* devPtr, size_t maxCount, int32_t value, size_t count, aclrtStream stream) ACL_API_TRY {
  ACL_API();
  if (aclError e = check_set_args(devPtr, maxCount, count)) return e;
  std::shared_ptr<Stream> s;
  if (aclError e = stream::resolve(stream, true, s)) return e;
  if (count == 0) return ACL_SUCCESS;
  if (aclError e = strict::check_memset(devPtr, count)) return e;
  Task t;
  t.kind = TaskKind::Memset;
  t.dst = devPtr;
  t.count = count;
  t.value = value;
  return s->enqueue(std::move(t));
} ACL_API_CATCH

aclError aclrtMallocCached(void** devPtr, size_t size, aclrtMemMallocPolicy policy) ACL_API_TRY {
  ACL_API();
  // Host and "device" share one coherent memory: cached memory is plain device memory (freed by aclrtFree).
  return malloc_device(devPtr, size, policy);
} ACL_API_CATCH

aclError aclrtMemFlush(void* devPtr, size_t size) ACL_API_TRY {
  ACL_API();
  if (!devPtr) return fail(ACL_ERROR_INVALID_PARAM, "devPtr must not be NULL");
  if (size == 0) return fail(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  return strict::check_acl_range(devPtr, size, "devPtr");  // coherent memory: nothing to write back
} ACL_API_CATCH

aclError aclrtMemInvalidate(void* devPtr, size_t size) ACL_API_TRY {
  ACL_API();
  if (!devPtr) return fail(ACL_ERROR_INVALID_PARAM, "devPtr must not be NULL");
  if (size == 0) return fail(ACL_ERROR_INVALID_PARAM, "size must be greater than 0");
  return strict::check_acl_range(devPtr, size, "devPtr");  // coherent memory: nothing to drop
} ACL_API_CATCH

aclError aclrtGetMemInfo(aclrtMemAttr attr, size_t* free, size_t* total) ACL_API_TRY {
  ACL_API();
  if (!free || !total) return fail(ACL_ERROR_INVALID_PARAM, "free and total must not be NULL");
  if (static_cast<int>(attr) < 0 || static_cast<int>(attr) > 17)
    return fail(ACL_ERROR_INVALID_PARAM, "invalid memory attribute %d", static_cast<int>(attr));
  if (aclError e = require_init()) return e;
  size_t t = config().device_memory;
  size_t used = memory::device_used();
  *total = t;
  *free = used > t ? 0 : t - used;
  return ACL_SUCCESS;
} ACL_API_CATCH

}  // extern "C"
