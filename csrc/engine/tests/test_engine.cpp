// The engine's own tests (C++17, no Python): back-pressure of the memory pool and the infer queue,
// callback order on streams, wait_all, and teardown with work in flight. Synchronised with gates
// (csrc/host/tests/gate.h), never with sleeps; each case is one CTest test (engine.<case>).
//
// usage: test_engine <case>|all|--list <data dir>
#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "acl_check.h"
#include "context.h"
#include "device.h"
#include "errors.h"
#include "gate.h"
#include "infer_queue_core.h"
#include "memory_pool.h"
#include "model.h"
#include "report_thread.h"
#include "result_queue.h"
#include "runtime.h"
#include "stream.h"

using namespace acl_async;

namespace {

// Throws `E`: true when `f()` threw exactly that type.
template <class E, class F>
bool throws(F f) {
  try {
    f();
  } catch (const E&) {
    return true;
  } catch (...) {
    return false;
  }
  return false;
}

struct Env {
  std::shared_ptr<Runtime> runtime = Runtime::create(std::nullopt);
  std::shared_ptr<Device> device = Device::create(0, runtime);
  std::shared_ptr<Context> context = Context::create(device);
  ~Env() {
    context->close();
    device->close();
    runtime->close();
  }
};

// A layout of one float input and one float output of `floats` elements (no model needed).
std::shared_ptr<const Layout> small_layout(size_t floats) {
  auto layout = std::make_shared<Layout>();
  TensorDesc in;
  in.name = "x";
  in.dims = {static_cast<int64_t>(floats)};
  in.dtype = ACL_FLOAT;
  in.format = ACL_FORMAT_ND;
  in.size = floats * sizeof(float);
  TensorDesc out = in;
  out.name = "y";
  layout->inputs.push_back(in);
  layout->outputs.push_back(out);
  return layout;
}

// A C callback that records its index (in run order) and then waits for `gate` if set.
struct Recorder {
  std::mutex mu;
  std::vector<int> order;
  Gate ran;
  Gate* hold = nullptr;  // the first callback waits until this gate reaches 1
  Recorder() { gate_init(&ran); }
  ~Recorder() { gate_destroy(&ran); }
};

struct Call {
  Recorder* recorder;
  int index;
};

void record(void* data) {
  std::unique_ptr<Call> call(static_cast<Call*>(data));
  Recorder* r = call->recorder;
  if (call->index == 0 && r->hold != nullptr) gate_wait(r->hold, 1);
  {
    std::lock_guard<std::mutex> lock(r->mu);
    r->order.push_back(call->index);
  }
  gate_add(&r->ran, 1);
}

// A held first callback is a BLOCK one: the stream (and the callbacks behind it) waits for it, so
// teardown finds work still queued on the stream, not only in the report thread's queue.
void launch(ReportThread& thread, Recorder& r, int index, const std::shared_ptr<Stream>& stream) {
  auto call = std::make_unique<Call>(Call{&r, index});
  thread.launch_native(record, call.get(), stream, /*block=*/index == 0 && r.hold != nullptr);
  call.release();  // owned by the queued callback
}

// ------------------------------------------------------------------------- back-pressure

// An exhausted pool: acquire() without a timeout waits until a block comes back; a bounded
// acquire() fails with WaitTimeout; try_acquire() returns nothing.
void case_pool_backpressure(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(16), 2);
  CHECK(pool->size() == 2 && pool->available() == 2);
  auto a = pool->acquire(std::nullopt);
  auto b = pool->acquire(std::nullopt);
  CHECK(a && b && a != b && pool->available() == 0);
  CHECK(pool->try_acquire() == nullptr);
  CHECK(throws<WaitTimeout>([&] { pool->acquire(0.01); }));

