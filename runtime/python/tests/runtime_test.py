"""Tests of approxmlir.runtime: calling native code through MLIR's C interface,
and the approx-runtime C API.

The native fixtures are C files defining `_mlir_ciface_*` functions exactly as
`llvm.emit_c_interface` exports them (memrefs as descriptor pointers, scalars
by value), compiled at test time with clang-22. libapprox_runtime.so comes
from the package (Bazel, wheel) or $APPROXMLIR_RUNTIME_LIB.
"""

import ctypes
import json
import pathlib
import shutil
import subprocess
import threading
import time

import numpy as np
import pytest

from approxmlir import runtime
from approxmlir.runtime import ArgumentError, NativeLibrary, SignatureError

KERNELS_C = r"""
#include <stdbool.h>
#include <stdint.h>

#define MEMREF(name, T, N) \
  typedef struct { T *allocated; T *aligned; int64_t offset; \
                   int64_t sizes[N]; int64_t strides[N]; } name
MEMREF(memref_1d_f64, double, 1);
MEMREF(memref_1d_i64, int64_t, 1);
MEMREF(memref_1d_i8, int8_t, 1);
MEMREF(memref_2d_f64, double, 2);
MEMREF(memref_2d_f32, float, 2);
MEMREF(memref_2d_i32, int32_t, 2);
typedef struct { double *allocated; double *aligned; int64_t offset; } memref_0d_f64;

/* memref<?xf64>, index -> f64: identity layout, so strides are ignored. */
double _mlir_ciface_sum(memref_1d_f64 *a, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i) s += a->aligned[a->offset + i];
  return s;
}

/* memref<?xf64, strided<[?], offset: ?>> -> f64 */
double _mlir_ciface_sum_strided(memref_1d_f64 *a) {
  double s = 0.0;
  for (int64_t i = 0; i < a->sizes[0]; ++i)
    s += a->aligned[a->offset + i * a->strides[0]];
  return s;
}

/* memref<?x?xf64, strided<[?, ?], offset: ?>> -> f64: sum of i * x[i, j] */
double _mlir_ciface_weighted_sum2d(memref_2d_f64 *m) {
  double s = 0.0;
  for (int64_t i = 0; i < m->sizes[0]; ++i)
    for (int64_t j = 0; j < m->sizes[1]; ++j)
      s += (double)i * m->aligned[m->offset + i * m->strides[0] + j * m->strides[1]];
  return s;
}

/* memref<?x?xf32>, f32 -> (): in place, row-major from the sizes. */
void _mlir_ciface_scale2d(memref_2d_f32 *m, float factor) {
  for (int64_t i = 0; i < m->sizes[0] * m->sizes[1]; ++i)
    m->aligned[m->offset + i] *= factor;
}

/* memref<3x4xi32> -> (): x[i, j] = 10 * i + j */
void _mlir_ciface_fill_3x4(memref_2d_i32 *m) {
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      m->aligned[m->offset + i * 4 + j] = (int32_t)(10 * i + j);
}

/* memref<?x?xf64, strided<[?, ?], offset: ?>>, memref<7xi64> -> ():
   reports the descriptor it received. */
void _mlir_ciface_inspect(memref_2d_f64 *m, memref_1d_i64 *out) {
  int64_t *o = out->aligned + out->offset;
  o[0] = m->offset;
  o[1] = m->sizes[0];
  o[2] = m->sizes[1];
  o[3] = m->strides[0];
  o[4] = m->strides[1];
  o[5] = m->allocated == m->aligned;
  o[6] = (int64_t)out->strides[0];
}

/* memref<f64> -> f64: rank 0, increments in place, returns the old value. */
double _mlir_ciface_bump(memref_0d_f64 *x) {
  double old = x->aligned[x->offset];
  x->aligned[x->offset] = old + 1.0;
  return old;
}

/* memref<?xi1> -> index */
int64_t _mlir_ciface_count_true(memref_1d_i8 *m) {
  int64_t n = 0;
  for (int64_t i = 0; i < m->sizes[0]; ++i) n += m->aligned[m->offset + i] != 0;
  return n;
}

/* memref<?xf64, strided<[1], offset: 3>> -> f64: uses the static layout, as
   compiled code does after expand-strided-metadata. */
double _mlir_ciface_first_at_offset3(memref_1d_f64 *a) { return a->aligned[3]; }

int64_t _mlir_ciface_muladd_i64(int64_t a, int64_t b, int64_t c) { return a * b + c; }
int32_t _mlir_ciface_select_i32(bool c, int32_t a, int32_t b) { return c ? a : b; }
bool _mlir_ciface_is_positive(double x) { return x > 0.0; }
int8_t _mlir_ciface_neg_i8(int8_t x) { return (int8_t)-x; }
int16_t _mlir_ciface_neg_i16(int16_t x) { return (int16_t)-x; }
float _mlir_ciface_half_f32(float x) { return x * 0.5f; }
int64_t _mlir_ciface_index_add(int64_t a, int64_t b) { return a + b; }
void _mlir_ciface_noop(void) {}
"""


