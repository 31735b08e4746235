"""MiniBUDE (HPAC-ML Table I): BUDE forcefield energies of ligand poses.

C: benchmarks/hpacml/minibude.c (its header documents the entry point and the
HPAC-ML region: per pose 6 parameters -> energy). QoI: the energy of each
pose; metric: MAPE.

The deck (protein, ligand, forcefield) is synthetic, the same for every size
and seed (DECK_SEED), shaped like miniBUDE's bm1 deck: 938 protein atoms,
26 ligand atoms, 34 atom types.
- Protein: atoms uniform in a ball of radius 19 A centred 13 A below the
  origin, at least 2.4 A apart, none within POCKET_RADIUS of the origin: a globule
  with a binding pocket at the origin.
- Ligand: atoms uniform in a ball of radius LIGAND_RADIUS, at least 2 A
  apart, centred on the origin (a compact molecule).
- Types: radius in [1.4, 2.0] A; hydrophobicity zero (20 %), polar in
  [-2, -0.5] (40 %) or nonpolar in [0.5, 2] (40 %); electrostatic scale in
  [-0.6, 0.6]; hydrogen-bond type 'E' (20 %), 'F' (20 %) or none.
Poses: rotation angles uniform in [0, 2 pi), translations uniform in
[-1, 1] A per axis (the ligand stays in the pocket, as docking poses around
a site do; the energies are then in about [-145, -35], away from zero where
MAPE is undefined). Training and evaluation poses share the distribution,
with different seeds; "train" has 2^16 poses, "eval" 2^15, "test" 8.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from approxbench.hpacml.app import HpacApp, Inputs, check_size
from approxmlir import runtime

POSES = {"test": 8, "train": 1 << 16, "eval": 1 << 15}
DECK_SEED = 938
PROTEIN_ATOMS, LIGAND_ATOMS, TYPES = 938, 26, 34
HBTYPE_E, HBTYPE_F, HBTYPE_NONE = 69, 70, 78
POCKET_RADIUS = 7.0
LIGAND_RADIUS = 4.5
TRANSLATION = 1.0  # A: all energies negative, no zero crossings for MAPE

# miniBUDE's constants (fasten_main).
HARDNESS, CNSTNT, NPNPDIST, NPPDIST = 38.0, 45.0, 5.5, 1.0
NO_DSLV_DIST = -3.402823466e38


def _protein(rng: np.random.Generator) -> np.ndarray:
    centre, radius = np.array([0.0, 0.0, -13.0]), 19.0
    atoms: list[np.ndarray] = []
    while len(atoms) < PROTEIN_ATOMS:
        point = centre + rng.uniform(-radius, radius, 3)
        if np.linalg.norm(point - centre) > radius or np.linalg.norm(point) < POCKET_RADIUS:
            continue
        if atoms and np.min(np.linalg.norm(np.array(atoms) - point, axis=1)) < 2.4:
            continue
        atoms.append(point)
    return np.array(atoms)


def _ligand(rng: np.random.Generator) -> np.ndarray:
    atoms: list[np.ndarray] = []
    while len(atoms) < LIGAND_ATOMS:
        point = rng.uniform(-LIGAND_RADIUS, LIGAND_RADIUS, 3)
        if np.linalg.norm(point) > LIGAND_RADIUS:
            continue
        if atoms and np.min(np.linalg.norm(np.array(atoms) - point, axis=1)) < 2.0:
            continue
        atoms.append(point)
    atoms = np.array(atoms)
    return atoms - atoms.mean(axis=0)


def _forcefield(rng: np.random.Generator) -> np.ndarray:
    kind = rng.choice(3, size=TYPES, p=[0.2, 0.4, 0.4])
    hphb = np.where(kind == 0, 0.0, np.where(kind == 1, -rng.uniform(0.5, 2.0, TYPES), rng.uniform(0.5, 2.0, TYPES)))
    hbtype = rng.choice([HBTYPE_E, HBTYPE_F, HBTYPE_NONE], size=TYPES, p=[0.2, 0.2, 0.6])
    return np.stack([rng.uniform(1.4, 2.0, TYPES), hphb, rng.uniform(-0.6, 0.6, TYPES), hbtype], axis=1)


@functools.cache
def deck() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(protein (938, 4), ligand (26, 4), forcefield (34, 4)), read-only."""
    rng = np.random.default_rng(DECK_SEED)
    forcefield = _forcefield(rng)
    protein = np.column_stack([_protein(rng), rng.integers(0, TYPES, PROTEIN_ATOMS)])
    ligand = np.column_stack([_ligand(rng), rng.integers(0, TYPES, LIGAND_ATOMS)])
    arrays = tuple(np.ascontiguousarray(a, dtype=np.float64) for a in (protein, ligand, forcefield))
    for a in arrays:
        a.flags.writeable = False
    return arrays


