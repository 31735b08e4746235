// EXPECT-UNSUPPORTED: goto
// goto: a forward jump to an error exit out of nested loops, and a
// backward jump forming a retry loop.
#include <stdint.h>

static int find(const int *a, int n, int key, int *row) {
  for (int i = 0; i < n; i++) {
    for (int j = 0; j < 4; j++) {
      if (a[i * 4 + j] == key) {
        *row = i;
        goto found;
      }
    }
  }
  return -1;
found:
  return *row * 4;
}

void run(int64_t *iout, double *fout) {
  int a[32];
  for (int i = 0; i < 32; i++) a[i] = (i * 13) % 32;
  int row = -1;
  iout[0] = find(a, 8, 7, &row);
  iout[1] = row;
  iout[2] = find(a, 8, 99, &row);

  int attempts = 0;
  double x = 100.0;
retry:
  attempts++;
  x = x / 3.0 + 1.0;
  if (x > 2.0) goto retry;
  iout[3] = attempts;
  fout[0] = x;
}
