// The live description handles of libacl_dvpp, as libascendcl keeps its own (aclmdlDesc,
// aclDataBuffer, aclTensorDesc: csrc/host/src): every handle acl_dvpp.h creates is registered
// with its kind at create and removed at destroy, and every entry point looks its handles up
// here, so a NULL, destroyed, foreign or wrong-kind pointer (an int from pyACL) is an
// ACL_ERROR_INVALID_PARAM with a message naming the argument, never a dereference.
// One lock guards the registry and the contents of every description (a setter racing a
// queued operation's snapshot reads no torn values). A task that writes a description later
// (JPEGD/PNGD fill their output's size fields) holds a reference (share), so a description
// destroyed meanwhile stays allocated until the task has run; it is no longer reachable.
#pragma once

#include <memory>
#include <mutex>

#include "common.h"

namespace acl_dvpp {

enum class Kind { Channel, Pic, BatchPic, Roi, Resize, Jpege, Border, Stream, VdecChannel, VdecFrame, VencChannel, VencFrame };

template <typename T>
struct KindOf;
template <>
struct KindOf<acldvppChannelDesc> {
  static constexpr Kind value = Kind::Channel;
};
template <>
struct KindOf<acldvppPicDesc> {
  static constexpr Kind value = Kind::Pic;
};
template <>
struct KindOf<acldvppBatchPicDesc> {
  static constexpr Kind value = Kind::BatchPic;
};
template <>
struct KindOf<acldvppRoiConfig> {
  static constexpr Kind value = Kind::Roi;
};
template <>
struct KindOf<acldvppResizeConfig> {
  static constexpr Kind value = Kind::Resize;
};
template <>
struct KindOf<acldvppJpegeConfig> {
  static constexpr Kind value = Kind::Jpege;
};
template <>
struct KindOf<acldvppBorderConfig> {
  static constexpr Kind value = Kind::Border;
};
template <>
struct KindOf<acldvppStreamDesc> {
  static constexpr Kind value = Kind::Stream;
};

template <>
struct KindOf<aclvdecChannelDesc> {
  static constexpr Kind value = Kind::VdecChannel;
};
template <>
struct KindOf<aclvdecFrameConfig> {
  static constexpr Kind value = Kind::VdecFrame;
};
template <>
struct KindOf<aclvencChannelDesc> {
  static constexpr Kind value = Kind::VencChannel;
};
template <>
struct KindOf<aclvencFrameConfig> {
  static constexpr Kind value = Kind::VencFrame;
};

namespace handles {

// The lock of the registry and of every description's contents (recursive: an entry point may
// call another one).
std::recursive_mutex& mutex();

// Registers `obj` (owned by `owner`, which keeps it alive); `parent`: the batch owning it (a
// picture of a batch: destroyed with the batch only). Returns obj, or NULL (note left) when
// out of memory.
void* add(const char* api, Kind kind, void* obj, std::shared_ptr<void> owner, const void* parent = nullptr);
// Looks `h` up (lock held): its object, or NULL after recording why (`what` names the argument).
void* find(const char* api, const void* h, Kind kind, const char* what);
// Unregisters `h` and (for a batch) its pictures; returns the owner to release outside the
// lock, or NULL after recording why.
std::shared_ptr<void> remove(const char* api, const void* h, Kind kind, const char* what);
// Unregisters `h` if registered (undoing a partial create).
void forget(const void* h);
// A reference keeping the live object `h` allocated (lock held; h found just before).
std::shared_ptr<void> share(const void* h);

}  // namespace handles

template <typename T>
T* create(const char* api, std::shared_ptr<T> obj) {
  if (!obj) {
    note(api, "out of memory");
    return nullptr;
  }
  T* raw = obj.get();
  std::lock_guard<std::recursive_mutex> lock(handles::mutex());
  return static_cast<T*>(handles::add(api, KindOf<T>::value, raw, std::move(obj)));
}

template <typename T>
aclError destroy(const char* api, const T* h, const char* what) {
  std::shared_ptr<void> doomed;
  {
    std::lock_guard<std::recursive_mutex> lock(handles::mutex());
    doomed = handles::remove(api, h, KindOf<T>::value, what);
  }
  return doomed ? ACL_SUCCESS : ACL_ERROR_INVALID_PARAM;
}

// An entry point's hold on the handles: the lock, and lookups that record the first error.
class Access {
 public:
  explicit Access(const char* api) : api_(api), lock_(handles::mutex()) {}
  // The live object `h`, or NULL (error() says why; a getter returns 0).
  template <typename T>
  T* get(const T* h, const char* what) {
    if (err_) return nullptr;
    void* p = handles::find(api_, h, KindOf<T>::value, what);
    if (!p) err_ = ACL_ERROR_INVALID_PARAM;
    return static_cast<T*>(p);
  }
  // NULL is allowed (an optional argument); anything else must be live.
  template <typename T>
  bool optional(const T* h, const char* what, T*& out) {
    out = nullptr;
    if (!h) return err_ == ACL_SUCCESS;
    out = get(h, what);
    return out != nullptr;
  }
  template <typename T>
  std::shared_ptr<T> share(T* live) {
    return std::shared_ptr<T>(handles::share(live), live);
  }
  aclError error() const { return err_; }
  const char* api() const { return api_; }
  void unlock() { lock_.unlock(); }

 private:
  const char* api_;
  std::unique_lock<std::recursive_mutex> lock_;
  aclError err_ = ACL_SUCCESS;
};

}  // namespace acl_dvpp
