"""A minimal stand-in for LLVM's gentbl_cc_library (not available offline)."""

def gentbl(name, td_file, outs, td_srcs = [], includes = [], cc_includes = []):
    """Runs mlir-tblgen once per (flags, output) pair and bundles the outputs.

    Args:
      name: name of the resulting cc_library holding the generated headers.
      td_file: the main .td file.
      outs: list of (flags string, output file) pairs.
      td_srcs: other .td files the main file includes.
      includes: extra -I directories for mlir-tblgen, relative to the workspace root.
      cc_includes: `includes` of the generated cc_library, relative to the package.
    """
    include_flags = " ".join(["-I external/llvm_project/include"] + ["-I " + i for i in includes])
    generated = []
    for flags, out in outs:
        rule_name = "%s_%s" % (name, out.replace("/", "_").replace(".", "_"))
        native.genrule(
            name = rule_name,
            srcs = [td_file] + td_srcs + ["@llvm_project//:td_files"],
            outs = [out],
            tools = ["@llvm_project//:mlir-tblgen"],
            cmd = "$(location @llvm_project//:mlir-tblgen) %s %s $(location %s) -o $@" % (
                flags,
                include_flags,
                td_file,
            ),
        )
        generated.append(out)
    native.cc_library(
        name = name,
        textual_hdrs = generated,
        includes = cc_includes,
        deps = ["@llvm_project//:headers"],
    )
