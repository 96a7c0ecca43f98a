// Small building blocks shared by the host runtime: a never-destroyed
// singleton holder, a ring-buffer FIFO and a small vector with inline storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace acl_host {

// State renewed in the child of fork(): the parent's threads do not exist
// there and its mutexes may be held by them, so the child starts over with
// fresh, empty registries (the parent's are abandoned, never destroyed).
class ForkRenewable {
 public:
  virtual void renew_in_fork_child() = 0;
  ForkRenewable* next_renewable = nullptr;

 protected:
  ~ForkRenewable() = default;
};
// Adds r to the objects renewed in a fork child (init.cpp; thread-safe).
void enlist_for_fork(ForkRenewable* r);
// Keeps a copy of an abandoned object's bytes reachable (leak checkers then see what it
// owned as still referenced, not leaked).
void keep_abandoned(const void* bytes, size_t size);

// Holds a T constructed on first use and never destroyed: registries must
// outlive every thread that may still touch them at process exit. Unless
// kForkFresh is false, a fork child gets a fresh default-constructed T.
template <typename T, bool kForkFresh = true>
class NoDestructor : public ForkRenewable {
 public:
  template <typename... Args>
  explicit NoDestructor(Args&&... args) {
    ::new (static_cast<void*>(storage_)) T(std::forward<Args>(args)...);
    if (kForkFresh) enlist_for_fork(this);
  }
  void renew_in_fork_child() override {
    if constexpr (kForkFresh) {
      keep_abandoned(storage_, sizeof(T));
      ::new (static_cast<void*>(storage_)) T();  // the parent's T is abandoned, never destroyed
    }
  }
  NoDestructor(const NoDestructor&) = delete;
  NoDestructor& operator=(const NoDestructor&) = delete;
  T& get() { return *std::launder(reinterpret_cast<T*>(storage_)); }
  T* operator->() { return &get(); }
  T& operator*() { return get(); }

 private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

// FIFO over a power-of-two ring: no allocation per push once grown.
template <typename T>
class RingQueue {
 public:
  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }
  void push(T&& v) {
    if (size_ == buf_.size()) grow();
    buf_[(head_ + size_) & (buf_.size() - 1)] = std::move(v);
    ++size_;
  }
  T& front() { return buf_[head_]; }
  T& at(size_t i) { return buf_[(head_ + i) & (buf_.size() - 1)]; }  // i < size(); 0 is the front
  void pop() {
    buf_[head_] = T();
    head_ = (head_ + 1) & (buf_.size() - 1);
    --size_;
  }
  void clear() {
    while (!empty()) pop();
  }

 private:
  void grow() {
    std::vector<T> next(buf_.empty() ? 16 : buf_.size() * 2);
    for (size_t i = 0; i < size_; ++i) next[i] = std::move(buf_[(head_ + i) & (buf_.size() - 1)]);
    buf_.swap(next);
    head_ = 0;
  }
  std::vector<T> buf_;
  size_t head_ = 0;
  size_t size_ = 0;
};

// Vector with N elements of inline storage (T trivially copyable).
template <typename T, size_t N>
class SmallVec {
  static_assert(std::is_trivially_copyable<T>::value, "SmallVec holds trivially copyable values");

 public:
  SmallVec() = default;
  void push_back(const T& v) {
    if (!heap_.empty()) {
      heap_.push_back(v);
    } else if (size_ < N) {
      inline_[size_] = v;
    } else {
      heap_.assign(inline_, inline_ + N);
      heap_.push_back(v);
    }
    ++size_;
  }
  void clear() {
    size_ = 0;
    heap_.clear();
  }
  size_t size() const { return size_; }
  const T* data() const { return heap_.empty() ? inline_ : heap_.data(); }
  const T& operator[](size_t i) const { return data()[i]; }

 private:
  T inline_[N];
  std::vector<T> heap_;
  size_t size_ = 0;
};

inline size_t align_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

}  // namespace acl_host
