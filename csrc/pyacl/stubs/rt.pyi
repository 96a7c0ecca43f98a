"""Type stub of `acl.rt`."""

from collections.abc import Callable
from typing import Any

def create_context(device_id: int) -> tuple[int, int]:
    """context, ret = acl.rt.create_context(device_id)"""

def create_event() -> tuple[int, int]:
    """event, ret = acl.rt.create_event()"""

def create_event_ex_with_flag(flag: int) -> tuple[int, int]:
    """event, ret = acl.rt.create_event_ex_with_flag(flag)"""

def create_event_with_flag(flag: int) -> tuple[int, int]:
    """event, ret = acl.rt.create_event_with_flag(flag)"""

def create_stream() -> tuple[int, int]:
    """stream, ret = acl.rt.create_stream()"""

def create_stream_with_config(priority: int, flag: int) -> tuple[int, int]:
    """stream, ret = acl.rt.create_stream_with_config(priority, flag)"""

def destroy_context(context: int) -> int:
    """ret = acl.rt.destroy_context(context)"""

def destroy_event(event: int) -> int:
    """ret = acl.rt.destroy_event(event)"""

def destroy_stream(stream: int) -> int:
    """ret = acl.rt.destroy_stream(stream)"""

def destroy_stream_force(stream: int) -> int:
    """ret = acl.rt.destroy_stream_force(stream)"""

def device_can_access_peer(device_id: int, peer_device_id: int) -> tuple[int, int]:
    """can_access_peer, ret = acl.rt.device_can_access_peer(device_id, peer_device_id)"""

def event_elapsed_time(start: int, end: int) -> tuple[float, int]:
    """ms, ret = acl.rt.event_elapsed_time(start, end)"""

def event_get_timestamp(event: int) -> tuple[int, int]:
    """timestamp, ret = acl.rt.event_get_timestamp(event)"""

def free(dev_ptr: int) -> int:
    """ret = acl.rt.free(dev_ptr)"""

def free_host(host_ptr: int) -> int:
    """ret = acl.rt.free_host(host_ptr)"""

def get_context() -> tuple[int, int]:
    """context, ret = acl.rt.get_context(): aclrtGetCurrentContext"""

def get_device() -> tuple[int, int]:
    """device_id, ret = acl.rt.get_device()"""

def get_device_count() -> tuple[int, int]:
    """count, ret = acl.rt.get_device_count()"""

def get_device_id_from_exception_info(info: int) -> int:
    """value = acl.rt.get_device_id_from_exception_info(info)"""

def get_device_utilization_rate(device_id: int) -> tuple[dict[str, int], int]:
    """utilization_info, ret = acl.rt.get_device_utilization_rate(device_id)"""

def get_error_code_from_exception_info(info: int) -> int:
    """value = acl.rt.get_error_code_from_exception_info(info)"""

def get_last_error(level: int) -> int:
    """ret = acl.rt.get_last_error(level): the thread's last error code, then cleared"""

def get_mem_info(attr: int) -> tuple[int, int, int]:
    """free, total, ret = acl.rt.get_mem_info(attr)"""

def get_run_mode() -> tuple[int, int]:
    """run_mode, ret = acl.rt.get_run_mode(): 0 ACL_DEVICE, 1 ACL_HOST"""

def get_stream_id_from_exception_info(info: int) -> int:
    """value = acl.rt.get_stream_id_from_exception_info(info)"""

def get_task_id_from_exception_info(info: int) -> int:
    """value = acl.rt.get_task_id_from_exception_info(info)"""

def get_thread_id_from_exception_info(info: int) -> int:
    """value = acl.rt.get_thread_id_from_exception_info(info)"""

def launch_callback(fn: Callable[[Any], object], user_data: Any, block_type: int, stream: int) -> int: ...
def malloc(size: int, policy: int) -> tuple[int, int]:
    """dev_ptr, ret = acl.rt.malloc(size, policy)"""

def malloc_cached(size: int, policy: int) -> tuple[int, int]:
    """dev_ptr, ret = acl.rt.malloc_cached(size, policy)"""

def malloc_host(size: int) -> tuple[int, int]:
    """host_ptr, ret = acl.rt.malloc_host(size)"""

def mem_flush(dev_ptr: int, size: int) -> int:
    """ret = acl.rt.mem_flush(dev_ptr, size)"""

def mem_invalidate(dev_ptr: int, size: int) -> int:
    """ret = acl.rt.mem_invalidate(dev_ptr, size)"""

def memcpy(dst: int, dest_max: int, src: int, count: int, kind: int) -> int:
    """ret = acl.rt.memcpy(dst, dest_max, src, count, kind)"""

