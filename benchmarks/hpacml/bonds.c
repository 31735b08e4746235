/* Bonds (HPAC-ML paper, Table I): values a portfolio of fixed-rate bonds
 * against a flat forward curve. Per bond: clean price, accrued interest and
 * yield to maturity. The QoI is the three of them (metric: RMSE).
 *
 * Entry point:
 *
 *   void bonds(const int *issue, const int *settle, const int *maturity,
 *              const double *coupon, const double *rate,
 *              double *price, double *accrued, double *yield,
 *              int n, int use_model);
 *
 *   issue, settle, maturity  n dates, as days since 1970-01-01 (in);
 *                            issue <= settle < maturity
 *   coupon                   annual coupon rate, paid semiannually (in)
 *   rate                     the flat forward rate, continuously
 *                            compounded (in)
 *   price, accrued           clean price and accrued interest at the
 *                            settlement date, per 100 of face value (out)
 *   yield                    yield to maturity in percent, semiannually
 *                            compounded, that reproduces the dirty price (out)
 *   use_model                0: value the bonds (and collect data), nonzero: infer
 *
 * The HPAC-ML region is the loop over bonds: five features per bond to three
 * outputs.
 *
 * Conventions (those of a US corporate bond):
 * - schedule: semiannual, generated backward from the maturity date (end of
 *   month kept when the maturity is a month end), first period short when
 *   the issue date is not on the schedule;
 * - payment dates: weekends rolled by the modified following convention;
 * - coupons and accrued interest: 30/360 (bond basis) on the unadjusted
 *   schedule;
 * - discounting: exp(-rate * t), t = actual days from settlement / 365;
 * - the yield y solves sum_i cf_i (1 + y/2)^(-2 t_i) = dirty price (Newton's
 *   method from the coupon rate, to |step| < 1e-12).
 * Only cash flows paid after the settlement date count.
 */
#include <math.h>

#define BONDS_MAX_PERIODS 128 /* 64 years of semiannual coupons */
#define BONDS_FACE 100.0
#define BONDS_NEWTON_ITERATIONS 50

/* Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian). */
static int days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void civil_from_days(int z, int *year, int *month, int *day) {
  z += 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp < 10 ? mp + 3 : mp - 9;
  *year = yoe + era * 400 + (m <= 2);
  *month = m;
  *day = d;
}

static int is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m) {
  if (m == 2)
    return is_leap(y) ? 29 : 28;
  if (m == 4 || m == 6 || m == 9 || m == 11)
    return 30;
  return 31;
}

/* `date` moved by `months` (may be negative); the day is clamped to the
 * target month's length, or is the month end when `end_of_month`. */
static int add_months(int date, int months, int end_of_month) {
  int y, m, d;
  civil_from_days(date, &y, &m, &d);
  int total = y * 12 + (m - 1) + months;
  int ty = total / 12;
  int tm = total % 12 + 1;
  int last = days_in_month(ty, tm);
  int td = end_of_month || d > last ? last : d;
  return days_from_civil(ty, tm, td);
}

/* Modified following: a Saturday or Sunday moves to the next Monday unless
 * that is in the next month, in which case it moves back to the Friday.
 * 1970-01-01 was a Thursday. */
static int adjust(int date) {
  int weekday = (date + 3) % 7; /* 0 = Monday */
  if (weekday < 5)
    return date;
  int next = date + 7 - weekday;
  int y, m, d, ny, nm, nd;
  civil_from_days(date, &y, &m, &d);
  civil_from_days(next, &ny, &nm, &nd);
  return nm == m ? next : date - (weekday - 4);
}

/* 30/360 bond basis day count from `start` to `end`. */
static int days_30_360(int start, int end) {
  int y1, m1, d1, y2, m2, d2;
  civil_from_days(start, &y1, &m1, &d1);
  civil_from_days(end, &y2, &m2, &d2);
  if (d1 == 31)
    d1 = 30;
  if (d2 == 31 && d1 == 30)
    d2 = 30;
  return 360 * (y2 - y1) + 30 * (m2 - m1) + (d2 - d1);
}

/* Values one bond; writes the clean price, accrued interest and yield. */
static void value_bond(int issue, int settle, int maturity, double coupon, double rate, double *price,
                       double *accrued, double *yield) {
  double amounts[BONDS_MAX_PERIODS + 1];
  double times[BONDS_MAX_PERIODS + 1];
  int y, m, d;
  civil_from_days(maturity, &y, &m, &d);
  int end_of_month = d == days_in_month(y, m);

  /* Periods backward from maturity: period k ends at maturity - 6k months. */
  int flows = 0;
  double dirty = 0.0;
  double interest = 0.0;
  int end = maturity;
  int done = 0;
  for (int k = 1; k <= BONDS_MAX_PERIODS; k++) {
    if (!done && end > settle) {
      int start = add_months(maturity, -6 * k, end_of_month);
      if (start <= issue) {
        start = issue;
        done = 1;
      }
      double amount = BONDS_FACE * coupon * days_30_360(start, end) / 360.0;
      if (end == maturity)
        amount += BONDS_FACE;
      int pay = adjust(end);
      if (pay > settle) {
        double t = (pay - settle) / 365.0;
        dirty += amount * exp(-rate * t);
        amounts[flows] = amount;
        times[flows] = t;
        flows++;
      }
      if (start <= settle)
        interest = BONDS_FACE * coupon * days_30_360(start, settle) / 360.0;
      end = start;
    }
  }
  *price = dirty - interest;
  *accrued = interest;

  double y_k = coupon;
  int converged = 0;
  for (int it = 0; it < BONDS_NEWTON_ITERATIONS; it++) {
    if (!converged) {
      double base = 1.0 + 0.5 * y_k;
      double f = -dirty;
      double df = 0.0;
      for (int j = 0; j < flows; j++) {
        double pv = amounts[j] * pow(base, -2.0 * times[j]);
        f += pv;
        df -= times[j] * pv / base;
      }
      double step = f / df;
      y_k -= step;
      converged = fabs(step) < 1e-12;
    }
  }
  *yield = 100.0 * y_k;
}

void bonds(const int *issue, const int *settle, const int *maturity, const double *coupon,
           const double *rate, double *price, double *accrued, double *yield, int n, int use_model) {
#pragma approx tensor functor(ifn: [i, 0:5] = ([i], [i], [i], [i], [i]))
#pragma approx tensor functor(ofn: [i, 0:3] = ([i], [i], [i]))
#pragma approx tensor map(to: ifn(issue[0:n], settle[0:n], maturity[0:n], coupon[0:n], rate[0:n]))
#pragma approx tensor map(from: ofn(price[0:n], accrued[0:n], yield[0:n]))
#pragma approx ml(predicated: use_model) in(issue, settle, maturity, coupon, rate) out(price, accrued, yield) model("bonds.pt") database("bonds.h5")
  {
    for (int i = 0; i < n; i++)
      value_bond(issue[i], settle[i], maturity[i], coupon[i], rate[i], &price[i], &accrued[i], &yield[i]);
  }
}
