// Compound assignment (+= -= *= /= %= <<= >>= &= |= ^=) on int, int64_t,
// unsigned, narrow and double lvalues, array elements and pointees, with
// double right operands on int lvalues, narrow lvalues of mixed signedness
// computed in int; pre/post ++ and -- inside
// expressions (indices, conditions, arguments) on ints, doubles, uint8_t;
// assignments used as values (chained, in a loop condition).
#include <stdint.h>

static int twice(int v) { return 2 * v; }

void run(int64_t *iout, double *fout) {
  int x = 10;
  x += 5;
  x -= 3;
  x *= 7;
  x /= 4;
  x %= 6;
  iout[0] = x;

  int64_t y = 1;
  y <<= 40;
  y >>= 3;
  y |= 0xF0;
  y &= ~(int64_t)0x10;
  y ^= 0x3;
  iout[1] = y;

  uint32_t u = 7;
  u -= 10;
  u *= 3;
  u >>= 1;
  iout[2] = u;

  int8_t s8 = 100;
  s8 += 100;
  uint8_t u8 = 10;
  u8 -= 20;
  u8 <<= 1;
  iout[3] = s8;
  iout[4] = u8;
  int8_t sa = -1, sb = -2;
  uint8_t ua = 7, ub = 2;
  int16_t sc = -7;
  uint16_t ud = 3;
  sa /= ub;
  ua /= sb;
  sc %= ud;
  iout[18] = sa * 1000000 + ua * 1000 + sc;

  int k = 7;
  k *= 2.5;
  iout[5] = k;
  k /= 0.3;
  iout[6] = k;
  double d = 1.5;
  d += 2;
  d *= d;
  d /= 4;
  d -= 0.0625;
  fout[0] = d;

  int a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  int *p = a + 2;
  *p *= 10;
  p[1] += a[0];
  a[7] %= 3;
  a[6] <<= 2;
  a[5] ^= 0xF;
  int64_t s = 0;
  for (int i = 0; i < 8; i++) s = s * 100 + a[i];
  iout[7] = s;

  int i = 0;
  int b[6] = {0};
  b[i++] = 5;
  b[i++] = 20;
  b[++i] = 7;
  int j = i--;
  iout[8] = b[0] * 10000 + b[1] * 100 + b[3];
  iout[9] = i * 10 + j;

  int n = 5;
  int r = n++ + 10;
  r += ++n;
  iout[10] = r * 100 + n;
  int m = 5;
  int q = --m * 3;
  q -= m--;
  iout[11] = q * 100 + m;
  iout[12] = twice(n++);
  iout[12] += twice(--n) * 10;

  int count = 0, t = 10;
  while (t-- > 0) count++;
  iout[13] = count * 100 + t;
  int c1, c2, c3, steps = 0;
  c1 = c2 = c3 = 4;
  c1 += c2 *= c3 -= 1;
  while ((t += 7) < 40) steps++;
  iout[16] = c1 * 10000 + c2 * 100 + c3;
  iout[17] = steps * 100 + t;

  double e = 0.5;
  e++;
  ++e;
  double g = e--;
  fout[1] = e * 10 + g;

  uint8_t w = 255, w2 = 0;
  w++;
  w2--;
  iout[14] = w * 1000 + w2;
  int64_t big = 1;
  for (int z = 0; z < 20; z++) big += big << 1;
  iout[15] = big;
}
