"""Tests of approxmlir.qos: the QoS metrics of the ApproxMLIR paper (section 6,
equations 1-3, Appendix D) plus RMSE and MAPE.

Expected values are computed by hand in the comments. RBO is also checked
against the paper's own Appendix D.1 code, copied below as an oracle.
"""

import math
import random

import numpy as np
import pytest
from scipy import stats

from approxmlir import qos
from approxmlir.qos import (
    answer_score,
    contains_answer,
    mape,
    mape_accuracy,
    normalize_answer,
    normalized_l2_accuracy,
    qa_accuracy,
    rbo,
    rmse,
)

# --------------------------------------------------------------------------
# Equation 1: QA accuracy


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The  Quick, Brown fox!", "quick brown fox"),
        ("An apple a day", "apple day"),
        ("theatre", "theatre"),  # articles only as whole words
        ("U.S.", "us"),  # punctuation deleted, not replaced by a space
        ("don't", "dont"),
        ("\u201cParis\u201d \u2014 France", "paris france"),  # curly quotes, em dash
        ("  \t\n ", ""),
        ("The", ""),
    ],
)
def test_normalize_answer(text, expected):
    assert normalize_answer(text) == expected


def test_qa_accuracy_hand_computed():
    predictions = ["The capital is Paris.", "I think it's London", "Berlin"]
    gold = ["paris", ["Rome", "roma"], ["Berlin, Germany", "berlin"]]
    # "capital is paris" contains "paris"             -> 1
    # "i think its london" contains neither           -> 0
    # "berlin" contains "berlin" (the second answer)  -> 1
    # accuracy = (1 + 0 + 1) / 3
    assert qa_accuracy(predictions, gold) == pytest.approx(2 / 3)


def test_qa_accuracy_identical_and_disjoint():
    answers = ["Paris", "the Beatles", "1945"]
    assert qa_accuracy(answers, answers) == 1.0
    assert qa_accuracy(["no", "idea", "sorry"], answers) == 0.0


def test_qa_accuracy_single_question():
    assert qa_accuracy(["It was The Beatles!"], [["beatles"]]) == 1.0
    assert qa_accuracy(["It was Queen."], ["The Beatles"]) == 0.0


def test_articles_in_gold_answer_are_ignored():
    # "The Beatles" -> "beatles", found in "beatles were band".
    assert answer_score("Beatles were a band", "The Beatles") == 1


def test_whole_words_versus_substring():
    # "in 1945" does not contain the word "4", but contains the substring "4".
    assert answer_score("in 1945", "4") == 0
    assert answer_score("in 1945", "4", whole_words=False) == 1
    assert answer_score("a party", "art") == 0
    assert answer_score("a party", "art", whole_words=False) == 1
    # Multi-word gold: a contiguous run of words.
    assert answer_score("born in new york city", "New York") == 1
    assert answer_score("new jersey or york", "New York") == 0
    # qa_accuracy: whole words by default
    assert qa_accuracy(["in 1945", "a party"], ["4", "art"]) == 0.0
    assert qa_accuracy(["in 1945", "a party"], ["4", "art"], whole_words=False) == 1.0


def test_contains_answer_is_answer_score_without_the_empty_gold_error():
    # The same normalization and whole-word containment as answer_score ...
    for prediction, gold in [
        ("It is the Pacific Ocean.", ["Pacific"]),
        ("in 1945", "4"),
        ("born in new york city", "New York"),
        ("Sydney", ["Canberra"]),
        ("Leonardo da Vinci", ["Leonardo da Vinci", "da Vinci"]),
    ]:
        assert contains_answer(prediction, gold) == bool(answer_score(prediction, gold))
    assert not contains_answer("Augustus", ["Au"])
    assert contains_answer("in 1945", "4", whole_words=False)
    # ... including Unicode punctuation (curly quotes, dashes) removed.
    assert contains_answer("\u201cThe Beatles\u201d \u2014 of course", ["beatles"])
    # Gold answers that normalize to "" never match; none left is not an error.
    assert contains_answer("paris", ["", "Paris"])
    assert not contains_answer("anything", [""])
    assert not contains_answer("the end", ["The"])
    with pytest.raises(ValueError, match="no gold answer"):
        answer_score("anything", [""])
    with pytest.raises(TypeError):
        contains_answer("x", [1])
    with pytest.raises(TypeError):
        contains_answer(None, ["x"])


