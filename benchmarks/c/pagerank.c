/* PageRank (paper Appendix B.5): ranks the nodes of a directed graph.
 *
 * Entry point (exported as `pagerank`; driver: approxbench/pagerank.py):
 *
 *   double pagerank(const int64_t *in_ptr,   // [n + 1] CSR row offsets: node v's in-neighbors
 *                                            //   are in_src[in_ptr[v] .. in_ptr[v + 1])
 *                   const int64_t *in_src,   // [m] in-neighbors (edge sources), grouped by
 *                                            //   destination
 *                   const int64_t *out_deg,  // [n] out-degree of every node (0: dangling)
 *                   int64_t n,               // number of nodes (> 0)
 *                   int64_t iterations,      // power iterations to run (no early exit)
 *                   double *rank,            // [n] output: the ranks (set to 1/n first)
 *                   double *contrib);        // [n] scratch: rank / out-degree
 *
 * returns the L1 change of the ranks in the last iteration (as estimated by
 * the approximate variants). Each iteration sets every node's contribution
 * (its rank divided by its out-degree; dangling nodes spread their rank over
 * all nodes), then
 *   rank[v] = (1 - d) / n + d * dangling / n + d * sum_{u -> v} contrib[u]
 * with the damping factor d = 0.85. Ranks are updated in place from the
 * contribution snapshot, i.e. the usual (Jacobi) power iteration.
 *
 * Knobs (both func_substitute decision trees on the iteration number,
 * approx_rt_iteration; the kernel calls approx_rt_set_iteration(it) before
 * iteration it; thresholds in [0, 10], the driver runs 10 iterations):
 *   update_ranks  node rank update: which nodes one iteration updates.
 *                 1: every 2nd node, 2: every 4th node (the updated residue
 *                 class rotates with the iteration; the other nodes keep
 *                 their rank).
 *   neighbor_sum  neighbor summation sweep over the nodes update_ranks
 *                 selected. 1: each node sums half of its in-neighbors,
 *                 2: a third (the paper's "half or two-thirds" skipped): a
 *                 contiguous window that rotates with the node and the
 *                 iteration, scaled by in-degree / window.
 * Both are called once per iteration, so deciding costs one state call per
 * iteration and knob. (A convergence state, the L1 change of the previous
 * iteration, does not work for neighbor_sum: the sampling noise keeps that
 * change near 0.7 of the ranks' mass, so a tree that approximates until the
 * ranks converge never switches back to the exact summation.)
 */
#include <math.h>
#include <stdint.h>

#include "approx/runtime.h"

#define DAMPING 0.85

/* ---- Neighbor summation knob ------------------------------------------ */

/* The summation sweep of one iteration: for the nodes v = first,
 * first + stride, ... < n, sums the contributions of v's in-neighbors, stores
 * rank[v] = base + d * sum and returns the L1 change of those ranks. `phase`
 * (the iteration) rotates the approximate variants' windows. */
#pragma approx decision_tree \
  id=neighbor_sum \
  state_function=approx_rt_iteration \
  threshold_range=[0, 10] \
  decision_values=[0, 1, 2] \
  transform_type=func_substitute
double neighbor_sum(const int64_t *in_ptr, const int64_t *in_src,
                    const double *contrib, double *rank, int64_t n, double base,
                    int64_t first, int64_t stride, int64_t phase) {
  double change = 0.0;
  for (int64_t v = first; v < n; v += stride) {
    double s = 0.0;
    int64_t end = in_ptr[v + 1];
    for (int64_t e = in_ptr[v]; e < end; e++)
      s += contrib[in_src[e]];
    double r = base + DAMPING * s;
    change += fabs(r - rank[v]);
    rank[v] = r;
  }
  return change;
}

/* Sums one of `parts` contiguous windows of ceil(degree / parts) in-neighbors
 * (wrapping around the end of the list), scaled by degree / window. The window
 * rotates with the node and the phase, so `parts` successive iterations see
 * every in-neighbor. Nodes with fewer than `parts` in-neighbors are exact. */
