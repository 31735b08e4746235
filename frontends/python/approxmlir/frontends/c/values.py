"""What C expressions and variables become during translation."""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

from approxmlir.frontends.c.c_types import Array, Pointer, Scalar, Struct
from approxmlir.frontends.c.emitter import Value


@dataclasses.dataclass
class ScalarVar:
    """A scalar variable living in a rank-0 memref (promoted to SSA by LLVM)."""

    slot: Value
    ctype: Scalar
    addressable: bool = False  # memref<1xT> instead of memref<T>


@dataclasses.dataclass
class InductionVar:
    """The induction variable of a loop lowered to scf.for: read-only."""

    index: Value
    ctype: Scalar


@dataclasses.dataclass
class ArrayVar:
    """A fixed-size array: a local alloca, a global, or a row-pointer parameter."""

    storage: Value
    ctype: Union[Array, Pointer]


@dataclasses.dataclass
class GlobalVar:
    """A global or static variable: a memref.global fetched where it is used."""

    symbol: str
    ctype: Union[Scalar, Array]

    @property
    def memref_type(self) -> str:
        return self.ctype.mlir if isinstance(self.ctype, Array) else f"memref<{self.ctype.mlir}>"


@dataclasses.dataclass
class PointerVar:
    """A pointer variable: one base memref for its whole life, and an offset slot."""

    base: Value
    offset_slot: Value
    ctype: Pointer


@dataclasses.dataclass
class StructPlace:
    """Structs in memory: one memref per leaf of `ctype` (keyed by its path
    below `ctype`), all with `rank` leading dims of which `indices` are
    chosen. With every index chosen it is one struct object; with one index
    left it is a pointer to structs whose next index starts at `offset`."""

    ctype: Struct
    leaves: dict[tuple[str, ...], Value]
    indices: list[Value]
    rank: int
    offset: Optional[Value] = None

    @property
    def is_object(self) -> bool:
        return len(self.indices) == self.rank


@dataclasses.dataclass
class StructVar:
    """A struct, array of structs, or pointer to structs variable: its place
    (a pointer variable keeps the one place it was initialized with)."""

    place: StructPlace


Variable = Union[ScalarVar, InductionVar, ArrayVar, GlobalVar, PointerVar, StructVar]


@dataclasses.dataclass
class PointerValue:
    """A pointer: `offset` elements into the 1-D memref `base`."""

    base: Value
    offset: Value
    ctype: Pointer


@dataclasses.dataclass
class ArrayPlace:
    """A (partly) indexed multi-dimensional array: `storage[indices...]`."""

    storage: Value
    indices: list[Value]
    ctype: Union[Array, Pointer]

    @property
    def rank(self) -> int:
        return len(self.ctype.dims) if isinstance(self.ctype, Array) else 1 + len(self.ctype.row_dims)


@dataclasses.dataclass
class Element:
    """An lvalue: one scalar in memory, `memref[indices]` (no indices: rank 0)."""

    memref: Value
    indices: list[Value]
    ctype: Scalar


@dataclasses.dataclass
class Induction:
    """An lvalue naming a read-only induction variable (assigning it is an error)."""

    var: InductionVar