  Gate started, acquired;
  gate_init(&started);
  gate_init(&acquired);
  std::shared_ptr<Block> c;
  std::thread waiter([&] {
    gate_add(&started, 1);
    c = pool->acquire(std::nullopt);  // blocks: no block is free
    gate_add(&acquired, 1);
  });
  CHECK(gate_wait(&started, 1));
  CHECK(gate_count(&acquired) == 0);  // nothing was given back: it cannot have a block
  size_t index = b->index();
  pool->give_back(*b);
  CHECK(gate_wait(&acquired, 1));  // the release woke it
  waiter.join();
  CHECK(c == b && c->index() == index && c->in_use() && pool->available() == 0);  // the block released
  pool->give_back(*a);
  pool->give_back(*c);
  CHECK(pool->available() == 2);
  CHECK(throws<std::invalid_argument>([&] { pool->give_back(*c); }));  // already released
  gate_destroy(&started);
  gate_destroy(&acquired);
}

// Closing the pool wakes a waiting acquire() with ClosedError (no hang).
void case_pool_close_wakes_waiter(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(4), 1);
  auto a = pool->acquire(std::nullopt);
  Gate started, done;
  gate_init(&started);
  gate_init(&done);
  bool closed_error = false;
  std::thread waiter([&] {
    gate_add(&started, 1);
    closed_error = throws<ClosedError>([&] { pool->acquire(std::nullopt); });
    gate_add(&done, 1);
  });
  CHECK(gate_wait(&started, 1));
  pool->close();
  CHECK(gate_wait(&done, 1));
  waiter.join();
  CHECK(closed_error);
  gate_destroy(&started);
  gate_destroy(&done);
}

// ------------------------------------------------------------------------- ordering

// Callbacks run in launch order on each stream; synchronize() returns after all of them ran.
void case_callback_order(void) {
  Env env;
  auto thread = ReportThread::create(env.context, 10);
  auto s1 = Stream::create(env.context);
  auto s2 = Stream::create(env.context);
  Recorder r1, r2;
  const int n = 200;
  for (int i = 0; i < n; ++i) {
    launch(*thread, r1, i, s1);
    launch(*thread, r2, i, s2);
  }
  s1->synchronize(std::nullopt);
  s2->synchronize(std::nullopt);
  std::vector<int> expected(n);
  for (int i = 0; i < n; ++i) expected[i] = i;
  CHECK(r1.order == expected);
  CHECK(r2.order == expected);
  CHECK(thread->streams().size() == 2);
}

// Blocks of a pool given back from callbacks come back in the order their work completed:
// with one block, each acquire() gets it after the previous callback released it.
void case_pool_release_in_callback_order(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(4), 1);
  auto thread = ReportThread::create(env.context, 10);
  auto stream = Stream::create(env.context);
  struct Release {
    MemoryPool* pool;
    std::shared_ptr<Block> block;
    std::vector<int>* order;
    int index;
  };
  std::vector<int> order;
  const int n = 50;
  for (int i = 0; i < n; ++i) {
    auto block = pool->acquire(std::nullopt);  // waits for the previous callback's release
    auto rel = std::make_unique<Release>(Release{pool.get(), block, &order, i});
    thread->launch_native(
        [](void* data) {
          std::unique_ptr<Release> r(static_cast<Release*>(data));
          r->order->push_back(r->index);  // one block: callbacks never overlap
          r->pool->give_back_quietly(*r->block);
        },
        rel.get(), stream, false);
    rel.release();
  }
  stream->synchronize(std::nullopt);
  CHECK(static_cast<int>(order.size()) == n);
  CHECK(std::is_sorted(order.begin(), order.end()));
  CHECK(pool->available() == 1);
}

struct IndexTag final : ResultTag {
  explicit IndexTag(int i) : index(i) {}
  int index;
};