def make_inputs(size: str, seed: int) -> Inputs:
    check_size(size)
    rng = np.random.default_rng(seed)
    n = POSES[size]
    protein, ligand, forcefield = deck()
    poses = np.concatenate(
        [rng.uniform(0.0, 2.0 * math.pi, (n, 3)), rng.uniform(-TRANSLATION, TRANSLATION, (n, 3))], axis=1
    )
    return {"protein": protein, "ligand": ligand, "forcefield": forcefield, "poses": poses}


def call(lib: runtime.NativeLibrary, inputs: Inputs, use_model: bool) -> np.ndarray:
    protein, ligand, forcefield, poses = (inputs[k] for k in ("protein", "ligand", "forcefield", "poses"))
    energies = np.zeros(len(poses))
    lib["minibude"](
        protein,
        len(protein),
        ligand,
        len(ligand),
        forcefield,
        len(forcefield),
        poses,
        energies,
        len(poses),
        int(use_model),
    )
    return energies


def _rotations(poses: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotation matrices of miniBUDE's pose convention."""
    sx, sy, sz = (np.sin(poses[:, k]) for k in range(3))
    cx, cy, cz = (np.cos(poses[:, k]) for k in range(3))
    return np.stack(
        [
            np.stack([cy * cz, sx * sy * cz - cx * sz, cx * sy * cz + sx * sz], axis=1),
            np.stack([cy * sz, sx * sy * sz + cx * cz, cx * sy * sz - sx * cz], axis=1),
            np.stack([-sy, sx * cy, cx * cy], axis=1),
        ],
        axis=1,
    )


def reference(inputs: Inputs) -> np.ndarray:
    """All (pose, ligand atom, protein atom) pairs at once; the terms are
    summed in the C's order (cumsum is sequential, unlike sum)."""
    protein, ligand, forcefield, poses = (inputs[k] for k in ("protein", "ligand", "forcefield", "poses"))
    rot = _rotations(poses)
    # Transformed ligand (pose, atom, xyz), summed left to right like the C.
    lpos = (
        poses[:, None, 3:]
        + ligand[None, :, 0, None] * rot[:, None, :, 0]
        + ligand[None, :, 1, None] * rot[:, None, :, 1]
        + ligand[None, :, 2, None] * rot[:, None, :, 2]
    )
    lff = forcefield[ligand[:, 3].astype(int)][None, :, None, :]  # (1, L, 1, 4)
    pff = forcefield[protein[:, 3].astype(int)][None, None, :, :]  # (1, 1, P, 4)
    radij = pff[..., 0] + lff[..., 0]
    both_f = (pff[..., 3] == HBTYPE_F) & (lff[..., 3] == HBTYPE_F)
    elcdst = np.where(both_f, 4.0, 2.0)
    elcdst1 = np.where(both_f, 0.25, 0.5)
    type_e = (pff[..., 3] == HBTYPE_E) | (lff[..., 3] == HBTYPE_E)
    p_h, l_h = pff[..., 1], lff[..., 1]
    p_hphb = p_h * np.where((p_h < 0) & (l_h > 0), -1.0, 1.0)
    l_hphb = l_h * np.where((p_h > 0) & (l_h < 0), -1.0, 1.0)
    distdslv = np.where(p_h < 0, np.where(l_h < 0, NPNPDIST, NPPDIST), np.where(l_h < 0, NPPDIST, NO_DSLV_DIST))

    diff = lpos[:, :, None, :] - protein[None, None, :, :3]
    distij = np.sqrt(diff[..., 0] * diff[..., 0] + diff[..., 1] * diff[..., 1] + diff[..., 2] * diff[..., 2])
    distbb = distij - radij
    zone1 = distbb < 0.0
    steric = (1.0 - distij * (1.0 / radij)) * np.where(zone1, 2.0 * HARDNESS, 0.0)
    chrg = (lff[..., 2] * pff[..., 2]) * (
        np.where(zone1, 1.0, 1.0 - distbb * elcdst1) * np.where(distbb < elcdst, 1.0, 0.0)
    )
    chrg = np.where(type_e, -np.abs(chrg), chrg) * CNSTNT
    dslv = (p_hphb + l_hphb) * np.where((distbb < distdslv) & (p_h != 0), 1.0, 0.0)
    dslv = dslv * np.where(zone1, 1.0, 1.0 - distbb * (1.0 / distdslv))
    terms = np.stack(np.broadcast_arrays(steric, chrg, dslv), axis=-1).reshape(len(poses), -1)
    return np.cumsum(terms, axis=1)[:, -1] * 0.5


APP = HpacApp(
    name="minibude",
    source="hpacml/minibude.c",
    entry="minibude",
    metric="mape",
    make_inputs=make_inputs,
    call=call,
    reference=reference,
)