def _memref(elem, shape, strided=False):
    return {"kind": "memref", "element_type": elem, "shape": shape, "strided": strided}


def _scalar(t):
    return {"kind": "scalar", "type": t}


def _fn(name, arguments, results=()):
    return {"name": name, "arguments": list(arguments), "results": list(results)}


KERNEL_SIGNATURES = {
    "functions": [
        _fn("sum", [_memref("f64", [-1]), _scalar("index")], [_scalar("f64")]),
        _fn("sum_strided", [_memref("f64", [-1], strided=True)], [_scalar("f64")]),
        _fn("weighted_sum2d", [_memref("f64", [-1, -1], strided=True)], [_scalar("f64")]),
        _fn("scale2d", [_memref("f32", [-1, -1]), _scalar("f32")]),
        _fn("fill_3x4", [_memref("i32", [3, 4])]),
        _fn("inspect", [_memref("f64", [-1, -1], strided=True), _memref("i64", [7])]),
        _fn("bump", [_memref("f64", [])], [_scalar("f64")]),
        _fn("count_true", [_memref("i1", [-1])], [_scalar("index")]),
        _fn("muladd_i64", [_scalar("i64")] * 3, [_scalar("i64")]),
        _fn("select_i32", [_scalar("i1"), _scalar("i32"), _scalar("i32")], [_scalar("i32")]),
        _fn("is_positive", [_scalar("f64")], [_scalar("i1")]),
        _fn("neg_i8", [_scalar("i8")], [_scalar("i8")]),
        _fn("neg_i16", [_scalar("i16")], [_scalar("i16")]),
        _fn("half_f32", [_scalar("f32")], [_scalar("f32")]),
        _fn("index_add", [_scalar("index"), _scalar("index")], [_scalar("index")]),
        _fn("noop", []),
    ]
}

# State functions as a user writes them, plus compiled code that calls them.
STATE_C = r"""
#include "approx/runtime.h"

APPROX_RT_CALL_COUNTER(knob_calls);

/* What a decision tree does: call its state function. */
int64_t _mlir_ciface_knob_state(void) { return knob_calls(); }
int64_t _mlir_ciface_random_knob_state(void) { return approx_rt_random_state(); }
int64_t _mlir_ciface_iteration_state(void) { return approx_rt_iteration(); }
"""

STATE_SIGNATURES = {
    "functions": [
        _fn("knob_state", [], [_scalar("i64")]),
        _fn("random_knob_state", [], [_scalar("i64")]),
        _fn("iteration_state", [], [_scalar("i64")]),
    ]
}


def _compile(tmp: pathlib.Path, name: str, source: str, signatures: dict, *flags: str) -> tuple:
    clang = shutil.which("clang-22")
    assert clang, "clang-22 is needed to compile the test fixtures"
    src = tmp / f"{name}.c"
    src.write_text(source)
    so = tmp / f"lib{name}.so"
    subprocess.run([clang, "-std=c11", "-O2", "-shared", "-fPIC", *flags, str(src), "-o", str(so)], check=True)
    sig = tmp / f"{name}.signatures.json"
    sig.write_text(json.dumps(signatures))
    return so, sig


