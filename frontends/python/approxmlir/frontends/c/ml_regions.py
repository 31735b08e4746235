"""`#pragma approx ml` regions to `approx.ml_region` ops.

The statement after an `ml` directive becomes the op's body (the exact code).
Its tensor maps (named in in/out/inout, or applied inline) become the op's
spec text (runtime/ml/README.md): functors verbatim, map targets as indices
into the op's `arrays` and `bounds` operands. Every concrete slice
expression, the predicate and the if clause are evaluated where the region
starts, in the function's scope: C variables and parameters by name
(the innermost declaration before the directive), integer literals, and C's
arithmetic, comparison and logical operators. Macros are not expanded in
pragma expressions.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Union

from clang.cindex import Cursor

from approxmlir.frontends.c import analysis
from approxmlir.frontends.c.c_types import BOOL, Array, Scalar
from approxmlir.frontends.c.emitter import Value, mlir_location
from approxmlir.frontends.c.errors import FrontendError, SourceLocation
from approxmlir.frontends.c.hpacml import Application, Expr, Functor, MLDirective, SymbolicDim, TensorMap
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import ArrayVar, Element, GlobalVar, InductionVar, PointerVar, ScalarVar

_ELEMENT_TYPES = ("f32", "f64", "i32", "i64")
_I64 = Scalar(64)
_ARITH = {"+": "addi", "-": "subi", "*": "muli", "/": "divsi", "%": "remsi"}
_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")


@dataclasses.dataclass
class _Array:
    value: Value
    rank: int


def _error(location: SourceLocation, message: str) -> FrontendError:
    return FrontendError(location, "annotation: " + message)


def _mlir_string(text: str) -> str:
    return '"' + text.replace("\\", "\\5C").replace('"', "\\22").replace("\n", "\\0A") + '"'


def _dim_token(dim: SymbolicDim, symbols: list[str]) -> str:
    symbol = dim.lo.symbol
    index = symbols.index(symbol) if symbol is not None else -1
    if dim.hi is None:
        return f"{'s' if symbol else 'c'},{index},{dim.lo.const},0,0"
    return f"{'r' if symbol else 'k'},{index},{dim.lo.const},{dim.hi.const},{dim.step}"


class MLRegions:
    """The part of a function's translation that emits one `approx.ml_region`
    per ml directive. Pragma expressions (hpacml.Expr) are evaluated in i64
    with the scope's builders, C's operators with C's meaning."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope

    def ml_region(self, stmt: Cursor, directive: MLDirective) -> None:
        self.scope.module.consume_ml_directive(directive)
        if analysis.escapes(stmt):
            raise _error(
                directive.location, "the statement of an ml region may not return, break, continue or goto out of it"
            )
        builder = _SpecBuilder(self, directive)
        ins = builder.maps(directive.ins + directive.inouts, "to", "in" if directive.ins else "inout")
        outs = builder.maps(directive.outs + directive.inouts, "from", "out" if directive.outs else "inout")
        spec = builder.text(ins, outs)

        e = self.scope.emitter
        header = f"approx.ml_region {directive.mode}"
        if directive.predicate is not None:
            header += f"({e.use(self.ml_condition(directive.predicate, directive.location))})"
        if directive.condition is not None:
            header += f" if({e.use(self.ml_condition(directive.condition, directive.location))})"
        arrays = ", ".join(e.use(a.value) for a in builder.arrays)
        types = ", ".join(a.value.type for a in builder.arrays)
        header += f" arrays({arrays} : {types})" if arrays else " arrays()"
        header += f" bounds({', '.join(e.use(b) for b in builder.bounds)}) spec {_mlir_string(spec)} {{"
        with e.region(header, footer=f"}} {mlir_location(directive.location)}"):
            self.scope.statements.statement(stmt)

    # -- expressions ---------------------------------------------------------------

    def ml_integer(self, expr: Expr, location: SourceLocation) -> Value:
        """`expr` as an i64."""
        value = self.ml_expr(expr, location)
        return self.scope.convert(value, BOOL, _I64) if value.type == "i1" else value

    def ml_condition(self, expr: Expr, location: SourceLocation) -> Value:
        """`expr` as an i1 (nonzero is true, as in C)."""
        value = self.ml_expr(expr, location)
        return value if value.type == "i1" else self.scope.to_bool(value, _I64)

    def ml_expr(self, expr: Expr, location: SourceLocation) -> Value:
        s = self.scope
        if expr.op == "int":
            return s.const(int(expr.value), _I64)
        if expr.op == "name":
            return self.ml_name(str(expr.value), location)
        if expr.op == "neg":
            return s.arith("subi", s.const(0, _I64), self.ml_integer(expr.args[0], location))
        if expr.op == "!":
            return s.arith("xori", self.ml_condition(expr.args[0], location), s.const(1, BOOL))
        if expr.op in ("&&", "||"):
            left, right = (self.ml_condition(a, location) for a in expr.args)
            return s.arith("andi" if expr.op == "&&" else "ori", left, right)
        left, right = (self.ml_integer(a, location) for a in expr.args)
        if expr.op in _COMPARISONS:
            return s.compare(expr.op, left, right, _I64)
        return s.arith(_ARITH[expr.op], left, right)

    def ml_name(self, name: str, location: SourceLocation) -> Value:
        e = self.scope.emitter
        if name in ("true", "false"):
            return e.constant(name, "i1")
        var = self.ml_variable(name, location)
        if isinstance(var, InductionVar):
            return e.op(f"arith.index_cast {e.use(var.index)} : index to i64", "i64")
        if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
            element = Element(self.scope.get_global(var), [], var.ctype)
        elif isinstance(var, ScalarVar):
            element = self.scope.scalar_element(var)
        else:
            raise _error(location, f"'{name}' is an array or pointer; pragma expressions take integer variables")
        if element.ctype.is_float:
            raise _error(location, f"'{name}' is floating-point; pragma expressions take integer variables")
        value = self.scope.load(element)
        if element.ctype.is_bool:
            return value
        return self.scope.convert(value, element.ctype, _I64)

    def ml_variable(self, name: str, location: SourceLocation):
        """The innermost declaration of `name` before `location`, or a global."""
        candidates = [
            (decl.location.line, decl.location.column, var)
            for decl, var in self.scope.variables.items()
            if decl.spelling == name and decl.location.line <= location.line
        ]
        if candidates:
            return max(candidates, key=lambda c: (c[0], c[1]))[2]
        for decl in self.scope.module.globals:
            if decl.spelling == name:
                return self.scope.module.globals[decl]
        raise _error(
            location,
            f"unknown variable '{name}' (pragma expressions see the function's variables, "
            "parameters and globals; macros are not expanded)",
        )


