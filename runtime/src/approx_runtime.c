/* approx-runtime: state functions, per-thread random numbers and timers.
 * See include/approx/runtime.h for the contract of each function. */

#define _POSIX_C_SOURCE 199309L

#include "approx/runtime.h"

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

/* ---- Iteration state -------------------------------------------------- */

static _Atomic int64_t g_iteration = 0;

void approx_rt_set_iteration(int64_t iteration) {
  atomic_store_explicit(&g_iteration, iteration, memory_order_relaxed);
}

int64_t approx_rt_iteration(void) {
  return atomic_load_explicit(&g_iteration, memory_order_relaxed);
}

/* ---- PRNG: xoshiro256** (Blackman & Vigna), seeded by splitmix64 ------- */

#define GOLDEN_GAMMA UINT64_C(0x9e3779b97f4a7c15)

/* The global seed and a counter bumped by every approx_rt_seed call: a
 * thread whose epoch is stale reseeds itself before its next draw. */
static _Atomic uint64_t g_seed = APPROX_RT_DEFAULT_SEED;
static _Atomic uint64_t g_epoch = 0;
static _Atomic int64_t g_next_thread_index = 0;

typedef struct {
  uint64_t s[4];
  uint64_t epoch;
  int64_t index; /* -1 until the thread first uses the generator */
} thread_rng;

static _Thread_local thread_rng tls_rng = {{0, 0, 0, 0}, 0, -1};

static uint64_t splitmix64_next(uint64_t *x) {
  uint64_t z = (*x += GOLDEN_GAMMA);
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

/* Thread i's state is splitmix64 outputs 4i+1 .. 4i+4 after `seed`: the
 * four words are distinct (splitmix64's finalizer is a bijection), so the
 * state is never all zero, and no two threads start in the same state. */
static void seed_thread(thread_rng *rng, uint64_t seed) {
  uint64_t x = seed + (uint64_t)rng->index * 4u * GOLDEN_GAMMA;
  for (int i = 0; i < 4; ++i)
    rng->s[i] = splitmix64_next(&x);
}

static void assign_thread_index(thread_rng *rng) {
  if (rng->index < 0)
    rng->index = atomic_fetch_add_explicit(&g_next_thread_index, 1,
                                           memory_order_relaxed);
}

static thread_rng *current_rng(void) {
  thread_rng *rng = &tls_rng;
  uint64_t epoch = atomic_load_explicit(&g_epoch, memory_order_acquire);
  if (rng->index < 0 || rng->epoch != epoch) {
    assign_thread_index(rng);
    seed_thread(rng, atomic_load_explicit(&g_seed, memory_order_relaxed));
    rng->epoch = epoch;
  }
  return rng;
}

void approx_rt_seed(uint64_t seed) {
  thread_rng *rng = &tls_rng;
  atomic_store_explicit(&g_seed, seed, memory_order_relaxed);
  uint64_t epoch =
      atomic_fetch_add_explicit(&g_epoch, 1, memory_order_release) + 1;
  assign_thread_index(rng);
  seed_thread(rng, seed);
  rng->epoch = epoch;
}

uint64_t approx_rt_next_u64(void) {
  uint64_t *s = current_rng()->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double approx_rt_uniform(void) {
  return (double)(approx_rt_next_u64() >> 11) * 0x1.0p-53;
}

int32_t approx_rt_bernoulli(double p) {
  /* Always one draw, so the stream position does not depend on p; NaN and
   * p <= 0 compare false, p >= 1 compares true. */
  return approx_rt_uniform() < p ? 1 : 0;
}

/* A uniform integer in [0, bound) without modulo bias (Lemire, 2019). */
static uint32_t bounded_u32(uint32_t bound) {
  uint64_t m = (uint64_t)(uint32_t)(approx_rt_next_u64() >> 32) * bound;
  uint32_t low = (uint32_t)m;
  if (low < bound) {
    uint32_t threshold = (uint32_t)(-bound) % bound;
    while (low < threshold) {
      m = (uint64_t)(uint32_t)(approx_rt_next_u64() >> 32) * bound;
      low = (uint32_t)m;
    }
  }
  return (uint32_t)(m >> 32);
}

int64_t approx_rt_random_state(void) { return (int64_t)bounded_u32(100); }

/* ---- Timers ----------------------------------------------------------- */

uint64_t approx_rt_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}
