/* Unit tests of the approx-runtime C API; exits nonzero on any failure. */

#include "approx/runtime.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>

static int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++g_failures;                                                            \
    }                                                                          \
  } while (0)

APPROX_RT_CALL_COUNTER(test_counter);
APPROX_RT_CALL_COUNTER(other_counter);

enum { kDraws = 64 };

static void draw(uint64_t *out, int n) {
  for (int i = 0; i < n; ++i)
    out[i] = approx_rt_next_u64();
}

/* Pins the documented algorithm: thread 0's state after approx_rt_seed(s) is
 * the first four splitmix64 outputs from s, then xoshiro256**. Expected
 * values come from an independent implementation of both. Must run first, so
 * that the main thread is thread 0. */
static void test_known_answer(void) {
  approx_rt_seed(0);
  CHECK(approx_rt_next_u64() == UINT64_C(0x99ec5f36cb75f2b4));
  CHECK(approx_rt_next_u64() == UINT64_C(0xbf6e1f784956452a));
  CHECK(approx_rt_next_u64() == UINT64_C(0x1a5f849d4933e6e0));
  approx_rt_seed(42);
  CHECK(approx_rt_next_u64() == UINT64_C(0x15780b2e0c2ec716));
  CHECK(approx_rt_next_u64() == UINT64_C(0x6104d9866d113a7e));
  CHECK(approx_rt_next_u64() == UINT64_C(0xae17533239e499a1));
}

static void test_seed_reproducible(void) {
  uint64_t a[kDraws], b[kDraws], c[kDraws];
  approx_rt_seed(42);
  draw(a, kDraws);
  approx_rt_seed(42);
  draw(b, kDraws);
  approx_rt_seed(43);
  draw(c, kDraws);
  int same_ab = 1, same_ac = 1;
  for (int i = 0; i < kDraws; ++i) {
    same_ab &= a[i] == b[i];
    same_ac &= a[i] == c[i];
  }
  CHECK(same_ab);
  CHECK(!same_ac);

  /* The derived helpers replay too. */
  double u1[8], u2[8];
  int64_t s1[8], s2[8];
  approx_rt_seed(7);
  for (int i = 0; i < 8; ++i) {
    u1[i] = approx_rt_uniform();
    s1[i] = approx_rt_random_state();
  }
  approx_rt_seed(7);
  for (int i = 0; i < 8; ++i) {
    u2[i] = approx_rt_uniform();
    s2[i] = approx_rt_random_state();
  }
  for (int i = 0; i < 8; ++i) {
    CHECK(u1[i] == u2[i]);
    CHECK(s1[i] == s2[i]);
  }
}

static void test_uniform_and_random_state_ranges(void) {
  approx_rt_seed(1);
  double sum = 0.0;
  int64_t histogram[100] = {0};
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    double u = approx_rt_uniform();
    CHECK(u >= 0.0 && u < 1.0);
    sum += u;
    int64_t s = approx_rt_random_state();
    CHECK(s >= 0 && s < 100);
    if (s >= 0 && s < 100)
      ++histogram[s];
  }
  CHECK(fabs(sum / n - 0.5) < 0.01);
  /* 1000 expected per bucket, sd ~31.5: 6 sd either side. */
  for (int i = 0; i < 100; ++i)
    CHECK(histogram[i] > 810 && histogram[i] < 1190);
}

static void test_bernoulli_rate(void) {
  approx_rt_seed(2024);
  const int n = 20000;
  int hits = 0;
  for (int i = 0; i < n; ++i)
    hits += approx_rt_bernoulli(0.3);
  double rate = (double)hits / n;
  /* sd = sqrt(0.3 * 0.7 / 20000) ~ 0.0032: 5 sd. */
  CHECK(fabs(rate - 0.3) < 0.016);
  int zeros = 0, ones = 0;
  for (int i = 0; i < 1000; ++i) {
    zeros += approx_rt_bernoulli(0.0);
    ones += approx_rt_bernoulli(1.0);
  }
  CHECK(zeros == 0);
  CHECK(ones == 1000);
  CHECK(approx_rt_bernoulli(NAN) == 0);
}

static void test_counter_macro(void) {
  CHECK(test_counter() == 0);
  CHECK(test_counter() == 1);
  CHECK(test_counter() == 2);
  /* Counters are independent of each other. */
  CHECK(other_counter() == 0);
  CHECK(test_counter() == 3);
  test_counter_reset();
  CHECK(test_counter() == 0);
  CHECK(other_counter() == 1);
}

enum { kThreads = 4, kCallsPerThread = 10000 };

static void *count_calls(void *arg) {
  (void)arg;
  for (int i = 0; i < kCallsPerThread; ++i)
    other_counter();
  return NULL;
}

static void test_counter_is_atomic(void) {
  other_counter_reset();
  pthread_t threads[kThreads];
  for (int i = 0; i < kThreads; ++i)
    pthread_create(&threads[i], NULL, count_calls, NULL);
  for (int i = 0; i < kThreads; ++i)
    pthread_join(threads[i], NULL);
  CHECK(other_counter() == (int64_t)kThreads * kCallsPerThread);
}

static void *first_draw(void *out) {
  *(uint64_t *)out = approx_rt_next_u64();
  return NULL;
}

static void test_threads_have_distinct_streams(void) {
  approx_rt_seed(99);
  uint64_t main_first = approx_rt_next_u64();
  uint64_t firsts[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    pthread_t thread;
    pthread_create(&thread, NULL, first_draw, &firsts[i]);
    pthread_join(thread, NULL);
  }
  for (int i = 0; i < kThreads; ++i) {
    CHECK(firsts[i] != main_first);
    for (int j = 0; j < i; ++j)
      CHECK(firsts[i] != firsts[j]);
  }
}

static void test_iteration(void) {
  CHECK(approx_rt_iteration() == 0);
  approx_rt_set_iteration(17);
  CHECK(approx_rt_iteration() == 17);
  approx_rt_set_iteration(-3);
  CHECK(approx_rt_iteration() == -3);
  approx_rt_set_iteration(0);
}

static void test_now_ns_monotonic(void) {
  uint64_t previous = approx_rt_now_ns();
  CHECK(previous > 0);
  for (int i = 0; i < 1000; ++i) {
    uint64_t now = approx_rt_now_ns();
    CHECK(now >= previous);
    previous = now;
  }
}

int main(void) {
  test_known_answer();
  test_seed_reproducible();
  test_uniform_and_random_state_ranges();
  test_bernoulli_rate();
  test_counter_macro();
  test_counter_is_atomic();
  test_threads_have_distinct_streams();
  test_iteration();
  test_now_ns_monotonic();
  if (g_failures) {
    fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  printf("all runtime C tests passed\n");
  return 0;
}
