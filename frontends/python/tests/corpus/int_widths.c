// Integer widening and narrowing: int8_t/int16_t/char/short/long/long long
// and their unsigned forms, sign vs zero extension, narrowing stores that
// wrap, integer promotion in arithmetic, bool from nonzero ints and doubles
// (256 and -0.0 included), and bool arithmetic.
#include <stdbool.h>
#include <stdint.h>

static int64_t widen8(int8_t v) { return v; }
static int64_t widen_u8(uint8_t v) { return v; }
static int16_t narrow16(int64_t v) { return (int16_t)v; }

void run(int64_t *iout, double *fout) {
  int8_t s8 = (int8_t)200;
  uint8_t u8 = (uint8_t)-1;
  int16_t s16 = (int16_t)40000;
  uint16_t u16 = (uint16_t)-2;
  iout[0] = s8;
  iout[1] = u8;
  iout[2] = s16;
  iout[3] = u16;

  int8_t x = 100, y = 100;
  int sum = x + y;
  int8_t wrapped = (int8_t)(x + y);
  iout[4] = sum;
  iout[5] = wrapped;

  char c = 'z';
  c = (char)(c + 5);
  iout[6] = c;
  signed char sc = -128;
  unsigned char uc = 255;
  iout[7] = sc + uc;
  short sh = -1;
  unsigned short ush = (unsigned short)sh;
  iout[8] = ush;
  iout[9] = (unsigned short)sh == sh;

  long l = 5000000000L;
  long long ll = -l * 3;
  int truncated = (int)l;
  iout[10] = ll;
  iout[11] = truncated;
  iout[12] = (uint32_t)-5;
  iout[13] = (int64_t)(uint32_t)-5 + (int64_t)(int32_t)-5;

  iout[14] = widen8(-3) + widen_u8(253) * 1000;
  iout[15] = widen8((int8_t)0x80) + widen_u8((uint8_t)0x180);
  iout[16] = narrow16(70000) * 10 + narrow16(-1);

  bool b1 = 5;
  bool b2 = -1;
  bool b3 = 0.25;
  bool b4 = 0.0;
  bool b5 = -0.0;
  bool b6 = 256;
  iout[17] = b1 + 2 * b2 + 4 * b3 + 8 * b4 + 16 * b5 + 32 * b6;
  iout[18] = b1 + b1 + b2;
  bool t = true;
  t += 1;
  iout[19] = t;
  bool f = false;
  f = !f;
  f -= 1;
  iout[20] = f;

  int64_t mix = 0;
  for (int i = 0; i < 300; i += 7) {
    int8_t n8 = (int8_t)(i * 3);
    uint8_t m8 = (uint8_t)(i * 5);
    int16_t n16 = (int16_t)(i * i * 9);
    mix = mix * 7 % 1000000009 + n8 + m8 + n16;
  }
  iout[21] = mix;
  fout[0] = (double)(int8_t)-1 + (double)(uint8_t)-1 + s16 * 0.5;
}
