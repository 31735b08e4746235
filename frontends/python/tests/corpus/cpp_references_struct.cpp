// References to structs in a velocity-Verlet MD step: `const Particle &` for
// read-only access, `Particle &` to update in place, a reference local bound
// to an element of an array of structs (`Particle &p = ps[i]`), a reference
// to a member array element, a struct copied from an array element, and a
// scalar-only parameter struct passed by value.
#include <cmath>
#include <cstdint>

namespace {

struct Particle {
  double x[2];
  double v[2];
  double f[2];
  double mass;
};

struct Spring {
  double k, rest;
};

double kinetic(const Particle &p) { return 0.5 * p.mass * (p.v[0] * p.v[0] + p.v[1] * p.v[1]); }

void clear_force(Particle &p) {
  p.f[0] = 0.0;
  p.f[1] = 0.0;
}

void spring(Particle &a, Particle &b, Spring sp) {
  double dx = b.x[0] - a.x[0], dy = b.x[1] - a.x[1];
  double r = std::sqrt(dx * dx + dy * dy);
  double s = sp.k * (r - sp.rest) / r;
  a.f[0] += s * dx;
  a.f[1] += s * dy;
  b.f[0] -= s * dx;
  b.f[1] -= s * dy;
}

void kick_drift(Particle &p, double dt) {
  for (int d = 0; d < 2; d++) {
    double &vd = p.v[d];
    vd += 0.5 * dt * p.f[d] / p.mass;
    p.x[d] += dt * vd;
  }
}

void kick(Particle &p, double dt) {
  for (int d = 0; d < 2; d++) p.v[d] += 0.5 * dt * p.f[d] / p.mass;
}

void forces(Particle *ps, int n) {
  for (int i = 0; i < n; i++) clear_force(ps[i]);
  for (int i = 0; i + 1 < n; i++) {
    Spring sp = {4.0 + i, 1.0};
    spring(ps[i], ps[i + 1], sp);
  }
}

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  const int n = 6;
  Particle ps[n];
  for (int i = 0; i < n; i++) {
    Particle &p = ps[i];
    p.x[0] = 1.1 * i;
    p.x[1] = 0.1 * ((i * 7) % 5);
    p.v[0] = 0.05 * (i % 3) - 0.05;
    p.v[1] = 0.0;
    p.mass = 1.0 + 0.5 * (i % 2);
  }
  forces(ps, n);
  double dt = 0.01;
  for (int step = 0; step < 50; step++) {
    for (int i = 0; i < n; i++) kick_drift(ps[i], dt);
    forces(ps, n);
    for (int i = 0; i < n; i++) kick(ps[i], dt);
  }
  double e = 0.0;
  for (int i = 0; i < n; i++) {
    const Particle &p = ps[i];
    fout[i] = p.x[0];
    fout[n + i] = p.x[1];
    fout[2 * n + i] = p.v[0];
    e += kinetic(p);
  }
  fout[3 * n] = e;
  Particle moved = ps[2];
  moved.v[0] += 0.25;
  fout[3 * n + 1] = kinetic(moved);
  fout[3 * n + 2] = kinetic(ps[2]);
  int64_t right = 0;
  for (int i = 0; i < n; i++)
    if (ps[i].v[0] > 0.0) right += int64_t{1} << i;
  iout[0] = right;
  iout[1] = static_cast<int64_t>(std::floor(e * 1e6));
}
