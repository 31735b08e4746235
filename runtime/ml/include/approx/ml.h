/* approx-ml: the HPAC-ML runtime behind `#pragma approx ml` regions.
 *
 * libapprox_ml.so maps application arrays to tensors (the data bridge), runs
 * TorchScript surrogates on them and collects training data into HDF5
 * databases (runtime/ml/README.md is the contract). Compiled code calls it as
 *
 *     if (approx_ml_enter(spec..., args...) == 0) {
 *       ...exact code...
 *       approx_ml_exit(spec..., args...);
 *     }
 *
 * Both functions take two 1-D memrefs in MLIR's default calling convention
 * (allocated pointer, aligned pointer, offset, size, stride):
 *   - spec: the region's spec text, `spec[spec_offset, spec_offset +
 *     spec_size)`, not NUL terminated; parsed once and cached by its address;
 *   - args: int64 words from `args[args_offset]` on (stride 1): mode,
 *     predicate, enabled, model_choice, the arrays (address, element type,
 *     rank, sizes, strides) and the concrete bound values.
 *
 * approx_ml_enter returns 1 when the model produced the outputs, 0 when the
 * exact code must run; approx_ml_exit records a collected call. Errors print
 * "<file>:<line>: error: <what>" to stderr, flush open databases and
 * exit(2). Both functions are thread-safe.
 *
 * Environment: APPROX_ML_THREADS (Torch intra-op threads, default 1),
 * APPROX_ML_STATS (path of a JSON file of per-region statistics written at
 * exit).
 */
#ifndef APPROX_ML_H
#define APPROX_ML_H

#include <stdint.h>

#if defined(_WIN32)
#define APPROX_ML_EXPORT __declspec(dllexport)
#else
#define APPROX_ML_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Starts one execution of a region: runs inference (returns 1) or prepares
 * collection / exact execution (returns 0). */
APPROX_ML_EXPORT int32_t approx_ml_enter(const char *spec_alloc,
                                         const char *spec, int64_t spec_offset,
                                         int64_t spec_size, int64_t spec_stride,
                                         const int64_t *args_alloc,
                                         const int64_t *args,
                                         int64_t args_offset, int64_t args_size,
                                         int64_t args_stride);

/* Ends an execution of the exact code that approx_ml_enter started (called
 * only when it returned 0): in collection, records the inputs, outputs and
 * time of the exact code. */
APPROX_ML_EXPORT void approx_ml_exit(const char *spec_alloc, const char *spec,
                                     int64_t spec_offset, int64_t spec_size,
                                     int64_t spec_stride,
                                     const int64_t *args_alloc,
                                     const int64_t *args, int64_t args_offset,
                                     int64_t args_size, int64_t args_stride);

#ifdef __cplusplus
}
#endif

#endif /* APPROX_ML_H */
