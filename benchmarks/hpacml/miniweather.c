/* MiniWeather (HPAC-ML paper, Table I): the dry, compressible, stratified,
 * non-hydrostatic 2-D flow of Matt Norman's miniWeather (serial version:
 * finite volumes, 4th-order reconstruction with hyperviscosity, dimensional
 * splitting, 3-stage Runge-Kutta), on an x-z slice 20 km wide (periodic)
 * and 10 km high (solid walls). The QoI is the state: density, x momentum,
 * z momentum and potential temperature (density-weighted) at every grid
 * point (metric: RMSE).
 *
 * Entry point:
 *
 *   void miniweather(double dens[][NXH], double umom[][NXH],
 *                    double wmom[][NXH], double rhot[][NXH],
 *                    int nsteps, int use_model, int interleave);
 *
 *   dens, umom, wmom, rhot  the state, NZH x NXH with HS halo cells on each
 *                           side (in: initial state, out: state after nsteps);
 *                           dens and rhot are perturbations of the hydrostatic
 *                           background, umom and wmom the full momenta
 *   nsteps                  time steps of DT seconds
 *   use_model               0: exact steps (collecting data), nonzero: infer
 *   interleave              the surrogate replaces step s when
 *                           s % interleave == 0 (1: every step; 2: every other
 *                           one, the paper's Fig. 9c; must be >= 1)
 *
 * The HPAC-ML region is one time step. Its functor maps the 3 x 3
 * neighbourhood of a grid point in the four variables (36 features) to the
 * point's four values after the step; the sweep covers the NZ x NX interior.
 * The halos are refreshed before the region, so the surrogate reads valid
 * boundary values, and the step writes the state in place (the exact step
 * works on private copies).
 *
 * The grid is fixed at compile time (NX x NZ cells of 100 m): the C subset
 * has no variable-length arrays.
 */
#include <math.h>

#define NX 200
#define NZ 100
#define HS 2 /* halo cells: half the stencil */
#define NXH (NX + 2 * HS)
#define NZH (NZ + 2 * HS)
#define NUM_VARS 4
#define ID_DENS 0
#define ID_UMOM 1
#define ID_WMOM 2
#define ID_RHOT 3

#define PI 3.14159265358979323846264338327
#define GRAV 9.8
#define CP 1004.0
#define RD 287.0
#define P0 1.0e5
#define C0 27.5629410929725921310572974482
#define GAMM 1.40027894002789400278940027894
#define XLEN 2.0e4
#define ZLEN 1.0e4
#define HV_BETA 0.05
#define CFL 1.5
#define MAX_SPEED 450.0
#define DX (XLEN / NX)
#define DZ (ZLEN / NZ)
#define DT ((DX < DZ ? DX : DZ) / MAX_SPEED * CFL)
#define THETA0 300.0

/* The exact step's working storage and the hydrostatic background. */
static double state[NUM_VARS][NZH][NXH];
static double state_tmp[NUM_VARS][NZH][NXH];
static double flux[NUM_VARS][NZ + 1][NX + 1];
static double tend[NUM_VARS][NZ][NX];
static double hy_dens_cell[NZH];
static double hy_dens_theta_cell[NZH];
static double hy_dens_int[NZ + 1];
static double hy_dens_theta_int[NZ + 1];
static double hy_pressure_int[NZ + 1];

/* Density of the hydrostatic, constant-theta atmosphere at height z. */
static double hydro_dens(double z) {
  double exner = 1.0 - GRAV * z / (CP * THETA0);
  double p = P0 * pow(exner, CP / RD);
  double rt = pow(p / C0, 1.0 / GAMM);
  return rt / THETA0;
}

/* Cell averages (3-point Gauss-Legendre in z) and interface values. */
static void init_background(void) {
  double qpoints[3] = {0.112701665379258311482073460022, 0.5, 0.887298334620741688517926539980};
  double qweights[3] = {0.277777777777777777777777777779, 0.444444444444444444444444444444,
                        0.277777777777777777777777777779};
  for (int k = 0; k < NZH; k++) {
    hy_dens_cell[k] = 0.0;
    hy_dens_theta_cell[k] = 0.0;
    for (int kk = 0; kk < 3; kk++) {
      double z = (k - HS + 0.5) * DZ + (qpoints[kk] - 0.5) * DZ;
      double r = hydro_dens(z);
      hy_dens_cell[k] += r * qweights[kk];
      hy_dens_theta_cell[k] += r * THETA0 * qweights[kk];
    }
  }
  for (int k = 0; k <= NZ; k++) {
    double r = hydro_dens(k * DZ);
    hy_dens_int[k] = r;
    hy_dens_theta_int[k] = r * THETA0;
    hy_pressure_int[k] = C0 * pow(r * THETA0, GAMM);
  }
}

