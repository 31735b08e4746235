"""The IREE module cache (approxmlir.compiler.iree) as the JAX frontend uses it: keys, hits, atomic writes, repair."""

import threading

import jax.numpy as jnp
import numpy as np
import pytest

from approxmlir.compiler import iree as iree_cache
from approxmlir.frontends.jax import IreeCompileError, IreeOptions, Knob, compile_vmfb, iree_backend
from approxmlir.frontends.jax.stablehlo import export_function, shape_dtype_structs

X = np.arange(8, dtype=np.float32)


def exact(x):
    return jnp.exp(x) + 1.0


def cheap(x):
    return 1.0 + (1.0 + x + 0.5 * x * x)


def make_knob(cache_dir, native_cache_dir):
    return Knob(
        "expo",
        kernel=exact,
        decision_values=[0, 1],
        variants={1: cheap},
        example_args=(X,),
        cache_dir=cache_dir,
        native_cache_dir=native_cache_dir,
    )


def stablehlo_of(fn):
    return export_function(fn, shape_dtype_structs((X,))).stablehlo


def test_a_second_build_reuses_the_artifacts(tmp_path):
    cache = tmp_path / "iree"
    compiles = iree_cache.STATS.compiles
    first = make_knob(cache, tmp_path / "native").compile()
    assert iree_cache.STATS.compiles == compiles + 2
    artifacts = {v: f.artifact for v, f in first.variants.items()}
    assert not any(a.from_cache for a in artifacts.values())
    mtimes = {v: a.path.stat().st_mtime_ns for v, a in artifacts.items()}

    # A new knob object (as in a new process): same text, flags, version -> same keys.
    hits = iree_cache.STATS.hits
    second = make_knob(cache, tmp_path / "native").compile({"expo": {"decisions": [1]}})
    assert iree_cache.STATS.compiles == compiles + 2  # nothing recompiled
    assert iree_cache.STATS.hits == hits + 2
    for value, function in second.variants.items():
        assert function.artifact.from_cache
        assert function.artifact.path == artifacts[value].path
        assert function.artifact.path.stat().st_mtime_ns == mtimes[value]
    assert sorted(p.name for p in cache.glob("*.vmfb")) == sorted(a.path.name for a in artifacts.values())
    np.testing.assert_allclose(second(X), np.asarray(cheap(X)), rtol=1e-6)


def test_the_key_covers_text_flags_version_and_host(monkeypatch):
    text = stablehlo_of(exact)
    base = iree_cache.cache_key(text, IreeOptions())
    assert iree_cache.cache_key(text, IreeOptions()) == base
    assert iree_cache.cache_key(stablehlo_of(cheap), IreeOptions()) != base
    assert iree_cache.cache_key(text, IreeOptions(extra_flags=("--iree-opt-level=O3",))) != base
    assert iree_cache.cache_key(text, IreeOptions(target_cpu="generic")) != base
    # The driver is a run-time choice: the same artifact serves both.
    assert iree_cache.cache_key(text, IreeOptions(driver="local-sync")) == base
    monkeypatch.setattr(iree_cache, "compiler_version", lambda: "3.99.0 other")
    assert iree_cache.cache_key(text, IreeOptions()) != base
    monkeypatch.undo()
    monkeypatch.setattr(iree_cache, "host_cpu_fingerprint", lambda: "another cpu")
    assert iree_cache.cache_key(text, IreeOptions()) != base
    assert iree_cache.cache_key(text, IreeOptions(target_cpu="generic")) == iree_cache.cache_key(
        text, IreeOptions(target_cpu="generic")
    )


def test_the_key_does_not_depend_on_source_lines():
    # The same computation defined elsewhere in the file exports to the same
    # text: debug locations are stripped, so moving code keeps the cache.
    def exact(x):
        return jnp.exp(x) + 1.0

    assert stablehlo_of(exact) == stablehlo_of(globals()["exact"])


def test_concurrent_writers_of_one_key(tmp_path):
    text = stablehlo_of(cheap)
    results, errors = [], []

    def build():
        try:
            results.append(compile_vmfb(text, IreeOptions(), tmp_path))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len({r.path for r in results}) == 1
    # No temporary file left; the lock file stays (deleting it would race with a waiter).
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([results[0].path.name, results[0].cache_key + ".lock"])
    assert sorted(r.from_cache for r in results) == [False, True]  # compiled once, the other waited and read it
    function = iree_backend.load_function(results[0], "local-sync")
    (out,) = function(X)
    np.testing.assert_allclose(out, np.asarray(cheap(X)), rtol=1e-6)


def test_an_iree_failure_names_the_knob_and_leaves_no_file(tmp_path):
    def inverse(x):
        # LAPACK-backed: jax exports a custom call that IREE cannot compile.
        return jnp.linalg.inv(x.reshape(2, 4)[:, :2]).reshape(4)

    def pad(x):
        return x[:4]

    knob = Knob(
        "inv",
        kernel=pad,
        decision_values=[0, 1],
        variants={1: inverse},
        example_args=(X,),
        cache_dir=tmp_path / "iree",
        native_cache_dir=tmp_path / "native",
    )
    with pytest.raises(IreeCompileError, match=r"knob 'inv': IREE failed on decision value 1 \(.*inverse\)"):
        knob.compile()
    assert [
        p.name
        for p in (tmp_path / "iree").iterdir()
        if not p.name.endswith((".vmfb", ".lock")) or p.name.startswith(".tmp-")
    ] == []


def test_a_corrupt_cache_entry_is_compiled_again(tmp_path):
    text = stablehlo_of(cheap)
    artifact = compile_vmfb(text, IreeOptions(), tmp_path)
    artifact.path.write_bytes(b"IREE" + b"\0" * 100)  # e.g. truncated by a full disk
    compiles = iree_cache.STATS.compiles
    function = iree_backend.compile_and_load(text, IreeOptions(driver="local-sync"), tmp_path)
    assert iree_cache.STATS.compiles == compiles + 1
    (out,) = function(X)
    np.testing.assert_allclose(out, np.asarray(cheap(X)), rtol=1e-6)


def test_a_module_locked_by_another_process_is_waited_for_or_skipped(tmp_path):
    import filelock

    text = stablehlo_of(cheap)
    key = iree_cache.cache_key(text, IreeOptions())
    other = filelock.FileLock(tmp_path / f"{key}.lock")
    with other:  # another compiler holds the entry
        assert compile_vmfb(text, IreeOptions(), tmp_path, wait=False) is None
    artifact = compile_vmfb(text, IreeOptions(), tmp_path, wait=False)
    assert artifact is not None and artifact.path.is_file()


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