@pytest.fixture(scope="module")
def kernels(tmp_path_factory) -> NativeLibrary:
    tmp = tmp_path_factory.mktemp("kernels")
    return runtime.load_library(*_compile(tmp, "kernels", KERNELS_C, KERNEL_SIGNATURES))


@pytest.fixture(scope="module")
def rt() -> runtime.Runtime:
    return runtime.get_runtime()


@pytest.fixture(scope="module")
def states(tmp_path_factory, rt) -> NativeLibrary:
    tmp = tmp_path_factory.mktemp("states")
    # Not linked against the runtime: approx_rt_* resolve against the
    # preloaded libapprox_runtime.so (RTLD_GLOBAL).
    so, sig = _compile(tmp, "states", STATE_C, STATE_SIGNATURES, f"-I{runtime.include_dir()}")
    return runtime.load_library(so, sig)


# ---- Native calls -----------------------------------------------------------


def test_functions_are_listed_in_json_order(kernels):
    assert kernels.functions == tuple(f["name"] for f in KERNEL_SIGNATURES["functions"])
    assert "sum" in kernels and "nope" not in kernels
    assert kernels.function("sum") is kernels["sum"]
    assert str(kernels["sum"].signature) == "sum(memref<?xf64>, index) -> f64"
    with pytest.raises(KeyError, match="no function 'nope'"):
        kernels["nope"]


def test_contiguous_1d(kernels):
    a = np.arange(10, dtype=np.float64) * 0.5
    result = kernels["sum"](a, 10)
    assert isinstance(result, float)
    assert result == pytest.approx(22.5)
    assert kernels["sum"](a, 4) == pytest.approx(3.0)


def test_contiguous_2d_in_place_output_is_visible(kernels):
    m = np.arange(12, dtype=np.float32).reshape(3, 4)
    expected = m * 2.5
    assert kernels["scale2d"](m, 2.5) is None
    np.testing.assert_array_equal(m, expected)


def test_static_shape_output(kernels):
    out = np.zeros((3, 4), dtype=np.int32)
    kernels["fill_3x4"](out)
    np.testing.assert_array_equal(out, [[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]])


def test_strided_1d_view_matches_numpy(kernels):
    base = np.arange(20, dtype=np.float64) ** 2
    for view in (base[::3], base[1::2], base[::-1], base[15:2:-4], base[:0]):
        assert kernels["sum_strided"](view) == pytest.approx(view.sum())


def test_strided_2d_views_match_numpy(kernels):
    base = np.arange(48, dtype=np.float64).reshape(6, 8)
    for view in (base, base.T, base[1::2, ::3], base[::-1, 2:5], np.asfortranarray(base)):
        expected = (np.arange(view.shape[0])[:, None] * view).sum()
        assert kernels["weighted_sum2d"](view) == pytest.approx(expected)


def test_descriptor_fields(kernels):
    out = np.full(7, -99, dtype=np.int64)
    base = np.zeros((6, 8))
    kernels["inspect"](base, out)
    # offset, sizes, strides (in elements), allocated == aligned, out's stride.
    np.testing.assert_array_equal(out, [0, 6, 8, 8, 1, 1, 1])
    kernels["inspect"](base[1::2, ::-3], out)
    np.testing.assert_array_equal(out, [0, 3, 3, 16, -3, 1, 1])


def test_non_contiguous_array_for_identity_layout_raises(kernels):
    m = np.zeros((4, 6), dtype=np.float32)
    with pytest.raises(ArgumentError, match=r"scale2d: argument 0: .*C-contiguous") as error:
        kernels["scale2d"](m[:, ::2], 2.0)
    assert (error.value.function, error.value.index) == ("scale2d", 0)
    with pytest.raises(ArgumentError, match="C-contiguous"):
        kernels["scale2d"](np.asfortranarray(m), 2.0)
    with pytest.raises(ArgumentError, match="sum: argument 0: .*C-contiguous"):
        kernels["sum"](np.arange(10.0)[::2], 5)
    assert not m.any()  # nothing was written