/* Periodic in x. */
static void set_halo_values_x(double s[][NZH][NXH]) {
  for (int ll = 0; ll < NUM_VARS; ll++) {
    for (int k = 0; k < NZH; k++) {
      s[ll][k][0] = s[ll][k][NX + HS - 2];
      s[ll][k][1] = s[ll][k][NX + HS - 1];
      s[ll][k][NX + HS] = s[ll][k][HS];
      s[ll][k][NX + HS + 1] = s[ll][k][HS + 1];
    }
  }
}

/* Solid, free-slip walls in z: no vertical momentum, the horizontal one
 * scaled with the background density, the rest copied. */
static void set_halo_values_z(double s[][NZH][NXH]) {
  for (int ll = 0; ll < NUM_VARS; ll++) {
    for (int i = 0; i < NXH; i++) {
      if (ll == ID_WMOM) {
        s[ll][0][i] = 0.0;
        s[ll][1][i] = 0.0;
        s[ll][NZ + HS][i] = 0.0;
        s[ll][NZ + HS + 1][i] = 0.0;
      } else if (ll == ID_UMOM) {
        s[ll][0][i] = s[ll][HS][i] / hy_dens_cell[HS] * hy_dens_cell[0];
        s[ll][1][i] = s[ll][HS][i] / hy_dens_cell[HS] * hy_dens_cell[1];
        s[ll][NZ + HS][i] = s[ll][NZ + HS - 1][i] / hy_dens_cell[NZ + HS - 1] * hy_dens_cell[NZ + HS];
        s[ll][NZ + HS + 1][i] = s[ll][NZ + HS - 1][i] / hy_dens_cell[NZ + HS - 1] * hy_dens_cell[NZ + HS + 1];
      } else {
        s[ll][0][i] = s[ll][HS][i];
        s[ll][1][i] = s[ll][HS][i];
        s[ll][NZ + HS][i] = s[ll][NZ + HS - 1][i];
        s[ll][NZ + HS + 1][i] = s[ll][NZ + HS - 1][i];
      }
    }
  }
}

/* Fluxes at the x interfaces from 4th-order interpolation, plus
 * hyperviscosity; tendencies are their divergence. */
static void compute_tendencies_x(double s[][NZH][NXH], double dt) {
  double hv_coef = -HV_BETA * DX / (16.0 * dt);
  double vals[NUM_VARS];
  double d3_vals[NUM_VARS];
  for (int k = 0; k < NZ; k++) {
    for (int i = 0; i < NX + 1; i++) {
      for (int ll = 0; ll < NUM_VARS; ll++) {
        double s0 = s[ll][k + HS][i];
        double s1 = s[ll][k + HS][i + 1];
        double s2 = s[ll][k + HS][i + 2];
        double s3 = s[ll][k + HS][i + 3];
        vals[ll] = -s0 / 12.0 + 7.0 * s1 / 12.0 + 7.0 * s2 / 12.0 - s3 / 12.0;
        d3_vals[ll] = -s0 + 3.0 * s1 - 3.0 * s2 + s3;
      }
      double r = vals[ID_DENS] + hy_dens_cell[k + HS];
      double u = vals[ID_UMOM] / r;
      double w = vals[ID_WMOM] / r;
      double t = (vals[ID_RHOT] + hy_dens_theta_cell[k + HS]) / r;
      double p = C0 * pow(r * t, GAMM);
      flux[ID_DENS][k][i] = r * u - hv_coef * d3_vals[ID_DENS];
      flux[ID_UMOM][k][i] = r * u * u + p - hv_coef * d3_vals[ID_UMOM];
      flux[ID_WMOM][k][i] = r * u * w - hv_coef * d3_vals[ID_WMOM];
      flux[ID_RHOT][k][i] = r * u * t - hv_coef * d3_vals[ID_RHOT];
    }
  }
  for (int ll = 0; ll < NUM_VARS; ll++)
    for (int k = 0; k < NZ; k++)
      for (int i = 0; i < NX; i++)
        tend[ll][k][i] = -(flux[ll][k][i + 1] - flux[ll][k][i]) / DX;
}

