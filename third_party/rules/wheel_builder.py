"""Writes a wheel (PEP 427) from `--file dest=src` pairs; used by py_wheel.bzl.

The archive is reproducible: entries are sorted and carry a fixed timestamp;
executables keep their mode so pip installs them executable.
"""

import argparse
import base64
import hashlib
import os
import stat
import zipfile

_EPOCH = (1980, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--output", required=True)
    parser.add_argument("--name", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--platform", required=True)
    parser.add_argument("--summary", default="")
    parser.add_argument("--requires", action="append", default=[])
    parser.add_argument("--extra", action="append", default=[], help="NAME=REQUIREMENT")
    parser.add_argument("--console-script", action="append", default=[])
    parser.add_argument("--file", action="append", default=[])
    args = parser.parse_args()

    dist_info = f"{args.name.replace('-', '_')}-{args.version}.dist-info"
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {args.name}",
        f"Version: {args.version}",
        f"Summary: {args.summary}",
        "Requires-Python: >=3.11",
    ] + [f"Requires-Dist: {req}" for req in args.requires]
    extras: dict[str, list[str]] = {}
    for item in args.extra:
        name, requirement = item.split("=", 1)
        extras.setdefault(name, []).append(requirement)
    for name, requirements in sorted(extras.items()):
        metadata.append(f"Provides-Extra: {name}")
        metadata.extend(f'Requires-Dist: {req}; extra == "{name}"' for req in requirements)
    wheel = [
        "Wheel-Version: 1.0",
        "Generator: approxmlir py_wheel.bzl",
        "Root-Is-Purelib: false",
        f"Tag: py3-none-{args.platform}",
    ]
    generated = {
        f"{dist_info}/METADATA": "\n".join(metadata) + "\n",
        f"{dist_info}/WHEEL": "\n".join(wheel) + "\n",
    }
    if args.console_script:
        generated[f"{dist_info}/entry_points.txt"] = (
            "[console_scripts]\n" + "\n".join(s.replace("=", " = ", 1) for s in args.console_script) + "\n"
        )

    record = []
    with zipfile.ZipFile(args.output, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(dest: str, data: bytes, mode: int) -> None:
            info = zipfile.ZipInfo(dest, date_time=_EPOCH)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            record.append(f"{dest},{_record_hash(data)},{len(data)}")

        for pair in sorted(args.file):
            dest, src = pair.split("=", 1)
            with open(src, "rb") as handle:
                data = handle.read()
            executable = os.stat(src).st_mode & stat.S_IXUSR
            add(dest, data, 0o755 if executable else 0o644)
        for dest, text in sorted(generated.items()):
            add(dest, text.encode(), 0o644)
        record.append(f"{dist_info}/RECORD,,")
        info = zipfile.ZipInfo(f"{dist_info}/RECORD", date_time=_EPOCH)
        info.external_attr = (stat.S_IFREG | 0o644) << 16
        archive.writestr(info, "\n".join(record) + "\n")


if __name__ == "__main__":
    main()
