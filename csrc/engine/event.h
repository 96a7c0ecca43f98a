// Event: aclrtCreateEvent / aclrtDestroyEvent, record, query, synchronize, timing.
#pragma once

#include <memory>

#include "acl/acl.h"
#include "context.h"
#include "resource.h"

namespace acl_async {

class Stream;

class Event : public Resource {
  struct Key {
    explicit Key() = default;
  };

 public:
  Event(Key, std::shared_ptr<Context> context, aclrtEvent handle) noexcept
      : Resource("Event"), context_(std::move(context)), handle_(handle) {}
  ~Event() override { close_from_destructor(); }
  static std::shared_ptr<Event> create(std::shared_ptr<Context> context);

  aclrtEvent handle() const;
  const std::shared_ptr<Context>& context() const noexcept { return context_; }
  void record(Stream& stream);
  bool query();
  void synchronize();
  float elapsed_ms(Event& end);

 protected:
  void release() noexcept override;

 private:
  std::shared_ptr<Context> context_;
  aclrtEvent handle_;
};

}  // namespace acl_async