// Results come out of a ResultQueue in submission order on a stream (one stream, FIFO), each
// block goes back to its pool once collected (copy mode), and a block's outputs are what it held.
void case_results_in_submission_order(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(4), 3);
  auto thread = ReportThread::create(env.context, 10);
  auto stream = Stream::create(env.context);
  auto queue = ResultQueue::create(thread, {}, /*zero_copy=*/false);
  const int n = 60;
  for (int i = 0; i < n; ++i) {
    auto block = pool->acquire(std::nullopt);  // back-pressure: 3 blocks for 60 results
    auto out = block->output_host(0);
    std::fill_n(static_cast<float*>(out->data()), 4, static_cast<float>(i));
    queue->push_async(block, stream, std::make_unique<IndexTag>(i));
  }
  stream->synchronize(std::nullopt);
  CHECK(queue->in_flight() == 0 && queue->ready() == static_cast<size_t>(n));
  std::deque<ResultQueue::Item> items = queue->take_all();
  CHECK(static_cast<int>(items.size()) == n);
  bool ordered = true, values = true;
  for (int i = 0; i < static_cast<int>(items.size()); ++i) {
    ordered = ordered && static_cast<IndexTag&>(*items[i].tag).index == i;
    const auto& bytes = items[i].outputs.at(0);
    float first = 0;
    std::memcpy(&first, bytes.data(), sizeof first);
    values = values && bytes.size() == 4 * sizeof(float) && first == static_cast<float>(i);
  }
  CHECK(ordered);
  CHECK(values);
  CHECK(pool->available() == 3);
  queue->put_back(items, n - 2);  // the last two go back, in order
  CHECK(queue->ready() == 2);
  auto rest = queue->take_all();
  CHECK(rest.size() == 2 && static_cast<IndexTag&>(*rest[0].tag).index == n - 2);
}

// ------------------------------------------------------------------------- teardown

// Closing a ResultQueue with collections queued behind a held callback: close() waits for every
// one to land, then calls on_close exactly once; nothing is lost.
void case_teardown_result_queue(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(4), 8);
  auto thread = ReportThread::create(env.context, 10);
  auto stream = Stream::create(env.context);
  Gate hold, closed, delivered;
  gate_init(&hold);
  gate_init(&closed);
  gate_init(&delivered);
  std::atomic<int> on_close_calls{0};
  size_t ready_at_close = 0;
  std::shared_ptr<ResultQueue> queue;
  queue = ResultQueue::create(
      thread,
      [&] {
        ready_at_close = queue->ready();
        ++on_close_calls;
        gate_add(&delivered, 1);
      },
      /*zero_copy=*/true);
  Recorder r;
  r.hold = &hold;
  launch(*thread, r, 0, stream);  // a BLOCK callback: the collections wait behind it
  const int n = 8;
  for (int i = 0; i < n; ++i) {
    queue->push_async(pool->acquire(std::nullopt), stream, std::make_unique<IndexTag>(i));
  }
  CHECK(queue->ready() == 0);
  std::thread closer([&] {
    queue->close();
    queue->wait_delivered();
    gate_add(&closed, 1);
  });
  gate_add(&hold, 1);
  CHECK(gate_wait(&closed, 1));
  closer.join();
  CHECK(on_close_calls.load() == 1);
  CHECK(ready_at_close == static_cast<size_t>(n));  // every collection landed before on_close
  auto items = queue->take_all();
  CHECK(static_cast<int>(items.size()) == n);
  items.clear();  // zero-copy leases end: the blocks go back
  CHECK(pool->available() == 8);
  gate_destroy(&hold);
  gate_destroy(&closed);
  gate_destroy(&delivered);
}


