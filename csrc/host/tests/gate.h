/* A counter threads wait on: the tests' synchronisation (never sleeps). C99/C++11 + pthreads.
 * gate_add() raises the count and wakes the waiters; gate_wait() waits until the count
 * reaches a value, for at most a few seconds so a broken runtime fails a check instead of
 * hanging the test. */
#pragma once

#include <errno.h>
#include <pthread.h>
#include <time.h>

#define GATE_TIMEOUT_S 30

typedef struct {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int count;
} Gate;

static void gate_init(Gate* g) {
  pthread_mutex_init(&g->mutex, NULL);
  pthread_cond_init(&g->cond, NULL);
  g->count = 0;
}

static void gate_destroy(Gate* g) {
  pthread_cond_destroy(&g->cond);
  pthread_mutex_destroy(&g->mutex);
}

static void gate_add(Gate* g, int n) {
  pthread_mutex_lock(&g->mutex);
  g->count += n;
  pthread_cond_broadcast(&g->cond);
  pthread_mutex_unlock(&g->mutex);
}

static int gate_count(Gate* g) {
  int n;
  pthread_mutex_lock(&g->mutex);
  n = g->count;
  pthread_mutex_unlock(&g->mutex);
  return n;
}

/* 1 once the count is >= value, 0 after GATE_TIMEOUT_S seconds without it. */
static int gate_wait(Gate* g, int value) {
  struct timespec deadline;
  int rc = 0;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += GATE_TIMEOUT_S;
  pthread_mutex_lock(&g->mutex);
  while (g->count < value && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&g->cond, &g->mutex, &deadline);
  rc = g->count >= value;
  pthread_mutex_unlock(&g->mutex);
  return rc;
}

/* 1 when the count reaches `value` within `ms` milliseconds. Only for what must NOT happen (a free
 * returning while the stream is still held): the bounded wait is the check. */
static inline int gate_wait_ms(Gate* g, int value, long ms) {
  struct timespec deadline;
  int rc = 0;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += ms / 1000;
  deadline.tv_nsec += (ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L) {
    deadline.tv_sec += 1;
    deadline.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&g->mutex);
  while (g->count < value && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&g->cond, &g->mutex, &deadline);
  rc = g->count >= value;
  pthread_mutex_unlock(&g->mutex);
  return rc;
}
