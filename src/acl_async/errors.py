"""Exceptions raised by acl_async (pure Python: importable without the extension).

* :class:`AclError` -- an ACL call failed: ``code`` (the ``aclError``), ``function`` (the ACL
  function) and ``message`` (``aclGetRecentErrMsg()``). Families for the common codes:
  :class:`AclParamError` (also a ValueError), :class:`AclMemoryError` (also a MemoryError),
  :class:`AclModelError`, :class:`AclTimeoutError` (also a TimeoutError).
* :class:`ClosedError` -- an object was used after it (or its session) was closed.
* :class:`InputError` -- an input array does not fit the model (dtype, shape, byte size, names).
* :class:`LimitError` -- a request cannot fit a resource limit (device or host memory, threads); raised
  before anything is allocated, naming the limit.

Timeouts of acl_async's own waits (a pool with no free block, ``InferQueue.wait_all``) raise the
built-in :class:`TimeoutError`.
"""

from __future__ import annotations

__all__ = [
    "ERROR_NAMES",
    "AclError",
    "AclMemoryError",
    "AclModelError",
    "AclParamError",
    "AclTimeoutError",
    "ClosedError",
    "InputError",
    "LimitError",
]

#: Symbolic names of the ACL error codes (values as in CANN's headers).
ERROR_NAMES: dict[int, str] = {
    100000: "ACL_ERROR_INVALID_PARAM",
    100001: "ACL_ERROR_UNINITIALIZE",
    100002: "ACL_ERROR_REPEAT_INITIALIZE",
    100003: "ACL_ERROR_INVALID_FILE",
    100004: "ACL_ERROR_WRITE_FILE",
    100005: "ACL_ERROR_INVALID_FILE_SIZE",
    100006: "ACL_ERROR_PARSE_FILE",
    100007: "ACL_ERROR_FILE_MISSING_ATTR",
    100008: "ACL_ERROR_FILE_ATTR_INVALID",
    100011: "ACL_ERROR_INVALID_MODEL_ID",
    100012: "ACL_ERROR_DESERIALIZE_MODEL",
    100013: "ACL_ERROR_PARSE_MODEL",
    100014: "ACL_ERROR_READ_MODEL_FAILURE",
    100015: "ACL_ERROR_MODEL_SIZE_INVALID",
    100016: "ACL_ERROR_MODEL_MISSING_ATTR",
    100017: "ACL_ERROR_MODEL_INPUT_NOT_MATCH",
    100018: "ACL_ERROR_MODEL_OUTPUT_NOT_MATCH",
    100019: "ACL_ERROR_MODEL_NOT_DYNAMIC",
    100026: "ACL_ERROR_UNSUPPORTED_DATA_TYPE",
    100027: "ACL_ERROR_FORMAT_NOT_MATCH",
    100033: "ACL_ERROR_REPEAT_SUBSCRIBE",
    100034: "ACL_ERROR_STREAM_NOT_SUBSCRIBE",
    100035: "ACL_ERROR_THREAD_NOT_SUBSCRIBE",
    100036: "ACL_ERROR_WAIT_CALLBACK_TIMEOUT",
    100037: "ACL_ERROR_REPEAT_FINALIZE",
    107000: "ACL_ERROR_RT_PARAM_INVALID",
    107001: "ACL_ERROR_RT_INVALID_DEVICEID",
    107002: "ACL_ERROR_RT_CONTEXT_NULL",
    107003: "ACL_ERROR_RT_STREAM_CONTEXT",
    107004: "ACL_ERROR_RT_MODEL_CONTEXT",
    107005: "ACL_ERROR_RT_STREAM_MODEL",
    107011: "ACL_ERROR_RT_STREAM_SUBSCRIBE",
    107012: "ACL_ERROR_RT_THREAD_SUBSCRIBE",
    107015: "ACL_ERROR_RT_STREAM_NO_CB_REG",
    107016: "ACL_ERROR_RT_INVALID_MEMORY_TYPE",
    107017: "ACL_ERROR_RT_INVALID_HANDLE",
    200000: "ACL_ERROR_BAD_ALLOC",
    200001: "ACL_ERROR_API_NOT_SUPPORT",
    200002: "ACL_ERROR_INVALID_DEVICE",
    200005: "ACL_ERROR_INVALID_RESOURCE_HANDLE",
    200006: "ACL_ERROR_FEATURE_UNSUPPORTED",
    207000: "ACL_ERROR_RT_FEATURE_NOT_SUPPORT",
    207001: "ACL_ERROR_RT_MEMORY_ALLOCATION",
    207002: "ACL_ERROR_RT_MEMORY_FREE",
    207008: "ACL_ERROR_RT_NO_STREAM_RESOURCE",
    500000: "ACL_ERROR_INTERNAL_ERROR",
    500001: "ACL_ERROR_FAILURE",
    500002: "ACL_ERROR_GE_FAILURE",
    500003: "ACL_ERROR_RT_FAILURE",
    507000: "ACL_ERROR_RT_INTERNAL_ERROR",
    507011: "ACL_ERROR_RT_MODEL_EXECUTE",
    507012: "ACL_ERROR_RT_REPORT_TIMEOUT",
    507046: "ACL_ERROR_RT_STREAM_SYNC_TIMEOUT",
    507047: "ACL_ERROR_RT_EVENT_SYNC_TIMEOUT",
}


