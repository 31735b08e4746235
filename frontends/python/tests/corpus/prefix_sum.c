// Prefix sums: inclusive and exclusive scans in place and out of place, a
// 2-D summed-area table queried for rectangle sums, a running maximum, and a
// double scan compared against a direct range sum.
#include <stdint.h>

static void inclusive_scan(int64_t *v, int n) {
  for (int i = 1; i < n; i++) v[i] += v[i - 1];
}

static void exclusive_scan(const int *in, int64_t *out, int n) {
  int64_t acc = 0;
  for (int i = 0; i < n; i++) {
    out[i] = acc;
    acc += in[i];
  }
}

void run(int64_t *iout, double *fout) {
  int data[40];
  uint32_t s = 12345u;
  for (int i = 0; i < 40; i++) {
    s = s * 1103515245u + 12345u;
    data[i] = (int)((s >> 16) % 201u) - 100;
  }

  int64_t inc[40];
  for (int i = 0; i < 40; i++) inc[i] = data[i];
  inclusive_scan(inc, 40);
  int64_t exc[40];
  exclusive_scan(data, exc, 40);
  iout[0] = inc[39];
  iout[1] = inc[19] - inc[9];
  iout[2] = exc[39] + data[39] - inc[39];
  int64_t mix = 0;
  for (int i = 0; i < 40; i += 5) mix = mix * 1000 % 1000000007 + (inc[i] - exc[i]) + 500;
  iout[3] = mix;

  int grid[6][7];
  int64_t sat[7][8];
  for (int r = 0; r < 6; r++)
    for (int c = 0; c < 7; c++) grid[r][c] = data[(r * 7 + c) % 40];
  for (int c = 0; c < 8; c++) sat[0][c] = 0;
  for (int r = 1; r < 7; r++) {
    sat[r][0] = 0;
    for (int c = 1; c < 8; c++) sat[r][c] = grid[r - 1][c - 1] + sat[r - 1][c] + sat[r][c - 1] - sat[r - 1][c - 1];
  }
  iout[4] = sat[6][7];
  iout[5] = sat[4][5] - sat[1][5] - sat[4][2] + sat[1][2];
  int64_t direct = 0;
  for (int r = 1; r < 4; r++)
    for (int c = 2; c < 5; c++) direct += grid[r][c];
  iout[6] = direct;

  int best = data[0];
  int64_t record = 0;
  for (int i = 1; i < 40; i++) {
    if (data[i] > best) {
      best = data[i];
      record = record * 40 % 1000000007 + i;
    }
  }
  iout[7] = best;
  iout[8] = record;

  double x[32], px[33];
  px[0] = 0.0;
  for (int i = 0; i < 32; i++) {
    x[i] = 1.0 / (i + 1) - 0.03 * i;
    px[i + 1] = px[i] + x[i];
  }
  fout[0] = px[32];
  fout[1] = px[20] - px[10];
  double range = 0.0;
  for (int i = 10; i < 20; i++) range += x[i];
  fout[2] = range;
}
