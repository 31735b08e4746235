/* C side of testdata/kernels.mlir. Memrefs arrive as MLIR's expanded
   descriptor arguments (allocated, aligned, offset, size, stride). */
#include <stdbool.h>
#include <stdint.h>

double scale(double x) { return 2.0 * x; }
double approx_scale_1(double x) { return 3.0 * x; }
double approx_scale_2(double x) { return 4.0 * x; }

static int64_t recover_count;

int64_t recover_calls(void) { return recover_count; }

/* Plausible when the approximate sum is not negative. */
bool sum_is_plausible(double *allocated, double *aligned, int64_t offset,
                      int64_t size, int64_t stride, int64_t n, double approx) {
  (void)allocated; (void)aligned; (void)offset; (void)size; (void)stride; (void)n;
  return approx >= 0.0;
}

double exact_sum(double *allocated, double *aligned, int64_t offset,
                 int64_t size, int64_t stride, int64_t n) {
  (void)allocated; (void)size;
  ++recover_count;
  double acc = 0.0;
  for (int64_t i = 0; i < n; ++i)
    acc += aligned[offset + i * stride];
  return acc;
}
