// Namespaces as finance code organizes them: an anonymous namespace holding
// nested named namespaces (rates::simple, rates::compound, annuity), the same
// function name in sibling namespaces, qualified calls `ns::inner::f(...)`
// from run and from other namespaces, and a namespace-scope constant.
#include <cmath>
#include <cstdint>

namespace {

namespace rates {
const double kDaysPerYear = 365.0;

namespace simple {
double grow(double principal, double rate, double years) { return principal * (1.0 + rate * years); }
double days_to_years(int days) { return days / kDaysPerYear; }
}  // namespace simple

namespace compound {
double grow(double principal, double rate, double years) { return principal * std::pow(1.0 + rate, years); }
double grow_periodic(double principal, double rate, double years, int periods) {
  return principal * std::pow(1.0 + rate / periods, years * periods);
}
double continuous(double principal, double rate, double years) { return principal * std::exp(rate * years); }
}  // namespace compound
}  // namespace rates

namespace annuity {
double present_value(double payment, double rate, int periods) {
  double pv = 0.0;
  for (int k = 1; k <= periods; k++) pv += payment / rates::compound::grow(1.0, rate, k);
  return pv;
}
double payment_for(double loan, double rate, int periods) { return loan / present_value(1.0, rate, periods); }
}  // namespace annuity

int64_t cents(double amount) { return static_cast<int64_t>(std::floor(amount * 100.0 + 0.5)); }

}  // namespace

extern "C" void run(int64_t *iout, double *fout) {
  double principal = 1000.0;
  for (int i = 0; i < 6; i++) {
    double rate = 0.01 + 0.015 * i;
    double years = rates::simple::days_to_years(90 * (i + 1));
    fout[i] = rates::simple::grow(principal, rate, years);
    fout[6 + i] = rates::compound::grow(principal, rate, years);
    fout[12 + i] = rates::compound::grow_periodic(principal, rate, years, 12);
    fout[18 + i] = rates::compound::continuous(principal, rate, years);
    iout[i] = cents(fout[18 + i] - fout[i]);
  }
  for (int n = 1; n <= 8; n++) {
    fout[23 + n] = annuity::present_value(100.0, 0.004 * n, 12 * n);
    fout[31 + n] = annuity::payment_for(250000.0, 0.003 + 0.0005 * n, 60 * n);
    iout[5 + n] = cents(fout[31 + n]);
  }
  fout[40] = rates::kDaysPerYear;
  int64_t checksum = 0;
  for (int i = 0; i < 14; i++) checksum = (checksum * 31 + iout[i] % 1000003) % 1000003;
  iout[14] = checksum;
}
