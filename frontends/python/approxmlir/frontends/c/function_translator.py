"""One C function definition to a func.func (and its approx.knob when annotated).

`FunctionTranslator` composes the parts over the function's FunctionScope
(scope.py) and is itself the knob part: function-level and statement-level
knobs, func_substitute wrappers, state adapters.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Optional

from clang.cindex import Cursor, CursorKind, LinkageKind

from approxmlir.frontends.c import analysis, c_types, cxx
from approxmlir.frontends.c.annotations import (
    Annotation,
    KnobSpec,
    knob_attributes,
)
from approxmlir.frontends.c.c_types import CType, Reference, Scalar, Struct, StructPointer, Void
from approxmlir.frontends.c.clang_ops import unary_kind
from approxmlir.frontends.c.emitter import Emitter, Entry, Value, mlir_location
from approxmlir.frontends.c.errors import FrontendError, SourceLocation, location_of
from approxmlir.frontends.c.expressions import Expressions
from approxmlir.frontends.c.heap import Heap
from approxmlir.frontends.c.ml_regions import MLRegions
from approxmlir.frontends.c.places import Places
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.state_adapters import state_adapter
from approxmlir.frontends.c.statements import Statements
from approxmlir.frontends.c.structs import Structs
from approxmlir.frontends.c.values import ArrayVar, Element, PointerVar, ScalarVar

if TYPE_CHECKING:
    from approxmlir.frontends.c.translator import ModuleTranslator

# Functions of the annotated function that func_substitute retargets: calls of
# `__internal_<f>` substitute to `approx_<f>_<v>` (see ApplyTransforms.cpp).
INTERNAL_PREFIX = "__internal_"


@dataclasses.dataclass
class Signature:
    params: list[CType]
    result: CType
    this: Optional[StructPointer] = None  # a C++ member function's object

    @property
    def sret(self) -> Optional[StructPointer]:
        """A struct result with array members is written through a last
        pointer parameter into the caller's object (C ABIs do the same)."""
        result = self.result
        return StructPointer(result) if isinstance(result, Struct) and not result.scalar_only else None

    @property
    def param_types(self) -> list[str]:
        """The MLIR parameters: `this`'s leaves first, then each parameter's,
        then the struct result's (sret)."""
        params = ([self.this] if self.this else []) + list(self.params) + ([self.sret] if self.sret else [])
        return [t for p in params for t in c_types.mlir_types(p)]

    def mlir(self, name: str, private: bool) -> str:
        params = ", ".join(self.param_types)
        return f"func.func {'private ' if private else ''}@{name}({params}){self.result_suffix}"

    @property
    def result_types(self) -> list[str]:
        return [] if self.sret else c_types.mlir_types(self.result)

    @property
    def result_suffix(self) -> str:
        types = self.result_types
        if not types:
            return ""
        return f" -> {types[0]}" if len(types) == 1 else f" -> ({', '.join(types)})"


