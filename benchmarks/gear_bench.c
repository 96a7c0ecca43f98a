/* Throughput of one gear of a dynamic-batch .om through the ACL C API, the way
 * Huawei's dynamic-batch samples drive it (ACL_DYNAMIC_TENSOR_NAME buffer,
 * aclmdlSetDynamicBatchSize, aclmdlExecute). Prints one line:
 *   gear=<b> executions=<n> seconds=<s> images_per_s=<x>
 * usage: gear_bench <model.om> <batch> <seconds> */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acl/acl.h"

#define OK(call)                                                                            \
    do {                                                                                    \
        aclError e_ = (call);                                                               \
        if (e_ != ACL_SUCCESS) {                                                            \
            const char *m_ = aclGetRecentErrMsg();                                          \
            fprintf(stderr, "%s failed: %d %s\n", #call, (int)e_, m_ ? m_ : "");            \
            exit(1);                                                                        \
        }                                                                                   \
    } while (0)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    uint32_t id = 0;
    size_t i, index = 0, n;
    aclmdlDesc *desc;
    aclmdlDataset *in, *out;
    uint64_t batch;
    double seconds, start, end;
    long executions = 0;
    if (argc < 4) {
        fprintf(stderr, "usage: gear_bench <model.om> <batch> <seconds>\n");
        return 2;
    }
    batch = strtoull(argv[2], NULL, 10);
    seconds = atof(argv[3]);
    OK(aclInit(NULL));
    OK(aclrtSetDevice(0));
    OK(aclmdlLoadFromFile(argv[1], &id));
    desc = aclmdlCreateDesc();
    OK(aclmdlGetDesc(desc, id));
    in = aclmdlCreateDataset();
    out = aclmdlCreateDataset();
    n = aclmdlGetNumInputs(desc);
    for (i = 0; i < n; ++i) {
        size_t size = aclmdlGetInputSizeByIndex(desc, i);
        void *p = NULL;
        OK(aclrtMalloc(&p, size, ACL_MEM_MALLOC_HUGE_FIRST));
        OK(aclrtMemset(p, size, 0, size));
        OK(aclmdlAddDatasetBuffer(in, aclCreateDataBuffer(p, size)));
    }
    for (i = 0; i < aclmdlGetNumOutputs(desc); ++i) {
        size_t size = aclmdlGetOutputSizeByIndex(desc, i);
        void *p = NULL;
        OK(aclrtMalloc(&p, size, ACL_MEM_MALLOC_HUGE_FIRST));
        OK(aclmdlAddDatasetBuffer(out, aclCreateDataBuffer(p, size)));
    }
    OK(aclmdlGetInputIndexByName(desc, ACL_DYNAMIC_TENSOR_NAME, &index));
    OK(aclmdlSetDynamicBatchSize(id, in, index, batch));
    for (i = 0; i < 3; ++i) OK(aclmdlExecute(id, in, out)); /* warm up */
    start = now();
    do {
        OK(aclmdlExecute(id, in, out));
        ++executions;
        end = now();
    } while (end - start < seconds);
    printf("gear=%llu executions=%ld seconds=%.3f images_per_s=%.2f\n", (unsigned long long)batch, executions,
           end - start, (double)executions * (double)batch / (end - start));
    return 0;
}