def test_wrong_dtype_rank_shape_raise_naming_the_argument(kernels):
    with pytest.raises(ArgumentError, match=r"sum: argument 0: expected memref<\?xf64>.*got dtype <f4"):
        kernels["sum"](np.zeros(3, dtype=np.float32), 3)
    with pytest.raises(ArgumentError, match="sum: argument 0: .*got an array of rank 2"):
        kernels["sum"](np.zeros((3, 1)), 3)
    with pytest.raises(ArgumentError, match=r"fill_3x4: argument 0: .*shape \(4, 3\) \(dimension 0 must be 3\)"):
        kernels["fill_3x4"](np.zeros((4, 3), dtype=np.int32))
    with pytest.raises(ArgumentError, match="sum: argument 0: expected a numpy.ndarray"):
        kernels["sum"]([1.0, 2.0], 2)
    with pytest.raises(ArgumentError, match=r"sum: argument 1: expected index \(an int\), got float"):
        kernels["sum"](np.zeros(3), 3.0)
    with pytest.raises(ArgumentError, match=r"sum: expected 2 argument\(s\)"):
        kernels["sum"](np.zeros(3))
    with pytest.raises(ArgumentError, match=r"inspect: argument 1: .*shape \(6,\)"):
        kernels["inspect"](np.zeros((2, 2)), np.zeros(6, dtype=np.int64))
    # Byte-swapped data is not the native element type.
    with pytest.raises(ArgumentError, match="got dtype >f8"):
        kernels["sum"](np.zeros(3, dtype=">f8"), 3)


def test_stride_not_a_multiple_of_itemsize_raises(kernels):
    raw = np.zeros(8 * 10 + 4, dtype=np.uint8)
    packed = raw[:84].view(np.dtype([("x", np.float64), ("pad", np.int32)]))["x"]  # stride 12 bytes
    assert packed.strides == (12,)
    message = r"sum_strided: argument 0: strides \(12,\) .* not multiples of the itemsize 8"
    with pytest.raises(ArgumentError, match=message):
        kernels["sum_strided"](packed)
    # Contiguous but misaligned data is refused too.
    misaligned = raw[1:81].view(np.float64)
    assert misaligned.flags.c_contiguous and not misaligned.flags.aligned
    with pytest.raises(ArgumentError, match="sum: argument 0: the array's data is not aligned for float64"):
        kernels["sum"](misaligned, 10)


def test_rank0_memref_in_place(kernels):
    x = np.array(41.5)
    assert kernels["bump"](x) == 41.5
    assert x[()] == 42.5
    with pytest.raises(ArgumentError, match="bump: argument 0: expected a numpy.ndarray"):
        kernels["bump"](np.float64(1.0))


def test_i1_memref_and_index_result(kernels):
    mask = np.array([True, False, True, True, False])
    n = kernels["count_true"](mask)
    assert n == 3 and isinstance(n, int)


def test_scalar_types(kernels):
    assert kernels["muladd_i64"](3_000_000_000, 3, -7) == 8_999_999_993
    assert kernels["muladd_i64"](np.int64(-4), 5, np.int32(1)) == -19
    assert kernels["select_i32"](True, 7, -8) == 7
    assert kernels["select_i32"](False, 7, -8) == -8
    assert kernels["select_i32"](np.bool_(True), 1, 2) == 1
    assert kernels["select_i32"](0, 1, 2) == 2
    assert kernels["is_positive"](2.5) is True
    assert kernels["is_positive"](-1) is False
    assert kernels["neg_i8"](-127) == 127
    assert kernels["neg_i8"](5) == -5
    assert kernels["neg_i16"](-300) == 300
    assert kernels["half_f32"](3) == 1.5
    assert kernels["half_f32"](np.float32(0.1)) == pytest.approx(0.05, rel=1e-6)
    assert kernels["index_add"](2**40, -1) == 2**40 - 1
    assert kernels["noop"]() is None


