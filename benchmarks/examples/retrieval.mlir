// A toy retrieval kernel with two approximation knobs, as the C frontend will
// emit them: a corpus loop that can be perforated depending on a run-time
// state, and a scoring call that can be substituted by a cheaper variant.

func.func private @retrieval_state() -> i64
func.func private @bm25_score(f64, f64) -> f64
func.func private @approx_bm25_score_1(f64, f64) -> f64

// Sums the scores of the first %n documents against query weight %q.
func.func @score_corpus(%docs: memref<?xf64>, %n: index, %q: f64) -> f64 {
  %total = approx.knob "corpus_subsetting"(%docs, %n, %q)
      : (memref<?xf64>, index, f64) -> f64
      transforms [loop_perforate]
      state @retrieval_state thresholds 2 in [0, 100]
      decisions [0, 1, 2, 3] {
  ^bb0(%d: memref<?xf64>, %len: index, %w: f64):
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f64
    %sum = scf.for %i = %c0 to %len step %c1 iter_args(%acc = %zero) -> f64 {
      %doc = memref.load %d[%i] : memref<?xf64>
      %s = func.call @score_term(%doc, %w) : (f64, f64) -> f64
      %next = arith.addf %acc, %s : f64
      scf.yield %next : f64
    }
    approx.yield %sum : f64
  }
  return %total : f64
}

func.func @score_term(%doc: f64, %w: f64) -> f64 {
  %r = approx.knob "term_scoring"(%doc, %w) : (f64, f64) -> f64
      transforms [func_substitute] decisions [0, 1] {
  ^bb0(%x: f64, %y: f64):
    %s = func.call @bm25_score(%x, %y) : (f64, f64) -> f64
    approx.yield %s : f64
  }
  return %r : f64
}
