// Unsigned wraparound: uint32_t add/sub/mul overflow, uint8_t and uint16_t
// increments past their maximum, uint64_t multiplication, FNV-1a and
// xorshift hashes, unsigned comparisons and mixed signed/unsigned compares.
#include <stdint.h>

static uint32_t fnv1a(const uint8_t *bytes, int n) {
  uint32_t h = 2166136261u;
  for (int i = 0; i < n; i++) {
    h ^= bytes[i];
    h *= 16777619u;
  }
  return h;
}

static uint32_t xorshift32(uint32_t x) {
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return x;
}

void run(int64_t *iout, double *fout) {
  uint32_t a = 4000000000u;
  uint32_t b = a + 500000000u;
  iout[0] = b;
  uint32_t c = 5u - 10u;
  iout[1] = c;
  uint32_t m = 123456789u * 987654321u;
  iout[2] = m;

  uint8_t u8 = 250;
  for (int i = 0; i < 10; i++) u8++;
  iout[3] = u8;
  uint8_t d8 = 3;
  d8 -= 5;
  iout[4] = d8;
  uint16_t u16 = 65530;
  u16 += 10;
  iout[5] = u16;

  uint64_t big = 0xFFFFFFFFFFFFFFFFull;
  big += 2;
  iout[6] = (int64_t)big;
  uint64_t mul = 0x123456789ABCDEFull * 0xFEDCBA987ull;
  iout[7] = (int64_t)mul;

  uint8_t bytes[32];
  uint32_t state = 1u;
  for (int i = 0; i < 32; i++) {
    state = state * 1664525u + 1013904223u;
    bytes[i] = (uint8_t)(state >> 16);
  }
  iout[8] = fnv1a(bytes, 32);
  iout[9] = fnv1a(bytes + 8, 16);

  uint32_t x = 2463534242u;
  for (int i = 0; i < 100; i++) x = xorshift32(x);
  iout[10] = x;

  iout[11] = (0u - 1u > 0u) + 2 * (-1 < 1u) + 4 * ((uint8_t)-1 > 0) + 8 * (-1 < (int64_t)1u);

  uint32_t sum = 0;
  for (uint32_t i = 0; i < 100; i++) sum += i * 0x9E3779B9u;
  iout[12] = sum;

  uint32_t div = 0xFFFFFFF0u;
  iout[13] = div / 7u;
  iout[14] = div % 7u;
  iout[15] = div >> 4;

  uint16_t p = 300;
  uint16_t q = (uint16_t)(p * p);
  iout[16] = q;
  fout[0] = (double)a + (double)c;
  fout[1] = (double)big + (double)(uint64_t)0xF000000000000000ull;
}
