"""C statements to structured MLIR control flow (scf.if, scf.for, scf.while).

Everything stays structured so that the approx transforms apply: `break`,
`continue` and non-final `return`s set flags kept in memory, and the code a
jump would skip is guarded by `scf.if` on those flags. Canonical counted
loops (`for (T i = a; i < b; i += c)` with constant c > 0, an invariant bound,
and no break or return) become `scf.for`, the loops approx-opt perforates;
other loops become `scf.while`.
"""

from __future__ import annotations

import dataclasses
from typing import Optional, Sequence

from clang.cindex import Cursor, CursorKind

from approxmlir.frontends.c import analysis, c_types
from approxmlir.frontends.c.c_types import Array, CType, Pointer, Reference, Scalar, Struct, StructArray, StructPointer
from approxmlir.frontends.c.clang_ops import (
    LE,
    LT,
    POST_INC,
    PRE_INC,
    binary_kind,
    children,
    strip,
    unary_kind,
)
from approxmlir.frontends.c.cxx import UNSUPPORTED_CONSTRUCTS
from approxmlir.frontends.c.emitter import Value
from approxmlir.frontends.c.errors import location_of, unsupported
from approxmlir.frontends.c.scope import FunctionScope
from approxmlir.frontends.c.values import ArrayPlace, ArrayVar, Element, InductionVar, PointerVar, ScalarVar

_TRUE, _FALSE = 1, 0


@dataclasses.dataclass
class JumpTarget:
    """A loop or switch: the flags its `break`/`continue` set."""

    break_flag: Optional[Value]
    continue_flag: Optional[Value]