class AclError(RuntimeError):
    """An ACL call failed.

    ``code`` is the ``aclError`` value, ``function`` the ACL function that returned it and
    ``message`` what ``aclGetRecentErrMsg()`` said (may be empty). ``AclError.from_code`` picks the
    family subclass for a code; ``except AclError`` catches them all.
    """

    code: int
    function: str
    message: str

    def __init__(self, code: int, function: str = "", message: str = "") -> None:
        super().__init__(code, function, message)
        self.code = int(code)
        self.function = function
        self.message = message

    @property
    def name(self) -> str:
        """The symbolic name of the code, e.g. ``ACL_ERROR_INVALID_PARAM`` (or ``"ACL error <code>"``)."""
        return ERROR_NAMES.get(self.code, f"ACL error {self.code}")

    def __str__(self) -> str:
        """One line: ``<function> failed: <NAME> (<code>): <message>`` (the message's lines joined)."""
        where = f"{self.function} failed" if self.function else "ACL call failed"
        text = f"{where}: {self.name} ({self.code})"
        message = " ".join(line.strip() for line in self.message.splitlines() if line.strip())
        # Runtimes often repeat the function and the code around the message: say each once.
        message = message.removeprefix(f"{self.function}: ") if self.function else message
        message = message.removesuffix(f" (error {self.code})")
        return f"{text}: {message}" if message else text

    @classmethod
    def from_code(cls, code: int, function: str = "", message: str = "") -> AclError:
        """An instance of the family class for ``code`` (AclError itself for the others)."""
        return _family(int(code))(code, function, message)


class AclParamError(AclError, ValueError):
    """Invalid parameter (ACL_ERROR_INVALID_PARAM, ACL_ERROR_RT_PARAM_INVALID, invalid device, ...)."""


class AclMemoryError(AclError, MemoryError):
    """Allocation failures (ACL_ERROR_BAD_ALLOC, ACL_ERROR_RT_MEMORY_ALLOCATION, ...)."""


class AclModelError(AclError):
    """A model file or model execution failed (invalid file, parse error, input/output mismatch, ...)."""


class AclTimeoutError(AclError, TimeoutError):
    """An ACL wait expired (stream/event synchronize, report processing, callback wait)."""


class ClosedError(RuntimeError, ValueError):
    """An object was used after it, or the session it belongs to, was closed.

    Both a RuntimeError (a state error) and a ValueError (like I/O on a closed file).
    """


class InputError(ValueError, TypeError):
    """An input does not fit the model: wrong dtype, shape or byte size, unknown or missing name.

    Both a ValueError and a TypeError (a wrong dtype is a type error to some callers).
    """


class LimitError(ValueError):
    """A request cannot fit a resource limit: a memory pool larger than the free device memory (as
    ``aclrtGetMemInfo`` reports it) or the available host memory, more jobs than threads the process can
    start. Raised at once, before anything is allocated; the message names the limit."""


_PARAM = {100000, 107000, 107001, 200002, 100026, 100027}
_MEMORY = {200000, 207001, 207002, 107016}
_MODEL = {
    100003,
    100005,
    100006,
    100007,
    100008,
    100011,
    100012,
    100013,
    100014,
    100015,
    100016,
    100017,
    100018,
    100019,
    507011,
}
_TIMEOUT = {100036, 507012, 507046, 507047}


def _family(code: int) -> type[AclError]:
    if code in _TIMEOUT:
        return AclTimeoutError
    if code in _PARAM:
        return AclParamError
    if code in _MEMORY:
        return AclMemoryError
    if code in _MODEL:
        return AclModelError
    return AclError
