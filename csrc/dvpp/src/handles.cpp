// The registry of live DVPP description handles (see handles.h).
#include "handles.h"

#include <new>
#include <unordered_map>

namespace acl_dvpp {
namespace handles {
namespace {

struct Entry {
  Kind kind;
  std::shared_ptr<void> owner;
  const void* parent;
};

struct Registry {
  std::recursive_mutex m;
  std::unordered_map<const void*, Entry> live;
};

Registry& reg() {
  static Registry* r = new Registry();  // never destroyed: handles may be used until exit
  return *r;
}

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Channel:
      return "acldvppChannelDesc";
    case Kind::Pic:
      return "acldvppPicDesc";
    case Kind::BatchPic:
      return "acldvppBatchPicDesc";
    case Kind::Roi:
      return "acldvppRoiConfig";
    case Kind::Resize:
      return "acldvppResizeConfig";
    case Kind::Jpege:
      return "acldvppJpegeConfig";
    case Kind::Border:
      return "acldvppBorderConfig";
    case Kind::Stream:
      return "acldvppStreamDesc";
    case Kind::VdecChannel:
      return "aclvdecChannelDesc";
    case Kind::VdecFrame:
      return "aclvdecFrameConfig";
    case Kind::VencChannel:
      return "aclvencChannelDesc";
    case Kind::VencFrame:
      return "aclvencFrameConfig";
  }
  return "DVPP handle";
}

// The entry of h when it is a live handle of `kind`, else NULL with a message.
Entry* lookup(const char* api, const void* h, Kind kind, const char* what) {
  if (!h) {
    fail(api, ACL_ERROR_INVALID_PARAM, "%s must not be NULL", what);
    return nullptr;
  }
  auto it = reg().live.find(h);
  if (it == reg().live.end()) {
    fail(api, ACL_ERROR_INVALID_PARAM, "%s %p is not a live %s (destroyed or never created)", what, h,
         kind_name(kind));
    return nullptr;
  }
  if (it->second.kind != kind) {
    fail(api, ACL_ERROR_INVALID_PARAM, "%s %p is an %s, not an %s", what, h, kind_name(it->second.kind),
         kind_name(kind));
    return nullptr;
  }
  return &it->second;
}

}  // namespace

std::recursive_mutex& mutex() { return reg().m; }

void* add(const char* api, Kind kind, void* obj, std::shared_ptr<void> owner, const void* parent) {
  try {
    reg().live[obj] = Entry{kind, std::move(owner), parent};
  } catch (const std::bad_alloc&) {
    note(api, "out of memory");
    return nullptr;
  }
  return obj;
}

void* find(const char* api, const void* h, Kind kind, const char* what) {
  Entry* e = lookup(api, h, kind, what);
  return e ? const_cast<void*>(h) : nullptr;
}

std::shared_ptr<void> remove(const char* api, const void* h, Kind kind, const char* what) {
  Entry* e = lookup(api, h, kind, what);
  if (!e) return nullptr;
  if (e->parent) {
    fail(api, ACL_ERROR_INVALID_PARAM,
         "%s %p belongs to the acldvppBatchPicDesc %p (acldvppGetPicDesc): acldvppDestroyBatchPicDesc "
         "destroys it",
         what, h, e->parent);
    return nullptr;
  }
  std::shared_ptr<void> owner = std::move(e->owner);
  reg().live.erase(h);
  if (kind == Kind::BatchPic) {
    for (auto it = reg().live.begin(); it != reg().live.end();) {
      if (it->second.parent == h)
        it = reg().live.erase(it);
      else
        ++it;
    }
  }
  return owner;
}

void forget(const void* h) { reg().live.erase(h); }

std::shared_ptr<void> share(const void* h) {
  auto it = reg().live.find(h);
  return it == reg().live.end() ? nullptr : it->second.owner;
}

}  // namespace handles
}  // namespace acl_dvpp
