"""The HPAC-ML applications: C through the C frontend and the native backend
against each driver's numpy reference, at the "test" size.

Built without the HPAC-ML pragmas (the plain application) and with them in
collection mode (use_model = 0): both must compute the reference's QoI.
"""

import numpy as np
import pytest

from approxbench.hpacml import APPS
from approxbench.hpacml.app import DEFAULT_SEEDS, SIZES
from approxbench.hpacml.build import build_library, strip_ml_pragmas

# Relative tolerance against the reference: the C and numpy do the same
# floating-point operations in the same order, up to libm vs numpy ulps.
RTOL = 1e-9


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module", params=sorted(APPS))
def app(request):
    return APPS[request.param]


def test_strip_ml_pragmas_blanks_directives_and_continuations():
    source = "\n".join(
        [
            "int f(int n) {",
            "#pragma approx tensor functor(ifn: [i, 0:1] = \\",
            "    ([i]))",
            "  #pragma approx ml(infer) in(a) out(b)",
            "#pragma approx declare tensor_functor(f: [i, 0:3] = ([i*3:i*3+3]))",
            "  #pragma approx declare tensor(t: f(x[0:n]))",
            '#pragma approx ml(offline) in(t) out(f(y[0:n])) label("R")',
            "#pragma approx decision_tree state_function=s",
            "#pragma omp parallel",
            "  return n;",
            "}",
        ]
    )
    assert strip_ml_pragmas(source).splitlines() == [
        "int f(int n) {",
        "",
        "",
        "",
        "",  # the artifact's spellings (declare ..., ml(offline) ... label) are HPAC-ML's too
        "",
        "",
        "#pragma approx decision_tree state_function=s",
        "#pragma omp parallel",
        "  return n;",
        "}",
    ]


def test_app_metadata(app):
    assert app.path.is_file()
    assert app.directives >= 4 and app.pragma_lines >= app.directives
    assert app.model_file.endswith(".pt") and app.database_file.endswith(".h5")


def test_annotated_c_collects_the_exact_results(app, cache_dir, tmp_path, monkeypatch):
    """With its pragmas (an approx.ml_region linked to libapprox_ml.so) and
    use_model = 0, the region runs the exact code and collects: same QoI."""
    lib = build_library(app, with_pragmas=True, cache_dir=cache_dir)
    monkeypatch.chdir(tmp_path)  # the database is created in the working directory
    inputs = app.inputs("test")
    output = app.call(lib, inputs, False)
    np.testing.assert_allclose(output, app.reference(inputs), rtol=RTOL, atol=0.0)
    assert (tmp_path / app.database_file).is_file()


def test_inputs_are_deterministic_and_split(app):
    first, again = app.inputs("test"), app.inputs("test")
    assert first.keys() == again.keys()
    for key in first:
        assert np.array_equal(first[key], again[key]), key
    train = app.make_inputs("test", DEFAULT_SEEDS["train"])
    assert any(not np.array_equal(first[k], train[k]) for k in first)
    with pytest.raises(ValueError):
        app.make_inputs("huge", 0)
    assert set(SIZES) == {"test", "train", "eval"}


def test_c_matches_reference(app, cache_dir):
    lib = build_library(app, with_pragmas=False, cache_dir=cache_dir)
    inputs = app.inputs("test")
    exact = app.reference(inputs)
    output = app.call(lib, inputs, False)
    assert output.shape == exact.shape
    assert np.all(np.isfinite(output))
    np.testing.assert_allclose(output, exact, rtol=RTOL, atol=0.0)
    assert app.error(output, exact) == pytest.approx(0.0, abs=1e-6 * np.abs(exact).max())
    # The exact path is deterministic and does not modify its inputs.
    again = app.inputs("test")
    assert np.array_equal(app.call(lib, inputs, False), output)
    for key in again:
        assert np.array_equal(inputs[key], again[key]), key


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
