"""A C translation unit to an MLIR module with approx.knob ops.

Variables live in memory (`memref.alloca` hoisted to the function entry, so
loops do not grow the stack); LLVM promotes them to registers. Annotated
functions and statements become `approx.knob` regions (see annotations.py).
"""

from __future__ import annotations

import dataclasses
import itertools
from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, TranslationUnit

from approxmlir.frontends.c import analysis, c_types, hpacml
from approxmlir.frontends.c.annotations import (
    Annotation,
    KnobSpec,
    knob_attributes,
    parse_annotations,
    parse_hpacml_directives,
)
from approxmlir.frontends.c.c_types import Array, CType, Pointer, Scalar, Void
from approxmlir.frontends.c.emitter import Emitter, Entry, Value, mlir_location
from approxmlir.frontends.c.errors import FrontendError, SourceLocation, location_of
from approxmlir.frontends.c.expressions import evaluate_constant, float_literal, unary_kind
from approxmlir.frontends.c.ml_regions import MLRegionTranslator
from approxmlir.frontends.c.state_adapters import state_adapter
from approxmlir.frontends.c.statements import StatementTranslator
from approxmlir.frontends.c.values import ArrayVar, Element, GlobalVar, PointerVar, ScalarVar, Variable

# Functions of the annotated function that func_substitute retargets: calls of
# `__internal_<f>` substitute to `approx_<f>_<v>` (see ApplyTransforms.cpp).
INTERNAL_PREFIX = "__internal_"


def _unsupported(cursor: Cursor, what: str) -> FrontendError:
    return FrontendError(location_of(cursor), f"unsupported: {what}")


@dataclasses.dataclass
class Signature:
    params: list[CType]
    result: CType

    def mlir(self, name: str, private: bool) -> str:
        params = ", ".join(p.mlir for p in self.params)
        result = "" if isinstance(self.result, Void) else f" -> {self.result.mlir}"
        return f"func.func {'private ' if private else ''}@{name}({params}){result}"


