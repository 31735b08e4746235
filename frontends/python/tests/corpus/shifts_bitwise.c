// Shifts and bitwise operators: arithmetic right shift of negative ints,
// logical right shift of unsigned, 64-bit shifts, &, |, ^, ~ on signed and
// unsigned values, Kernighan bit counting, parity, bit reversal, rotation.
#include <stdint.h>

static int popcount_k(uint64_t v) {
  int n = 0;
  while (v) {
    v &= v - 1;
    n++;
  }
  return n;
}

static uint32_t reverse_bits(uint32_t v) {
  uint32_t r = 0;
  for (int i = 0; i < 32; i++) {
    r = (r << 1) | (v & 1u);
    v >>= 1;
  }
  return r;
}

static uint32_t rotl(uint32_t v, int k) { return (v << k) | (v >> (32 - k)); }

static int parity(uint32_t v) {
  v ^= v >> 16;
  v ^= v >> 8;
  v ^= v >> 4;
  v ^= v >> 2;
  v ^= v >> 1;
  return (int)(v & 1u);
}

void run(int64_t *iout, double *fout) {
  int neg = -100;
  iout[0] = neg >> 3;
  iout[1] = (-1) >> 31;
  int64_t neg64 = -5000000000LL;
  iout[2] = neg64 >> 7;
  uint32_t un = 0x80000000u;
  iout[3] = un >> 31;
  iout[4] = (int64_t)(1ull << 63 >> 3);
  iout[5] = 1 << 30;
  iout[6] = (int64_t)1 << 40;

  int a = 0x5A5A, b = 0x0FF0;
  iout[7] = (int64_t)(a & b) * 1000000 + (a | b);
  iout[8] = a ^ b;
  iout[9] = ~a;
  iout[10] = ~0u;
  iout[11] = neg & 0xFF;
  iout[12] = neg | 0x0F;
  iout[13] = neg ^ -1;

  iout[14] = popcount_k(0);
  iout[15] = popcount_k(0xFFFFFFFFFFFFFFFFull);
  iout[16] = popcount_k(0x123456789ABCDEFull);
  iout[17] = reverse_bits(1u);
  iout[18] = reverse_bits(0xDEADBEEFu);
  iout[19] = rotl(0x80000001u, 1);
  iout[20] = rotl(0x12345678u, 12);
  iout[21] = parity(7u) * 10 + parity(0xFFu);

  int s = 3;
  int64_t shifted = 0;
  for (int i = 0; i < 8; i++) shifted += (int64_t)(1000 >> i) << s;
  iout[22] = shifted;

  uint8_t byte = 0xB4;
  iout[23] = (byte >> 2) | (byte << 6);
  iout[24] = (uint8_t)(byte << 6);
  int16_t h = -32768;
  iout[25] = h >> 4;
  fout[0] = (double)((0xF0F0F0F0u & 0x3C3C3C3Cu) >> 2);
}
