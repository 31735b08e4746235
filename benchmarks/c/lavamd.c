/* lavaMD (Rodinia's molecular dynamics kernel) with the knobs of the
 * ApproxMLIR paper, Appendix B.1.
 *
 * Entry point (exported; every other function is an implementation detail):
 *
 *   void lavamd(const double *rv, const double *qv, double *fv,
 *               int64_t nx, int64_t ny, int64_t nz, int64_t ppb);
 *
 *   nx, ny, nz  the 3-D grid of boxes (box (bx, by, bz) has index
 *               (bz * ny + by) * nx + bx); n = nx * ny * nz * ppb particles
 *   ppb         particles per box; box b holds particles b*ppb .. b*ppb+ppb-1
 *   rv          positions, 4 doubles per particle (v, x, y, z): 4 * n
 *   qv          charges, one per particle: n
 *   fv          output, 4 doubles per particle (potential v, force x, y, z):
 *               4 * n, overwritten (zeroed first)
 *
 * The physics is Rodinia's kernel_cpu.c (alpha = 0.5): for every particle i
 * of a home box and every particle j of the home box or of one of its (up to
 * 26) adjacent boxes (no wrap-around),
 *   r2 = v_i + v_j - (x_i x_j + y_i y_j + z_i z_j),  vij = exp(-a2 r2),
 *   fv_i.v += q_j vij,  fv_i.{x,y,z} += q_j 2 vij (r_i - r_j).{x,y,z}.
 *
 * Knobs (paper, Appendix B.1):
 *
 * (a) `self_box` - loop perforation of the self-box loop over j, decided per
 *     home particle i by its charge. State function: `particle_charge_state`,
 *     the charge of the current particle scaled to an integer 0..100 (10..100
 *     for B.1's inputs). The
 *     frontend supports only state functions without arguments, so the
 *     kernel stores the current particle's charge in the static global
 *     `g_current_charge` right before the knob region and the state function
 *     reads it back (not thread-safe: the kernel is single-threaded; a
 *     parallel version would make it thread-local). Decision 1 doubles the
 *     loop's step, i.e. skips half of the pair interactions, as in B.1 when
 *     the charge exceeds the threshold; the tuner picks the threshold (0..100)
 *     and which side of it is perforated.
 *
 * (b) `neighbor_box` - function substitution of the neighbor-box interaction
 *     function: `approx_neighbor_box_1` skips 1/8 of the (i, j) iterations,
 *     `approx_neighbor_box_2` skips 1/4 (and, beyond B.1, `approx_neighbor_box_3`
 *     skips 1/2, so that the space reaches further). B.1 chooses purely at random (70 %
 *     variant 1, 30 % variant 2). Here the choice is a decision tree whose
 *     state is `approx_rt_random_state()` (uniform in 0..99, a fresh draw per
 *     call, i.e. per (home box, neighbor box) pair) with two thresholds in
 *     0..100 and decisions from {0, 1, 2, 3}: thresholds t1 < t2 and decisions
 *     (d0, d1, d2) choose d0 with probability t1 %, d1 with (t2 - t1) % and
 *     d2 with (100 - t2) % (branch b runs when exactly b thresholds are
 *     <= the state). The paper's 70/30 split is thresholds [0, 70] with
 *     decisions [0, 1, 2] (branch 0 never runs); a static configuration (one
 *     decision) is the deterministic special case. So the tuner searches the
 *     probabilities instead of taking B.1's as fixed.
 *
 * Skipping iterations biases sums low (every term of the potential is
 * positive), so every perforated loop extrapolates like classic loop
 * perforation with result scaling: the partial sums of particle i are scaled
 * by (iterations of the exact loop) / (iterations run). The compiler
 * perforates the self-box loop by multiplying its step, so that loop counts
 * its iterations in its body; for the exact loop the factor is exactly 1.0,
 * so the exact configuration is bit-identical to the kernel without knobs.
 * (Without the scaling, variant 1 alone loses 12 % of QoS and variant 2 24 %.)
 */
#include <math.h>
#include <stdint.h>

#include "approx/runtime.h"

#define LAVAMD_ALPHA 0.5

/* The charge of the home particle whose self-box loop runs next; written by
 * the kernel right before the `self_box` knob region, read by the state
 * function. */
