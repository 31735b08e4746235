"""The C++ kernel subset: what a translation unit holds, and symbol names.

C++ files (by suffix: .cpp, .cc, .cxx) are parsed as C++17 and translated by
the same parts as C. This module walks the declarations C++ adds around
functions (namespaces, `extern "C"` blocks, classes with member functions)
and rejects, at their line, what the subset leaves out: virtual functions,
constructors and destructors, operator overloading, class templates,
inheritance, exceptions and RTTI. Function templates are translated per
instantiation (templates.py).

Symbols: a function or global with C linkage keeps its name (`extern "C"`
entry points are what the runtime and the Python binding call); anything
else is named by its Itanium mangled name, so that overloads, namespaces
and member functions do not collide.
"""

from __future__ import annotations

from typing import Iterator, Optional

from clang.cindex import Cursor, CursorKind

from approxmlir.frontends.c.errors import unsupported

# Declarations whose children are more declarations of the file.
_CONTAINERS = (CursorKind.NAMESPACE, CursorKind.LINKAGE_SPEC, CursorKind.UNEXPOSED_DECL)
_CLASSES = (CursorKind.STRUCT_DECL, CursorKind.CLASS_DECL)
_REJECTED = {
    CursorKind.CLASS_TEMPLATE: "class templates",
    CursorKind.CLASS_TEMPLATE_PARTIAL_SPECIALIZATION: "class templates",
    CursorKind.CONSTRUCTOR: "constructors (use aggregate initialization)",
    CursorKind.DESTRUCTOR: "destructors",
    CursorKind.CONVERSION_FUNCTION: "conversion operators",
    CursorKind.UNION_DECL: "union types",
    CursorKind.CXX_BASE_SPECIFIER: "inheritance",
}


# C++ expressions and statements outside the subset, and why.
UNSUPPORTED_CONSTRUCTS = {
    CursorKind.CXX_TRY_STMT: "exceptions (try/catch)",
    CursorKind.CXX_CATCH_STMT: "exceptions (try/catch)",
    CursorKind.CXX_THROW_EXPR: "exceptions (throw)",
    CursorKind.CXX_TYPEID_EXPR: "RTTI (typeid)",
    CursorKind.CXX_DYNAMIC_CAST_EXPR: "RTTI (dynamic_cast)",
    CursorKind.CXX_REINTERPRET_CAST_EXPR: "reinterpret_cast",
    CursorKind.CXX_NEW_EXPR: "new (use arrays, or malloc and free)",
    CursorKind.CXX_DELETE_EXPR: "delete (use arrays, or malloc and free)",
    CursorKind.LAMBDA_EXPR: "lambdas",
    CursorKind.CXX_FOR_RANGE_STMT: "range-based for",
    CursorKind.CXX_NULL_PTR_LITERAL_EXPR: "nullptr",
}


def declarations(cursor: Cursor, main_file: str) -> Iterator[Cursor]:
    """The function definitions, member function definitions, variables and
    function templates of the main file, through namespaces, linkage blocks
    and class bodies."""
    for child in cursor.get_children():
        if child.location.file is None or child.location.file.name != main_file:
            continue
        kind = child.kind
        if kind in _CONTAINERS:
            yield from declarations(child, main_file)
        elif kind in _CLASSES and child.is_definition():
            check_class(child)
            yield from declarations(child, main_file)
        elif kind in _REJECTED and (kind != CursorKind.UNION_DECL or child.is_definition()):
            if kind in (CursorKind.CONSTRUCTOR, CursorKind.DESTRUCTOR) and child.is_default_method():
                continue
            raise unsupported(child, _REJECTED[kind])
        elif kind in (CursorKind.FUNCTION_DECL, CursorKind.CXX_METHOD, CursorKind.FUNCTION_TEMPLATE):
            check_function(child)
            yield child
        elif kind == CursorKind.VAR_DECL:
            yield child


def find_function(cursor: Cursor, name: str) -> Optional[Cursor]:
    """The first function named `name` declared in any file of the unit."""
    for child in cursor.get_children():
        if child.kind == CursorKind.FUNCTION_DECL and child.spelling == name:
            return child
        if child.kind in _CONTAINERS:
            found = find_function(child, name)
            if found is not None:
                return found
    return None


def check_class(cursor: Cursor) -> None:
    for child in cursor.get_children():
        if child.kind == CursorKind.CXX_METHOD and child.is_virtual_method():
            raise unsupported(child, f"virtual functions ('{child.spelling}' in '{cursor.spelling}')")
        if child.kind == CursorKind.CXX_BASE_SPECIFIER:
            raise unsupported(child, f"inheritance ('{cursor.spelling}' has a base class)")


def check_function(cursor: Cursor) -> None:
    if cursor.spelling.startswith("operator") and not cursor.spelling[len("operator") :][:1].isalnum():
        raise unsupported(cursor, f"operator overloading ('{cursor.spelling}')")
    if cursor.kind == CursorKind.CXX_METHOD and cursor.is_virtual_method():
        raise unsupported(cursor, f"virtual functions ('{cursor.spelling}')")


def is_method(function: Cursor) -> bool:
    """A non-static member function (it takes `this`)."""
    return function.kind == CursorKind.CXX_METHOD and not function.is_static_method()


def symbol(cursor: Cursor, cxx: bool) -> str:
    """The MLIR symbol of a function or global variable."""
    if not cxx or has_c_linkage(cursor):
        return cursor.spelling
    mangled = cursor.mangled_name
    return mangled or cursor.spelling


def has_c_linkage(cursor: Cursor) -> bool:
    """Declared in an `extern "C"` block or with `extern "C"` (a `static`
    function there keeps its C name too, as knobs find substitutes by name)."""
    if cursor.mangled_name == cursor.spelling:
        return True
    parent = cursor.lexical_parent
    while parent is not None and parent.kind not in (CursorKind.TRANSLATION_UNIT, CursorKind.NAMESPACE):
        if parent.kind in (CursorKind.LINKAGE_SPEC, CursorKind.UNEXPOSED_DECL):
            tokens = [t.spelling for t in parent.get_tokens()][:2]
            return tokens == ["extern", '"C"']
        parent = parent.lexical_parent
    return False


def in_namespace_std(cursor: Cursor) -> bool:
    parent = cursor.semantic_parent
    while parent is not None and parent.kind != CursorKind.TRANSLATION_UNIT:
        if parent.kind == CursorKind.NAMESPACE and parent.spelling in ("std", "__gnu_cxx"):
            return True
        parent = parent.semantic_parent
    return False
