// Nested loops with break and continue at both depths, for(;;) with break,
// continue in while and do-while loops, and early returns from inside loops
// (a linear search and a pair search returning from the inner loop).
#include <stdint.h>

static int find_first(const int *a, int n, int key) {
  for (int i = 0; i < n; i++) {
    if (a[i] == key) return i;
  }
  return -1;
}

static int64_t find_pair(const int *a, int n, int target) {
  for (int i = 0; i < n; i++) {
    for (int j = i + 1; j < n; j++) {
      if (a[i] + a[j] == target) return (int64_t)i * 100 + j;
    }
  }
  return -1;
}

void run(int64_t *iout, double *fout) {
  int a[32];
  uint32_t seed = 7u;
  for (int i = 0; i < 32; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (int)(seed >> 24);
  }
  iout[0] = find_first(a, 32, a[17]);
  iout[1] = find_first(a, 32, 1000);
  iout[2] = find_pair(a, 32, a[5] + a[29]);
  iout[3] = find_pair(a, 32, -1);

  int64_t s = 0;
  for (int i = 0; i < 10; i++) {
    if (i == 7) break;
    if (i % 2 == 0) continue;
    for (int j = 0; j < 10; j++) {
      if (j > i) break;
      if ((i + j) % 3 == 0) continue;
      s += i * 10 + j;
    }
  }
  iout[4] = s;

  int k = 0;
  for (;;) {
    k += 3;
    if (k > 40) break;
  }
  iout[5] = k;

  int i = 0;
  s = 0;
  while (i < 20) {
    i++;
    if (i % 4 == 0) continue;
    s += i;
  }
  iout[6] = s;

  i = 0;
  s = 0;
  do {
    i++;
    if (i & 1) continue;
    s += i * i;
  } while (i < 15);
  iout[7] = s;

  int found_i = -1, found_j = -1;
  for (int x = 1; x < 50 && found_i < 0; x++) {
    for (int y = x; y < 50; y++) {
      if (x * x + y * y == 25 * 25 && x > 5) {
        found_i = x;
        found_j = y;
        break;
      }
    }
  }
  iout[8] = found_i;
  iout[9] = found_j;

  double acc = 0.0;
  for (int r = 0; r < 8; r++) {
    for (int c = 0; c < 8; c++) {
      if (c == r) continue;
      if (c > r + 3) break;
      acc += 1.0 / (1 + r * 8 + c);
    }
  }
  fout[0] = acc;
}
