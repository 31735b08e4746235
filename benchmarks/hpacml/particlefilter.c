/* ParticleFilter (HPAC-ML paper, Table I): Rodinia's particle filter, which
 * tracks an object (a bright disk) through noisy video frames. The QoI is
 * the estimated location of the object in every frame (metric: RMSE).
 *
 * Entry point:
 *
 *   void particle_filter(const double video[][PF_H][PF_W],
 *                        const double start[][2], int nvideos, int nframes,
 *                        int nparticles, int64_t seed,
 *                        double estimate[][2], int use_model);
 *
 *   video       nvideos * nframes frames, video v's frame k at index
 *               v * nframes + k; pixel intensities (in)
 *   start       per video, the object's (x, y) when the video starts (in;
 *               Rodinia also starts its particles at the known location)
 *   nparticles  particles per filter (1 .. PF_MAX_PARTICLES)
 *   seed        seeds the particles' random streams
 *   estimate    per frame, the estimated (x, y) of the object (out)
 *   use_model   0: run the filter (and collect data), nonzero: infer
 *
 * Coordinates are in pixels: x is the column, y the row.
 *
 * The HPAC-ML region is the filter over one video: each frame's whole image
 * (PF_H * PF_W features) to its estimate (2 features), the paper's
 * surrogate that "replaces the entire ParticleFilter algorithm" and
 * "estimates the object's location in each video frame". One region call
 * per video (not per frame) keeps the bridge's fixed per-call cost small.
 *
 * The filter, per frame (Rodinia's ex_particle_OPENMP_seq.c, with a
 * constant-velocity motion model, since the objects here move in arbitrary
 * directions, and O(n) systematic resampling instead of a linear search per
 * particle):
 * 1. move: x += vx + N(0, 1), y += vy + N(0, 1), vx, vy += N(0, 0.1^2);
 * 2. weigh: a particle's log-likelihood is Rodinia's: the mean over the
 *    disk of radius PF_RADIUS around it of ((I - 100)^2 - (I - 228)^2) / 50
 *    (object 228, background 100, noise sigma 5); pixels outside the image
 *    are clamped to its border; weights are exp(likelihood), normalized;
 * 3. estimate: the weighted mean position;
 * 4. resample: systematic, from one uniform draw; weights reset to 1/n.
 * Random numbers: one 64-bit LCG stream per particle (Knuth's MMIX
 * constants, the top 53 bits as a uniform in (0, 1)), Box-Muller for normals.
 */
#include <math.h>
#include <stdint.h>

#define PF_H 64
#define PF_W 64
#define PF_RADIUS 5
#define PF_MAX_PARTICLES 16384
#define PF_BACKGROUND 100.0
#define PF_OBJECT 228.0
#define PF_MOVE_SIGMA 1.0
#define PF_VELOCITY_SIGMA 0.1
#define PF_INITIAL_VELOCITY_SIGMA 0.5
#define PF_TWO_PI 6.283185307179586476925286766559

static double xs[PF_MAX_PARTICLES];
static double ys[PF_MAX_PARTICLES];
static double vxs[PF_MAX_PARTICLES];
static double vys[PF_MAX_PARTICLES];
static double weights[PF_MAX_PARTICLES];
static double cdf[PF_MAX_PARTICLES];
static double new_xs[PF_MAX_PARTICLES];
static double new_ys[PF_MAX_PARTICLES];
static double new_vxs[PF_MAX_PARTICLES];
static double new_vys[PF_MAX_PARTICLES];
static uint64_t streams[PF_MAX_PARTICLES];
/* The disk's pixel offsets (row, column). */
static int disk_dy[(2 * PF_RADIUS + 1) * (2 * PF_RADIUS + 1)];
static int disk_dx[(2 * PF_RADIUS + 1) * (2 * PF_RADIUS + 1)];

