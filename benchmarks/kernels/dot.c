double dot(const double *a, const double *b, long n) {
  double acc = 0.0;
  for (long i = 0; i < n; ++i)
    acc += a[i] * b[i];
  return acc;
}