// Closing the report thread while callbacks are queued behind one that is still running:
// close() drains them, so each runs exactly once, and returns (no hang); later launches fail
// with ClosedError.
void case_teardown_report_thread(void) {
  Env env;
  auto thread = ReportThread::create(env.context, 10);
  auto stream = Stream::create(env.context);
  Gate hold, closed;
  gate_init(&hold);
  gate_init(&closed);
  Recorder r;
  r.hold = &hold;
  const int n = 20;
  for (int i = 0; i < n; ++i) launch(*thread, r, i, stream);
  CHECK(gate_count(&r.ran) == 0);  // the first one is held
  std::thread closer([&] {
    thread->close();
    gate_add(&closed, 1);
  });
  gate_add(&hold, 1);  // let the callbacks go (close() may be waiting for them)
  CHECK(gate_wait(&closed, 1));
  closer.join();
  CHECK(gate_count(&r.ran) == n);
  CHECK(static_cast<int>(r.order.size()) == n);
  std::vector<int> sorted = r.order;
  std::sort(sorted.begin(), sorted.end());
  CHECK(std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end());  // none twice
  CHECK(thread->closed() && !thread->running());
  Recorder late;
  CHECK(throws<ClosedError>([&] { launch(*thread, late, 0, stream); }));
  CHECK(gate_count(&late.ran) == 0);
  gate_destroy(&hold);
  gate_destroy(&closed);
}

// Closing the context (parent of the thread, the streams and a pool) with callbacks in flight
// on two streams: every callback runs exactly once and close() returns.
void case_teardown_context(void) {
  Env env;
  auto pool = MemoryPool::create(env.context, small_layout(8), 2);
  auto thread = ReportThread::create(env.context, 10);
  auto s1 = Stream::create(env.context);
  auto s2 = Stream::create(env.context);
  Gate hold, closed;
  gate_init(&hold);
  gate_init(&closed);
  Recorder r1, r2;
  r1.hold = &hold;
  const int n = 30;
  for (int i = 0; i < n; ++i) {
    launch(*thread, r1, i, s1);
    launch(*thread, r2, i, s2);
  }
  auto block = pool->acquire(std::nullopt);
  std::thread closer([&] {
    env.context->close();
    gate_add(&closed, 1);
  });
  gate_add(&hold, 1);
  CHECK(gate_wait(&closed, 1));
  closer.join();
  CHECK(gate_count(&r1.ran) == n && gate_count(&r2.ran) == n);
  CHECK(static_cast<int>(r1.order.size()) == n && static_cast<int>(r2.order.size()) == n);
  CHECK(pool->closed() && thread->closed() && s1->closed() && s2->closed());
  CHECK(throws<ClosedError>([&] { pool->acquire(0.0); }));
  CHECK(throws<ClosedError>([&] { s1->handle(); }));
  gate_destroy(&hold);
  gate_destroy(&closed);
}

// Dropping the last references (no close()) with callbacks queued: the destructors drain and
// join; every callback ran once.
void case_teardown_by_destructor(void) {
  Env env;
  Recorder r;
  const int n = 25;
  {
    auto thread = ReportThread::create(env.context, 10);
    auto stream = Stream::create(env.context);
    for (int i = 0; i < n; ++i) launch(*thread, r, i, stream);
  }  // the context still holds them as children only weakly: they are destroyed here
  run_deferred();
  CHECK(gate_wait(&r.ran, n));
  CHECK(static_cast<int>(r.order.size()) == n);
}

// ------------------------------------------------------------------------- infer queue

std::string g_data_dir = ".";

// add.onnx of tests/models.py: y = x + 1.5, x float32 [1, 3, 8, 8].
constexpr float kAddConst = 1.5f;

std::shared_ptr<Model> add_model(const std::shared_ptr<Context>& context) {
  Model::Source source;
  source.path = g_data_dir + "/add.onnx";
  return Model::load(context, source);
}

struct RequestIndex final : RequestTag {
  explicit RequestIndex(int i) : index(i) {}
  int index;
};