static double g_current_charge = 0.0;

/* State of the `self_box` knob: the current particle's charge (inputs are in
 * [0.1, 1.0]) as an integer percentage, clamped to 0..100. */
int64_t particle_charge_state(void) {
  double scaled = g_current_charge * 100.0 + 0.5;
  if (scaled < 0.0)
    return 0;
  if (scaled > 100.0)
    return 100;
  return (int64_t)scaled;
}

/* Interactions of every particle of the home box (first particle first_i)
 * with every particle of the adjacent box starting at first_j. */
// @approx:decision_tree {
//   id: neighbor_box
//   state_function: approx_rt_random_state
//   threshold_range: [0, 100]
//   num_thresholds: 2
//   decision_values: [0, 1, 2, 3]
//   transform_type: func_substitute
// }
void neighbor_box(const double *rv, const double *qv, double *fv, int64_t first_i, int64_t first_j, int64_t ppb,
                  double a2) {
  for (int64_t i = first_i; i < first_i + ppb; i++) {
    double vi = rv[4 * i], xi = rv[4 * i + 1], yi = rv[4 * i + 2], zi = rv[4 * i + 3];
    double pv = 0.0, px = 0.0, py = 0.0, pz = 0.0;
    for (int64_t j = first_j; j < first_j + ppb; j++) {
      double xj = rv[4 * j + 1], yj = rv[4 * j + 2], zj = rv[4 * j + 3];
      double r2 = vi + rv[4 * j] - (xi * xj + yi * yj + zi * zj);
      double vij = exp(-(a2 * r2));
      double fs = 2.0 * vij;
      double q = qv[j];
      pv += q * vij;
      px += q * (fs * (xi - xj));
      py += q * (fs * (yi - yj));
      pz += q * (fs * (zi - zj));
    }
    fv[4 * i] += pv;
    fv[4 * i + 1] += px;
    fv[4 * i + 2] += py;
    fv[4 * i + 3] += pz;
  }
}

/* neighbor_box skipping ppb / period of the ppb iterations of the j loop for
 * every i, extrapolated. The kept particles of the neighbor box are a
 * cyclic window of ppb - ppb / period consecutive ones whose start rotates
 * with i, so that every pair is skipped for some i. A window is at most two
 * plain loops: a per-iteration skip test (and counter) would add 3-4 % to
 * the instructions of every interaction kept. */
static void neighbor_box_skipping(const double *rv, const double *qv, double *fv, int64_t first_i, int64_t first_j,
                                  int64_t ppb, double a2, int64_t period) {
  int64_t skipped = ppb / period;
  int64_t kept = ppb - skipped;
  double scale = kept > 0 ? (double)ppb / (double)kept : 0.0;
  for (int64_t i = first_i; i < first_i + ppb; i++) {
    double vi = rv[4 * i], xi = rv[4 * i + 1], yi = rv[4 * i + 2], zi = rv[4 * i + 3];
    double pv = 0.0, px = 0.0, py = 0.0, pz = 0.0;
    /* The window is [start, start + kept) modulo ppb: a first segment up to
     * the end of the box, then the part that wraps around to its start. */
    int64_t start = ((i - first_i) * skipped) % ppb;
    int64_t stop = start + kept;
    int64_t first_stop = stop < ppb ? stop : ppb;
    for (int64_t segment = 0; segment < 2; segment++) {
      int64_t lo = segment == 0 ? first_j + start : first_j;
      int64_t hi = segment == 0 ? first_j + first_stop : first_j + (stop - first_stop);
      for (int64_t j = lo; j < hi; j++) {
        double xj = rv[4 * j + 1], yj = rv[4 * j + 2], zj = rv[4 * j + 3];
        double r2 = vi + rv[4 * j] - (xi * xj + yi * yj + zi * zj);
        double vij = exp(-(a2 * r2));
        double fs = 2.0 * vij;
        double q = qv[j];
        pv += q * vij;
        px += q * (fs * (xi - xj));
        py += q * (fs * (yi - yj));
        pz += q * (fs * (zi - zj));
      }
    }
    fv[4 * i] += pv * scale;
    fv[4 * i + 1] += px * scale;
    fv[4 * i + 2] += py * scale;
    fv[4 * i + 3] += pz * scale;
  }
}

