// Histograms: integer bins via `hist[v % B]++`, double bins via floor,
// clamping of out-of-range samples, the fullest bin, a cumulative
// distribution, and a 2-D joint histogram of consecutive samples.
#include <math.h>
#include <stdint.h>

#define BINS 16

static uint32_t state;

static uint32_t next_u32(void) {
  state = state * 1664525u + 1013904223u;
  return state;
}

void run(int64_t *iout, double *fout) {
  state = 4242u;
  int hist[BINS] = {0};
  uint32_t samples[256];
  for (int i = 0; i < 256; i++) {
    samples[i] = next_u32() >> 12;
    hist[samples[i] % BINS]++;
  }
  int best = 0;
  for (int b = 1; b < BINS; b++)
    if (hist[b] > hist[best]) best = b;
  iout[0] = best;
  iout[1] = hist[best];
  int64_t code = 0;
  for (int b = 0; b < BINS; b++) code = code * 37 % 1000000007 + hist[b];
  iout[2] = code;

  int cdf[BINS];
  cdf[0] = hist[0];
  for (int b = 1; b < BINS; b++) cdf[b] = cdf[b - 1] + hist[b];
  iout[3] = cdf[BINS - 1];
  iout[4] = cdf[BINS / 2];

  int dh[10] = {0};
  int clamped = 0;
  for (int i = 0; i < 200; i++) {
    double x = (double)(next_u32() >> 8) / 16777216.0 * 1.4 - 0.2;
    int b = (int)floor(x * 10.0);
    if (b < 0) {
      b = 0;
      clamped++;
    } else if (b > 9) {
      b = 9;
      clamped++;
    }
    dh[b] += 1;
  }
  for (int b = 0; b < 10; b++) iout[5 + b] = dh[b];
  iout[15] = clamped;

  int joint[4][4] = {{0}};
  for (int i = 1; i < 256; i++) joint[samples[i - 1] & 3u][samples[i] & 3u]++;
  int64_t jcode = 0;
  for (int r = 0; r < 4; r++)
    for (int c = 0; c < 4; c++) jcode = jcode * 31 % 1000000007 + joint[r][c];
  iout[16] = jcode;

  double mean = 0.0;
  for (int b = 0; b < BINS; b++) mean += (double)b * hist[b];
  fout[0] = mean / 256.0;
}