/* The next uniform draw in (0, 1) of particle p's stream. */
static double uniform(int p) {
  streams[p] = streams[p] * 6364136223846793005UL + 1442695040888963407UL;
  return ((double)(streams[p] >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Box-Muller: the two uniforms u1, u2 give two independent N(0, 1) draws,
 * the cosine one (second = 0) and the sine one (second = 1). */
static double normal_pair(double u1, double u2, int second) {
  double r = sqrt(-2.0 * log(u1));
  return second ? r * sin(PF_TWO_PI * u2) : r * cos(PF_TWO_PI * u2);
}

static int make_disk(void) {
  int count = 0;
  for (int dy = -PF_RADIUS; dy <= PF_RADIUS; dy++) {
    for (int dx = -PF_RADIUS; dx <= PF_RADIUS; dx++) {
      if (dx * dx + dy * dy <= PF_RADIUS * PF_RADIUS) {
        disk_dy[count] = dy;
        disk_dx[count] = dx;
        count++;
      }
    }
  }
  return count;
}

static int clamp(int v, int hi) { return v < 0 ? 0 : (v > hi ? hi : v); }

/* One filter step on frame `frame`; writes the estimate. */
static void track_frame(const double video[][PF_H][PF_W], int frame, int n, int disk_size,
                        double estimate[][2]) {
  for (int p = 0; p < n; p++) {
    double u1 = uniform(p);
    double u2 = uniform(p);
    double u3 = uniform(p);
    double u4 = uniform(p);
    xs[p] = xs[p] + vxs[p] + PF_MOVE_SIGMA * normal_pair(u1, u2, 0);
    ys[p] = ys[p] + vys[p] + PF_MOVE_SIGMA * normal_pair(u1, u2, 1);
    vxs[p] = vxs[p] + PF_VELOCITY_SIGMA * normal_pair(u3, u4, 0);
    vys[p] = vys[p] + PF_VELOCITY_SIGMA * normal_pair(u3, u4, 1);
  }
  double total = 0.0;
  for (int p = 0; p < n; p++) {
    int row = (int)floor(ys[p] + 0.5);
    int col = (int)floor(xs[p] + 0.5);
    double likelihood = 0.0;
    for (int d = 0; d < disk_size; d++) {
      double v = video[frame][clamp(row + disk_dy[d], PF_H - 1)][clamp(col + disk_dx[d], PF_W - 1)];
      likelihood += ((v - PF_BACKGROUND) * (v - PF_BACKGROUND) - (v - PF_OBJECT) * (v - PF_OBJECT)) / 50.0;
    }
    weights[p] = weights[p] * exp(likelihood / disk_size);
    total += weights[p];
  }
  double xe = 0.0;
  double ye = 0.0;
  double running = 0.0;
  for (int p = 0; p < n; p++) {
    weights[p] = weights[p] / total;
    xe += xs[p] * weights[p];
    ye += ys[p] * weights[p];
    running += weights[p];
    cdf[p] = running;
  }
  estimate[frame][0] = xe;
  estimate[frame][1] = ye;

  /* Systematic resampling: u_j = (u + j) / n, each taking the first
   * particle whose cdf reaches it (the last one if rounding leaves the
   * cdf below u_j). */
  double u = uniform(0);
  int i = 0;
  for (int j = 0; j < n; j++) {
    double target = (u + j) / n;
    while (i < n - 1 && cdf[i] < target)
      i++;
    new_xs[j] = xs[i];
    new_ys[j] = ys[i];
    new_vxs[j] = vxs[i];
    new_vys[j] = vys[i];
  }
  for (int p = 0; p < n; p++) {
    xs[p] = new_xs[p];
    ys[p] = new_ys[p];
    vxs[p] = new_vxs[p];
    vys[p] = new_vys[p];
    weights[p] = 1.0 / n;
  }
}

void particle_filter(const double video[][PF_H][PF_W], const double start[][2], int nvideos, int nframes,
                     int nparticles, int64_t seed, double estimate[][2], int use_model) {
  if (nparticles < 1 || nparticles > PF_MAX_PARTICLES)
    return;
  int disk_size = make_disk();
  for (int p = 0; p < nparticles; p++)
    streams[p] = (uint64_t)seed + (uint64_t)p * 0x9E3779B97F4A7C15UL;
  for (int v = 0; v < nvideos; v++) {
    for (int p = 0; p < nparticles; p++) {
      double u1 = uniform(p);
      double u2 = uniform(p);
      xs[p] = start[v][0];
      ys[p] = start[v][1];
      vxs[p] = PF_INITIAL_VELOCITY_SIGMA * normal_pair(u1, u2, 0);
      vys[p] = PF_INITIAL_VELOCITY_SIGMA * normal_pair(u1, u2, 1);
      weights[p] = 1.0 / nparticles;
    }
    int first = v * nframes;
#pragma approx tensor functor(ifn: [i, 0:4096] = ([i, 0:64, 0:64]))
#pragma approx tensor functor(ofn: [i, 0:2] = ([i, 0:2]))
#pragma approx tensor map(to: ifn(video[first:first+nframes]))
#pragma approx tensor map(from: ofn(estimate[first:first+nframes]))
#pragma approx ml(predicated: use_model) in(video) out(estimate) model("particlefilter.pt") database("particlefilter.h5")
    {
      for (int k = 0; k < nframes; k++)
        track_frame(video, first + k, nparticles, disk_size, estimate);
    }
  }
}
