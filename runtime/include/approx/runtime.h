/* approx-runtime: run-time support for code compiled by approxmlir.
 *
 * A C11 library with a C ABI (usable from C++), built both as
 * libapprox_runtime.so and as a static/PIC library. All symbols are prefixed
 * `approx_rt_`; every function is thread-safe.
 *
 * Contents:
 *   1. Decision-tree state functions: `int64_t fn(void)` functions that an
 *      `approx.knob ... state @fn` calls to choose a decision at run time.
 *   2. Helpers for approximate variants: a seeded per-thread PRNG
 *      (xoshiro256** seeded through splitmix64) and a monotonic clock.
 *
 * ---------------------------------------------------------------------------
 * Adding a state function
 * ---------------------------------------------------------------------------
 * A state function is any function with C linkage and the signature
 *
 *     int64_t my_state(void);
 *
 * (or one taking exactly the knob's operands, e.g. the particle whose charge
 * decides), whose result is compared against the knob's thresholds (thresholds are
 * i64; scale a floating-point quantity to an integer yourself, e.g. a
 * percentage 0..100). Name it in the annotation (`state @my_state`); the
 * compiled code calls it by symbol, so it must be visible when the compiled
 * module is linked or loaded:
 *
 *   - define it in any C/C++ file linked into the application, or into the
 *     shared library that also holds the compiled code;
 *   - in C++ declare it `extern "C"` (APPROX_RT_EXTERN_C does this);
 *   - when building with -fvisibility=hidden, mark it APPROX_RT_EXPORT so a
 *     library loaded later (e.g. through the Python binding) resolves it;
 *   - it may run on any thread and as often as the knob is reached: keep it
 *     cheap and thread-safe (atomics or thread-local state).
 *
 * Example (a state function reading an application variable):
 *
 *     #include "approx/runtime.h"
 *     static _Atomic int64_t g_quality = 100;      // set by the application
 *     APPROX_RT_EXTERN_C APPROX_RT_EXPORT int64_t quality_state(void) {
 *       return atomic_load_explicit(&g_quality, memory_order_relaxed);
 *     }
 *
 * Built-in state functions: approx_rt_random_state (uniform in [0, 100)),
 * approx_rt_iteration (a value the application sets with
 * approx_rt_set_iteration), and per-knob call counters defined with
 * APPROX_RT_CALL_COUNTER(name).
 */
#ifndef APPROX_RUNTIME_H
#define APPROX_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
#include <atomic>
#define APPROX_RT_EXTERN_C extern "C"
#else
#include <stdatomic.h>
#define APPROX_RT_EXTERN_C
#endif

#if defined(_WIN32)
#define APPROX_RT_EXPORT __declspec(dllexport)
#else
#define APPROX_RT_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Decision-tree state functions (int64_t fn(void)) ------------------ */

/* A uniform integer in [0, 100) drawn from the calling thread's PRNG (the
 * same stream as approx_rt_uniform). */
APPROX_RT_EXPORT int64_t approx_rt_random_state(void);

/* A process-wide value the application sets, typically its outer loop
 * iteration (e.g. the k-means iteration); approx_rt_iteration returns the
 * last value set (0 initially) and is usable as a state function. */
APPROX_RT_EXPORT void approx_rt_set_iteration(int64_t iteration);
APPROX_RT_EXPORT int64_t approx_rt_iteration(void);

/* ---- Random numbers --------------------------------------------------- */

/* The seed used until approx_rt_seed is first called. */
#define APPROX_RT_DEFAULT_SEED UINT64_C(0x853c49e6748fea9b)

/* Reseeds the calling thread's generator and sets the global seed.
 *
 * Each thread owns a xoshiro256** generator whose stream is a function of
 * (global seed, thread index), where thread indices 0, 1, 2, ... are given
 * in the order threads first use the generator. After approx_rt_seed(s):
 *   - the calling thread restarts its stream for seed s: a single-threaded
 *     program reproduces the same sequence after every approx_rt_seed(s);
 *   - threads that use the generator for the first time derive their stream
 *     from s;
 *   - threads that already used it restart their stream from s at their
 *     next draw, so thread pools that outlive a run are reseeded too.
 * Multi-threaded sequences are reproducible when the threads first draw in
 * the same order (e.g. when the main thread seeds and draws first). */
APPROX_RT_EXPORT void approx_rt_seed(uint64_t seed);

/* The next 64 random bits of the calling thread's stream. */
APPROX_RT_EXPORT uint64_t approx_rt_next_u64(void);

/* A uniform double in [0, 1) (53 random bits). */
APPROX_RT_EXPORT double approx_rt_uniform(void);

/* 1 with probability p, else 0 ("skip with probability p"); p <= 0 (or NaN)
 * always gives 0 and p >= 1 always gives 1. Draws one number per call. */
APPROX_RT_EXPORT int32_t approx_rt_bernoulli(double p);

/* ---- Timers ----------------------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds: never decreases; only differences mean
 * anything. */
APPROX_RT_EXPORT uint64_t approx_rt_now_ns(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

/* ---- Per-knob call counters ------------------------------------------- */

/* APPROX_RT_CALL_COUNTER(name);  (at file scope, followed by a semicolon)
 *
 * Defines the state function `int64_t name(void)`, which returns 0, 1, 2, ...
 * on successive calls (an atomic counter shared by all threads), and
 * `void name_reset(void)`, which restarts it at 0. Give each knob its own
 * counter and name it in the annotation (`state @name`). Header-only: the
 * counter does not need libapprox_runtime. */
#ifdef __cplusplus
#define APPROX_RT_CALL_COUNTER(name)                                           \
  APPROX_RT_EXTERN_C APPROX_RT_EXPORT int64_t name(void);                      \
  APPROX_RT_EXTERN_C APPROX_RT_EXPORT void name##_reset(void);                 \
  static std::atomic<int64_t> approx_rt_counter_##name{0};                     \
  APPROX_RT_EXTERN_C APPROX_RT_EXPORT int64_t name(void) {                     \
    return approx_rt_counter_##name.fetch_add(1, std::memory_order_relaxed);   \
  }                                                                            \
  APPROX_RT_EXTERN_C APPROX_RT_EXPORT void name##_reset(void) {                \
    approx_rt_counter_##name.store(0, std::memory_order_relaxed);              \
  }                                                                            \
  APPROX_RT_EXTERN_C int64_t name(void)
#else
#define APPROX_RT_CALL_COUNTER(name)                                           \
  APPROX_RT_EXPORT int64_t name(void);                                         \
  APPROX_RT_EXPORT void name##_reset(void);                                    \
  static _Atomic int64_t approx_rt_counter_##name = 0;                         \
  APPROX_RT_EXPORT int64_t name(void) {                                        \
    return atomic_fetch_add_explicit(&approx_rt_counter_##name, 1,             \
                                     memory_order_relaxed);                    \
  }                                                                            \
  APPROX_RT_EXPORT void name##_reset(void) {                                   \
    atomic_store_explicit(&approx_rt_counter_##name, 0, memory_order_relaxed); \
  }                                                                            \
  int64_t name(void)
#endif

#endif /* APPROX_RUNTIME_H */