def test_qa_accuracy_fraction_in_unit_interval():
    rng = random.Random(0)
    words = ["paris", "rome", "berlin", "madrid"]
    for _ in range(50):
        n = rng.randint(1, 10)
        predictions = [" ".join(rng.choices(words, k=2)) for _ in range(n)]
        gold = [rng.choice(words) for _ in range(n)]
        accuracy = qa_accuracy(predictions, gold)
        expected = sum(g in p.split() for p, g in zip(predictions, gold)) / n
        assert 0.0 <= accuracy <= 1.0
        assert accuracy == pytest.approx(expected)


def test_qa_accuracy_errors():
    with pytest.raises(ValueError, match="no questions"):
        qa_accuracy([], [])
    with pytest.raises(ValueError, match="2 predictions but 1"):
        qa_accuracy(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="question 1: no gold answer"):
        qa_accuracy(["x", "y"], ["x", "The"])  # "The" normalizes to ""
    with pytest.raises(ValueError, match="no gold answer"):
        qa_accuracy(["x"], [[]])
    with pytest.raises(TypeError, match="not a string"):
        qa_accuracy("paris", ["paris"])
    with pytest.raises(TypeError, match="prediction must be a string"):
        qa_accuracy([None], ["paris"])
    with pytest.raises(TypeError, match="gold answers must be strings"):
        qa_accuracy(["1"], [[1]])


# --------------------------------------------------------------------------
# Equation 2: normalized L2 accuracy


def paper_l2_accuracy(exact, approx):
    """The normalized-L2 part of Appendix D.2's compute_similarity."""
    norm_diff = math.sqrt(sum((e - a) ** 2 for e, a in zip(exact, approx)))
    norm_exact = math.sqrt(sum(e**2 for e in exact))
    return 1.0 - norm_diff / norm_exact


def test_l2_hand_computed():
    # exact [3, 4]: norm 5; diff [0, 3]: norm 3; 1 - 3/5 = 0.4
    assert normalized_l2_accuracy([3.0, 1.0], [3.0, 4.0]) == pytest.approx(0.4)
    # single element: 1 - |1.5 - 2| / 2 = 0.75
    assert normalized_l2_accuracy([1.5], [2.0]) == pytest.approx(0.75)
    # matrices: Frobenius norms. exact: sqrt(1 + 4 + 4 + 16) = 5; diff [[0,0],[0,4]]: 4
    # 1 - 4/5 = 0.2
    assert normalized_l2_accuracy([[1, 2], [2, 0]], [[1, 2], [2, 4]]) == pytest.approx(0.2)


def test_l2_identical_is_one():
    exact = np.random.default_rng(0).normal(size=(7, 3))
    assert normalized_l2_accuracy(exact, exact) == 1.0
    assert normalized_l2_accuracy([1, 2, 2], np.array([1, 2, 2], dtype=np.int32)) == 1.0


def test_l2_not_clipped_unless_asked():
    # exact [1, 0]: norm 1; diff [3, 0]: norm 3; 1 - 3 = -2
    assert normalized_l2_accuracy([-2.0, 0.0], [1.0, 0.0]) == pytest.approx(-2.0)
    assert normalized_l2_accuracy([-2.0, 0.0], [1.0, 0.0], clip=True) == 0.0
    assert normalized_l2_accuracy([3.0, 1.0], [3.0, 4.0], clip=True) == pytest.approx(0.4)


def test_l2_zero_norm_exact():
    assert normalized_l2_accuracy([0.0, 0.0], [0.0, 0.0]) == 1.0
    assert normalized_l2_accuracy([0.0, -0.0], [0.0, 0.0]) == 1.0
    assert normalized_l2_accuracy([0.0, 1e-9], [0.0, 0.0]) == 0.0
    assert normalized_l2_accuracy([np.nan], [0.0]) == 0.0
    assert normalized_l2_accuracy([], []) == 1.0  # empty: zero norms


