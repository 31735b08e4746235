// Integer division and remainder with every sign combination for int,
// int64_t and promoted int8_t operands, the identity (a/b)*b + a%b == a,
// division vs arithmetic shift of negatives, unsigned division, /= and %=.
#include <stdint.h>

void run(int64_t *iout, double *fout) {
  int as[4] = {17, -17, 17, -17};
  int bs[4] = {5, 5, -5, -5};
  for (int i = 0; i < 4; i++) {
    iout[i] = as[i] / bs[i];
    iout[4 + i] = as[i] % bs[i];
  }

  int64_t big[3] = {-9000000000LL, 9000000001LL, -1LL};
  int64_t dv[3] = {7, -13, 3};
  for (int i = 0; i < 3; i++) {
    iout[8 + i] = big[i] / dv[i];
    iout[11 + i] = big[i] % dv[i];
  }

  int ok = 1;
  for (int a = -20; a <= 20; a++) {
    for (int b = -6; b <= 6; b++) {
      if (b == 0) continue;
      if ((a / b) * b + a % b != a) ok = 0;
    }
  }
  iout[14] = ok;

  int neg = -7;
  iout[15] = neg / 2;
  iout[16] = neg >> 1;
  iout[17] = neg % 2;
  iout[18] = -1 / 2;

  int8_t s8 = -100;
  int8_t d8 = 7;
  iout[19] = s8 / d8;
  iout[20] = s8 % d8;

  uint32_t u = 4000000000u;
  iout[21] = u / 3u;
  iout[22] = u % 1000u;

  int x = 1000;
  x /= -7;
  iout[23] = x;
  x %= 5;
  iout[24] = x;
  int64_t y = -123456789012LL;
  y /= 1000;
  iout[25] = y;
  y %= -97;
  iout[26] = y;

  int64_t checksum = 0;
  for (int a = -50; a < 50; a += 3) {
    int b = (a % 7) + 8;
    checksum = checksum * 31 % 1000000007 + a / b + a % b;
  }
  iout[27] = checksum;
  fout[0] = (double)(7 / 2) + 7 / 2.0;
}
