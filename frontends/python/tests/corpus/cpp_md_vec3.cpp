// Lennard-Jones forces with a small vector struct: const member functions
// (dot, norm2), member functions modifying the object (add_scaled), inline
// free functions taking `const Vec3 &` and returning a Vec3 by value,
// arrays of structs, minimum-image wrapping, and energies accumulated
// through a `double &` parameter.
#include <cmath>
#include <cstdint>

namespace {

struct Vec3 {
  double x, y, z;

  double dot(const Vec3 &o) const { return x * o.x + y * o.y + z * o.z; }
  double norm2() const { return dot(*this); }
  void add_scaled(const Vec3 &o, double s) {
    x += s * o.x;
    y += s * o.y;
    z += s * o.z;
  }
};

inline Vec3 sub(const Vec3 &a, const Vec3 &b) { return Vec3{a.x - b.x, a.y - b.y, a.z - b.z}; }

inline double wrap(double d, double side) { return d - side * std::floor(d / side + 0.5); }

inline Vec3 minimum_image(const Vec3 &d, double side) { return {wrap(d.x, side), wrap(d.y, side), wrap(d.z, side)}; }

void lennard_jones(const Vec3 *pos, Vec3 *force, int n, double side, double &energy, int64_t &pairs) {
  for (int i = 0; i < n; i++) force[i] = {0.0, 0.0, 0.0};
  energy = 0.0;
  pairs = 0;
  const double cutoff2 = 2.5 * 2.5;
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      Vec3 d = minimum_image(sub(pos[i], pos[j]), side);
      double r2 = d.norm2();
      if (r2 >= cutoff2) continue;
      double inv6 = 1.0 / (r2 * r2 * r2);
      energy += 4.0 * inv6 * (inv6 - 1.0);
      double f = 24.0 * inv6 * (2.0 * inv6 - 1.0) / r2;
      force[i].add_scaled(d, f);
      force[j].add_scaled(d, -f);
      pairs++;
    }
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  constexpr int n = 12;
  const double side = 4.5;
  Vec3 pos[n], vel[n], force[n];
  for (int i = 0; i < n; i++) {
    pos[i] = {1.5 * (i % 3) + 0.1 * (i % 2), 1.5 * ((i / 3) % 2) + 0.05 * i, 2.2 * (i / 6) + 0.3};
    vel[i] = {0.01 * ((i * 7) % 5 - 2), 0.02 * ((i * 3) % 4 - 1.5), 0.0};
  }
  double energy = 0.0;
  int64_t pairs = 0;
  lennard_jones(pos, force, n, side, energy, pairs);
  fout[0] = energy;
  iout[0] = pairs;
  const double dt = 0.002;
  for (int step = 0; step < 20; step++) {
    for (int i = 0; i < n; i++) {
      vel[i].add_scaled(force[i], 0.5 * dt);
      pos[i].add_scaled(vel[i], dt);
    }
    lennard_jones(pos, force, n, side, energy, pairs);
    for (int i = 0; i < n; i++) vel[i].add_scaled(force[i], 0.5 * dt);
  }
  double kinetic = 0.0;
  for (int i = 0; i < n; i++) kinetic += 0.5 * vel[i].norm2();
  fout[1] = energy;
  fout[2] = kinetic;
  iout[1] = pairs;
  for (int i = 0; i < n; i++) {
    fout[3 + i] = pos[i].x + 3.0 * pos[i].y - pos[i].z;
    fout[3 + n + i] = force[i].dot(vel[i]);
  }
  Vec3 total = {0.0, 0.0, 0.0};
  for (int i = 0; i < n; i++) total.add_scaled(vel[i], 1.0);
  fout[3 + 2 * n] = total.norm2();
}
