// The environment settings of acl-async, read by one set of rules for the host runtime and both
// binding modules. Plain C++ (no Python): linked into libascendcl too.
#pragma once

#include <string>

namespace acl_async::env {

// The variable's value, upper-cased ("" when unset).
std::string upper(const char* name);
// The variable as a decimal integer in [lo, hi]; `fallback` when unset, empty, malformed or out of range.
long integer(const char* name, long fallback, long lo, long hi);
// A switch that is on unless the variable is 0, OFF, FALSE or NO (any case); on when unset.
bool on_unless_off(const char* name);
// ACL_HOST_STRICT: strict mode is the default; 0/OFF/FALSE/NO relaxes it.
bool host_strict();

}  // namespace acl_async::env
