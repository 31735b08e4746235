"""`approx_cc_library`: annotated C + a configuration into a native library target."""

def _approx_cc_library_impl(ctx):
    library = ctx.actions.declare_file(ctx.label.name + ".so")
    signatures = ctx.actions.declare_file(ctx.label.name + ".signatures.json")
    args = ctx.actions.args()
    args.add("--src", ctx.file.src)
    args.add("--library", library)
    args.add("--signatures", signatures)
    inputs = [ctx.file.src] + ctx.files.c_sources + ctx.files.hdrs
    if ctx.file.config:
        args.add("--config", ctx.file.config)
        inputs.append(ctx.file.config)
    for source in ctx.files.c_sources:
        args.add("--c_source", source)
    ctx.actions.run(
        outputs = [library, signatures],
        inputs = inputs,
        executable = ctx.executable._tool,
        arguments = [args],
        mnemonic = "ApproxCcLibrary",
        # clang finds its linker on PATH.
        use_default_shell_env = True,
        progress_message = "Compiling %s with approxmlir" % ctx.file.src.short_path,
    )
    files = depset([library, signatures])
    return [DefaultInfo(files = files, runfiles = ctx.runfiles(files = [library, signatures]))]

approx_cc_library = rule(
    implementation = _approx_cc_library_impl,
    doc = """Compiles an annotated C file with a configuration JSON (a point of a
    Pareto frontier; none = exact) through the C frontend, approx-opt and the
    native backend. Outputs `<name>.so` and `<name>.signatures.json`, which
    `approxmlir.runtime.load_library` loads.""",
    attrs = {
        "src": attr.label(allow_single_file = [".c", ".cpp", ".cc", ".cxx"], mandatory = True),
        "config": attr.label(allow_single_file = [".json"]),
        "c_sources": attr.label_list(allow_files = [".c"]),
        "hdrs": attr.label_list(allow_files = [".h"]),
        "_tool": attr.label(
            default = "//frontends/python:approx-cc-library",
            executable = True,
            cfg = "exec",
        ),
    },
)