def test_scalar_values_out_of_range_or_wrong_kind_raise(kernels):
    with pytest.raises(ArgumentError, match=r"neg_i8: argument 0: 128 is out of range for i8 \[-128, 127\]"):
        kernels["neg_i8"](128)
    with pytest.raises(ArgumentError, match="select_i32: argument 0: expected i1"):
        kernels["select_i32"](2, 1, 1)
    with pytest.raises(ArgumentError, match="select_i32: argument 1: .*got bool"):
        kernels["select_i32"](True, True, 1)
    with pytest.raises(ArgumentError, match="half_f32: argument 0: expected f32"):
        kernels["half_f32"]("1.0")


def test_timed_returns_result_and_positive_seconds(kernels):
    a = np.ones(100_000)
    result, seconds = kernels["sum"].timed(a, a.size, repeat=3)
    assert result == 100_000.0
    assert 0.0 < seconds < 10.0
    assert kernels["noop"].timed()[0] is None
    with pytest.raises(ValueError, match="repeat"):
        kernels["sum"].timed(a, a.size, repeat=0)


# ---- Signatures and loading ---------------------------------------------------


def _load(tmp_path, signatures):
    so, sig = _compile(tmp_path, "kernels", KERNELS_C, KERNEL_SIGNATURES)
    sig.write_text(json.dumps(signatures))
    return runtime.load_library(so, sig)


def test_more_than_one_result_is_rejected_at_load(tmp_path):
    bad = {"functions": [_fn("sum", [_memref("f64", [-1]), _scalar("index")], [_scalar("f64")] * 2)]}
    with pytest.raises(SignatureError, match="function 'sum' has 2 results"):
        _load(tmp_path, bad)


def test_memref_result_is_rejected_at_load(tmp_path):
    bad = {"functions": [_fn("noop", [], [_memref("f64", [-1])])]}
    with pytest.raises(SignatureError, match=r"function 'noop' returns memref<\?xf64>"):
        _load(tmp_path, bad)


def test_missing_symbol_and_bad_types_are_rejected_at_load(tmp_path):
    with pytest.raises(SignatureError, match="_mlir_ciface_absent is not exported"):
        _load(tmp_path, {"functions": [_fn("absent", [])]})
    with pytest.raises(SignatureError, match=r"function 'noop', argument 0: unknown type 'f16'"):
        _load(tmp_path, {"functions": [_fn("noop", [_scalar("f16")])]})
    with pytest.raises(SignatureError, match='"functions" list'):
        _load(tmp_path, {"funcs": []})


def test_unsupported_type_is_rejected_at_load(tmp_path):
    bad = {"functions": [_fn("noop", [{"kind": "unsupported", "type": "tensor<?xf32>"}])]}
    with pytest.raises(SignatureError, match=r"function 'noop', argument 0: type tensor<\?xf32> is not supported"):
        _load(tmp_path, bad)


def test_static_offset_in_signature_is_honoured(tmp_path):
    spec = {**_memref("f64", [-1], strided=True), "strides": [1], "offset": 3}
    lib = _load(tmp_path, {"functions": [_fn("first_at_offset3", [spec], [_scalar("f64")])]})
    assert str(lib["first_at_offset3"].signature.arguments[0]) == "memref<?xf64, strided<[1], offset: 3>>"
    base = np.arange(10.0) + 100.0
    assert lib["first_at_offset3"](base[4:]) == 104.0


def test_static_strides_in_signature_are_checked(tmp_path):
    spec = {**_memref("f64", [-1], strided=True), "strides": [1]}
    lib = _load(tmp_path, {"functions": [_fn("sum_strided", [spec], [_scalar("f64")])]})
    assert lib["sum_strided"](np.arange(4.0)) == 6.0
    with pytest.raises(ArgumentError, match="dimension 0 must have stride 1"):
        lib["sum_strided"](np.arange(8.0)[::2])


# ---- The runtime C API ----------------------------------------------------------


