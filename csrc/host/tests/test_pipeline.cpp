// Huawei's resnet50_async_imagenet_classification flow on the host runtime:
// init -> device -> context -> stream -> query size -> malloc work/weight ->
// load ONNX with mem -> desc -> datasets -> 50 x aclmdlExecuteAsync with a
// BLOCK callback every 5, processed by a std::thread looping
// aclrtProcessReport (its id taken the sample's way) -> synchronize -> D2H ->
// compare with input + const -> teardown.
//
// usage: test_pipeline <case>|all|--list <model dir>   (cases: the table at the end)
//   <model dir> (python tests/models.py <dir>): add.onnx, y = x + 1.5, x/y float32 of a
//   static shape; add_named.om, the same ONNX file under the sample's .om name; acl.json.
//   exit_live: skip the teardown and return from main with everything alive
//   (a BLOCK callback nobody processes, queued executions, no aclFinalize):
//   the process must still exit cleanly. It must be the last case.
#include <pthread.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "acl/acl.h"
#include "acl_check.h"

namespace {

const int kExecuteTimes = 50;
const int kCallbackInterval = 5;

std::atomic<bool> g_exit(false);
aclrtContext g_context = nullptr;

struct Batch {
  int index;
  int first;  // first execution of the batch
};

std::atomic<int> g_callbacks(0);
std::atomic<int> g_order_errors(0);
std::atomic<int> g_thread_errors(0);
std::atomic<uint64_t> g_report_tid(0);

void callback(void* user) {
  Batch* b = static_cast<Batch*>(user);
  int seen = g_callbacks.fetch_add(1);
  if (b->index != seen) g_order_errors.fetch_add(1);  // FIFO: batches in launch order
  if (static_cast<uint64_t>(pthread_self()) != g_report_tid.load()) g_thread_errors.fetch_add(1);
}

void report_thread() {
  aclrtSetCurrentContext(g_context);
  while (!g_exit.load()) {
    aclrtProcessReport(100);  // 107012 until subscribed, 507012 when idle
  }
}

struct Block {
  void* in_dev = nullptr;
  void* out_dev = nullptr;
  aclmdlDataset* in = nullptr;
  aclmdlDataset* out = nullptr;
  aclDataBuffer* in_buf = nullptr;
  aclDataBuffer* out_buf = nullptr;
};

}  // namespace