class Statements:
    """The part of a function's translation that emits statements, control
    flow and local declarations."""

    def __init__(self, scope: FunctionScope):
        self.scope = scope
        self.expressions = scope.expressions

    # -- flags ---------------------------------------------------------------

    def still_running(self, jumps: frozenset[str]) -> Optional[Value]:
        """i1 that is true when none of the jumps in `jumps` happened."""
        flags = []
        target = self.scope.targets[-1] if self.scope.targets else None
        if "break" in jumps and target and target.break_flag:
            flags.append(target.break_flag)
        if "continue" in jumps and target and target.continue_flag:
            flags.append(target.continue_flag)
        if "return" in jumps and self.scope.return_flag is not None:
            flags.append(self.scope.return_flag)
        if not flags:
            return None
        jumped = self.scope.read_flag(flags[0])
        for flag in flags[1:]:
            jumped = self.scope.arith("ori", jumped, self.scope.read_flag(flag))
        return self.scope.arith("xori", jumped, self.scope.const(_TRUE, c_types.BOOL))

    # -- statement lists -----------------------------------------------------

    def statements(self, stmts: Sequence[Cursor]) -> None:
        """Emits `stmts`; after one that may jump, the rest runs only if it did not."""
        for position, stmt in enumerate(stmts):
            self.statement(stmt)
            rest = stmts[position + 1 :]
            jumps = analysis.escapes(stmt)
            if rest and jumps:
                running = self.still_running(jumps)
                if running is not None:
                    with self.scope.emitter.region(f"scf.if {self.scope.emitter.use(running)} {{"):
                        self.statements(rest)
                    return

    def statement(self, stmt: Cursor) -> None:
        knob = self.scope.module.annotation_for(stmt)
        if knob is not None:
            self.scope.knobs.knob_statement(stmt, knob)
            return
        ml = self.scope.module.ml_directive_for(stmt)
        if ml is not None:
            self.scope.ml_regions.ml_region(stmt, ml)
            return
        kind = stmt.kind
        if kind in UNSUPPORTED_CONSTRUCTS:
            raise unsupported(stmt, UNSUPPORTED_CONSTRUCTS[kind])
        if kind == CursorKind.COMPOUND_STMT:
            self.statements(children(stmt))
        elif kind == CursorKind.DECL_STMT:
            for decl in children(stmt):
                self.declaration(decl)
        elif kind == CursorKind.RETURN_STMT:
            self.return_statement(stmt)
        elif kind == CursorKind.IF_STMT:
            self.if_statement(stmt)
        elif kind == CursorKind.FOR_STMT:
            self.for_statement(stmt)
        elif kind == CursorKind.WHILE_STMT:
            cond, body = children(stmt)
            self.loop(stmt, cond, body, before=None, increment=None, test_first=True)
        elif kind == CursorKind.DO_STMT:
            body, cond = children(stmt)
            self.loop(stmt, cond, body, before=None, increment=None, test_first=False)
        elif kind == CursorKind.SWITCH_STMT:
            self.switch_statement(stmt)
        elif kind == CursorKind.BREAK_STMT:
            self.jump(stmt, "break")
        elif kind == CursorKind.CONTINUE_STMT:
            self.jump(stmt, "continue")
        elif kind == CursorKind.NULL_STMT:
            pass
        elif kind in (CursorKind.CASE_STMT, CursorKind.DEFAULT_STMT):
            raise unsupported(stmt, "case label outside the top level of a switch body")
        elif kind == CursorKind.GOTO_STMT or kind == CursorKind.LABEL_STMT or kind == CursorKind.INDIRECT_GOTO_STMT:
            raise unsupported(stmt, "goto and labels")
        elif kind == CursorKind.ASM_STMT or kind == CursorKind.MS_ASM_STMT:
            raise unsupported(stmt, "inline assembly")
        elif kind.is_expression() or kind == CursorKind.UNEXPOSED_EXPR:
            self.expressions.discard(stmt)
        else:
            raise unsupported(stmt, f"statement '{kind.name.lower()}'")

    def jump(self, stmt: Cursor, kind: str) -> None:
        target = self.scope.targets[-1] if self.scope.targets else None
        flag = target and (target.break_flag if kind == "break" else target.continue_flag)
        if flag is None:
            raise unsupported(stmt, f"'{kind}' here")
        self.scope.set_flag(flag, _TRUE)

    def return_statement(self, stmt: Cursor) -> None:
        kids = children(stmt)
        if kids and isinstance(self.scope.result_type, Struct):
            structs = self.scope.structs
            structs.copy_into(self.scope.return_slot_struct, kids[0])
        elif kids:
            value = self.expressions.rvalue(kids[0])
            self.scope.store(
                self.scope.convert(value, self.scope.scalar_type(kids[0]), self.scope.result_type),
                Element(self.scope.return_slot, [], self.scope.result_type),
            )
        if self.scope.return_flag is not None:
            self.scope.set_flag(self.scope.return_flag, _TRUE)

    # -- declarations --------------------------------------------------------

    def declaration(self, decl: Cursor) -> None:
        if decl.kind != CursorKind.VAR_DECL:
            if decl.kind == CursorKind.UNION_DECL:
                raise unsupported(decl, "union types")
            if decl.kind in (CursorKind.TYPEDEF_DECL, CursorKind.ENUM_DECL, CursorKind.STRUCT_DECL):
                return
            raise unsupported(decl, f"declaration '{decl.kind.name.lower()}'")
        if decl.storage_class.name in ("STATIC", "EXTERN"):
            self.scope.module.static_local(decl, self.scope.function_name)
            return
        ctype = self.scope.ctype(decl)
        # The last child is the initializer when there is one; an array's size
        # expression is a child too.
        init = [c for c in children(decl) if c.kind != CursorKind.TYPE_REF and not c.kind.is_reference()]
        tokens = [token.spelling for token in decl.get_tokens()]  # none when it starts in a macro
        has_init = not tokens or "=" in tokens or "{" in tokens  # C++: `Point p{1, 2}`
        self.declare_local(decl, ctype, init[-1] if init and has_init else None)

    def declare_local(self, decl: Cursor, ctype: CType, init: Optional[Cursor]) -> None:
        if isinstance(ctype, (Struct, StructArray, StructPointer)) or (
            isinstance(ctype, Reference) and isinstance(ctype.target, Struct)
        ):
            self.scope.structs.declare(decl, ctype, init)
        elif isinstance(ctype, Reference):  # `double &c = a[i];`: a view of that element for its life
            target = None if init is None else self.scope.places.lvalue(init)
            if not isinstance(target, Element):
                raise unsupported(decl, f"reference '{decl.spelling}' not bound to a variable or element")
            slot = self.scope.places.element_slot(target, init)
            self.scope.variables[decl] = ScalarVar(slot, ctype.target, addressable=True)
        elif isinstance(ctype, Scalar):
            var = self.scope.scalar_slot(decl, ctype)
            self.scope.variables[decl] = var
            if init is not None:
                value = self.scope.convert(self.expressions.rvalue(init), self.scope.scalar_type(init), ctype)
                self.scope.store(value, self.scope.scalar_element(var))
        elif isinstance(ctype, Array):
            storage = self.scope.alloca(ctype.mlir)
            self.scope.variables[decl] = ArrayVar(storage, ctype)
            if init is not None:
                self.initialize_array(storage, ctype, init)
        elif isinstance(ctype, Pointer) and not ctype.row_dims:
            if init is None:
                raise unsupported(decl, "pointer variable without an initializer")
            place = self.scope.places.as_pointer_value(self.scope.places.pointer(init), init)
            slot = self.scope.alloca("memref<index>")
            self.scope.emitter.op(
                f"memref.store {self.scope.emitter.use(place.offset)}, {self.scope.emitter.use(slot)}[] : memref<index>"
            )
            self.scope.variables[decl] = PointerVar(place.base, slot, ctype)
        elif isinstance(ctype, Pointer):
            # A pointer to arrays (`double (*B)[N][N] = malloc(sizeof *B)`): one
            # base array for its whole life, indexed like a row-pointer parameter.
            place = None if init is None else self.scope.places.pointer(init)
            if not isinstance(place, ArrayPlace) or place.indices:
                raise unsupported(decl, f"pointer to arrays '{decl.type.spelling}' not initialized by malloc or calloc")
            storage = place.storage
            if storage.type != ctype.mlir:
                e = self.scope.emitter
                storage = e.op(f"memref.cast {e.use(storage)} : {storage.type} to {ctype.mlir}", ctype.mlir)
            self.scope.variables[decl] = ArrayVar(storage, ctype)
        else:
            raise unsupported(decl, f"local variable of type '{decl.type.spelling}'")

    def initialize_array(self, storage: Value, ctype: Array, init: Cursor) -> None:
        """`T a[N][M] = {...}`: listed elements, zeros for the rest."""
        values = {}

        def collect(node: Cursor, prefix: tuple[int, ...]) -> None:
            if node.kind == CursorKind.INIT_LIST_EXPR:
                for i, element in enumerate(children(node)):
                    collect(element, prefix + (i,))
            elif node.kind == CursorKind.STRING_LITERAL:
                text = self.scope.module.string_bytes(node)
                for i, byte in enumerate(text):
                    values[prefix + (i,)] = ("const", byte)
            else:
                values[prefix] = ("expr", node)

        collect(init, ())
        zero = self.scope.const(0, ctype.element)
        for flat in range(_product(ctype.dims)):
            position = _unflatten(flat, ctype.dims)
            entry = values.get(position)
            if entry is None:
                value = zero
            elif entry[0] == "const":
                value = self.scope.const(entry[1], ctype.element)
            else:
                value = self.scope.convert(
                    self.expressions.rvalue(entry[1]), self.scope.scalar_type(entry[1]), ctype.element
                )
            self.scope.store(value, Element(storage, [self.scope.index_const(i) for i in position], ctype.element))

    # -- if / switch -----------------------------------------------------------

    def condition(self, expr: Cursor) -> Value:
        return self.scope.to_bool(self.expressions.rvalue(expr), self.scope.scalar_type(expr))

    def if_statement(self, stmt: Cursor) -> None:
        kids = children(stmt)
        if len(kids) not in (2, 3):
            raise unsupported(stmt, "if statement with a declaration in its condition")
        cond = self.condition(kids[0])
        e = self.scope.emitter
        if len(kids) == 2:
            with e.region(f"scf.if {e.use(cond)} {{"):
                self.statement(kids[1])
            return
        with e.region(f"scf.if {e.use(cond)} {{", footer="} else {"):
            self.statement(kids[1])
        e._depth += 1
        self.statement(kids[2])
        e._depth -= 1
        e.line("}")

    def switch_statement(self, stmt: Cursor) -> None:
        """A switch as guarded blocks: C's fallthrough, `default` anywhere."""
        cond, body = children(stmt)
        value_type = self.scope.scalar_type(cond)
        value = self.expressions.rvalue(cond)
        items: list[tuple[str, object]] = []

        def flatten(node: Cursor) -> None:
            if node.kind == CursorKind.CASE_STMT:
                label, *rest = children(node)
                constant = self.expressions.evaluate_int(label)
                if constant is None:
                    raise unsupported(label, "non-constant case label")
                items.append(("case", constant))
                for sub in rest:
                    flatten(sub)
            elif node.kind == CursorKind.DEFAULT_STMT:
                items.append(("default", None))
                for sub in children(node):
                    flatten(sub)
            else:
                items.append(("stmt", node))

        for node in children(body) if body.kind == CursorKind.COMPOUND_STMT else [body]:
            flatten(node)
        labels = [v for k, v in items if k == "case"]
        any_match = self.scope.const(_FALSE, c_types.BOOL)
        for label in labels:
            any_match = self.scope.arith(
                "ori", any_match, self.scope.compare("==", value, self.scope.const(label, value_type), value_type)
            )
        matched = self.scope.new_flag()
        self.scope.set_flag(matched, _FALSE)
        target = JumpTarget(self.scope.new_flag(), self.scope.targets[-1].continue_flag if self.scope.targets else None)
        self.scope.set_flag(target.break_flag, _FALSE)
        self.scope.targets.append(target)
        e = self.scope.emitter
        for kind, payload in items:
            if kind == "case":
                hit = self.scope.compare("==", value, self.scope.const(payload, value_type), value_type)
                self.scope.store(
                    self.scope.arith("ori", self.scope.read_flag(matched), hit), Element(matched, [], c_types.BOOL)
                )
            elif kind == "default":
                miss = self.scope.arith("xori", any_match, self.scope.const(_TRUE, c_types.BOOL))
                self.scope.store(
                    self.scope.arith("ori", self.scope.read_flag(matched), miss), Element(matched, [], c_types.BOOL)
                )
            else:
                running = self.scope.read_flag(matched)
                jumps = frozenset({"break", "continue", "return"})
                still = self.still_running(jumps)
                if still is not None:
                    running = self.scope.arith("andi", running, still)
                with e.region(f"scf.if {e.use(running)} {{"):
                    self.statement(payload)
        self.scope.targets.pop()

    # -- loops -----------------------------------------------------------------

    def for_statement(self, stmt: Cursor) -> None:
        init, cond, inc, body = self.for_parts(stmt)
        if self.counted_loop(stmt, init, cond, inc, body):
            return
        if init is not None:
            self.statement(init)
        self.loop(stmt, cond, body, before=None, increment=inc, test_first=True)

    def for_parts(self, stmt: Cursor):
        """init, cond, inc and body of a for statement (libclang omits empty parts)."""
        tokens = list(stmt.get_tokens())
        depth, semicolons, close = 0, [], None
        for token in tokens:
            if token.spelling == "(":
                depth += 1
            elif token.spelling == ")":
                depth -= 1
                if depth == 0:
                    close = token.extent.end.offset
                    break
            elif token.spelling == ";" and depth == 1:
                semicolons.append(token.extent.start.offset)
        if len(semicolons) != 2 or close is None:
            raise unsupported(stmt, "for statement")
        parts = {"init": None, "cond": None, "inc": None, "body": None}
        for child in children(stmt):
            start = child.extent.start.offset
            if start < semicolons[0]:
                parts["init"] = child
            elif start < semicolons[1]:
                parts["cond"] = child
            elif start < close:
                parts["inc"] = child
            else:
                parts["body"] = child
        return parts["init"], parts["cond"], parts["inc"], parts["body"]

    def counted_loop(self, stmt, init, cond, inc, body) -> bool:
        """Emits `for (T i = a; i < b; i += c)` as scf.for when it is one."""
        if init is None or cond is None or inc is None or body is None:
            return False
        if init.kind != CursorKind.DECL_STMT or len(children(init)) != 1:
            return False
        var = children(init)[0]
        ctype = c_types.convert(var.type, location_of(var))
        var_init = [c for c in children(var) if not c.kind.is_reference()]
        if not isinstance(ctype, Scalar) or ctype.is_float or ctype.is_bool or len(var_init) != 1:
            return False
        if analysis.escapes(body) & {"break", "return"}:
            return False
        assigned = analysis.assigned_variables(body, binary_kind, unary_kind)
        if var in assigned:
            return False
        # The condition: i < bound or i <= bound, bound invariant in the body.
        cond = strip(cond)
        if cond.kind != CursorKind.BINARY_OPERATOR or binary_kind(cond) not in (LT, LE):
            return False
        lhs, bound = children(cond)
        if not analysis.names_variable(lhs, var):
            return False

        def variant(node: Cursor) -> bool:
            referenced = analysis.referenced_variable(node)
            return referenced is not None and (referenced in assigned or referenced == var)

        if analysis.has_calls(bound) or any(
            node.kind in (CursorKind.ARRAY_SUBSCRIPT_EXPR, CursorKind.UNARY_OPERATOR) or variant(node)
            for node in analysis.walk(bound)
        ):
            return False
        step = self.counted_step(inc, var)
        if step is None:
            return False
        lower = self.scope.to_index(
            self.scope.convert(self.expressions.rvalue(var_init[0]), self.scope.scalar_type(var_init[0]), ctype), ctype
        )
        bound_type = self.scope.scalar_type(bound)
        upper = self.scope.to_index(self.expressions.rvalue(bound), bound_type)
        if binary_kind(cond) == LE:
            upper = self.scope.arith("addi", upper, self.scope.index_const(1))
        e = self.scope.emitter
        step_value = self.scope.index_const(step)
        iv = Value(e.fresh("i"), "index", e.scope)
        target = JumpTarget(None, self.scope.new_flag() if "continue" in analysis.escapes(body) else None)
        with e.region(f"scf.for {iv.name} = {e.use(lower)} to {e.use(upper)} step {e.use(step_value)} {{"):
            self.scope.variables[var] = InductionVar(iv, ctype)
            if target.continue_flag is not None:
                self.scope.set_flag(target.continue_flag, _FALSE)
            self.scope.targets.append(target)
            self.statement(body)
            self.scope.targets.pop()
        return True

    def counted_step(self, inc: Cursor, var: Cursor) -> Optional[int]:
        inc = strip(inc)
        if inc.kind == CursorKind.UNARY_OPERATOR and unary_kind(inc) in (POST_INC, PRE_INC):
            return 1 if analysis.names_variable(children(inc)[0], var) else None
        if inc.kind == CursorKind.COMPOUND_ASSIGNMENT_OPERATOR and binary_kind(inc) == 26:
            target, amount = children(inc)
            if not analysis.names_variable(target, var):
                return None
            value = self.expressions.evaluate_int(amount)
            return value if value is not None and value > 0 else None
        return None

    def loop(self, stmt, cond, body, before, increment, test_first: bool) -> None:
        """while / do-while / general for as scf.while, with jump flags as needed."""
        jumps = analysis.escapes(body) if body is not None else frozenset()
        target = JumpTarget(
            self.scope.new_flag() if "break" in jumps else None,
            self.scope.new_flag() if "continue" in jumps else None,
        )
        if target.break_flag is not None:
            self.scope.set_flag(target.break_flag, _FALSE)
        watch = frozenset(j for j in ("break", "return") if j in jumps)
        e = self.scope.emitter

        def test() -> Value:
            """The loop condition, evaluated only while no jump happened."""
            self.scope.targets.append(target)
            running = self.still_running(watch)
            self.scope.targets.pop()
            if cond is None:
                return running if running is not None else self.scope.const(_TRUE, c_types.BOOL)
            if running is None:
                return self.condition(cond)
            result = Value(e.fresh(), "i1", e.scope)
            e.line(f"{result.name} = scf.if {e.use(running)} -> (i1) {{")
            e._depth += 1
            e.line(f"scf.yield {e.use(self.condition(cond))} : i1")
            e._depth -= 1
            e.line("} else {")
            e._depth += 1
            e.line(f"scf.yield {e.use(self.scope.const(_FALSE, c_types.BOOL))} : i1")
            e._depth -= 1
            e.line("}")
            return result

        def run_body() -> None:
            if target.continue_flag is not None:
                self.scope.set_flag(target.continue_flag, _FALSE)
            self.scope.targets.append(target)
            if body is not None:
                self.statement(body)
            if increment is not None:
                running = self.still_running(watch)
                if running is None:
                    self.expressions.discard(increment)
                else:
                    with e.region(f"scf.if {e.use(running)} {{"):
                        self.expressions.discard(increment)
            self.scope.targets.pop()

        e.line("scf.while : () -> () {")
        e._depth += 1
        if not test_first:
            run_body()
        go = test()
        e.line(f"scf.condition({e.use(go)})")
        e._depth -= 1
        e.line("} do {")
        e._depth += 1
        if test_first:
            run_body()
        e.line("scf.yield")
        e._depth -= 1
        e.line("}")


def _product(dims: Sequence[int]) -> int:
    total = 1
    for d in dims:
        total *= d
    return total


def _unflatten(flat: int, dims: Sequence[int]) -> tuple[int, ...]:
    position = []
    for d in reversed(dims):
        position.append(flat % d)
        flat //= d
    return tuple(reversed(position))
