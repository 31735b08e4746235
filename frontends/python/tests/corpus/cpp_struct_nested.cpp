// Nested structs with fixed-array members, brace aggregate initialization
// (nested lists, omitted trailing members), arrays of structs, structs
// passed by const reference and by pointer and a scalar-only one by value:
// axis-aligned boxes for a spatial retrieval query.
#include <cstdint>

namespace {

struct Point {
  double c[3];
};

struct Box {
  Point lo;
  Point hi;
  int64_t id;
};

struct Pad {
  double below, above;
};

struct Query {
  Box region;
  double pad;
  int hits;
};

bool inside(const Point &p, const Box &b) {
  for (int d = 0; d < 3; d++)
    if (p.c[d] < b.lo.c[d] || p.c[d] > b.hi.c[d]) return false;
  return true;
}

double volume(const Box &b) {
  double v = 1.0;
  for (int d = 0; d < 3; d++) v *= b.hi.c[d] - b.lo.c[d];
  return v;
}

void grow(Box *b, Pad pad) {
  for (int d = 0; d < 3; d++) {
    b->lo.c[d] -= pad.below;
    b->hi.c[d] += pad.above;
  }
}

double overlap(const Box &a, const Box &b) {
  double v = 1.0;
  for (int d = 0; d < 3; d++) {
    double lo = a.lo.c[d] > b.lo.c[d] ? a.lo.c[d] : b.lo.c[d];
    double hi = a.hi.c[d] < b.hi.c[d] ? a.hi.c[d] : b.hi.c[d];
    v *= hi > lo ? hi - lo : 0.0;
  }
  return v;
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  Box boxes[5] = {
      {{{0.0, 0.0, 0.0}}, {{1.0, 1.0, 1.0}}, 10},
      {{{0.5, 0.5, 0.5}}, {{2.0, 1.5, 1.25}}, 11},
      {{{-1.0, 0.25, 0.0}}, {{0.25, 0.75, 3.0}}, 12},
      {{{1.5, -0.5, 0.5}}, {{2.5, 0.5, 1.5}}, 13},
      {{{0.0, 0.0}}, {{0.5}}, 14},
  };
  Query q = {{{{0.2, 0.1, 0.3}}, {{1.8, 1.2, 1.1}}, 99}, 0.125, 0};
  Pad even = {q.pad, q.pad};
  grow(&q.region, even);
  Point pts[12];
  for (int i = 0; i < 12; i++)
    for (int d = 0; d < 3; d++) pts[i].c[d] = ((i * 7 + d * 5) % 11) * 0.2 - 0.1;
  for (int b = 0; b < 5; b++) {
    fout[b] = volume(boxes[b]);
    fout[5 + b] = overlap(boxes[b], q.region);
    int64_t mask = 0;
    for (int i = 0; i < 12; i++)
      if (inside(pts[i], boxes[b])) mask |= int64_t{1} << i;
    iout[b] = mask;
    iout[5 + b] = boxes[b].id;
  }
  for (int i = 0; i < 12; i++)
    if (inside(pts[i], q.region)) q.hits++;
  iout[10] = q.hits;
  iout[11] = q.region.id;
  fout[10] = volume(q.region);
  Box copy = boxes[1];
  grow(&copy, Pad{0.5, 0.25});
  fout[11] = volume(copy) - volume(boxes[1]);
  fout[12] = boxes[4].hi.c[0] + boxes[4].hi.c[2] + boxes[4].lo.c[2];
}
