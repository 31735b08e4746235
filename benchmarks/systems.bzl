"""The targets of one compound system (see benchmarks/README.md)."""

def compound_system(name, data = [], tags = []):
    """`<name>_exact`/`<name>_tuned` libraries, `<name>_tune`, `<name>`.

    The libraries are the system's pipeline (kernels + model selectors, one
    module) built by `:build_system_library` exactly and with
    `tuned/<name>.json`, as `approx_cc_library` does for a kernel; `<name>`
    runs them against each other. `data`: what the binaries read at run time
    (e.g. ":qa_dataset"); `tags`: theirs (e.g. "manual" when their inputs take
    minutes to build).
    """
    for kind, config in [("exact", None), ("tuned", "tuned/%s.json" % name)]:
        library = "%s_%s" % (name, kind)
        native.genrule(
            name = library,
            srcs = [config] if config else [],
            outs = [library + ".so", library + ".signatures.json"],
            cmd = ("$(location :build_system_library) --system=%s %s" +
                   "--library=$(location %s.so) --signatures=$(location %s.signatures.json)") % (
                name,
                "--config=$(location %s) " % config if config else "",
                library,
                library,
            ),
            tools = [":build_system_library"],
        )
    native.py_binary(
        name = name + "_tune",
        srcs = ["rag_tune.py"],
        main = "rag_tune.py",
        args = ["--system=" + name],
        data = data,
        tags = tags,
        deps = [":approxbench"],
    )
    native.py_binary(
        name = name,
        srcs = ["system_run.py"],
        main = "system_run.py",
        args = ["--system=" + name],
        data = [
            ":%s_exact" % name,
            ":%s_tuned" % name,
            "tuned/%s.json" % name,
        ] + data,
        tags = tags,
        deps = [":approxbench"],
    )