def test_l2_matches_paper_code_on_random_vectors():
    rng = np.random.default_rng(1)
    for _ in range(100):
        n = int(rng.integers(1, 50))
        exact = rng.normal(size=n)
        approx = exact + rng.normal(scale=float(rng.uniform(0, 2)), size=n)
        assert normalized_l2_accuracy(approx, exact) == pytest.approx(
            paper_l2_accuracy(exact.tolist(), approx.tolist()), rel=1e-12, abs=1e-12
        )


def test_l2_large_values_do_not_overflow():
    # diff [0, 1e200]: norm 1e200; exact norm sqrt(2) * 1e200; 1 - 1/sqrt(2)
    assert normalized_l2_accuracy([1e200, 0.0], [1e200, 1e200]) == pytest.approx(1 - 1 / math.sqrt(2))
    # a difference beyond float range is an infinite error
    assert normalized_l2_accuracy([-1.7e308], [1.7e308]) == -math.inf


def test_l2_non_finite():
    assert normalized_l2_accuracy([np.nan, 1.0], [1.0, 1.0]) == -math.inf
    assert normalized_l2_accuracy([np.inf, 1.0], [1.0, 1.0], clip=True) == 0.0
    with pytest.raises(ValueError, match="non-finite"):
        normalized_l2_accuracy([1.0, 1.0], [np.nan, 1.0])