def test_runtime_library_is_found(rt):
    assert runtime.runtime_library_path().name == "libapprox_runtime.so"
    assert (runtime.include_dir() / "approx" / "runtime.h").is_file()
    assert rt is runtime.get_runtime()


def test_missing_runtime_raises_a_clear_error(monkeypatch, tmp_path):
    from approxmlir.runtime import paths

    monkeypatch.setattr(paths, "_PACKAGE_DIR", tmp_path / "pkg")
    monkeypatch.setattr(paths, "_SOURCE_RUNTIME_DIR", tmp_path / "src")
    monkeypatch.setenv(paths.LIB_ENV_VAR, str(tmp_path / "nowhere.so"))
    with pytest.raises(runtime.RuntimeNotFoundError, match="APPROXMLIR_RUNTIME_LIB points to .*nowhere.so"):
        runtime.runtime_library_path()
    monkeypatch.delenv(paths.LIB_ENV_VAR)
    message = "libapprox_runtime.so not found .*set APPROXMLIR_RUNTIME_LIB"
    with pytest.raises(runtime.RuntimeNotFoundError, match=message):
        runtime.runtime_library_path()
    monkeypatch.delenv(paths.INCLUDE_ENV_VAR, raising=False)
    with pytest.raises(runtime.RuntimeNotFoundError, match="approx/runtime.h not found"):
        runtime.include_dir()


def test_same_seed_same_sequence(rt):
    def draws():
        bits = [rt.next_u64() for _ in range(5)]
        return bits, [rt.uniform() for _ in range(5)], [rt.random_state() for _ in range(5)]

    rt.seed(1234)
    first = draws()
    rt.seed(1234)
    assert draws() == first
    rt.seed(1235)
    assert draws()[0] != first[0]
    assert all(0.0 <= u < 1.0 for u in first[1])


def test_bernoulli_frequency(rt):
    rt.seed(7)
    n = 20_000
    hits = sum(rt.bernoulli(0.3) for _ in range(n))
    # sd = sqrt(0.3 * 0.7 / n) ~ 0.0032; allow 5 sd.
    assert abs(hits / n - 0.3) < 0.016
    assert not any(rt.bernoulli(0.0) for _ in range(100))
    assert all(rt.bernoulli(1.0) for _ in range(100))


def test_random_state_range_and_coverage(rt):
    rt.seed(3)
    values = [rt.random_state() for _ in range(20_000)]
    assert min(values) == 0 and max(values) == 99
    assert abs(np.mean(values) - 49.5) < 1.0


def test_iteration_set_get(rt, states):
    rt.set_iteration(12)
    assert rt.iteration() == 12
    assert states["iteration_state"]() == 12
    rt.set_iteration(-1)
    assert states["iteration_state"]() == -1
    rt.set_iteration(0)


def test_compiled_code_shares_the_thread_stream(rt, states):
    rt.seed(99)
    from_native = [states["random_knob_state"]() for _ in range(10)]
    rt.seed(99)
    assert [rt.random_state() for _ in range(10)] == from_native
    assert all(0 <= v < 100 for v in from_native)


def test_threads_draw_from_distinct_streams(rt):
    rt.seed(5)
    main = [rt.next_u64() for _ in range(4)]
    seen = []
    thread = threading.Thread(target=lambda: seen.append([rt.next_u64() for _ in range(4)]))
    thread.start()
    thread.join()
    assert len(seen) == 1 and seen[0] != main


def test_call_counter_macro_counts(states):
    assert [states["knob_state"]() for _ in range(3)] == [0, 1, 2]
    # The counter is a plain exported state function, reachable through the handle.
    counter = states.handle.knob_calls
    counter.restype = ctypes.c_int64
    assert counter() == 3
    states.handle.knob_calls_reset()
    assert states["knob_state"]() == 0


def test_now_ns_is_monotonic(rt):
    readings = [rt.now_ns() for _ in range(1000)]
    assert all(b >= a for a, b in zip(readings, readings[1:]))
    before = rt.now_ns()
    time.sleep(0.002)
    assert rt.now_ns() - before >= 2_000_000


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