// A C++ owner of the queue: records each delivery (request index, first output value, order).
struct RecordingHost final : InferQueueHost {
  std::mutex mu;
  std::vector<std::pair<int, float>> delivered;
  std::function<void()> collect(Block& block, std::unique_ptr<RequestTag> tag) override {
    float first = 0;
    std::memcpy(&first, block.output_host(0)->data(), sizeof first);
    int index = tag ? static_cast<RequestIndex&>(*tag).index : -1;
    return [this, index, first] {
      std::lock_guard<std::mutex> lock(mu);
      delivered.emplace_back(index, first);
    };
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return delivered.size();
  }
  Gate* entered = nullptr;       // counts finish() entering the delivery context, when set
  bool report_delivers = true;   // false: the report thread never delivers (only callers, finish())
  void enter(bool report_thread, const std::function<void()>& fn) override {
    if (report_thread && !report_delivers) return;
    if (!report_thread && entered != nullptr) gate_add(entered, 1);
    fn();
  }
};

// Writes value `i` into every input element.
std::function<void(Block&)> fill_with(float value) {
  return [value](Block& block) {
    auto in = block.input_host(0);
    std::fill_n(static_cast<float*>(in->data()), in->size() / sizeof(float), value);
  };
}

// Delivered values match their requests: request i gives i + 1.5.
bool deliveries_match(RecordingHost& host) {
  std::lock_guard<std::mutex> lock(host.mu);
  for (const auto& [index, value] : host.delivered)
    if (index < 0 || value != static_cast<float>(index) + kAddConst) return false;
  return true;
}

// Two jobs, both taken by threads still writing their inputs: a third start() waits (its wait is
// counted in wait_stats) until one of them is queued and delivered; then every request completes.
void case_infer_queue_backpressure(void) {
  Env env;
  auto host = std::make_shared<RecordingHost>();
  auto queue = InferQueueCore::create(add_model(env.context), 2, 10, host);
  Gate writing, go;
  gate_init(&writing);
  gate_init(&go);
  auto held = [&](int i) {
    return [&, i](Block& block) {
      gate_add(&writing, 1);
      gate_wait(&go, 1);
      fill_with(static_cast<float>(i))(block);
    };
  };
  std::thread b0([&] { queue->start(held(0), nullptr, std::make_unique<RequestIndex>(0)); });
  std::thread b1([&] { queue->start(held(1), nullptr, std::make_unique<RequestIndex>(1)); });
  CHECK(gate_wait(&writing, 2));
  CHECK(!queue->is_ready());
  std::atomic<bool> third_started{false};
  std::thread c([&] {
    queue->start(fill_with(2.0f), nullptr, std::make_unique<RequestIndex>(2));
    third_started = true;
  });
  // The third caller is waiting for a job (no sleep: its wait is counted before it blocks).
  while (queue->wait_stats().first + queue->wait_stats().second == 0) std::this_thread::yield();
  CHECK(!third_started.load());
  CHECK(queue->in_flight() == 0);
  gate_add(&go, 1);
  b0.join();
  b1.join();
  c.join();
  CHECK(third_started.load());
  queue->wait_all(std::nullopt);
  CHECK(host->count() == 3);
  CHECK(deliveries_match(*host));
  CHECK(queue->completed() == 3 && queue->in_flight() == 0);
  queue->close();
  queue->finish();
  gate_destroy(&writing);
  gate_destroy(&go);
}

// wait_all() returns once every started request was delivered exactly once, with its own
// outputs; the queue's counters agree; a bounded wait with nothing pending returns at once.
void case_infer_queue_wait_all(void) {
  Env env;
  auto host = std::make_shared<RecordingHost>();
  auto queue = InferQueueCore::create(add_model(env.context), 3, 10, host);
  const int n = 40;
  for (int i = 0; i < n; ++i) {
    queue->start(fill_with(static_cast<float>(i)), nullptr, std::make_unique<RequestIndex>(i));
  }
  queue->wait_all(std::nullopt);
  CHECK(queue->in_flight() == 0);
  CHECK(queue->completed() == static_cast<size_t>(n));
  CHECK(host->count() == static_cast<size_t>(n));
  CHECK(deliveries_match(*host));
  std::vector<int> seen;
  {
    std::lock_guard<std::mutex> lock(host->mu);
    for (const auto& d : host->delivered) seen.push_back(d.first);
  }
  std::sort(seen.begin(), seen.end());
  bool each_once = static_cast<int>(seen.size()) == n;
  for (int i = 0; each_once && i < n; ++i) each_once = seen[i] == i;
  CHECK(each_once);
  queue->wait_all(0.0);  // nothing pending: no WaitTimeout
  CHECK(queue->is_ready());
  queue->close();
  queue->finish();
}