def test_l2_shape_and_type_errors():
    with pytest.raises(ValueError, match="shape mismatch"):
        normalized_l2_accuracy([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="shape mismatch"):
        normalized_l2_accuracy([[1.0], [2.0]], [1.0, 2.0])  # no broadcasting
    with pytest.raises(TypeError, match="real numbers"):
        normalized_l2_accuracy(["a"], [1.0])
    with pytest.raises(TypeError, match="real numbers"):
        normalized_l2_accuracy([1.0], [1j])


# --------------------------------------------------------------------------
# RMSE and MAPE


def test_rmse_hand_computed():
    # diff [0, 0, -2]; squares [0, 0, 4]; mean 4/3; sqrt(4/3) = 1.1547...
    assert rmse([1, 2, 3], [1, 2, 5]) == pytest.approx(math.sqrt(4 / 3))
    # single element: |3 - 1| = 2
    assert rmse([3.0], [1.0]) == pytest.approx(2.0)
    # 2x2, every element off by 0.5: sqrt(4 * 0.25 / 4) = 0.5
    assert rmse([[1.5, 2.5], [3.5, 4.5]], [[1, 2], [3, 4]]) == pytest.approx(0.5)


def test_rmse_identical_and_edges():
    x = np.random.default_rng(2).normal(size=100)
    assert rmse(x, x) == 0.0
    assert rmse([np.nan], [1.0]) == math.inf
    assert rmse([1e300, 1e300], [-1e300, -1e300]) == pytest.approx(2e300)
    with pytest.raises(ValueError, match="empty"):
        rmse([], [])
    with pytest.raises(ValueError, match="shape mismatch"):
        rmse([1.0], [1.0, 2.0])


def test_mape_hand_computed():
    # |100 - 110| / 100 = 0.1; |50 - 45| / 50 = 0.1; |10 - 0| / 10 = 1.0
    # mean (0.1 + 0.1 + 1.0) / 3 = 0.4 (a fraction: 40%)
    assert mape([110, 45, 0], [100, 50, 10]) == pytest.approx(0.4)
    assert mape_accuracy([110, 45, 0], [100, 50, 10]) == pytest.approx(0.6)
    # negative exact values: |-2 - -1| / |-2| = 0.5
    assert mape([-1.0], [-2.0]) == pytest.approx(0.5)
    # errors above 100%: |1 - 4| / 1 = 3; accuracy 1 - 3 = -2 (not clipped)
    assert mape_accuracy([4.0], [1.0]) == pytest.approx(-2.0)


def test_mape_identical_is_zero():
    x = np.random.default_rng(3).uniform(1, 2, size=50)
    assert mape(x, x) == 0.0
    assert mape_accuracy(x, x) == 1.0


def test_mape_zeros_in_exact():
    with pytest.raises(ValueError, match="1 zero element"):
        mape([1.0, 3.0], [0.0, 4.0])
    # skip: only |4 - 3| / 4 = 0.25 counts
    assert mape([1.0, 3.0], [0.0, 4.0], zeros="skip") == pytest.approx(0.25)
    with pytest.raises(ValueError, match="every element"):
        mape([1.0, 3.0], [0.0, 0.0], zeros="skip")
    # a NaN where the exact value is zero is skipped with it
    assert mape([np.nan, 4.0], [0.0, 4.0], zeros="skip") == 0.0
    with pytest.raises(ValueError, match="zeros must be"):
        mape([1.0], [1.0], zeros="ignore")


def test_mape_edges():
    assert mape([np.inf, 1.0], [1.0, 1.0]) == math.inf
    assert mape_accuracy([np.nan], [1.0]) == -math.inf
    with pytest.raises(ValueError, match="empty"):
        mape([], [])
    with pytest.raises(ValueError, match="shape mismatch"):
        mape([1.0, 2.0], [[1.0, 2.0]])


# --------------------------------------------------------------------------
# Equation 3: RBO


def compute_similarity(gt_list, approx_list, p=0.95):
    """Appendix D.1's code, as printed in the paper (the oracle)."""
    max_depth = min(1000, max(len(gt_list), len(approx_list)))
    rbo_raw = 0.0
    gt_set, approx_set = set(), set()
    for d in range(1, max_depth + 1):
        if d <= len(gt_list):
            gt_set.add(gt_list[d - 1])
        if d <= len(approx_list):
            approx_set.add(approx_list[d - 1])
        overlap = len(gt_set & approx_set)
        rbo_raw += (p ** (d - 1)) * (overlap / d)
    norm = (1 - p) * sum(p ** (d - 1) for d in range(1, max_depth + 1))
    if norm == 0.0:
        return 0.0
    return (1 - p) * rbo_raw / norm


def test_rbo_hand_computed():
    # S = abc, T = acb, p = 0.5
    # A_1 = |{a} & {a}| / 1 = 1; A_2 = |{a,b} & {a,c}| / 2 = 1/2; A_3 = 3/3 = 1
    # weights 1, 0.5, 0.25: (1 + 0.25 + 0.25) / 1.75 = 6/7
    assert rbo("a b c".split(), "a c b".split(), p=0.5) == pytest.approx(6 / 7)
    # S = abc, T = cba, p = 0.5: A = 0, 1/2, 1: (0 + 0.25 + 0.25) / 1.75 = 2/7
    assert rbo("a b c".split(), "c b a".split(), p=0.5) == pytest.approx(2 / 7)
    # S = ab, T = a, p = 0.95: D = 2; A_1 = 1, A_2 = |{a,b} & {a}| / 2 = 1/2
    # (1 + 0.95 * 0.5) / (1 + 0.95) = 1.475 / 1.95
    assert rbo(["a", "b"], ["a"]) == pytest.approx(1.475 / 1.95)
    # single elements
    assert rbo([7], [7]) == 1.0
    assert rbo([7], [8]) == 0.0


def test_rbo_default_p_is_the_papers():
    s, t = list(range(20)), [1, 0, 5, 3, 2] + list(range(6, 30))
    assert rbo(s, t) == rbo(s, t, 0.95) == pytest.approx(compute_similarity(s, t))


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 0.95, 0.99, 1.0])
@pytest.mark.parametrize("n", [1, 2, 10, 999, 1000, 1001, 1500])
def test_rbo_identical_is_one(p, n):
    ranking = list(range(n))
    # Exactly 1.0, not 1.0000000000000002: the tuner compares QoS with thresholds.
    assert rbo(ranking, list(ranking), p) == 1.0


def test_rbo_disjoint_is_zero():
    assert rbo([1, 2, 3], [4, 5, 6]) == 0.0
    assert rbo([1, 2, 3], [4]) == 0.0


def test_rbo_empty():
    assert rbo([], []) == 1.0  # D.1 would return 0.0 (norm == 0)
    assert rbo([], [1, 2]) == 0.0
    assert rbo([1, 2], []) == 0.0