namespace {

std::string g_dir = ".";
const float kAddConst = 1.5f;

void pipeline(const char* model_name, bool exit_live) {
  const std::string model = g_dir + "/" + model_name, config_path = g_dir + "/acl.json";
  const char* model_path = model.c_str();
  const char* config = config_path.c_str();
  const float add_const = kAddConst;
  g_exit.store(false);
  g_callbacks.store(0);
  g_order_errors.store(0);
  g_thread_errors.store(0);

  SECTION("setup");
  CHECK_OK(aclInit(config));
  CHECK_OK(aclrtSetDevice(0));
  CHECK_OK(aclrtCreateContext(&g_context, 0));
  aclrtStream stream = nullptr;
  CHECK_OK(aclrtCreateStream(&stream));
  aclrtRunMode mode = ACL_DEVICE;
  CHECK_OK(aclrtGetRunMode(&mode));
  CHECK(mode == ACL_HOST);

  SECTION("load");
  size_t work_size = 0, weight_size = 0;
  CHECK_OK(aclmdlQuerySize(model_path, &work_size, &weight_size));
  CHECK(work_size > 0 && weight_size > 0);
  void *work = nullptr, *weight = nullptr;
  CHECK_OK(aclrtMalloc(&work, work_size, ACL_MEM_MALLOC_HUGE_FIRST));
  CHECK_OK(aclrtMalloc(&weight, weight_size, ACL_MEM_MALLOC_HUGE_FIRST));
  uint32_t model_id = 0;
  CHECK_OK(aclmdlLoadFromFileWithMem(model_path, &model_id, work, work_size, weight, weight_size));
  aclmdlDesc* desc = aclmdlCreateDesc();
  CHECK(desc != nullptr);
  CHECK_OK(aclmdlGetDesc(desc, model_id));
  CHECK(aclmdlGetNumInputs(desc) == 1);
  CHECK(aclmdlGetNumOutputs(desc) == 1);
  CHECK(aclmdlGetInputDataType(desc, 0) == ACL_FLOAT);
  const size_t in_size = aclmdlGetInputSizeByIndex(desc, 0);
  const size_t out_size = aclmdlGetOutputSizeByIndex(desc, 0);
  CHECK(in_size > 0 && in_size == out_size);
  const size_t n = in_size / sizeof(float);

  SECTION("datasets");
  std::vector<Block> pool(kExecuteTimes);
  std::vector<float> host(n);
  for (int i = 0; i < kExecuteTimes; ++i) {
    Block& b = pool[i];
    CHECK_OK(aclrtMalloc(&b.in_dev, in_size, ACL_MEM_MALLOC_HUGE_FIRST));
    CHECK_OK(aclrtMalloc(&b.out_dev, out_size, ACL_MEM_MALLOC_HUGE_FIRST));
    for (size_t k = 0; k < n; ++k) host[k] = static_cast<float>(i) * 0.5f + static_cast<float>(k) * 0.25f;
    CHECK_OK(aclrtMemcpy(b.in_dev, in_size, host.data(), in_size, ACL_MEMCPY_HOST_TO_DEVICE));
    CHECK_OK(aclrtMemset(b.out_dev, out_size, 0, out_size));
    b.in = aclmdlCreateDataset();
    b.out = aclmdlCreateDataset();
    b.in_buf = aclCreateDataBuffer(b.in_dev, in_size);
    b.out_buf = aclCreateDataBuffer(b.out_dev, out_size);
    CHECK(b.in && b.out && b.in_buf && b.out_buf);
    CHECK_OK(aclmdlAddDatasetBuffer(b.in, b.in_buf));
    CHECK_OK(aclmdlAddDatasetBuffer(b.out, b.out_buf));
  }

  SECTION("report thread");
  std::thread th(report_thread);
  std::ostringstream oss;
  oss << th.get_id();
  const uint64_t tid = std::stoull(oss.str());
  g_report_tid.store(tid);
  CHECK_OK(aclrtSubscribeReport(tid, stream));

  SECTION("execute");
  std::vector<Batch> batches(kExecuteTimes / kCallbackInterval);
  for (int i = 0; i < kExecuteTimes; ++i) {
    CHECK_OK(aclmdlExecuteAsync(model_id, pool[i].in, pool[i].out, stream));
    if ((i + 1) % kCallbackInterval == 0) {
      Batch& b = batches[i / kCallbackInterval];
      b.index = i / kCallbackInterval;
      b.first = i + 1 - kCallbackInterval;
      CHECK_OK(aclrtLaunchCallback(callback, &b, ACL_CALLBACK_BLOCK, stream));
    }
  }
  CHECK_OK(aclrtSynchronizeStream(stream));
  // BLOCK callbacks are stream work: all ran before synchronize returned.
  CHECK(g_callbacks.load() == kExecuteTimes / kCallbackInterval);
  CHECK(g_order_errors.load() == 0);
  CHECK(g_thread_errors.load() == 0);
  g_exit.store(true);
  th.join();
  CHECK_OK(aclrtUnSubscribeReport(tid, stream));

  SECTION("outputs");
  int mismatches = 0;
  for (int i = 0; i < kExecuteTimes; ++i) {
    CHECK_OK(aclrtMemcpy(host.data(), out_size, pool[i].out_dev, out_size, ACL_MEMCPY_DEVICE_TO_HOST));
    for (size_t k = 0; k < n; ++k) {
      float x = static_cast<float>(i) * 0.5f + static_cast<float>(k) * 0.25f;
      if (std::fabs(host[k] - (x + add_const)) > 1e-5f * (1.0f + std::fabs(x))) {
        if (mismatches < 5)
          fprintf(stderr, "execution %d element %zu: got %f expected %f\n", i, k, host[k], x + add_const);
        ++mismatches;
      }
    }
  }
  CHECK(mismatches == 0);

  if (exit_live) {
    SECTION("exit with live resources");
    CHECK_OK(aclrtSubscribeReport(static_cast<uint64_t>(pthread_self()), stream));  // never processed
    for (int i = 0; i < 10; ++i) CHECK_OK(aclmdlExecuteAsync(model_id, pool[i].in, pool[i].out, stream));
    CHECK_OK(aclrtLaunchCallback(callback, &batches[0], ACL_CALLBACK_BLOCK, stream));
    for (int i = 0; i < 10; ++i) CHECK_OK(aclmdlExecuteAsync(model_id, pool[i].in, pool[i].out, stream));
    return;  // main returns with all of it alive
  }

  SECTION("teardown");
  for (int i = 0; i < kExecuteTimes; ++i) {
    Block& b = pool[i];
    CHECK_OK(aclDestroyDataBuffer(b.in_buf));
    CHECK_OK(aclDestroyDataBuffer(b.out_buf));
    CHECK_OK(aclmdlDestroyDataset(b.in));
    CHECK_OK(aclmdlDestroyDataset(b.out));
    CHECK_OK(aclrtFree(b.in_dev));
    CHECK_OK(aclrtFree(b.out_dev));
  }
  CHECK_OK(aclmdlUnload(model_id));
  CHECK_OK(aclrtFree(work));
  CHECK_OK(aclrtFree(weight));
  CHECK_OK(aclmdlDestroyDesc(desc));
  CHECK_OK(aclrtDestroyStream(stream));
  CHECK_OK(aclrtDestroyContext(g_context));
  CHECK_OK(aclrtResetDevice(0));
  CHECK_OK(aclFinalize());
}

void case_run() { pipeline("add.onnx", false); }
// Huawei's sample hard-codes ../model/resnet50.om: an ONNX file under an .om name loads.
void case_model_named_om() { pipeline("add_named.om", false); }
void case_exit_live() { pipeline("add.onnx", true); }

const AclTestCase k_cases[] = {
    ACL_TEST_CASE("run", case_run),
    ACL_TEST_CASE("model_named_om", case_model_named_om),
    ACL_TEST_CASE("exit_live", case_exit_live),
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) != "--list" && argc < 3) {
    fprintf(stderr, "usage: %s <case>|all|--list <model dir>\n", argv[0]);
    return 2;
  }
  if (argc > 2) g_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : nullptr);
}