// Closing with a request still being queued (its thread between taking a job and queueing the
// work) and others in flight: finish() waits for it, every accepted request is delivered once,
// and start() after close() fails with ClosedError.
void case_infer_queue_teardown_in_flight(void) {
  Env env;
  auto host = std::make_shared<RecordingHost>();
  host->report_delivers = false;  // what completes after the last start() is finish()'s to deliver
  auto queue = InferQueueCore::create(add_model(env.context), 2, 10, host);
  const int n = 6;
  for (int i = 0; i < n; ++i) {
    queue->start(fill_with(static_cast<float>(i)), nullptr, std::make_unique<RequestIndex>(i));
  }
  Gate writing, go, finished;
  gate_init(&writing);
  gate_init(&go);
  gate_init(&finished);
  std::thread late([&] {
    queue->start(
        [&](Block& block) {
          gate_add(&writing, 1);
          gate_wait(&go, 1);
          fill_with(static_cast<float>(n))(block);
        },
        nullptr, std::make_unique<RequestIndex>(n));
  });
  CHECK(gate_wait(&writing, 1));
  queue->close();
  CHECK(throws<ClosedError>([&] { queue->start(fill_with(0.0f), nullptr, nullptr); }));
  Gate entered;
  gate_init(&entered);
  host->entered = &entered;
  std::thread closer([&] {
    queue->finish();
    gate_add(&finished, 1);
  });
  CHECK(gate_wait(&entered, 1));  // finish() is running: the late request is still being queued
  CHECK(gate_count(&finished) == 0);
  gate_add(&go, 1);  // it is queued now; finish() waited for it before freeing the jobs
  late.join();
  CHECK(gate_wait(&finished, 1));
  closer.join();
  CHECK(host->count() == static_cast<size_t>(n + 1));
  CHECK(deliveries_match(*host));
  CHECK(queue->in_flight() == 0);
  gate_destroy(&writing);
  gate_destroy(&go);
  gate_destroy(&finished);
  gate_destroy(&entered);
}

const AclTestCase k_cases[] = {
    ACL_TEST_CASE("pool_backpressure", case_pool_backpressure),
    ACL_TEST_CASE("pool_close_wakes_waiter", case_pool_close_wakes_waiter),
    ACL_TEST_CASE("callback_order", case_callback_order),
    ACL_TEST_CASE("pool_release_in_callback_order", case_pool_release_in_callback_order),
    ACL_TEST_CASE("results_in_submission_order", case_results_in_submission_order),
    ACL_TEST_CASE("teardown_report_thread", case_teardown_report_thread),
    ACL_TEST_CASE("teardown_result_queue", case_teardown_result_queue),
    ACL_TEST_CASE("teardown_context", case_teardown_context),
    ACL_TEST_CASE("teardown_by_destructor", case_teardown_by_destructor),
    ACL_TEST_CASE("infer_queue_backpressure", case_infer_queue_backpressure),
    ACL_TEST_CASE("infer_queue_wait_all", case_infer_queue_wait_all),
    ACL_TEST_CASE("infer_queue_teardown_in_flight", case_infer_queue_teardown_in_flight),
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <case>|all|--list [data dir]\n", argv[0]);
    return 2;
  }
  if (argc > 2) g_data_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argv[1]);
}
