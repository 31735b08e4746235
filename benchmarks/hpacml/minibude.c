/* MiniBUDE (HPAC-ML paper, Table I): virtual screening with the BUDE
 * empirical forcefield. Each pose (a rotation and a translation of the
 * ligand) gets the ligand-protein binding energy; the QoI is the energy of
 * every pose (metric: MAPE).
 *
 * Entry point:
 *
 *   void minibude(const double protein[][4], int natpro,
 *                 const double ligand[][4], int natlig,
 *                 const double forcefield[][4], int ntypes,
 *                 const double poses[][6], double *energies,
 *                 int nposes, int use_model);
 *
 *   protein, ligand  atoms: x, y, z (Angstrom), forcefield type (an integer
 *                    stored as a double, 0 .. ntypes-1) (in)
 *   forcefield       per type: radius, hydrophobicity (hphb), electrostatic
 *                    scale (elsc), hydrogen-bond type (69 'E', 70 'F', other:
 *                    none; an integer stored as a double) (in)
 *   poses            per pose: rotation angles about x, y, z (radians), then
 *                    the translation x, y, z (Angstrom) (in)
 *   energies         per pose: binding energy (out)
 *   use_model        0: evaluate the forcefield (and collect data), nonzero: infer
 *
 * The HPAC-ML region is the loop over poses: the protein and the ligand are
 * fixed for a run, so the six pose parameters determine the energy and an
 * MLP maps them to it (the paper's miniBUDE surrogate).
 *
 * The energy is miniBUDE's fasten_main kernel (steric, formal/dipole charge
 * and desolvation terms summed over every ligand-protein atom pair), in
 * double precision and one pose at a time.
 */
#include <math.h>

#define ZERO 0.0
#define QUARTER 0.25
#define HALF 0.5
#define ONE 1.0
#define TWO 2.0
#define FOUR 4.0
#define CNSTNT 45.0
#define HARDNESS 38.0
#define NPNPDIST 5.5
#define NPPDIST 1.0
#define NO_DSLV_DIST (-3.402823466e38) /* miniBUDE's -FLT_MAX: no desolvation */
#define HBTYPE_F 70
#define HBTYPE_E 69

/* The energy of the ligand transformed by pose `p` against the protein. */
static double pose_energy(const double protein[][4], int natpro, const double ligand[][4], int natlig,
                          const double forcefield[][4], const double p[6]) {
  double sx = sin(p[0]), cx = cos(p[0]);
  double sy = sin(p[1]), cy = cos(p[1]);
  double sz = sin(p[2]), cz = cos(p[2]);
  double t00 = cy * cz, t01 = sx * sy * cz - cx * sz, t02 = cx * sy * cz + sx * sz;
  double t10 = cy * sz, t11 = sx * sy * sz + cx * cz, t12 = cx * sy * sz - sx * cz;
  double t20 = -sy, t21 = sx * cy, t22 = cx * cy;

  double etot = ZERO;
  for (int il = 0; il < natlig; il++) {
    int ltype = (int)ligand[il][3];
    double l_radius = forcefield[ltype][0];
    double l_hphb0 = forcefield[ltype][1];
    double l_elsc = forcefield[ltype][2];
    int l_hbtype = (int)forcefield[ltype][3];
    int lhphb_ltz = l_hphb0 < ZERO;
    int lhphb_gtz = l_hphb0 > ZERO;
    double lx = p[3] + ligand[il][0] * t00 + ligand[il][1] * t01 + ligand[il][2] * t02;
    double ly = p[4] + ligand[il][0] * t10 + ligand[il][1] * t11 + ligand[il][2] * t12;
    double lz = p[5] + ligand[il][0] * t20 + ligand[il][1] * t21 + ligand[il][2] * t22;

    for (int ip = 0; ip < natpro; ip++) {
      int ptype = (int)protein[ip][3];
      double p_radius = forcefield[ptype][0];
      double p_hphb0 = forcefield[ptype][1];
      double p_elsc = forcefield[ptype][2];
      int p_hbtype = (int)forcefield[ptype][3];

      double radij = p_radius + l_radius;
      double r_radij = ONE / radij;
      int both_f = p_hbtype == HBTYPE_F && l_hbtype == HBTYPE_F;
      double elcdst = both_f ? FOUR : TWO;
      double elcdst1 = both_f ? QUARTER : HALF;
      int type_e = p_hbtype == HBTYPE_E || l_hbtype == HBTYPE_E;

      int phphb_ltz = p_hphb0 < ZERO;
      int phphb_gtz = p_hphb0 > ZERO;
      int phphb_nz = p_hphb0 != ZERO;
      double p_hphb = p_hphb0 * (phphb_ltz && lhphb_gtz ? -ONE : ONE);
      double l_hphb = l_hphb0 * (phphb_gtz && lhphb_ltz ? -ONE : ONE);
      double distdslv = phphb_ltz ? (lhphb_ltz ? NPNPDIST : NPPDIST) : (lhphb_ltz ? NPPDIST : NO_DSLV_DIST);
      double r_distdslv = ONE / distdslv;
      double chrg_init = l_elsc * p_elsc;
      double dslv_init = p_hphb + l_hphb;

      double x = lx - protein[ip][0];
      double y = ly - protein[ip][1];
      double z = lz - protein[ip][2];
      double distij = sqrt(x * x + y * y + z * z);
      double distbb = distij - radij;
      int zone1 = distbb < ZERO;

      /* Steric energy: only for overlapping spheres. */
      etot += (ONE - distij * r_radij) * (zone1 ? TWO * HARDNESS : ZERO);
      /* Formal and dipole charge interactions, attractive for 'E' types. */
      double chrg_e = chrg_init * ((zone1 ? ONE : ONE - distbb * elcdst1) * (distbb < elcdst ? ONE : ZERO));
      chrg_e = type_e ? -fabs(chrg_e) : chrg_e;
      etot += chrg_e * CNSTNT;
      /* Nonpolar-polar desolvation. */
      double coeff = ONE - distbb * r_distdslv;
      double dslv_e = dslv_init * ((distbb < distdslv && phphb_nz) ? ONE : ZERO);
      dslv_e *= zone1 ? ONE : coeff;
      etot += dslv_e;
    }
  }
  return etot * HALF;
}

void minibude(const double protein[][4], int natpro, const double ligand[][4], int natlig,
              const double forcefield[][4], int ntypes, const double poses[][6], double *energies,
              int nposes, int use_model) {
  /* Types are indices into the forcefield: refuse a deck that is not. */
  for (int i = 0; i < natpro; i++)
    if (protein[i][3] < 0.0 || protein[i][3] >= ntypes)
      return;
  for (int i = 0; i < natlig; i++)
    if (ligand[i][3] < 0.0 || ligand[i][3] >= ntypes)
      return;
#pragma approx tensor functor(ifn: [i, 0:6] = ([i, 0:6]))
#pragma approx tensor functor(ofn: [i, 0:1] = ([i]))
#pragma approx tensor map(to: ifn(poses[0:nposes]))
#pragma approx tensor map(from: ofn(energies[0:nposes]))
#pragma approx ml(predicated: use_model) in(poses) out(energies) model("minibude.pt") database("minibude.h5")
  {
    for (int i = 0; i < nposes; i++)
      energies[i] = pose_energy(protein, natpro, ligand, natlig, forcefield, poses[i]);
  }
}