def memcpy2d(dst: int, dpitch: int, src: int, spitch: int, width: int, height: int, kind: int) -> int:
    """ret = acl.rt.memcpy_2d(dst, dpitch, src, spitch, width, height, kind)"""

def memcpy2d_async(
    dst: int, dpitch: int, src: int, spitch: int, width: int, height: int, kind: int, stream: int
) -> int:
    """ret = acl.rt.memcpy_2d_async(dst, dpitch, src, spitch, width, height, kind, stream)"""

def memcpy_2d(dst: int, dpitch: int, src: int, spitch: int, width: int, height: int, kind: int) -> int:
    """ret = acl.rt.memcpy_2d(dst, dpitch, src, spitch, width, height, kind)"""

def memcpy_2d_async(
    dst: int, dpitch: int, src: int, spitch: int, width: int, height: int, kind: int, stream: int
) -> int:
    """ret = acl.rt.memcpy_2d_async(dst, dpitch, src, spitch, width, height, kind, stream)"""

def memcpy_async(dst: int, dest_max: int, src: int, count: int, kind: int, stream: int) -> int:
    """ret = acl.rt.memcpy_async(dst, dest_max, src, count, kind, stream)"""

def memset(dev_ptr: int, max_count: int, value: int, count: int) -> int:
    """ret = acl.rt.memset(dev_ptr, max_count, value, count)"""

def memset_async(dev_ptr: int, max_count: int, value: int, count: int, stream: int) -> int:
    """ret = acl.rt.memset_async(dev_ptr, max_count, value, count, stream)"""

def peek_at_last_error(level: int) -> int:
    """ret = acl.rt.peek_at_last_error(level)"""

def process_report(timeout: int) -> int: ...
def query_event(event: int) -> tuple[int, int]:
    """status, ret = acl.rt.query_event(event): 0 complete, 1 not ready"""

def query_event_status(event: int) -> tuple[int, int]:
    """status, ret = acl.rt.query_event_status(event): 1 complete, 0 not ready"""

def query_event_wait_status(event: int) -> tuple[int, int]:
    """status, ret = acl.rt.query_event_wait_status(event)"""

def record_event(event: int, stream: int) -> int:
    """ret = acl.rt.record_event(event, stream)"""

def reset_device(device_id: int) -> int:
    """ret = acl.rt.reset_device(device_id)"""

def reset_device_force(device_id: int) -> int:
    """ret = acl.rt.reset_device_force(device_id)"""

def reset_event(event: int, stream: int) -> int:
    """ret = acl.rt.reset_event(event, stream)"""

def set_context(context: int) -> int:
    """ret = acl.rt.set_context(context): aclrtSetCurrentContext"""

def set_device(device_id: int) -> int:
    """ret = acl.rt.set_device(device_id)"""

def set_exception_info_callback(callback: Callable[[int], object] | None) -> int:
    """ret = acl.rt.set_exception_info_callback(callback): callback(exception_info) on task failures"""

def set_op_wait_timeout(timeout: int) -> int:
    """ret = acl.rt.set_op_wait_timeout(timeout)"""

def stream_get_flags(stream: int) -> tuple[int, int]:
    """flags, ret = acl.rt.stream_get_flags(stream)"""

def stream_get_id(stream: int) -> tuple[int, int]:
    """stream_id, ret = acl.rt.stream_get_id(stream)"""

def stream_get_priority(stream: int) -> tuple[int, int]:
    """priority, ret = acl.rt.stream_get_priority(stream)"""

def stream_query(stream: int) -> tuple[int, int]:
    """status, ret = acl.rt.stream_query(stream): 0 complete, 1 not ready"""

def stream_wait_event(stream: int, event: int) -> int:
    """ret = acl.rt.stream_wait_event(stream, event)"""

def subscribe_report(thread_id: int, stream: int) -> int:
    """ret = acl.rt.subscribe_report(thread_id, stream): thread_id from acl.util.start_thread"""

def synchronize_device() -> int:
    """ret = acl.rt.synchronize_device()"""

def synchronize_device_with_timeout(timeout: int) -> int:
    """ret = acl.rt.synchronize_device_with_timeout(timeout)"""

def synchronize_event(event: int) -> int:
    """ret = acl.rt.synchronize_event(event)"""

def synchronize_event_with_timeout(event: int, timeout: int) -> int:
    """ret = acl.rt.synchronize_event_with_timeout(event, timeout)"""

def synchronize_stream(stream: int) -> int:
    """ret = acl.rt.synchronize_stream(stream)"""

def synchronize_stream_with_timeout(stream: int, timeout: int) -> int:
    """ret = acl.rt.synchronize_stream_with_timeout(stream, timeout): timeout in ms, -1 forever"""

def unsubscribe_report(thread_id: int, stream: int) -> int: ...
