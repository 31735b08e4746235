// HPAC-ML pragmas as the HPAC-ML benchmark artifact writes them (aliases of
// the paper's Fig. 3 forms; frontends/c_subset.md, "HPAC-ML regions").
#pragma approx declare tensor_functor(ipt_fn: [i, 0:3] = ([i*3:i*3+3]))
#pragma approx declare tensor_functor(opt_fn: [i, 0:1] = ([i]))
#pragma approx declare tensor_functor(pair_fn: [i, 0:2] = ([i], [i]))

void rowsum(double *x, double *y, int n) {
#pragma approx declare tensor(ipt_tensor: ipt_fn(x[0:n]))
#pragma approx ml(offline) in(ipt_tensor) out(opt_fn(y[0:n])) label("RowSum")
  for (int i = 0; i < n; i++)
    y[i] = x[3 * i] + x[3 * i + 1] + x[3 * i + 2];
}

void price(double *s, double *k, double *out, int n, int use_model) {
#pragma approx declare tensor(opt_in: pair_fn(s[0:n], k[0:n]))
#pragma approx ml(infer) in(opt_in) out(opt_fn(out[0:n])) label("Price")
  for (int i = 0; i < n; i++)
    out[i] = s[i] - k[i];
}