/* The same in z, with the walls (no flux through them) and gravity. */
static void compute_tendencies_z(double s[][NZH][NXH], double dt) {
  double hv_coef = -HV_BETA * DZ / (16.0 * dt);
  double vals[NUM_VARS];
  double d3_vals[NUM_VARS];
  for (int k = 0; k < NZ + 1; k++) {
    for (int i = 0; i < NX; i++) {
      for (int ll = 0; ll < NUM_VARS; ll++) {
        double s0 = s[ll][k][i + HS];
        double s1 = s[ll][k + 1][i + HS];
        double s2 = s[ll][k + 2][i + HS];
        double s3 = s[ll][k + 3][i + HS];
        vals[ll] = -s0 / 12.0 + 7.0 * s1 / 12.0 + 7.0 * s2 / 12.0 - s3 / 12.0;
        d3_vals[ll] = -s0 + 3.0 * s1 - 3.0 * s2 + s3;
      }
      double r = vals[ID_DENS] + hy_dens_int[k];
      double u = vals[ID_UMOM] / r;
      double w = vals[ID_WMOM] / r;
      double t = (vals[ID_RHOT] + hy_dens_theta_int[k]) / r;
      double p = C0 * pow(r * t, GAMM) - hy_pressure_int[k];
      if (k == 0 || k == NZ) {
        w = 0.0;
        d3_vals[ID_DENS] = 0.0;
      }
      flux[ID_DENS][k][i] = r * w - hv_coef * d3_vals[ID_DENS];
      flux[ID_UMOM][k][i] = r * w * u - hv_coef * d3_vals[ID_UMOM];
      flux[ID_WMOM][k][i] = r * w * w + p - hv_coef * d3_vals[ID_WMOM];
      flux[ID_RHOT][k][i] = r * w * t - hv_coef * d3_vals[ID_RHOT];
    }
  }
  for (int ll = 0; ll < NUM_VARS; ll++) {
    for (int k = 0; k < NZ; k++) {
      for (int i = 0; i < NX; i++) {
        tend[ll][k][i] = -(flux[ll][k + 1][i] - flux[ll][k][i]) / DZ;
        if (ll == ID_WMOM)
          tend[ll][k][i] = tend[ll][k][i] - s[ID_DENS][k + HS][i + HS] * GRAV;
      }
    }
  }
}

/* out = init + dt * tendencies(forcing), in direction x (0) or z (1). */
static void semi_discrete_step(double init[][NZH][NXH], double forcing[][NZH][NXH], double out[][NZH][NXH],
                               double dt, int dir_z) {
  if (dir_z) {
    set_halo_values_z(forcing);
    compute_tendencies_z(forcing, dt);
  } else {
    set_halo_values_x(forcing);
    compute_tendencies_x(forcing, dt);
  }
  for (int ll = 0; ll < NUM_VARS; ll++)
    for (int k = 0; k < NZ; k++)
      for (int i = 0; i < NX; i++)
        out[ll][k + HS][i + HS] = init[ll][k + HS][i + HS] + dt * tend[ll][k][i];
}

/* One RK3 sweep in one direction. */
static void sweep(int dir_z) {
  semi_discrete_step(state, state, state_tmp, DT / 3.0, dir_z);
  semi_discrete_step(state, state_tmp, state_tmp, DT / 2.0, dir_z);
  semi_discrete_step(state, state_tmp, state, DT / 1.0, dir_z);
}

static void copy_in(double dst[][NZH][NXH], int ll, double src[][NXH]) {
  for (int k = 0; k < NZH; k++)
    for (int i = 0; i < NXH; i++)
      dst[ll][k][i] = src[k][i];
}

static void copy_out(double dst[][NXH], double src[][NZH][NXH], int ll) {
  for (int k = 0; k < NZH; k++)
    for (int i = 0; i < NXH; i++)
      dst[k][i] = src[ll][k][i];
}

void miniweather(double dens[][NXH], double umom[][NXH], double wmom[][NXH], double rhot[][NXH], int nsteps,
                 int use_model, int interleave) {
  if (interleave < 1)
    return;
  init_background();
  /* The extents of the region's sweep, as variables for the map clauses. */
  int nz = NZ;
  int nx = NX;
  for (int step = 0; step < nsteps; step++) {
    copy_in(state, ID_DENS, dens);
    copy_in(state, ID_UMOM, umom);
    copy_in(state, ID_WMOM, wmom);
    copy_in(state, ID_RHOT, rhot);
    set_halo_values_x(state);
    set_halo_values_z(state);
    copy_out(dens, state, ID_DENS);
    copy_out(umom, state, ID_UMOM);
    copy_out(wmom, state, ID_WMOM);
    copy_out(rhot, state, ID_RHOT);
#pragma approx tensor functor(ifn: [k, i, 0:36] = ([k-1:k+2, i-1:i+2], [k-1:k+2, i-1:i+2], [k-1:k+2, i-1:i+2], [k-1:k+2, i-1:i+2]))
#pragma approx tensor functor(ofn: [k, i, 0:4] = ([k, i], [k, i], [k, i], [k, i]))
#pragma approx tensor map(to: ifn(dens[2:nz+2, 2:nx+2], umom[2:nz+2, 2:nx+2], wmom[2:nz+2, 2:nx+2], rhot[2:nz+2, 2:nx+2]))
#pragma approx tensor map(from: ofn(dens[2:nz+2, 2:nx+2], umom[2:nz+2, 2:nx+2], wmom[2:nz+2, 2:nx+2], rhot[2:nz+2, 2:nx+2]))
#pragma approx ml(predicated: use_model) in(dens, umom, wmom, rhot) out(dens, umom, wmom, rhot) model("miniweather.pt") database("miniweather.h5") if(step % interleave == 0)
    {
      /* miniWeather alternates the order of the directions every step. */
      sweep(step % 2);
      sweep(1 - step % 2);
      copy_out(dens, state, ID_DENS);
      copy_out(umom, state, ID_UMOM);
      copy_out(wmom, state, ID_WMOM);
      copy_out(rhot, state, ID_RHOT);
    }
  }
}
