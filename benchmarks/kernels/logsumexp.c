#include <math.h>

void logsumexp(const double *x, double *out, long rows, long cols) {
  for (long r = 0; r < rows; ++r) {
    double acc = 0.0;
    for (long c = 0; c < cols; ++c)
      acc += exp(x[r * cols + c]);
    out[r] = log(acc);
  }
}