def test_rbo_p_extremes():
    # p = 0: only d = 1 has weight (0 ** 0 == 1): agreement of the top items
    assert rbo(["a", "b"], ["a", "c"], p=0.0) == 1.0
    assert rbo(["a", "b"], ["b", "a"], p=0.0) == 0.0
    assert rbo(["a", "b"], ["b", "a"], p=0.0) == compute_similarity(["a", "b"], ["b", "a"], 0.0)
    # p = 1: the average overlap. S = abc, T = acb: (1 + 1/2 + 1) / 3 = 5/6
    # (D.1 returns 0.0 here, its norm (1 - p) * ... being 0; we return the limit)
    assert rbo("a b c".split(), "a c b".split(), p=1.0) == pytest.approx(5 / 6)
    assert rbo("a b c".split(), "a c b".split(), p=1 - 1e-9) == pytest.approx(5 / 6)
    # smaller p weighs the top more: a miss at the top hurts more
    s, t = [1, 2, 3, 4], [9, 2, 3, 4]
    assert rbo(s, t, p=0.2) < rbo(s, t, p=0.5) < rbo(s, t, p=0.95) < rbo(s, t, p=1.0)


def test_rbo_duplicates_count_once():
    # As in D.1 (sets): S = T = [a, a], p = 0.5
    # A_1 = |{a} & {a}| / 1 = 1; A_2 = |{a} & {a}| / 2 = 1/2
    # (1 + 0.5 * 0.5) / (1 + 0.5) = 1.25 / 1.5 = 5/6: below 1 against itself
    assert rbo(["a", "a"], ["a", "a"], p=0.5) == pytest.approx(5 / 6)
    assert rbo(["a", "a"], ["a", "a"], p=0.5) == pytest.approx(compute_similarity(["a", "a"], ["a", "a"], 0.5))
    # S = [a, b, a], T = [b, a, c], p = 0.5
    # A_1 = 0; A_2 = |{a,b} & {a,b}| / 2 = 1; A_3 = |{a,b} & {a,b,c}| / 3 = 2/3
    # (0 + 0.5 + 0.25 * 2/3) / 1.75 = (2/3) / 1.75 = 8/21
    assert rbo(["a", "b", "a"], ["b", "a", "c"], p=0.5) == pytest.approx(8 / 21)


def test_rbo_depth_is_capped_at_1000():
    s = list(range(1200))
    t = list(range(1000)) + list(range(5000, 5200))  # same top 1000
    assert rbo(s, t) == 1.0
    assert compute_similarity(s, t) == pytest.approx(1.0)
    # max_depth: only the top 2 count
    assert rbo([1, 2, 3], [1, 2, 4], max_depth=2) == 1.0
    # |S| = 1, |T| = 1500: D = 1000; A_d = 1/d for every d
    s, t = [0], list(range(1500))
    assert rbo(s, t, 0.5) == pytest.approx(compute_similarity(s, t, 0.5))
    with pytest.raises(ValueError, match="max_depth"):
        rbo([1], [1], max_depth=0)


def test_rbo_matches_paper_code_on_random_rankings():
    rng = random.Random(1234)
    checked = 0
    for trial in range(600):
        pool = list(range(rng.choice([5, 20, 100, 2000])))
        p = rng.choice([0.0, 0.3, 0.5, 0.9, 0.95, 0.99, rng.random()])
        if trial % 3 == 0:
            # duplicates allowed: independent draws
            s = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
            t = [rng.choice(pool) for _ in range(rng.randint(0, 40))]
        else:
            # proper rankings: samples without replacement, possibly long
            s = rng.sample(pool, rng.randint(0, min(len(pool), 1300)))
            t = rng.sample(pool, rng.randint(0, min(len(pool), 1300)))
        if not s and not t:
            continue  # D.1: 0.0; we: 1.0 (test_rbo_empty)
        got = rbo(s, t, p)
        assert got == pytest.approx(compute_similarity(s, t, p), rel=1e-12, abs=1e-15), (s, t, p)
        assert 0.0 <= got <= 1.0
        checked += 1
    assert checked > 550


def test_rbo_symmetric():
    rng = random.Random(5)
    for _ in range(100):
        s = rng.sample(range(50), rng.randint(1, 30))
        t = rng.sample(range(50), rng.randint(1, 30))
        assert rbo(s, t) == pytest.approx(rbo(t, s), rel=1e-12)


