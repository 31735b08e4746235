"""Bonds (HPAC-ML Table I): fixed-rate bonds valued on a flat forward curve.

C: benchmarks/hpacml/bonds.c (its header documents the conventions and the
HPAC-ML region: per bond (issue, settle, maturity, coupon, rate) -> (clean
price, accrued interest, yield)). QoI: those three per bond, as an (n, 3)
array (price and accrued per 100 face, yield in percent); metric: RMSE.

Inputs (uniform draws, dates as days since 1970-01-01 in int32): settlement
in 2020-01-01 .. 2024-12-31, maturity 180 days to 30 years after it, issue up
to 10 years before it, coupon rate a multiple of 1/8 % in [0, 10 %], flat
forward rate in [0.5 %, 8 %]. Training and evaluation portfolios come from
the same distribution with different seeds; "train" has 2^21 bonds, "eval"
1.5 * 2^20, "test" 256.
"""

from __future__ import annotations

import calendar
import datetime
import math

import numpy as np

from approxbench.hpacml.app import HpacApp, Inputs, check_size
from approxmlir import runtime

BONDS = {"test": 256, "train": 1 << 21, "eval": 3 << 19}
EPOCH = datetime.date(1970, 1, 1)
FIRST_SETTLE = (datetime.date(2020, 1, 1) - EPOCH).days
LAST_SETTLE = (datetime.date(2024, 12, 31) - EPOCH).days
FACE = 100.0
NEWTON_ITERATIONS = 50


def make_inputs(size: str, seed: int) -> Inputs:
    check_size(size)
    rng = np.random.default_rng(seed)
    n = BONDS[size]
    settle = rng.integers(FIRST_SETTLE, LAST_SETTLE + 1, n)
    return {
        "issue": (settle - rng.integers(0, 10 * 365 + 1, n)).astype(np.int32),
        "settle": settle.astype(np.int32),
        "maturity": (settle + rng.integers(180, 30 * 365 + 1, n)).astype(np.int32),
        "coupon": rng.integers(0, 81, n) * (0.125 / 100.0),
        "rate": rng.uniform(0.005, 0.08, n),
    }


def call(lib: runtime.NativeLibrary, inputs: Inputs, use_model: bool) -> np.ndarray:
    n = len(inputs["settle"])
    price, accrued, yield_ = (np.zeros(n) for _ in range(3))
    lib["bonds"](
        inputs["issue"],
        inputs["settle"],
        inputs["maturity"],
        inputs["coupon"],
        inputs["rate"],
        price,
        accrued,
        yield_,
        n,
        int(use_model),
    )
    return np.stack([price, accrued, yield_], axis=1)


# The reference does its date arithmetic with the standard library's
# datetime and calendar (the C has its own civil-date algorithms) and its
# floating point with math, whose exp and pow are the C library's.


def _date(days: int) -> datetime.date:
    return EPOCH + datetime.timedelta(days=days)


def _days(date: datetime.date) -> int:
    return (date - EPOCH).days


def _add_months(date: datetime.date, months: int, end_of_month: bool) -> datetime.date:
    year, month0 = divmod(date.year * 12 + date.month - 1 + months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return datetime.date(year, month0 + 1, last if end_of_month else min(date.day, last))


def _adjust(date: datetime.date) -> datetime.date:
    """Modified following on weekends."""
    if date.weekday() < 5:
        return date
    monday = date + datetime.timedelta(days=7 - date.weekday())
    return monday if monday.month == date.month else date - datetime.timedelta(days=date.weekday() - 4)


def _days_30_360(start: datetime.date, end: datetime.date) -> int:
    d1 = min(start.day, 30)
    d2 = 30 if end.day == 31 and d1 == 30 else end.day
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + d2 - d1


def _value_bond(issue: int, settle: int, maturity: int, coupon: float, rate: float) -> tuple[float, float, float]:
    issue_d, settle_d, maturity_d = _date(issue), _date(settle), _date(maturity)
    end_of_month = maturity_d.day == calendar.monthrange(maturity_d.year, maturity_d.month)[1]
    flows: list[tuple[float, float]] = []  # (amount, years from settlement)
    dirty = interest = 0.0
    end, k = maturity_d, 1
    while end > settle_d:
        start = max(_add_months(maturity_d, -6 * k, end_of_month), issue_d)
        amount = FACE * coupon * _days_30_360(start, end) / 360.0
        if end == maturity_d:
            amount += FACE
        pay = _days(_adjust(end))
        if pay > settle:
            t = (pay - settle) / 365.0
            dirty += amount * math.exp(-rate * t)
            flows.append((amount, t))
        if start <= settle_d:
            interest = FACE * coupon * _days_30_360(start, settle_d) / 360.0
        if start == issue_d:
            break
        end, k = start, k + 1

    y = coupon
    for _ in range(NEWTON_ITERATIONS):
        base = 1.0 + 0.5 * y
        f, df = -dirty, 0.0
        for amount, t in flows:
            pv = amount * math.pow(base, -2.0 * t)
            f += pv
            df -= t * pv / base
        step = f / df
        y -= step
        if abs(step) < 1e-12:
            break
    return dirty - interest, interest, 100.0 * y


def reference(inputs: Inputs) -> np.ndarray:
    keys = ("issue", "settle", "maturity", "coupon", "rate")
    rows = zip(*(inputs[key].tolist() for key in keys))
    return np.array([_value_bond(*row) for row in rows], dtype=np.float64).reshape(-1, 3)


APP = HpacApp(
    name="bonds",
    source="hpacml/bonds.c",
    entry="bonds",
    metric="rmse",
    make_inputs=make_inputs,
    call=call,
    reference=reference,
)