class FunctionTranslator(MLRegionTranslator, StatementTranslator):
    def __init__(self, module: "ModuleTranslator", function: Cursor, emitter: Emitter):
        self.module = module
        self.function = function
        self.function_name = function.spelling
        self.emitter = emitter
        self.variables: dict[Cursor, Variable] = {}
        self.targets = []
        self.return_flag: Optional[Value] = None
        self.return_slot: Optional[Value] = None
        self.entry: Optional[Entry] = None
        self.address_taken: set[Cursor] = set()
        self.signature = module.signature(function)
        self.result_type = self.signature.result

    # -- variables ---------------------------------------------------------------

    def variable(self, expr: Cursor) -> Variable:
        referenced = expr.referenced
        if referenced is None:
            raise _unsupported(expr, f"reference to '{expr.spelling}'")
        if referenced in self.variables:
            return self.variables[referenced]
        global_var = self.module.global_variable(referenced)
        if global_var is not None:
            return global_var
        if referenced.kind == CursorKind.FUNCTION_DECL:
            raise _unsupported(expr, "function used as a value (function pointers)")
        raise _unsupported(expr, f"reference to '{expr.spelling}'")

    def alloca(self, memref_type: str) -> Value:
        return self.emitter.hoisted(self.entry, f"memref.alloca() : {memref_type}", memref_type)

    def scalar_slot(self, decl: Cursor, ctype: Scalar) -> ScalarVar:
        """A scalar's memory: rank 0, or one element when its address is taken
        (so that `&x` is a pointer like any other)."""
        if decl in self.address_taken:
            return ScalarVar(self.alloca(f"memref<1x{ctype.mlir}>"), ctype, addressable=True)
        return ScalarVar(self.alloca(f"memref<{ctype.mlir}>"), ctype)

    def declare_local(self, decl: Cursor, ctype: CType, init: Optional[Cursor]) -> None:
        if isinstance(ctype, Scalar):
            var = self.scalar_slot(decl, ctype)
            self.variables[decl] = var
            if init is not None:
                value = self.convert(self.rvalue(init), self.scalar_type(init), ctype)
                self.store(value, self.scalar_element(var))
        elif isinstance(ctype, Array):
            storage = self.alloca(ctype.mlir)
            self.variables[decl] = ArrayVar(storage, ctype)
            if init is not None:
                self.initialize_array(storage, ctype, init)
        elif isinstance(ctype, Pointer) and not ctype.row_dims:
            if init is None:
                raise _unsupported(decl, "pointer variable without an initializer")
            place = self.as_pointer_value(self.pointer(init), init)
            slot = self.alloca("memref<index>")
            self.emitter.op(
                f"memref.store {self.emitter.use(place.offset)}, {self.emitter.use(slot)}[] : memref<index>"
            )
            self.variables[decl] = PointerVar(place.base, slot, ctype)
        else:
            raise _unsupported(decl, f"local variable of type '{decl.type.spelling}'")

    # -- functions ---------------------------------------------------------------

    def translate(self, annotation: Optional[Annotation]) -> list[str]:
        """The lines of this function definition (two functions for a
        function-level func_substitute knob: the wrapper and the exact body)."""
        name = self.function_name
        private = self.function.storage_class.name == "STATIC"
        spec = annotation.spec if annotation else None
        if spec and "func_substitute" in spec.transform_types:
            if len(spec.transform_types) > 1:
                raise FrontendError(
                    annotation.location,
                    "annotation: func_substitute on a function cannot be combined with other transform types",
                )
            exact = self.body_function(f"{INTERNAL_PREFIX}{name}", private=True, annotation=None)
            return self.wrapper_function(name, private, annotation) + exact
        return self.body_function(name, private, annotation)

    def params(self) -> list[Cursor]:
        return [c for c in self.function.get_children() if c.kind == CursorKind.PARM_DECL]

    def header(self, name: str, private: bool) -> tuple[str, list[Value]]:
        args = []
        for _, ctype in zip(self.params(), self.signature.params):
            args.append(Value(self.emitter.fresh("arg"), ctype.mlir, self.emitter.scope))
        params = ", ".join(f"{a.name}: {a.type}" for a in args)
        result = "" if isinstance(self.result_type, Void) else f" -> {self.result_type.mlir}"
        return f"func.func {'private ' if private else ''}@{name}({params}){result} {{", args

    def body_function(self, name: str, private: bool, annotation: Optional[Annotation]) -> list[str]:
        e = self.emitter
        with e.isolated() as function_scope:
            header, args = self.header(name, private)
            function_entry = Entry(function_scope)
            if annotation is None:
                self.entry = function_entry
                self.emit_body(args)
                result = self.load_result()
            else:
                result = self.knob(annotation, lambda: self.emit_body(args), args, knob_results=True)
            if isinstance(self.result_type, Void):
                e.line("func.return")
            else:
                e.line(f"func.return {e.use(result)} : {self.result_type.mlir}")
        return [header, *function_entry.lines, *function_scope.lines, f"}} {mlir_location(location_of(self.function))}"]

    def wrapper_function(self, name: str, private: bool, annotation: Annotation) -> list[str]:
        e = self.emitter
        with e.isolated() as function_scope:
            header, args = self.header(name, private)

            def call_exact() -> None:
                operands = ", ".join(e.use(a) for a in args)
                types = ", ".join(a.type for a in args)
                if isinstance(self.result_type, Void):
                    e.line(f"func.call @{INTERNAL_PREFIX}{name}({operands}) : ({types}) -> ()")
                else:
                    self.return_slot = e.op(
                        f"func.call @{INTERNAL_PREFIX}{name}({operands}) : ({types}) -> {self.result_type.mlir}",
                        self.result_type.mlir,
                    )

            result = self.knob(annotation, call_exact, args, knob_results=True, direct_result=True)
            if isinstance(self.result_type, Void):
                e.line("func.return")
            else:
                e.line(f"func.return {e.use(result)} : {self.result_type.mlir}")
        return [header, *function_scope.lines, f"}} {mlir_location(location_of(self.function))}"]

    def emit_body(self, args: list[Value]) -> None:
        """Parameters into variables, then the body statements."""
        if not isinstance(self.result_type, Void):
            self.return_slot = self.alloca(f"memref<{self.result_type.mlir}>")
        body = [c for c in self.function.get_children() if c.kind == CursorKind.COMPOUND_STMT][0]
        self.address_taken = analysis.address_taken_variables(body, unary_kind)
        stmts = list(body.get_children())
        returns = [n for s in stmts for n in analysis.walk(s) if n.kind == CursorKind.RETURN_STMT]
        if returns and not (len(returns) == 1 and stmts and stmts[-1].kind == CursorKind.RETURN_STMT):
            self.return_flag = self.new_flag()
            self.set_flag(self.return_flag, 0)
        for param, ctype, arg in zip(self.params(), self.signature.params, args):
            if isinstance(ctype, Scalar):
                var = self.scalar_slot(param, ctype)
                self.store(arg, self.scalar_element(var))
                self.variables[param] = var
            elif ctype.row_dims:
                self.variables[param] = ArrayVar(arg, ctype)
            else:
                slot = self.alloca("memref<index>")
                zero = self.index_const(0)
                self.emitter.op(f"memref.store {self.emitter.use(zero)}, {self.emitter.use(slot)}[] : memref<index>")
                self.variables[param] = PointerVar(arg, slot, ctype)
        self.statements(stmts)

    def load_result(self) -> Optional[Value]:
        if isinstance(self.result_type, Void):
            return None
        return self.load(Element(self.return_slot, [], self.result_type))

    # -- knobs -------------------------------------------------------------------

    def knob(
        self, annotation: Annotation, emit, args: list[Value], knob_results: bool, direct_result: bool = False
    ) -> Optional[Value]:
        """Emits `emit()` inside an approx.knob; returns the knob's result."""
        e = self.emitter
        spec = annotation.spec
        knob_id = spec.id or self.function_name
        self.module.claim_knob_id(knob_id, annotation)
        self.module.declare_knob_functions(spec, annotation)
        if spec.needs_state_adapter:
            spec, lines = state_adapter(self, spec, knob_id, annotation)
            self.module.state_adapters.extend(lines)
        result_types = [] if isinstance(self.result_type, Void) or not knob_results else [self.result_type.mlir]
        outer_entry = self.entry
        with e.isolated() as scope:
            for arg in args:  # the knob's operands are the function's parameters, in order
                e.use(arg)
            self.entry = Entry(scope)
            emit()
            scope.lines[0:0] = self.entry.lines  # hoisted allocas first
            if result_types:
                value = self.return_slot if direct_result else self.load_result()
                e.line(f"approx.yield {e.use(value)} : {result_types[0]}")
            else:
                e.line("approx.yield")
        self.entry = outer_entry
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
        knob_id = spec.id or f"{self.function_name}_{stmt.location.line}"
        self.module.claim_knob_id(knob_id, annotation)
        self.module.declare_knob_functions(spec, annotation)
        e = self.emitter
        with e.isolated() as scope:
            self.module.consume_annotation(annotation)
            self.statement(stmt)
            e.line("approx.yield")
        self.emit_knob(knob_id, spec, scope, [], annotation.location)

    def emit_knob(
        self, knob_id: str, spec: KnobSpec, scope, result_types: list[str], location: SourceLocation
    ) -> Optional[Value]:
        """The approx.knob op around `scope`; diagnostics about it point at its
        annotation in the C source."""
        e = self.emitter
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