def test_rbo_monotone_in_agreement_at_the_top():
    s = list(range(20))
    # A foreign item at position k costs sum_{d > k} p^(d-1) / d: less the deeper it is.
    replaced = [rbo(s, s[:k] + [-1] + s[k + 1 :]) for k in range(20)]
    assert all(a < b for a, b in zip(replaced, replaced[1:]))
    # Swapping positions k, k+1 only changes A_(k+1) by -1/(k+1): less the deeper it is.
    swapped = [rbo(s, s[:k] + [s[k + 1], s[k]] + s[k + 2 :]) for k in range(19)]
    assert all(a < b for a, b in zip(swapped, swapped[1:]))
    # A longer common prefix (the rest foreign) scores strictly higher.
    prefixes = [rbo(s, s[:m] + list(range(100, 120 - m))) for m in range(21)]
    assert prefixes[0] == 0.0 and prefixes[-1] == 1.0
    assert all(a < b for a, b in zip(prefixes, prefixes[1:]))


def test_rbo_input_kinds_and_errors():
    ranking = [3, 1, 2]
    assert rbo(np.array(ranking), ranking) == 1.0  # numpy ints equal Python ints
    assert rbo(iter(ranking), (x for x in ranking)) == 1.0
    assert rbo(tuple(ranking), ranking) == 1.0
    for p in (-0.1, 1.1, float("nan")):
        with pytest.raises(ValueError, match="p must be"):
            rbo(ranking, ranking, p)
    with pytest.raises(TypeError, match="not a str"):
        rbo("abc", ["a", "b", "c"])
    with pytest.raises(TypeError):
        rbo([[1]], [[1]])  # unhashable items


