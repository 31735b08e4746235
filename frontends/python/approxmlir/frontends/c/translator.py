"""A C translation unit to an MLIR module with approx.knob ops.

Variables live in memory (`memref.alloca` hoisted to the function entry, so
loops do not grow the stack); LLVM promotes them to registers. Annotated
functions and statements become `approx.knob` regions (see annotations.py).
"""

from __future__ import annotations

import itertools
from typing import Optional, Union

from clang.cindex import Cursor, CursorKind, TranslationUnit

from approxmlir.frontends.c import c_types, clang_index, cxx, hpacml
from approxmlir.frontends.c.annotations import (
    Annotation,
    KnobSpec,
    parse_annotations,
    parse_hpacml_directives,
)
from approxmlir.frontends.c.c_types import Array, Pointer, Scalar, Struct, StructArray, StructPointer, Void
from approxmlir.frontends.c.clang_ops import evaluate_constant
from approxmlir.frontends.c.emitter import Emitter, Value
from approxmlir.frontends.c.errors import FrontendError, SourceLocation, location_of, unsupported
from approxmlir.frontends.c.function_translator import FunctionTranslator, Signature
from approxmlir.frontends.c.scope import float_literal
from approxmlir.frontends.c.values import GlobalVar


class ModuleTranslator:
    """The whole translation unit: globals, declarations, functions, knobs."""

    def __init__(self, unit: TranslationUnit, source: str, filename: str):
        self.unit = unit
        self.filename = filename
        self.cxx = clang_index.is_cxx(filename)
        self.written: set[str] = set()  # symbols of the functions defined in the file
        self.instantiations: dict[str, Cursor] = {}  # function template instantiations called
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
        """A function declared anywhere in the unit (headers included, C++
        namespaces and `extern "C"` blocks searched) by its name."""
        return cxx.find_function(self.unit.cursor, name)

    def symbol(self, cursor: Cursor) -> str:
        """The MLIR symbol of a function or global (cxx.symbol)."""
        return cxx.symbol(cursor, self.cxx)

    # -- symbols -----------------------------------------------------------------

    def signature(self, function: Cursor) -> Signature:
        where = location_of(function)
        params = [c_types.parameter_type(c_types.convert(t, where)) for t in function.type.argument_types()]
        for ctype, c_type in zip(params, function.type.argument_types()):
            if isinstance(ctype, Void):
                raise unsupported(function, "void parameter")
            if isinstance(ctype, StructArray):
                raise unsupported(function, f"parameter of type '{c_type.spelling}' (multi-dimensional struct array)")
        result = c_types.convert(function.result_type, where)
        if isinstance(result, (Array, Pointer, StructArray, StructPointer, c_types.Reference)):
            raise unsupported(function, f"function returning '{function.result_type.spelling}'")
        this = None
        if cxx.is_method(function):
            this = c_types.StructPointer(c_types.convert_struct(function.semantic_parent.type.get_canonical(), where))
        return Signature(params, result, this)

    def declare_function(self, function: Cursor, where: Cursor) -> Signature:
        """Declares a called function unless it is defined in this file."""
        name = self.symbol(function)
        if function.type.is_function_variadic():
            raise unsupported(where, f"variadic function '{function.spelling}'")
        signature = self.signature(function)
        definition = function.get_definition()
        if definition is not None and definition.location.file.name != self.unit.cursor.spelling:
            definition = None  # defined in a header: called, not translated
        if definition is not None and name not in self.written and name not in self.instantiations:
            # A function template's instantiation: libclang gives its instantiated body.
            self.instantiations[name] = definition
        if definition is None and name not in self.declarations:
            if signature.this or any(
                isinstance(p, (Pointer, Struct, StructPointer, c_types.Reference)) for p in signature.params
            ):
                raise unsupported(
                    where, f"call of external function '{function.spelling}' taking pointers (define it in this file)"
                )
            self.declarations[name] = signature.mlir(name, private=True)
        return signature

    def global_variable(self, decl: Cursor) -> Optional[GlobalVar]:
        if decl in self.globals:
            return self.globals[decl]
        if (
            decl.kind == CursorKind.VAR_DECL
            and decl.semantic_parent is not None
            and decl.semantic_parent.kind
            in (CursorKind.TRANSLATION_UNIT, CursorKind.NAMESPACE, CursorKind.LINKAGE_SPEC, CursorKind.UNEXPOSED_DECL)
        ):
            return self.define_global(decl, self.symbol(decl))
        return None

    def static_local(self, decl: Cursor, function: str) -> None:
        if decl.storage_class.name == "EXTERN":
            raise unsupported(decl, "extern declaration inside a function")
        self.define_global(decl, f"__static_{function}_{decl.spelling}")

    def define_global(self, decl: Cursor, symbol: str) -> GlobalVar:
        where = location_of(decl)
        ctype = c_types.convert(decl.type, where)
        if not isinstance(ctype, (Scalar, Array)):
            raise unsupported(decl, f"global of type '{decl.type.spelling}'")
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
                raise unsupported(node, "non-constant initializer of a global or static variable")
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
            raise unsupported(literal, "string literal") from error

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
        declarations = list(cxx.declarations(self.unit.cursor, main_file))

        def defines_function(cursor: Cursor) -> bool:
            return cursor.kind in (CursorKind.FUNCTION_DECL, CursorKind.CXX_METHOD) and cursor.is_definition()

        self.written = {self.symbol(c) for c in declarations if defines_function(c)}
        for cursor in declarations:
            if defines_function(cursor):
                annotation = self.annotation_for(cursor)
                if annotation is not None:
                    self.consume_annotation(annotation)
                translator = FunctionTranslator(self, cursor, self.emitter)
                functions.extend(translator.translate(annotation))
            elif cursor.kind == CursorKind.VAR_DECL:
                self.global_variable(cursor)
        done = 0
        while done < len(self.instantiations):  # translating one may request more, appended in order
            cursor = list(self.instantiations.values())[done]
            done += 1
            functions.extend(FunctionTranslator(self, cursor, self.emitter).translate(None))
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
        defined = self.written | set(self.instantiations)
        declarations = [d for name, d in sorted(self.declarations.items()) if name not in defined]
        body = [*self.global_lines, *declarations, *functions, *self.state_adapters]
        return "module {\n" + "\n".join("  " + line for line in body) + "\n}\n"
