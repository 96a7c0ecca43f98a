#include "errors.h"

#include <utility>

namespace acl_async {

namespace {

std::string describe(aclError code, const std::string& function, const std::string& message) {
  std::string text = function + " failed with ACL error " + std::to_string(code);
  if (!message.empty()) text += ": " + message;
  return text;
}

}  // namespace

AclFailure::AclFailure(aclError code, std::string function, std::string message)
    : std::runtime_error(describe(code, function, message)),
      code_(code),
      function_(std::move(function)),
      message_(std::move(message)) {}

void raise_acl(aclError code, const char* function) {
  const char* recent = aclGetRecentErrMsg();
  std::string message = recent != nullptr ? recent : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw AclFailure(code, function, std::move(message));
}

}  // namespace acl_async