def test_package_exports():
    assert sorted(qos.__all__) == sorted(
        [
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
    )
    for name in qos.__all__:
        assert callable(getattr(qos, name))


def test_paired_interval_covers_the_loss_and_narrows_with_more_inputs():
    rng = np.random.default_rng(1)
    exact = (rng.random(400) < 0.6).astype(float)
    approx = exact.copy()
    flipped = rng.choice(400, 40, replace=False)
    approx[flipped] = 1.0 - approx[flipped]  # 40 answers change: the loss is their net effect
    wide = qos.paired_loss_interval(exact[:50], approx[:50])
    narrow = qos.paired_loss_interval(exact, approx)
    assert narrow.estimate == pytest.approx(exact.mean() - approx.mean())
    assert narrow.low <= narrow.estimate <= narrow.high and narrow.n == 400
    assert narrow.high - narrow.low < wide.high - wide.low
    # Paired: the same answers from both systems have no loss and no spread.
    same = qos.paired_loss_interval(exact, exact)
    assert (same.estimate, same.low, same.high) == (0.0, 0.0, 0.0)
    assert qos.paired_loss_interval(exact, approx, seed=3) == qos.paired_loss_interval(exact, approx, seed=3)


def test_paired_interval_matches_the_binomial_closed_form():
    # 300 questions; the approximate system misses 30 that the exact one answers and agrees on the rest.
    # Each difference is 0 or 1, so a resample's summed difference is Binomial(300, 0.1): the percentile
    # bootstrap's bounds are that distribution's 2.5 % and 97.5 % quantiles over 300, up to resampling noise.
    n, misses = 300, 30
    exact = np.ones(n)
    approx = exact.copy()
    approx[:misses] = 0.0
    interval = qos.paired_loss_interval(exact, approx)
    assert interval.estimate == pytest.approx(0.1) and interval.n == n
    low, high = stats.binom.ppf([0.025, 0.975], n, 0.1) / n
    assert (low, high) == (pytest.approx(20 / 300), pytest.approx(41 / 300))  # the closed form, 6.7-13.7 %
    assert abs(interval.low - low) <= 1.0 / n and abs(interval.high - high) <= 1.0 / n


def test_paired_interval_matches_the_normal_closed_form_when_answers_move_both_ways():
    # Differences -1, 0, +1 (the approximate system also gets some questions right that the exact one misses):
    # for 300 inputs the resampled mean is close to normal, mean +- 1.96 sd / sqrt(n) with the population sd.
    n = 300
    differences = np.zeros(n)
    differences[:45] = 1.0  # exact right, approximate wrong
    differences[45:60] = -1.0  # the other way round
    exact = np.where(differences == -1.0, 0.0, 1.0)
    approx = exact - differences
    interval = qos.paired_loss_interval(exact, approx, resamples=20000)
    half_width = stats.norm.ppf(0.975) * differences.std() / math.sqrt(n)
    assert interval.estimate == pytest.approx(0.1)
    assert interval.low == pytest.approx(0.1 - half_width, abs=1.0 / n)
    assert interval.high == pytest.approx(0.1 + half_width, abs=1.0 / n)


def test_paired_interval_rejects_unpaired_scores():
    with pytest.raises(ValueError, match="equally long"):
        qos.paired_loss_interval([1.0, 0.0], [1.0])
    with pytest.raises(ValueError, match="no scores"):
        qos.paired_loss_interval([], [])
    with pytest.raises(ValueError, match="confidence"):
        qos.paired_loss_interval([1.0], [0.0], confidence=1.5)


def test_constant_times_give_a_zero_width_speedup_interval_at_the_exact_ratio():
    interval = qos.speedup_interval([10.0] * 5, [4.0] * 5)
    assert (interval.estimate, interval.low, interval.high, interval.n) == (2.5, 2.5, 2.5, 5)
    # The estimate is the ratio of medians: one slow outlier round does not move it.
    robust = qos.speedup_interval([10.0, 10.0, 50.0], [4.0, 4.0, 4.0])
    assert robust.estimate == 2.5 and robust.low == 2.5 and robust.high > 2.5


def test_speedup_interval_covers_the_true_ratio_under_lognormal_noise():
    rng = np.random.default_rng(7)
    true_ratio, covered, widths = 3.0, 0, []
    for trial in range(200):
        base = 30.0 * np.exp(rng.normal(0.0, 0.1, 25))
        times = 10.0 * np.exp(rng.normal(0.0, 0.1, 25))
        interval = qos.speedup_interval(base, times, seed=trial, resamples=500)
        covered += interval.low <= true_ratio <= interval.high
        widths.append(interval.high - interval.low)
        assert interval.low <= interval.estimate <= interval.high
    assert covered / 200 >= 0.88  # nominal 95 %
    assert 0.05 < np.median(widths) < 0.6
    # More rounds, a narrower interval; paired rounds: a slow round slows both and cancels.
    drift = np.exp(rng.normal(0.0, 0.5, 40))  # round-to-round load, shared by both
    paired = qos.speedup_interval(30.0 * drift, 10.0 * drift * np.exp(rng.normal(0.0, 0.01, 40)))
    assert 2.9 < paired.low <= paired.high < 3.1


def test_speedup_intervals_check_their_inputs_and_are_deterministic():
    with pytest.raises(ValueError, match="equally long"):
        qos.speedup_interval([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="no timing rounds"):
        qos.speedup_interval([], [])
    with pytest.raises(ValueError, match="positive"):
        qos.speedup_interval([1.0], [0.0])
    with pytest.raises(ValueError, match="confidence"):
        qos.speedup_interval([1.0], [1.0], confidence=0.0)
    base, times = [10.0, 11.0, 9.5, 10.2], [5.0, 5.6, 4.9, 5.1]
    assert qos.speedup_interval(base, times, seed=2) == qos.speedup_interval(base, times, seed=2)


def test_speedup_difference_interval_paired_and_independent():
    # Constant times: the difference is exact, paired or not.
    same = qos.speedup_difference_interval(([10.0] * 3, [5.0] * 3), ([10.0] * 4, [2.5] * 4), paired=False)
    assert (same.estimate, same.low, same.high, same.n) == (2.0, 2.0, 2.0, 3)
    with pytest.raises(ValueError, match="same rounds"):
        qos.speedup_difference_interval(([10.0] * 3, [5.0] * 3), ([10.0] * 4, [2.5] * 4), paired=True)
    # Timed in the same rounds, a shared round-to-round drift cancels; resampled independently, it does not.
    rng = np.random.default_rng(3)
    drift = np.exp(rng.normal(0.0, 0.3, 20))
    first, second = (30.0 * drift, 10.0 * drift), (30.0 * drift, 9.0 * drift)
    paired = qos.speedup_difference_interval(first, second, paired=True)
    independent = qos.speedup_difference_interval(first, second, paired=False)
    assert paired.estimate == pytest.approx(30 / 9 - 3)
    assert paired.low > 0 and paired.high - paired.low <= independent.high - independent.low


if __name__ == "__main__":
    raise SystemExit(pytest.main([__file__, "-q"]))
