// Exit in any order (issue 21): a process that loaded and executed a model releases its ACL
// objects from a static destructor (constructed before main, as tools such as ais_bench
// hold them), from an atexit handler, or not at all, in any order of context, stream,
// device and aclFinalize: it must exit normally, never crash or hang.
//
// usage: test_exit_order <case>|all|--list <data dir>   (add.onnx of tests/models.py)
// Each case runs in a child process (fork before any ACL call) that sets everything up
// and calls exit(0); the parent checks the child exited with status 0.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "acl/acl.h"
#include "acl_check.h"

namespace {

std::string g_dir = ".";

enum class Release { None, ContextFirst, FinalizeFirst, StreamContextDevice, ModelLast, Everything };

struct Objects {
  aclrtContext ctx = nullptr;
  aclrtStream stream = nullptr;
  uint32_t model = 0;
  void* x = nullptr;
  void* y = nullptr;
  aclmdlDataset* in = nullptr;
  aclmdlDataset* out = nullptr;
};

void release(Objects& o, Release how) {
  switch (how) {
    case Release::None:
      break;
    case Release::ContextFirst:  // ais_bench without finalize(): the context goes first
      aclrtDestroyContext(o.ctx);
      aclrtDestroyStream(o.stream);
      aclrtResetDevice(0);
      break;
    case Release::FinalizeFirst:
      aclFinalize();
      aclmdlUnload(o.model);
      aclrtDestroyStream(o.stream);
      aclrtDestroyContext(o.ctx);
      aclrtResetDevice(0);
      break;
    case Release::StreamContextDevice:
      aclrtDestroyStream(o.stream);
      aclrtDestroyContext(o.ctx);
      aclrtResetDevice(0);
      break;
    case Release::ModelLast:
      aclrtResetDevice(0);
      aclrtDestroyContext(o.ctx);
      aclrtFree(o.x);
      aclmdlUnload(o.model);
      aclFinalize();
      break;
    case Release::Everything:
      aclrtSynchronizeStream(o.stream);
      aclmdlUnload(o.model);
      aclrtFree(o.x);
      aclrtFree(o.y);
      aclrtDestroyStream(o.stream);
      aclrtDestroyContext(o.ctx);
      aclrtResetDevice(0);
      aclFinalize();
      break;
  }
}

// Constructed before main, so destroyed after everything that was first used later
// (OpenVINO's plugin included): the order that crashed in issue 21.
struct StaticHolder {
  Objects o;
  Release how = Release::None;
  ~StaticHolder() { release(o, how); }
} g_static;

Objects g_atexit_objects;
Release g_atexit_how = Release::None;
void atexit_release() { release(g_atexit_objects, g_atexit_how); }

// Init, a context and a stream, a loaded model executed synchronously and asynchronously
// (one execution left queued). Returns 0 or a step number.
int set_up(Objects& o) {
  const std::string path = g_dir + "/add.onnx";
  if (aclInit(nullptr) != ACL_SUCCESS) return 1;
  if (aclrtSetDevice(0) != ACL_SUCCESS) return 2;
  if (aclrtCreateContext(&o.ctx, 0) != ACL_SUCCESS) return 3;
  if (aclrtCreateStream(&o.stream) != ACL_SUCCESS) return 4;
  if (aclmdlLoadFromFile(path.c_str(), &o.model) != ACL_SUCCESS) return 5;
  aclmdlDesc* desc = aclmdlCreateDesc();
  if (aclmdlGetDesc(desc, o.model) != ACL_SUCCESS) return 6;
  const size_t xs = aclmdlGetInputSizeByIndex(desc, 0), ys = aclmdlGetOutputSizeByIndex(desc, 0);
  aclmdlDestroyDesc(desc);
  if (aclrtMalloc(&o.x, xs, ACL_MEM_MALLOC_NORMAL_ONLY) != ACL_SUCCESS) return 7;
  if (aclrtMalloc(&o.y, ys, ACL_MEM_MALLOC_NORMAL_ONLY) != ACL_SUCCESS) return 8;
  if (aclrtMemset(o.x, xs, 0, xs) != ACL_SUCCESS) return 9;
  o.in = aclmdlCreateDataset();
  o.out = aclmdlCreateDataset();
  aclmdlAddDatasetBuffer(o.in, aclCreateDataBuffer(o.x, xs));
  aclmdlAddDatasetBuffer(o.out, aclCreateDataBuffer(o.y, ys));
  if (aclmdlExecute(o.model, o.in, o.out) != ACL_SUCCESS) return 10;
  if (aclmdlExecuteAsync(o.model, o.in, o.out, o.stream) != ACL_SUCCESS) return 11;
  if (aclrtSynchronizeStream(o.stream) != ACL_SUCCESS) return 12;
  if (aclmdlExecuteAsync(o.model, o.in, o.out, o.stream) != ACL_SUCCESS) return 13;
  return 0;
}

enum class Where { Static, AtExit };

// Runs a scenario in a child and checks it exits with status 0.
void run(Where where, Release how) {
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    alarm(120);  // a hang becomes a failure (SIGALRM)
    Objects& o = where == Where::Static ? g_static.o : g_atexit_objects;
    if (where == Where::AtExit) std::atexit(atexit_release);
    const int rc = set_up(o);
    if (rc != 0) {
      std::fprintf(stderr, "set-up step %d failed: %s\n", rc, aclGetRecentErrMsg());
      _exit(100 + rc);
    }
    if (where == Where::Static)
      g_static.how = how;
    else
      g_atexit_how = how;
    std::exit(0);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    std::fprintf(stderr, "child %s %d\n", WIFEXITED(status) ? "exited with" : "killed by signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void case_static_context_first() { run(Where::Static, Release::ContextFirst); }
void case_static_finalize_first() { run(Where::Static, Release::FinalizeFirst); }
void case_static_stream_context_device() { run(Where::Static, Release::StreamContextDevice); }
void case_static_model_last() { run(Where::Static, Release::ModelLast); }
void case_static_everything() { run(Where::Static, Release::Everything); }
void case_atexit_context_first() { run(Where::AtExit, Release::ContextFirst); }
void case_atexit_finalize_first() { run(Where::AtExit, Release::FinalizeFirst); }
void case_atexit_everything() { run(Where::AtExit, Release::Everything); }
void case_no_cleanup() { run(Where::Static, Release::None); }

const AclTestCase k_cases[] = {
    ACL_TEST_CASE("static_context_first", case_static_context_first),
    ACL_TEST_CASE("static_finalize_first", case_static_finalize_first),
    ACL_TEST_CASE("static_stream_context_device", case_static_stream_context_device),
    ACL_TEST_CASE("static_model_last", case_static_model_last),
    ACL_TEST_CASE("static_everything", case_static_everything),
    ACL_TEST_CASE("atexit_context_first", case_atexit_context_first),
    ACL_TEST_CASE("atexit_finalize_first", case_atexit_finalize_first),
    ACL_TEST_CASE("atexit_everything", case_atexit_everything),
    ACL_TEST_CASE("no_cleanup", case_no_cleanup),
};

}  // namespace

int main(int argc, char** argv) {
  if (argc > 2) g_dir = argv[2];
  return acl_run_cases(k_cases, ACL_COUNT(k_cases), argc > 1 ? argv[1] : nullptr);
}
