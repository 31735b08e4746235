// kmeans: Lloyd's k-means with the approximation knobs of the ApproxMLIR
// paper's Appendix B.4, plus a distance knob (see below).
//
// Entry point:
//
//   void kmeans(const double *points,   // n x d, row-major (in)
//               int64_t n, int64_t d,
//               double *centroids,      // k x d, row-major (in: initial
//                                       //   centroids, out: final ones)
//               int64_t k,
//               int64_t iterations,     // fixed number of Lloyd iterations
//               int64_t *assignment,    // n (out): each point's cluster, -1
//                                       //   for a point never visited
//               double *sums,           // k x d scratch (contents ignored)
//               int64_t *counts);       // k scratch (contents ignored)
//
// The caller provides the scratch arrays because the C subset has neither
// malloc (no pointers returned from functions) nor VLAs. Iteration `it`
// (0-based) starts with approx_rt_set_iteration(it), so the decision trees
// below, whose state function is approx_rt_iteration, pick their decision
// from the iteration number. Each iteration:
//
//   1. assignment: every point (point_assignment knob) moves to the nearest
//      centroid (centroid_selection knob) by squared Euclidean distance
//      (distance knob), and is added to that cluster's running sum;
//   2. update: each centroid that got points becomes their mean; a centroid
//      without points keeps its position.
//
// Knobs (all dynamic: decision trees on the iteration number, 0-based; the
// threshold range [0, 20] matches the driver's 20 iterations):
//
//   point_assignment   loop_perforate of the loop over points. Value v visits
//                      every (v+1)-th point. The loop is rotated by the
//                      iteration number (point i = p + it mod n), so the
//                      visited subset changes from one iteration to the next
//                      and every point is visited within v+1 iterations.
//                      A skipped point keeps its previous assignment and does
//                      not contribute to this iteration's centroids (B.4):
//                      the centroids become means over a sample.
//   centroid_selection loop_perforate of the loop over the k centroids of one
//                      point. Value v computes the distance to every (v+1)-th
//                      centroid only, so a point may land on a "near" rather
//                      than the nearest centroid (B.4). The search starts
//                      from the point's previous centroid (a point never
//                      moves to a farther centroid than the one it has) and
//                      is rotated by (point + iteration) mod k, so that every
//                      centroid is a candidate for some points in every
//                      iteration.
//   distance           func_substitute of sq_dist: the third knob of Table 2,
//                      which B.4 does not describe. Value v estimates the
//                      squared distance from every 2^v-th coordinate, scaled
//                      by 2^v (coordinate sampling; v = 1, 2, 3).
//
// Exact semantics (no configuration): every point is compared with every
// centroid; ties keep the previous centroid, then the first centroid found in
// rotated order.
//
// The centroid search is a function of its own rather than a loop nested in
// the point loop because approx-opt rejects a knob nested in the body of a
// knob configured with a decision tree (approx-lower-decision-tree clones the
// inner approx.knob into every branch: "duplicate knob id").
#include <stdint.h>

#include "approx/runtime.h"

// Squared Euclidean distance between a[0..d) and b[0..d).
#pragma approx decision_tree \
  id=distance \
  state_function=approx_rt_iteration \
  threshold_range=[0, 20] \
  decision_values=[0, 1, 2, 3] \
  transform_type=func_substitute
double sq_dist(const double *a, const double *b, int64_t d) {
  double s = 0.0;
  for (int64_t j = 0; j < d; j++) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return s;
}

// Every 2nd coordinate, times 2.
double approx_sq_dist_1(const double *a, const double *b, int64_t d) {
  double s = 0.0;
  for (int64_t j = 0; j < d; j += 2) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return 2.0 * s;
}

// Every 4th coordinate, times 4.
double approx_sq_dist_2(const double *a, const double *b, int64_t d) {
  double s = 0.0;
  for (int64_t j = 0; j < d; j += 4) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return 4.0 * s;
}

// Every 8th coordinate, times 8.
double approx_sq_dist_3(const double *a, const double *b, int64_t d) {
  double s = 0.0;
  for (int64_t j = 0; j < d; j += 8) {
    double t = a[j] - b[j];
    s += t * t;
  }
  return 8.0 * s;
}

// The centroid nearest to x among the candidates, starting from `prev` (the
// point's current centroid, or -1): a candidate replaces the best so far only
// if it is strictly closer. Candidates are visited in the rotated order
// rot, rot+1, ..., k-1, 0, ..., rot-1.
int64_t nearest_centroid(const double *x, const double *centroids, int64_t k,
                         int64_t d, int64_t prev, int64_t rot) {
  int64_t best = prev;
  double best_dist = 1.0e308;
  if (prev >= 0)
    best_dist = sq_dist(x, &centroids[prev * d], d);

#pragma approx decision_tree \
  id=centroid_selection \
  state_function=approx_rt_iteration \
  threshold_range=[0, 20] \
  decision_values=[0, 1, 2, 3] \
  transform_type=loop_perforate
  for (int64_t q = 0; q < k; q++) {
    int64_t c = q + rot;
    if (c >= k)
      c -= k;
    if (c != prev) {
      double dist = sq_dist(x, &centroids[c * d], d);
      if (dist < best_dist || best < 0) {
        best_dist = dist;
        best = c;
      }
    }
  }
  return best;
}

void kmeans(const double *points, int64_t n, int64_t d, double *centroids,
            int64_t k, int64_t iterations, int64_t *assignment, double *sums,
            int64_t *counts) {
  for (int64_t i = 0; i < n; i++)
    assignment[i] = -1;
  if (n <= 0 || k <= 0)
    return;

  for (int64_t it = 0; it < iterations; it++) {
    approx_rt_set_iteration(it);
    for (int64_t c = 0; c < k; c++) {
      counts[c] = 0;
      for (int64_t j = 0; j < d; j++)
        sums[c * d + j] = 0.0;
    }
    int64_t shift = it % n;

#pragma approx decision_tree \
  id=point_assignment \
  state_function=approx_rt_iteration \
  threshold_range=[0, 20] \
  decision_values=[0, 1, 2, 3] \
  transform_type=loop_perforate
    for (int64_t p = 0; p < n; p++) {
      int64_t i = p + shift;
      if (i >= n)
        i -= n;
      int64_t best = nearest_centroid(&points[i * d], centroids, k, d,
                                      assignment[i], (i + it) % k);
      assignment[i] = best;
      counts[best] += 1;
      for (int64_t j = 0; j < d; j++)
        sums[best * d + j] += points[i * d + j];
    }

    for (int64_t c = 0; c < k; c++) {
      if (counts[c] > 0) {
        double count = (double)counts[c];
        for (int64_t j = 0; j < d; j++)
          centroids[c * d + j] = sums[c * d + j] / count;
      }
    }
  }
}
