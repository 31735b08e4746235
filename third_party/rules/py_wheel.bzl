"""A small py_wheel (rules_python is not available offline).

Collects the Python sources and data files of `deps`, maps each to its path
inside the wheel by stripping one of `strip_path_prefixes` (files matching
none are left out), and zips them with METADATA, WHEEL, RECORD and
entry_points.txt via wheel_builder.py.
"""

def _wheel_path(short_path, prefixes):
    for prefix in prefixes:
        if short_path.startswith(prefix):
            return short_path[len(prefix):]
    return None

def _py_wheel_impl(ctx):
    files = depset(transitive = [
        depset(transitive = [dep[PyInfo].transitive_sources, dep[DefaultInfo].default_runfiles.files])
        for dep in ctx.attr.deps
    ])
    mapping = {}
    for f in files.to_list():
        dest = _wheel_path(f.short_path, ctx.attr.strip_path_prefixes)
        if dest == None:
            continue
        if dest in mapping and mapping[dest].path != f.path:
            fail("two files map to %s in the wheel: %s and %s" % (dest, mapping[dest].path, f.path))
        mapping[dest] = f

    out = ctx.actions.declare_file("%s-%s-py3-none-%s.whl" % (
        ctx.attr.distribution,
        ctx.attr.version,
        ctx.attr.platform,
    ))
    args = ctx.actions.args()
    args.add("--output", out)
    args.add("--name", ctx.attr.distribution)
    args.add("--version", ctx.attr.version)
    args.add("--platform", ctx.attr.platform)
    args.add("--summary", ctx.attr.summary)
    for req in ctx.attr.requires:
        args.add("--requires", req)
    for extra, reqs in ctx.attr.extras.items():
        for req in reqs:
            args.add("--extra", "%s=%s" % (extra, req))
    for name, target in ctx.attr.console_scripts.items():
        args.add("--console-script", "%s=%s" % (name, target))
    for dest, f in sorted(mapping.items()):
        args.add("--file", "%s=%s" % (dest, f.path))
    ctx.actions.run(
        outputs = [out],
        inputs = mapping.values(),
        executable = ctx.executable._builder,
        arguments = [args],
        mnemonic = "PyWheel",
        progress_message = "Building wheel %s" % out.short_path,
    )
    return [DefaultInfo(files = depset([out]), runfiles = ctx.runfiles(files = [out]))]

py_wheel = rule(
    implementation = _py_wheel_impl,
    attrs = {
        "distribution": attr.string(mandatory = True),
        "version": attr.string(mandatory = True),
        "platform": attr.string(default = "any"),
        "summary": attr.string(default = ""),
        "requires": attr.string_list(),
        "extras": attr.string_list_dict(doc = "Optional dependency groups: name -> requirements"),
        "console_scripts": attr.string_dict(),
        "deps": attr.label_list(providers = [PyInfo]),
        "strip_path_prefixes": attr.string_list(mandatory = True),
        "_builder": attr.label(
            default = "//third_party/rules:wheel_builder",
            executable = True,
            cfg = "exec",
        ),
    },
)
