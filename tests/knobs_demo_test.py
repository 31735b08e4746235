"""The README's main job (//benchmarks:knobs_demo) runs and writes a valid configuration."""

import json
import os
import pathlib
import subprocess

import pytest

DEMO = pathlib.Path(os.path.abspath(__file__)).parent.parent / "benchmarks" / "knobs_demo"


def test_demo_configures_every_knob(tmp_path):
    env = dict(os.environ, BUILD_WORKING_DIRECTORY=str(tmp_path))
    result = subprocess.run([DEMO, "--output_dir=out"], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    config = json.loads((out / "config.json").read_text())["knobs"]
    assert config == {
        "corpus_subsetting": {"transform": "loop_perforate", "thresholds": [33, 66], "decisions": [1, 2, 3]},
        "term_scoring": {"transform": "func_substitute", "thresholds": [], "decisions": [1]},
    }
    configured = (out / "configured.mlir").read_text()
    assert "params <transform = loop_perforate, thresholds = [33, 66], decisions = [1, 2, 3]>" in configured
    assert [k["id"] for k in json.loads((out / "knobs.json").read_text())] == ["corpus_subsetting", "term_scoring"]


def test_demo_reports_bad_configuration(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"knobs": {"term_scoring": {"decisions": [5]}}}))
    env = dict(os.environ, BUILD_WORKING_DIRECTORY=str(tmp_path))
    result = subprocess.run([DEMO, f"--config={bad}"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "retrieval.mlir:32:8: error: configuration" in result.stderr
    assert "params decision 5 is not one of the knob's decision_values [0, 1]" in result.stderr


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
