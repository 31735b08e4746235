"""Tests of approxmlir.compiler.cache: one cache-directory rule for every part."""

import pathlib

import pytest

from approxmlir.compiler import native
from approxmlir.compiler.cache import cache_dir


def test_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir("native") == tmp_path / "approxmlir" / "native"


@pytest.mark.parametrize("xdg", [None, ""])
def test_home_cache_without_xdg(monkeypatch, tmp_path, xdg):
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_dir("models") == tmp_path / ".cache" / "approxmlir" / "models"


def test_env_var_override(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPROXMLIR_TEST_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache_dir("iree", env_var="APPROXMLIR_TEST_CACHE_DIR") == tmp_path / "explicit"
    # Empty or unset: the default rule.
    monkeypatch.setenv("APPROXMLIR_TEST_CACHE_DIR", "")
    assert cache_dir("iree", env_var="APPROXMLIR_TEST_CACHE_DIR") == tmp_path / "xdg" / "approxmlir" / "iree"
    monkeypatch.delenv("APPROXMLIR_TEST_CACHE_DIR")
    assert cache_dir("iree", env_var="APPROXMLIR_TEST_CACHE_DIR") == tmp_path / "xdg" / "approxmlir" / "iree"


def test_only_computes_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = cache_dir("tokenizers")
    assert isinstance(path, pathlib.Path) and not path.exists()


def test_native_backend_uses_it(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv(native.CACHE_ENV_VAR, raising=False)
    assert native.default_cache_dir() == tmp_path / "approxmlir" / "native"
    monkeypatch.setenv(native.CACHE_ENV_VAR, str(tmp_path / "mine"))
    assert native.default_cache_dir() == tmp_path / "mine"


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