class FunctionTranslator:
    """One function definition: composes the parts over its FunctionScope and
    emits the function (and its knob, when annotated)."""

    def __init__(self, module: "ModuleTranslator", function: Cursor, emitter: Emitter):
        scope = FunctionScope(module, function, emitter, module.signature(function))
        self.scope = scope
        scope.knobs = self
        scope.expressions = Expressions(scope)
        scope.places = Places(scope)
        scope.heap = Heap(scope)
        scope.structs = Structs(scope)
        scope.statements = Statements(scope)
        scope.ml_regions = MLRegions(scope)

    # -- functions ---------------------------------------------------------------

    def translate(self, annotation: Optional[Annotation]) -> list[str]:
        """The lines of this function definition (two functions for a
        function-level func_substitute knob: the wrapper and the exact body)."""
        name = self.scope.module.symbol(self.scope.function)
        private = self.scope.function.linkage == LinkageKind.INTERNAL or not self.exported()
        spec = annotation.spec if annotation else None
        if spec and "func_substitute" in spec.transform_types and name != self.scope.function_name:
            raise FrontendError(
                annotation.location,
                'annotation: func_substitute needs a function with C linkage in C++ (declare it extern "C"), '
                "so that its substitutes are found by name",
            )
        if spec and "func_substitute" in spec.transform_types:
            if len(spec.transform_types) > 1:
                raise FrontendError(
                    annotation.location,
                    "annotation: func_substitute on a function cannot be combined with other transform types",
                )
            exact = self.body_function(f"{INTERNAL_PREFIX}{name}", private=True, annotation=None)
            return self.wrapper_function(name, private, annotation) + exact
        return self.body_function(name, private, annotation)

    def exported(self) -> bool:
        """Whether the library exports the function to the runtime binding:
        C functions (in C++, `extern "C"` ones) whose parameters and result
        the binding can pass (no structs or references)."""
        signature = self.scope.signature
        if self.scope.module.cxx and not cxx.has_c_linkage(self.scope.function):
            return False
        structured = (Struct, StructPointer, Reference)
        return (
            signature.this is None
            and not isinstance(signature.result, Struct)
            and not any(isinstance(p, structured) for p in signature.params)
        )

    def header(self, name: str, private: bool) -> tuple[str, list[Value]]:
        args = []
        this = self.scope.signature.this
        for mlir_type in c_types.mlir_types(this) if this else []:
            args.append(Value(self.scope.emitter.fresh("this"), mlir_type, self.scope.emitter.scope))
        sret = self.scope.signature.sret
        for ctype in [*self.scope.signature.params, *([sret] if sret else [])]:
            for mlir_type in c_types.mlir_types(ctype):
                args.append(Value(self.scope.emitter.fresh("arg"), mlir_type, self.scope.emitter.scope))
        params = ", ".join(f"{a.name}: {a.type}" for a in args)
        return (
            f"func.func {'private ' if private else ''}@{name}({params}){self.scope.signature.result_suffix} {{",
            args,
        )

    def body_function(self, name: str, private: bool, annotation: Optional[Annotation]) -> list[str]:
        e = self.scope.emitter
        with e.isolated() as function_scope:
            header, args = self.header(name, private)
            function_entry = Entry(function_scope)
            if annotation is None:
                self.scope.entry = function_entry
                self.emit_body(args)
                if isinstance(self.scope.result_type, Struct):
                    if self.scope.signature.sret:
                        e.line("func.return")
                        return self.finish(header, function_entry, function_scope)
                    results = self.scope.structs.values_of(self.scope.return_slot_struct)
                    operands = ", ".join(e.use(v) for v in results)
                    e.line(f"func.return {operands} : {', '.join(v.type for v in results)}")
                    return self.finish(header, function_entry, function_scope)
                result = self.load_result()
            else:
                if isinstance(self.scope.result_type, Struct):
                    raise FrontendError(annotation.location, "unsupported: an annotated function returning a struct")
                result = self.knob(annotation, lambda: self.emit_body(args), args, knob_results=True)
            if isinstance(self.scope.result_type, Void):
                e.line("func.return")
            else:
                e.line(f"func.return {e.use(result)} : {self.scope.result_type.mlir}")
        return self.finish(header, function_entry, function_scope)

    def finish(self, header: str, function_entry: Entry, function_scope) -> list[str]:
        """The lines of a function whose body is complete."""
        return [
            header,
            *function_entry.lines,
            *function_scope.lines,
            f"}} {mlir_location(location_of(self.scope.function))}",
        ]

    def wrapper_function(self, name: str, private: bool, annotation: Annotation) -> list[str]:
        e = self.scope.emitter
        with e.isolated() as function_scope:
            header, args = self.header(name, private)

            def call_exact() -> None:
                operands = ", ".join(e.use(a) for a in args)
                types = ", ".join(a.type for a in args)
                if isinstance(self.scope.result_type, Void):
                    e.line(f"func.call @{INTERNAL_PREFIX}{name}({operands}) : ({types}) -> ()")
                else:
                    self.scope.return_slot = e.op(
                        f"func.call @{INTERNAL_PREFIX}{name}({operands}) : ({types}) -> {self.scope.result_type.mlir}",
                        self.scope.result_type.mlir,
                    )

            result = self.knob(annotation, call_exact, args, knob_results=True, direct_result=True)
            if isinstance(self.scope.result_type, Void):
                e.line("func.return")
            else:
                e.line(f"func.return {e.use(result)} : {self.scope.result_type.mlir}")
        return [header, *function_scope.lines, f"}} {mlir_location(location_of(self.scope.function))}"]

    def emit_body(self, args: list[Value]) -> None:
        """Parameters into variables, then the body statements."""
        sret = self.scope.signature.sret
        if sret:
            out = self.scope.structs.pointer_parameter(sret, args[len(args) - len(c_types.mlir_types(sret)) :])
            self.scope.return_slot_struct = self.scope.structs.dereference(out, self.scope.function)
        elif isinstance(self.scope.result_type, Struct):
            self.scope.return_slot_struct = self.scope.structs.new_object(self.scope.result_type)
        elif not isinstance(self.scope.result_type, Void):
            self.scope.return_slot = self.scope.alloca(f"memref<{self.scope.result_type.mlir}>")
        body = [c for c in self.scope.function.get_children() if c.kind == CursorKind.COMPOUND_STMT][0]
        self.scope.address_taken = analysis.address_taken_variables(body, unary_kind)
        stmts = list(body.get_children())
        returns = [n for s in stmts for n in analysis.walk(s) if n.kind == CursorKind.RETURN_STMT]
        if returns and not (len(returns) == 1 and stmts and stmts[-1].kind == CursorKind.RETURN_STMT):
            self.scope.return_flag = self.scope.new_flag()
            self.scope.set_flag(self.scope.return_flag, 0)
        remaining = list(args)
        this = self.scope.signature.this
        if this is not None:
            count = len(c_types.mlir_types(this))
            self.scope.this_place = self.scope.structs.pointer_parameter(this, remaining[:count])
            remaining = remaining[count:]
        for param, ctype in zip(self.scope.params(), self.scope.signature.params):
            count = len(c_types.mlir_types(ctype))
            leaf_args, remaining = remaining[:count], remaining[count:]
            arg = leaf_args[0]
            if isinstance(ctype, (Struct, StructPointer)) or (
                isinstance(ctype, Reference) and isinstance(ctype.target, Struct)
            ):
                self.scope.structs.parameter(param, ctype, leaf_args)
            elif isinstance(ctype, Reference):
                var = ScalarVar(arg, ctype.target, addressable=True)  # its one element, at index 0
                self.scope.variables[param] = var
            elif isinstance(ctype, Scalar):
                var = self.scope.scalar_slot(param, ctype)
                self.scope.store(arg, self.scope.scalar_element(var))
                self.scope.variables[param] = var
            elif ctype.row_dims:
                self.scope.variables[param] = ArrayVar(arg, ctype)
            else:
                slot = self.scope.alloca("memref<index>")
                zero = self.scope.index_const(0)
                self.scope.emitter.op(
                    f"memref.store {self.scope.emitter.use(zero)}, {self.scope.emitter.use(slot)}[] : memref<index>"
                )
                self.scope.variables[param] = PointerVar(arg, slot, ctype)
        self.scope.statements.statements(stmts)

    def load_result(self) -> Optional[Value]:
        if isinstance(self.scope.result_type, Void):
            return None
        return self.scope.load(Element(self.scope.return_slot, [], self.scope.result_type))

    # -- knobs -------------------------------------------------------------------

    def knob(
        self, annotation: Annotation, emit, args: list[Value], knob_results: bool, direct_result: bool = False
    ) -> Optional[Value]:
        """Emits `emit()` inside an approx.knob; returns the knob's result."""
        e = self.scope.emitter
        spec = annotation.spec
        knob_id = spec.id or self.scope.function_name
        self.scope.module.claim_knob_id(knob_id, annotation)
        self.scope.module.declare_knob_functions(spec, annotation)
        if spec.needs_state_adapter:
            spec, lines = state_adapter(self.scope, spec, knob_id, annotation)
            self.scope.module.state_adapters.extend(lines)
        result_types = (
            [] if isinstance(self.scope.result_type, Void) or not knob_results else [self.scope.result_type.mlir]
        )
        outer_entry = self.scope.entry
        with e.isolated() as scope:
            for arg in args:  # the knob's operands are the function's parameters, in order
                e.use(arg)
            self.scope.entry = Entry(scope)
            emit()
            scope.lines[0:0] = self.scope.entry.lines  # hoisted allocas first
            if result_types:
                value = self.scope.return_slot if direct_result else self.load_result()
                e.line(f"approx.yield {e.use(value)} : {result_types[0]}")
            else:
                e.line("approx.yield")
        self.scope.entry = outer_entry
        return self.emit_knob(knob_id, spec, scope, result_types, annotation.location)

    def knob_statement(self, stmt: Cursor, annotation: Annotation) -> None:
        spec = annotation.spec
        if spec.checker:
            raise FrontendError(
                annotation.location, "annotation: safety contracts (checker/recover) are supported on functions only"
            )
        if spec.needs_state_adapter:
            raise FrontendError(
                annotation.location,
                "annotation: a statement's knob needs a state_function that takes no arguments "
                "(state_indices select parameters of an annotated function)",
            )
        knob_id = spec.id or f"{self.scope.function_name}_{stmt.location.line}"
        self.scope.module.claim_knob_id(knob_id, annotation)
        self.scope.module.declare_knob_functions(spec, annotation)
        e = self.scope.emitter
        with e.isolated() as scope:
            self.scope.module.consume_annotation(annotation)
            self.scope.statements.statement(stmt)
            e.line("approx.yield")
        self.emit_knob(knob_id, spec, scope, [], annotation.location)

    def emit_knob(
        self, knob_id: str, spec: KnobSpec, scope, result_types: list[str], location: SourceLocation
    ) -> Optional[Value]:
        """The approx.knob op around `scope`; diagnostics about it point at its
        annotation in the C source."""
        e = self.scope.emitter
        captured = list(scope.captures.items())
        operands = ", ".join(e.use(value) for value, _ in captured)
        types = ", ".join(value.type for value, _ in captured)
        block_args = ", ".join(f"{inner}: {value.type}" for value, inner in captured)
        results = "(" + ", ".join(result_types) + ")"
        header = f'approx.knob "{knob_id}"({operands}) : ({types}) -> {results} {knob_attributes(spec)} {{'
        result = None
        if result_types:
            result = Value(e.fresh(), result_types[0], e.scope)
            header = f"{result.name} = {header}"
        e.line(header)
        e.line(f"^bb0({block_args}):")
        e.splice(scope.lines)
        e.line(f"}} {mlir_location(location)}")
        return result