class ModuleTranslator:
    """The whole translation unit: globals, declarations, functions, knobs."""

    def __init__(self, unit: TranslationUnit, source: str, filename: str):
        self.unit = unit
        self.filename = filename
        self.emitter = Emitter()
        self.annotations = parse_annotations(source, filename)
        self.pending = sorted(self.annotations, key=lambda a: a.end_line)
        self.functors: dict[str, hpacml.Functor] = {}
        self.tensor_maps: list[hpacml.TensorMap] = []
        self.pending_ml: list[hpacml.MLDirective] = []
        directives = parse_hpacml_directives(source, filename)
        self.hpacml_lines = {line for directive in directives for line in directive.lines}
        for directive in directives:
            if isinstance(directive, hpacml.Functor):
                if directive.name in self.functors:
                    raise FrontendError(
                        directive.location,
                        f"annotation: functor '{directive.name}' is already "
                        f"declared at {self.functors[directive.name].location}",
                    )
                self.functors[directive.name] = directive
            elif isinstance(directive, hpacml.TensorMap):
                self.tensor_maps.append(directive)
            else:
                self.pending_ml.append(directive)
        self.globals: dict[Cursor, GlobalVar] = {}
        self.global_lines: list[str] = []
        self.declarations: dict[str, str] = {}
        self.state_adapters: list[str] = []  # state functions made for state_indices (state_adapters.py)
        self.defined: set[str] = set()
        self.knob_ids: dict[str, SourceLocation] = {}
        self._strings = itertools.count()

    # -- annotations -------------------------------------------------------------

    def annotation_for(self, cursor: Cursor) -> Optional[Annotation]:
        """The annotation group right before `cursor` (nothing but blank lines
        and comments in between), if any."""
        line = cursor.extent.start.line
        for annotation in self.pending:
            if annotation.end_line < line and self._only_trivia_between(annotation.end_line, line):
                return annotation
        return None

    def _only_trivia_between(self, first: int, last: int) -> bool:
        """Blank, comment-only or HPAC-ML pragma lines between lines `first` and
        `last` (so that a knob can hold an ml region)."""
        for number in range(first + 1, last):
            text = self.source_lines[number - 1].strip()
            if text and number not in self.hpacml_lines and not text.startswith(("//", "/*", "*")):
                return False
        return True

    def ml_directive_for(self, cursor: Cursor) -> Optional[hpacml.MLDirective]:
        """The `#pragma approx ml` right before `cursor`, if any."""
        line = cursor.extent.start.line
        for directive in self.pending_ml:
            end_line = directive.lines[-1]
            if end_line < line and self._only_trivia_between(end_line, line):
                return directive
        return None

    def consume_ml_directive(self, directive: hpacml.MLDirective) -> None:
        self.pending_ml.remove(directive)

    def functor_for(self, application: hpacml.Application) -> hpacml.Functor:
        functor = self.functors.get(application.functor)
        if functor is None or functor.location.line > application.location.line:
            raise FrontendError(
                application.location,
                f"annotation: unknown functor '{application.functor}' "
                "(declare it with '#pragma approx tensor functor' before its use)",
            )
        return functor

    def consume_annotation(self, annotation: Annotation) -> None:
        self.pending.remove(annotation)

    def claim_knob_id(self, knob_id: str, annotation: Annotation) -> None:
        if knob_id in self.knob_ids:
            raise FrontendError(
                annotation.location, f"annotation: knob id '{knob_id}' is already used at {self.knob_ids[knob_id]}"
            )
        self.knob_ids[knob_id] = annotation.location

    def declare_knob_functions(self, spec: KnobSpec, annotation: Annotation) -> None:
        """The state, checker and recover functions must be declared in C."""
        for name in filter(None, (spec.state_function, spec.checker, spec.recover)):
            function = self.find_function(name)
            if function is None:
                raise FrontendError(annotation.location, f"annotation: function '{name}' is not declared in this file")
            self.declare_function(function, function)

    def find_function(self, name: str) -> Optional[Cursor]:
        for cursor in self.unit.cursor.get_children():
            if cursor.kind == CursorKind.FUNCTION_DECL and cursor.spelling == name:
                return cursor
        return None

    # -- symbols -----------------------------------------------------------------

    def signature(self, function: Cursor) -> Signature:
        where = location_of(function)
        params = [c_types.parameter_type(c_types.convert(t, where)) for t in function.type.argument_types()]
        if any(isinstance(ctype, Void) for ctype in params):
            raise _unsupported(function, "void parameter")
        result = c_types.convert(function.result_type, where)
        if isinstance(result, (Array, Pointer)):
            raise _unsupported(function, f"function returning '{function.result_type.spelling}'")
        return Signature(params, result)

    def declare_function(self, function: Cursor, where: Cursor) -> Signature:
        """Declares a called function unless it is defined in this file."""
        name = function.spelling
        if function.type.is_function_variadic():
            raise _unsupported(where, f"variadic function '{name}'")
        signature = self.signature(function)
        definition = function.get_definition()
        if definition is None and name not in self.declarations:
            if any(isinstance(p, Pointer) for p in signature.params):
                raise _unsupported(
                    where, f"call of external function '{name}' taking pointers (define it in this file)"
                )
            self.declarations[name] = signature.mlir(name, private=True)
        return signature

    def global_variable(self, decl: Cursor) -> Optional[GlobalVar]:
        if decl in self.globals:
            return self.globals[decl]
        if (
            decl.kind == CursorKind.VAR_DECL
            and decl.semantic_parent is not None
            and decl.semantic_parent.kind == CursorKind.TRANSLATION_UNIT
        ):
            return self.define_global(decl, decl.spelling)
        return None

    def static_local(self, decl: Cursor, function: str) -> None:
        if decl.storage_class.name == "EXTERN":
            raise _unsupported(decl, "extern declaration inside a function")
        self.define_global(decl, f"__static_{function}_{decl.spelling}")

    def define_global(self, decl: Cursor, symbol: str) -> GlobalVar:
        where = location_of(decl)
        ctype = c_types.convert(decl.type, where)
        if not isinstance(ctype, (Scalar, Array)):
            raise _unsupported(decl, f"global of type '{decl.type.spelling}'")
        init = [c for c in decl.get_children() if not c.kind.is_reference()]
        var = GlobalVar(symbol, ctype)
        self.globals[decl] = var
        constant = (
            " constant"
            if decl.type.is_const_qualified()
            or (isinstance(ctype, Array) and decl.type.element_type.is_const_qualified())
            else ""
        )
        value = self.initializer(ctype, init[-1] if init else None, decl)
        self.global_lines.append(f'memref.global "private"{constant} @{symbol} : {var.memref_type} = {value}')
        return var

    def initializer(self, ctype: Union[Scalar, Array], init: Optional[Cursor], decl: Cursor) -> str:
        """A dense<...> of the constant initializer (zeros when absent)."""
        element = ctype.element if isinstance(ctype, Array) else ctype

        def scalar(node: Optional[Cursor]) -> str:
            if node is None:
                return "0.0" if element.is_float else ("false" if element.is_bool else "0")
            value = evaluate_constant(node)
            if value is None:
                raise _unsupported(node, "non-constant initializer of a global or static variable")
            if element.is_float:
                return float_literal(float(value), element)
            if element.is_bool:
                return "true" if value else "false"
            bits = element.width
            value = int(value) & ((1 << bits) - 1)
            return str(value - (1 << bits) if value >= 1 << (bits - 1) else value)

        if isinstance(ctype, Scalar):
            return f"dense<{scalar(init)}>"
        values: dict[tuple[int, ...], Optional[Cursor]] = {}

        def collect(node: Cursor, prefix: tuple[int, ...]) -> None:
            if node.kind == CursorKind.INIT_LIST_EXPR:
                for i, child in enumerate(node.get_children()):
                    collect(child, prefix + (i,))
            elif node.kind == CursorKind.STRING_LITERAL:
                for i, byte in enumerate(self.string_bytes(node)):
                    values[prefix + (i,)] = byte
            else:
                values[prefix] = node

        if init is not None:
            collect(init, ())

        def nested(prefix: tuple[int, ...], depth: int) -> str:
            if depth == len(ctype.dims):
                entry = values.get(prefix)
                if isinstance(entry, int):
                    return str(entry)
                return scalar(entry)
            return "[" + ", ".join(nested(prefix + (i,), depth + 1) for i in range(ctype.dims[depth])) + "]"

        return f"dense<{nested((), 0)}>"

    def string_bytes(self, literal: Cursor) -> bytes:
        import ast as _ast

        text = "".join(t.spelling for t in literal.get_tokens())
        try:
            return _ast.literal_eval("b" + text).rstrip(b"") + b"\0"
        except (ValueError, SyntaxError) as error:
            raise _unsupported(literal, "string literal") from error

    def string_literal(self, literal: Cursor, emitter: Emitter) -> Value:
        data = self.string_bytes(literal)
        symbol = f"__str_{next(self._strings)}"
        memref_type = f"memref<{len(data)}xi8>"
        self.global_lines.append(
            f'memref.global "private" constant @{symbol} : {memref_type} = dense<[{", ".join(map(str, data))}]>'
        )
        return emitter.op(f"memref.get_global @{symbol} : {memref_type}", memref_type)

    # -- the module --------------------------------------------------------------

    def translate(self, source: str) -> str:
        self.source_lines = source.splitlines()
        functions: list[str] = []
        main_file = self.unit.cursor.spelling
        for cursor in self.unit.cursor.get_children():
            if cursor.location.file is None or cursor.location.file.name != main_file:
                continue
            if cursor.kind == CursorKind.FUNCTION_DECL and cursor.is_definition():
                annotation = self.annotation_for(cursor)
                if annotation is not None:
                    self.consume_annotation(annotation)
                self.defined.add(cursor.spelling)
                translator = FunctionTranslator(self, cursor, self.emitter)
                functions.extend(translator.translate(annotation))
            elif cursor.kind == CursorKind.VAR_DECL:
                self.global_variable(cursor)
            elif cursor.kind in (CursorKind.STRUCT_DECL, CursorKind.UNION_DECL) and cursor.is_definition():
                raise _unsupported(cursor, "struct and union types")
        if self.pending_ml:
            raise FrontendError(
                self.pending_ml[0].location,
                "annotation: '#pragma approx ml' is not followed by a statement in a function body",
            )
        if self.pending:
            annotation = self.pending[0]
            raise FrontendError(
                annotation.location,
                "annotation: not followed by a function definition or a statement it could apply to",
            )
        declarations = [d for name, d in sorted(self.declarations.items()) if name not in self.defined]
        body = [*self.global_lines, *declarations, *functions, *self.state_adapters]
        return "module {\n" + "\n".join("  " + line for line in body) + "\n}\n"
