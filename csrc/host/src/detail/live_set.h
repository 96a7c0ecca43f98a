// The live handles of one kind (contexts, events, models): handle -> owner.
// Entry points look handles up here, so a NULL, stale or foreign handle is an
// ACL error instead of a dangling pointer; release_all() empties it at aclFinalize.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace acl_host {

template <typename Key, typename T>
class LiveSet {
 public:
  using Map = std::unordered_map<Key, std::shared_ptr<T>>;

  void add(Key key, std::shared_ptr<T> value) {
    std::lock_guard<std::mutex> lock(m_);
    live_.emplace(key, std::move(value));
  }
  // The owner of `key`, or nullptr.
  std::shared_ptr<T> find(Key key) const {
    std::lock_guard<std::mutex> lock(m_);
    auto it = live_.find(key);
    return it == live_.end() ? nullptr : it->second;
  }
  // Removes `key`; returns its owner, or nullptr when it was not live.
  std::shared_ptr<T> take(Key key) {
    std::lock_guard<std::mutex> lock(m_);
    auto it = live_.find(key);
    if (it == live_.end()) return nullptr;
    std::shared_ptr<T> value = std::move(it->second);
    live_.erase(it);
    return value;
  }
  // Empties the set; the caller releases the owners outside the lock.
  Map take_all() {
    Map all;
    std::lock_guard<std::mutex> lock(m_);
    all.swap(live_);
    return all;
  }
  std::vector<std::shared_ptr<T>> snapshot() const {
    std::lock_guard<std::mutex> lock(m_);
    std::vector<std::shared_ptr<T>> v;
    v.reserve(live_.size());
    for (const auto& kv : live_) v.push_back(kv.second);
    return v;
  }

 private:
  mutable std::mutex m_;
  Map live_;
};

}  // namespace acl_host