class _SpecBuilder:
    """Collects the arrays and bound values of one region and writes its spec."""

    def __init__(self, regions: MLRegions, directive: MLDirective):
        self.regions = regions
        self.scope = regions.scope
        self.directive = directive
        self.arrays: list[_Array] = []
        self.array_names: dict[str, int] = {}
        self.bounds: list[Value] = []
        self.functors: dict[str, Functor] = {}
        self.map_lines: list[str] = []

    def maps(self, items: list[Union[str, Application]], direction: str, clause: str) -> list[int]:
        """Spec map indices for the items of in/out/inout (named arrays resolve
        to the latest preceding map of that direction that targets them)."""
        indices: list[int] = []
        resolved: list[Union[TensorMap, Application]] = []
        for item in items:
            if isinstance(item, Application):
                resolved.append(item)
                continue
            tensor_map = find_declared_tensor(
                self.scope.module.tensor_maps,
                item,
                self.directive.location.line,
                self.scope.function.extent.start.line,
            ) or find_tensor_map(
                self.scope.module.tensor_maps,
                item,
                direction,
                self.directive.location.line,
                self.scope.function.extent.start.line,
            )
            if tensor_map is None:
                raise _error(
                    self.directive.location,
                    f"{clause}({item}): no '#pragma approx tensor map({direction}: "
                    f"...)' before this region maps '{item}' and no "
                    f"'#pragma approx declare tensor({item}: ...)' declares it",
                )
            if not any(tensor_map is r for r in resolved):
                resolved.append(tensor_map)
        for entry in resolved:
            application = entry.application if isinstance(entry, TensorMap) else entry
            indices.append(self.add_map(direction, application))
        return indices

    def add_map(self, direction: str, application: Application) -> int:
        functor = self.scope.module.functor_for(application)
        slices = len(functor.slices)
        targets = application.targets
        if len(targets) not in (1, slices):
            raise _error(
                application.location,
                f"functor '{functor.name}' has {slices} right-hand-side slices: "
                f"apply it to one array or to {slices} arrays, not {len(targets)}",
            )
        self.functors[functor.name] = functor
        tokens = []
        for k, target in enumerate(targets):
            if len(target.slices) != len(functor.symbols):
                raise _error(
                    target.location,
                    f"map target '{target.array}' gives {len(target.slices)} ranges but "
                    f"functor '{functor.name}' has {len(functor.symbols)} symbols "
                    f"({', '.join(functor.symbols)})",
                )
            array_index, offset_bound = self.array(target.array, target.location)
            rank = self.arrays[array_index].rank
            for j in range(slices) if len(targets) == 1 else [k]:
                if len(functor.slices[j]) != rank:
                    raise _error(
                        target.location,
                        f"functor '{functor.name}' slice {j + 1} indexes "
                        f"{len(functor.slices[j])} dimensions but '{target.array}' has {rank}",
                    )
            fields = [str(array_index), str(offset_bound)]
            for symbol, s in enumerate(target.slices):
                # A symbol the functor scales (i*c) ranges over lo*c:hi*c:step*c.
                scale = functor.scale(symbol)
                for x in (s.lo, s.hi, s.step):
                    if scale != 1:
                        x = Expr("*", (x, Expr("int", value=scale, offset=x.offset)), offset=x.offset)
                    fields.append(str(self.bound(self.regions.ml_integer(x, target.location))))
            tokens.append(",".join(fields))
        self.map_lines.append(f"map {direction} {functor.name} {len(targets)} {' '.join(tokens)}")
        return len(self.map_lines) - 1

    def bound(self, value: Value) -> int:
        self.bounds.append(value)
        return len(self.bounds) - 1

    def array(self, name: str, location: SourceLocation) -> tuple[int, int]:
        """(array index, bound index of its element offset or -1)."""
        var = self.regions.ml_variable(name, location)
        offset = -1
        if isinstance(var, PointerVar):
            slot = self.scope.emitter.op(
                f"memref.load {self.scope.emitter.use(var.offset_slot)}[] : memref<index>", "index"
            )
            offset = self.bound(
                self.scope.emitter.op(f"arith.index_cast {self.scope.emitter.use(slot)} : index to i64", "i64")
            )
            value, ctype = var.base, var.ctype
        elif isinstance(var, ArrayVar):
            value, ctype = var.storage, var.ctype
        elif isinstance(var, GlobalVar) and isinstance(var.ctype, Array):
            value, ctype = self.scope.get_global(var), var.ctype
        else:
            raise _error(location, f"'{name}' is not an array or pointer; map targets are arrays")
        if ctype.element.mlir not in _ELEMENT_TYPES:
            raise _error(
                location,
                f"'{name}' has elements of type {ctype.element.mlir}; the data bridge takes "
                "float, double, int32 and int64 arrays",
            )
        if name not in self.array_names:
            rank = len(ctype.dims) if isinstance(ctype, Array) else 1 + len(ctype.row_dims)
            self.array_names[name] = len(self.arrays)
            self.arrays.append(_Array(value, rank))
        return self.array_names[name], offset

    def text(self, ins: list[int], outs: list[int]) -> str:
        d = self.directive
        lines = [
            f"region {d.label or f'{self.scope.function_name}_{d.location.line}'} {d.location.file}:{d.location.line}",
            f"model {d.model or '-'}",
            f"database {d.database or '-'}",
            " ".join(["arrays", *self.array_names]),
        ]
        for functor in self.functors.values():
            lines.append(
                f"functor {functor.name} lhs {len(functor.symbols)} {functor.features} rhs {len(functor.slices)}"
            )
            for dims in functor.slices:
                lines.append(f"slice {len(dims)} " + " ".join(_dim_token(dim, functor.symbols) for dim in dims))
        lines += self.map_lines
        lines.append(" ".join(["in"] + [str(i) for i in ins]))
        lines.append(" ".join(["out"] + [str(i) for i in outs]))
        return "\n".join(lines) + "\n"


def find_declared_tensor(maps: list[TensorMap], name: str, before_line: int, after_line: int) -> Optional[TensorMap]:
    """The latest `declare tensor(name: ...)` between the two lines."""
    found = None
    for tensor_map in maps:
        if tensor_map.name == name and after_line <= tensor_map.lines.start < before_line:
            found = tensor_map
    return found


def find_tensor_map(
    maps: list[TensorMap], array: str, direction: str, before_line: int, after_line: int
) -> Optional[TensorMap]:
    """The latest `direction` map between the two lines whose targets include `array`."""
    found = None
    for tensor_map in maps:
        if (
            tensor_map.direction == direction
            and after_line <= tensor_map.lines.start < before_line
            and any(t.array == array for t in tensor_map.application.targets)
        ):
            found = tensor_map
    return found
