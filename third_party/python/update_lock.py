"""Regenerates requirements_lock.txt from requirements.in with sha256 hashes.

Run with the Python the project targets (CPython 3.11, Linux x86_64):
    python3 third_party/python/update_lock.py
It resolves with pip (`--dry-run --report`), so the lock holds exactly what pip
would install here, including the local CPU wheel of torch.
"""

import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = pathlib.Path(tmp) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--dry-run",
                "--ignore-installed",
                "--quiet",
                "--report",
                str(report),
                "-r",
                str(HERE / "requirements.in"),
            ],
            check=True,
        )
        installs = json.loads(report.read_text())["install"]
    lines = [
        "# Generated from requirements.in by update_lock.py; do not edit by hand.",
        "# Linux x86_64, CPython 3.11. torch resolves to the local CPU wheel 2.13.0+cpu.",
    ]
    for item in sorted(installs, key=lambda i: i["metadata"]["name"].lower()):
        name = item["metadata"]["name"].lower()
        version = item["metadata"]["version"]
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}")
    (HERE / "requirements_lock.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
