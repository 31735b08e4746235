"""approxbench: the kernel benchmarks' shared harness and the kernels' drivers."""