/* Variant 1 of the neighbor_box knob: skips 1/8 of the iterations. */
void approx_neighbor_box_1(const double *rv, const double *qv, double *fv, int64_t first_i, int64_t first_j,
                           int64_t ppb, double a2) {
  neighbor_box_skipping(rv, qv, fv, first_i, first_j, ppb, a2, 8);
}

/* Variant 2 of the neighbor_box knob: skips 1/4 of the iterations. */
void approx_neighbor_box_2(const double *rv, const double *qv, double *fv, int64_t first_i, int64_t first_j,
                           int64_t ppb, double a2) {
  neighbor_box_skipping(rv, qv, fv, first_i, first_j, ppb, a2, 4);
}

/* Variant 3 of the neighbor_box knob (beyond B.1's two): skips 1/2 of the
 * iterations, the most aggressive point of the space. */
void approx_neighbor_box_3(const double *rv, const double *qv, double *fv, int64_t first_i, int64_t first_j,
                           int64_t ppb, double a2) {
  neighbor_box_skipping(rv, qv, fv, first_i, first_j, ppb, a2, 2);
}

/* Interactions of the particles of one box with each other (including
 * i == j, as in Rodinia). */
static void self_box(const double *rv, const double *qv, double *fv, int64_t first, int64_t ppb, double a2) {
  for (int64_t i = first; i < first + ppb; i++) {
    double vi = rv[4 * i], xi = rv[4 * i + 1], yi = rv[4 * i + 2], zi = rv[4 * i + 3];
    double pv = 0.0, px = 0.0, py = 0.0, pz = 0.0;
    int64_t kept = 0;
    g_current_charge = qv[i]; /* read by particle_charge_state */
#pragma approx decision_tree \
  id=self_box \
  state_function=particle_charge_state \
  threshold_range=[0, 100] \
  num_thresholds=1 \
  decision_values=[0, 1, 3] \
  transform_type=loop_perforate
    for (int64_t j = first; j < first + ppb; j++) {
      double xj = rv[4 * j + 1], yj = rv[4 * j + 2], zj = rv[4 * j + 3];
      double r2 = vi + rv[4 * j] - (xi * xj + yi * yj + zi * zj);
      double vij = exp(-(a2 * r2));
      double fs = 2.0 * vij;
      double q = qv[j];
      pv += q * vij;
      px += q * (fs * (xi - xj));
      py += q * (fs * (yi - yj));
      pz += q * (fs * (zi - zj));
      kept++;
    }
    double scale = kept > 0 ? (double)ppb / (double)kept : 0.0;
    fv[4 * i] += pv * scale;
    fv[4 * i + 1] += px * scale;
    fv[4 * i + 2] += py * scale;
    fv[4 * i + 3] += pz * scale;
  }
}

void lavamd(const double *rv, const double *qv, double *fv, int64_t nx, int64_t ny, int64_t nz, int64_t ppb) {
  double a2 = 2.0 * LAVAMD_ALPHA * LAVAMD_ALPHA;
  int64_t n = nx * ny * nz * ppb;
  for (int64_t k = 0; k < 4 * n; k++)
    fv[k] = 0.0;
  for (int64_t bz = 0; bz < nz; bz++) {
    for (int64_t by = 0; by < ny; by++) {
      for (int64_t bx = 0; bx < nx; bx++) {
        int64_t home = (bz * ny + by) * nx + bx;
        self_box(rv, qv, fv, home * ppb, ppb, a2);
        for (int64_t dz = -1; dz <= 1; dz++) {
          for (int64_t dy = -1; dy <= 1; dy++) {
            for (int64_t dx = -1; dx <= 1; dx++) {
              int64_t cx = bx + dx, cy = by + dy, cz = bz + dz;
              int is_self = dx == 0 && dy == 0 && dz == 0;
              int inside = cx >= 0 && cx < nx && cy >= 0 && cy < ny && cz >= 0 && cz < nz;
              if (inside && !is_self)
                neighbor_box(rv, qv, fv, home * ppb, ((cz * ny + cy) * nx + cx) * ppb, ppb, a2);
            }
          }
        }
      }
    }
  }
}
