"""approxmlir.qos: quality-of-service metrics for `evaluate_fn`.

The QoS metrics of the ApproxMLIR paper (section 6, Appendix D), each in its
own module, for the accuracy an `evaluate_fn(config) -> (time_ms, accuracy)`
returns to the tuner (higher is better):

- `qa_accuracy(predictions, gold_answers)`: equation 1, the fraction of
  questions whose (normalized) gold answer is contained in the generated
  answer (`approxmlir.qos.qa`, with `normalize_answer`, `answer_score` and
  `contains_answer`).
- `normalized_l2_accuracy(approx, exact)`: equation 2,
  1 - ||exact - approx||_2 / ||exact||_2 (`approxmlir.qos.l2`).
- `rbo(exact_ranking, approx_ranking, p=0.95)`: equation 3, rank-biased
  overlap to depth min(1000, max(|S|, |T|)) as in Appendix D.1
  (`approxmlir.qos.rbo`).

and two errors (lower is better) for numeric outputs:

- `rmse(approx, exact)` (`approxmlir.qos.rmse`);
- `mape(approx, exact)`, as a fraction, and `mape_accuracy` = 1 - mape
  (`approxmlir.qos.mape`).

`paired_loss_interval(exact_scores, approx_scores)` (`approxmlir.qos.bootstrap`)
turns per-input scores into a QoS loss with a paired-bootstrap confidence
interval; `speedup_interval(baseline_times, times)` turns repeated timing
rounds into a speedup (ratio of medians) with a bootstrap interval over
rounds, and `speedup_difference_interval` compares two such speedups.

All return Python floats. Array metrics take the approximate output first,
then the exact one (rankings: exact first, as in Appendix D.1).
"""

from approxmlir.qos.bootstrap import Interval, paired_loss_interval, speedup_difference_interval, speedup_interval
from approxmlir.qos.l2 import normalized_l2_accuracy
from approxmlir.qos.mape import mape, mape_accuracy
from approxmlir.qos.qa import answer_score, contains_answer, normalize_answer, qa_accuracy
from approxmlir.qos.rbo import rbo
from approxmlir.qos.rmse import rmse

__all__ = [
    "Interval",
    "answer_score",
    "contains_answer",
    "mape",
    "mape_accuracy",
    "normalize_answer",
    "normalized_l2_accuracy",
    "paired_loss_interval",
    "qa_accuracy",
    "rbo",
    "rmse",
    "speedup_difference_interval",
    "speedup_interval",
]