static double sampled_sum(const int64_t *in_ptr, const int64_t *in_src,
                          const double *contrib, int64_t v, int64_t phase,
                          int64_t parts) {
  int64_t begin = in_ptr[v];
  int64_t end = in_ptr[v + 1];
  int64_t degree = end - begin;
  double s = 0.0;
  if (degree < parts) {
    for (int64_t e = begin; e < end; e++)
      s += contrib[in_src[e]];
    return s;
  }
  int64_t window = (degree + parts - 1) / parts;
  int64_t lo = begin + ((v + phase) % parts) * window;
  int64_t hi = lo + window;
  int64_t wrapped = 0;
  if (hi > end) {
    wrapped = hi - end;
    hi = end;
  }
  for (int64_t e = lo; e < hi; e++)
    s += contrib[in_src[e]];
  for (int64_t e = begin; e < begin + wrapped; e++)
    s += contrib[in_src[e]];
  return s * ((double)degree / (double)window);
}

static double sampled_sweep(const int64_t *in_ptr, const int64_t *in_src,
                            const double *contrib, double *rank, int64_t n,
                            double base, int64_t first, int64_t stride,
                            int64_t phase, int64_t parts) {
  double change = 0.0;
  for (int64_t v = first; v < n; v += stride) {
    double r = base + DAMPING * sampled_sum(in_ptr, in_src, contrib, v, phase, parts);
    change += fabs(r - rank[v]);
    rank[v] = r;
  }
  return change;
}

/* 1: half of every node's in-neighbors. */
double approx_neighbor_sum_1(const int64_t *in_ptr, const int64_t *in_src,
                             const double *contrib, double *rank, int64_t n,
                             double base, int64_t first, int64_t stride,
                             int64_t phase) {
  return sampled_sweep(in_ptr, in_src, contrib, rank, n, base, first, stride, phase, 2);
}

/* 2: a third of every node's in-neighbors. */
double approx_neighbor_sum_2(const int64_t *in_ptr, const int64_t *in_src,
                             const double *contrib, double *rank, int64_t n,
                             double base, int64_t first, int64_t stride,
                             int64_t phase) {
  return sampled_sweep(in_ptr, in_src, contrib, rank, n, base, first, stride, phase, 3);
}

/* ---- Node rank update knob -------------------------------------------- */

/* Updates the ranks of one iteration from the contributions (the previous
 * ranks divided by the out-degrees) and returns the L1 change of the ranks
 * (extrapolated to all nodes by the variants). */
#pragma approx decision_tree \
  id=update_ranks \
  state_function=approx_rt_iteration \
  threshold_range=[0, 10] \
  decision_values=[0, 1, 2] \
  transform_type=func_substitute
double update_ranks(const int64_t *in_ptr, const int64_t *in_src,
                    const double *contrib, double *rank, int64_t n, double base,
                    int64_t iteration) {
  return neighbor_sum(in_ptr, in_src, contrib, rank, n, base, 0, 1, iteration);
}

/* 1: every 2nd node (the odd ones on odd iterations); the others keep their rank. */
double approx_update_ranks_1(const int64_t *in_ptr, const int64_t *in_src,
                             const double *contrib, double *rank, int64_t n,
                             double base, int64_t iteration) {
  return 2.0 * neighbor_sum(in_ptr, in_src, contrib, rank, n, base, iteration % 2, 2, iteration);
}

/* 2: every 4th node, rotating through the four residues. */
double approx_update_ranks_2(const int64_t *in_ptr, const int64_t *in_src,
                             const double *contrib, double *rank, int64_t n,
                             double base, int64_t iteration) {
  return 4.0 * neighbor_sum(in_ptr, in_src, contrib, rank, n, base, iteration % 4, 4, iteration);
}

/* ---- Entry point ------------------------------------------------------ */

double pagerank(const int64_t *in_ptr, const int64_t *in_src, const int64_t *out_deg,
                int64_t n, int64_t iterations, double *rank, double *contrib) {
  double inv_n = 1.0 / (double)n;
  double change = 0.0;
  for (int64_t v = 0; v < n; v++)
    rank[v] = inv_n;
  for (int64_t it = 0; it < iterations; it++) {
    approx_rt_set_iteration(it);
    double dangling = 0.0;
    for (int64_t u = 0; u < n; u++) {
      if (out_deg[u] > 0) {
        contrib[u] = rank[u] / (double)out_deg[u];
      } else {
        contrib[u] = 0.0;
        dangling += rank[u];
      }
    }
    double base = (1.0 - DAMPING) * inv_n + DAMPING * dangling * inv_n;
    change = update_ranks(in_ptr, in_src, contrib, rank, n, base, it);
  }
  return change;
}
