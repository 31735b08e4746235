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
from typing import TYPE_CHECKING, Optional, Union

from clang.cindex import Cursor

from approxmlir.frontends.c import analysis
from approxmlir.frontends.c.c_types import Array, Scalar
from approxmlir.frontends.c.emitter import Value, mlir_location
from approxmlir.frontends.c.errors import FrontendError, SourceLocation
from approxmlir.frontends.c.hpacml import Application, Expr, Functor, MLDirective, SymbolicDim, TensorMap
from approxmlir.frontends.c.values import ArrayVar, Element, GlobalVar, InductionVar, PointerVar, ScalarVar

if TYPE_CHECKING:
    from approxmlir.frontends.c.translator import FunctionTranslator

_ELEMENT_TYPES = ("f32", "f64", "i32", "i64")
_I64 = Scalar(64)
_ARITH = {"+": "arith.addi", "-": "arith.subi", "*": "arith.muli", "/": "arith.divsi", "%": "arith.remsi"}
_COMPARE = {"==": "eq", "!=": "ne", "<": "slt", "<=": "sle", ">": "sgt", ">=": "sge"}


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


class MLRegionTranslator:
    """Mixin of FunctionTranslator: one `approx.ml_region` per ml directive."""

    def ml_region(self: "FunctionTranslator", stmt: Cursor, directive: MLDirective) -> None:
        self.module.consume_ml_directive(directive)
        if analysis.escapes(stmt):
            raise _error(
                directive.location, "the statement of an ml region may not return, break, continue or goto out of it"
            )
        builder = _SpecBuilder(self, directive)
        ins = builder.maps(directive.ins + directive.inouts, "to", "in" if directive.ins else "inout")
        outs = builder.maps(directive.outs + directive.inouts, "from", "out" if directive.outs else "inout")
        spec = builder.text(ins, outs)

        e = self.emitter
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
            self.statement(stmt)

    # -- expressions ---------------------------------------------------------------

    def ml_integer(self: "FunctionTranslator", expr: Expr, location: SourceLocation) -> Value:
        """`expr` as an i64."""
        value = self.ml_expr(expr, location)
        if value.type == "i1":
            return self.emitter.op(f"arith.extui {self.emitter.use(value)} : i1 to i64", "i64")
        return value

    def ml_condition(self: "FunctionTranslator", expr: Expr, location: SourceLocation) -> Value:
        """`expr` as an i1 (nonzero is true, as in C)."""
        value = self.ml_expr(expr, location)
        if value.type == "i1":
            return value
        zero = self.emitter.constant("0", "i64")
        return self.emitter.op(f"arith.cmpi ne, {self.emitter.use(value)}, {self.emitter.use(zero)} : i64", "i1")

    def ml_expr(self: "FunctionTranslator", expr: Expr, location: SourceLocation) -> Value:
        e = self.emitter
        if expr.op == "int":
            return e.constant(str(expr.value), "i64")
        if expr.op == "name":
            return self.ml_name(str(expr.value), location)
        if expr.op == "neg":
            zero = e.constant("0", "i64")
            operand = self.ml_integer(expr.args[0], location)
            return e.op(f"arith.subi {e.use(zero)}, {e.use(operand)} : i64", "i64")
        if expr.op == "!":
            operand = self.ml_condition(expr.args[0], location)
            true = e.constant("true", "i1")
            return e.op(f"arith.xori {e.use(operand)}, {e.use(true)} : i1", "i1")
        if expr.op in ("&&", "||"):
            left, right = (self.ml_condition(a, location) for a in expr.args)
            op = "arith.andi" if expr.op == "&&" else "arith.ori"
            return e.op(f"{op} {e.use(left)}, {e.use(right)} : i1", "i1")
        left, right = (self.ml_integer(a, location) for a in expr.args)
        if expr.op in _COMPARE:
            return e.op(f"arith.cmpi {_COMPARE[expr.op]}, {e.use(left)}, {e.use(right)} : i64", "i1")
        return e.op(f"{_ARITH[expr.op]} {e.use(left)}, {e.use(right)} : i64", "i64")

    def ml_name(self: "FunctionTranslator", name: str, location: SourceLocation) -> Value:
        e = self.emitter
        if name in ("true", "false"):
            return e.constant(name, "i1")
        var = self.ml_variable(name, location)
        if isinstance(var, InductionVar):
            return e.op(f"arith.index_cast {e.use(var.index)} : index to i64", "i64")
        if isinstance(var, GlobalVar) and isinstance(var.ctype, Scalar):
            element = Element(self.get_global(var), [], var.ctype)
        elif isinstance(var, ScalarVar):
            element = self.scalar_element(var)
        else:
            raise _error(location, f"'{name}' is an array or pointer; pragma expressions take integer variables")
        if element.ctype.is_float:
            raise _error(location, f"'{name}' is floating-point; pragma expressions take integer variables")
        value = self.load(element)
        if element.ctype.is_bool:
            return value
        return self.convert(value, element.ctype, _I64)

    def ml_variable(self: "FunctionTranslator", name: str, location: SourceLocation):
        """The innermost declaration of `name` before `location`, or a global."""
        candidates = [
            (decl.location.line, decl.location.column, var)
            for decl, var in self.variables.items()
            if decl.spelling == name and decl.location.line <= location.line
        ]
        if candidates:
            return max(candidates, key=lambda c: (c[0], c[1]))[2]
        for decl in self.module.globals:
            if decl.spelling == name:
                return self.module.globals[decl]
        raise _error(
            location,
            f"unknown variable '{name}' (pragma expressions see the function's variables, "
            "parameters and globals; macros are not expanded)",
        )


class _SpecBuilder:
    """Collects the arrays and bound values of one region and writes its spec."""

    def __init__(self, translator: "FunctionTranslator", directive: MLDirective):
        self.t = translator
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
                self.t.module.tensor_maps,
                item,
                self.directive.location.line,
                self.t.function.extent.start.line,
            ) or find_tensor_map(
                self.t.module.tensor_maps,
                item,
                direction,
                self.directive.location.line,
                self.t.function.extent.start.line,
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
        functor = self.t.module.functor_for(application)
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
                    fields.append(str(self.bound(self.t.ml_integer(x, target.location))))
            tokens.append(",".join(fields))
        self.map_lines.append(f"map {direction} {functor.name} {len(targets)} {' '.join(tokens)}")
        return len(self.map_lines) - 1

    def bound(self, value: Value) -> int:
        self.bounds.append(value)
        return len(self.bounds) - 1

    def array(self, name: str, location: SourceLocation) -> tuple[int, int]:
        """(array index, bound index of its element offset or -1)."""
        var = self.t.ml_variable(name, location)
        offset = -1
        if isinstance(var, PointerVar):
            slot = self.t.emitter.op(f"memref.load {self.t.emitter.use(var.offset_slot)}[] : memref<index>", "index")
            offset = self.bound(self.t.emitter.op(f"arith.index_cast {self.t.emitter.use(slot)} : index to i64", "i64"))
            value, ctype = var.base, var.ctype
        elif isinstance(var, ArrayVar):
            value, ctype = var.storage, var.ctype
        elif isinstance(var, GlobalVar) and isinstance(var.ctype, Array):
            value, ctype = self.t.get_global(var), var.ctype
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
            f"region {d.label or f'{self.t.function_name}_{d.location.line}'} {d.location.file}:{d.location.line}",
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
