/// The special functions of the double-precision GLSL library (part of `GLSLPrelude.dmath`,
/// after the elementary functions they call): erf and erfc (a split series below 0.8,
/// the continued fraction of erfc above), erf_inv (an initial approximation refined by
/// Newton steps), lgamma and digamma (recurrences, Lanczos and Stirling series).
enum GLSLSpecialFunctions {
    static let source = """
    // erfc(a) for a >= 0.8 by its continued fraction (more terms closer to 0.8, four per
    // loop iteration: lavapipe caps a shader's loop iterations), exp(-a^2) with a^2 exact.
    double tz_erfc_cf(double a) {
        int terms = a >= 1.5lf ? 80 : (a >= 1.0lf ? 200 : 400);
        double t = a;
        for (int n = terms; n >= 4; n -= 4) {
            t = a + (double(n) * 0.5lf) / t; t = a + (double(n - 1) * 0.5lf) / t;
            t = a + (double(n - 2) * 0.5lf) / t; t = a + (double(n - 3) * 0.5lf) / t;
        }
        precise double h = a * a;
        precise double l = tz_mul_err(a, a, h);
        return tz_exp_dd(-h, -l) / (1.7724538509055160273lf * t);
    }
    double tz_erf(double x) {
        if (isnan(x)) return x;
        double a = abs(x);
        if (a < 0.8lf) {
            // x * 2/sqrt(pi) * (1 + T), the leading product in double-double.
            double x2 = x * x, term = 1.0lf, t = 0.0lf;
            for (int n = 1; n < 36; n++) { term *= -x2 / double(n); t += term / double(2 * n + 1); }
            const double cHi = 1.1283791670955126lf, cLo = 1.533545961316588e-17lf;
            precise double p = cHi * x;
            precise double pe = tz_mul_err(cHi, x, p) + cLo * x;
            return p + (pe + cHi * x * t);
        }
        if (a > 6.0lf) return x > 0.0lf ? 1.0lf : -1.0lf;
        double r = 1.0lf - tz_erfc_cf(a);
        return x > 0.0lf ? r : -r;
    }
    double tz_erfc(double x) {
        if (isnan(x)) return x;
        if (abs(x) < 0.8lf) return 1.0lf - tz_erf(x);
        if (x > 27.0lf) return 0.0lf;
        if (x < -6.0lf) return 2.0lf;
        return x > 0.0lf ? tz_erfc_cf(x) : 2.0lf - tz_erfc_cf(-x);
    }
    double tz_erfinv(double y) {
        if (isnan(y) || y < -1.0lf || y > 1.0lf) return TZ_NAN;
        if (y == 1.0lf) return TZ_INF;
        if (y == -1.0lf) return -TZ_INF;
        if (y == 0.0lf) return y;
        double a = abs(y);
        double w = -tz_log((1.0lf - a) * (1.0lf + a));
        double p;
        if (w < 5.0lf) {
            w -= 2.5lf;
            p = 2.81022636e-08lf;
            p = 3.43273939e-07lf + p * w; p = -3.5233877e-06lf + p * w; p = -4.39150654e-06lf + p * w;
            p = 0.00021858087lf + p * w; p = -0.00125372503lf + p * w; p = -0.00417768164lf + p * w;
            p = 0.246640727lf + p * w; p = 1.50140941lf + p * w;
        } else {
            w = sqrt(w) - 3.0lf;
            p = -0.000200214257lf;
            p = 0.000100950558lf + p * w; p = 0.00134934322lf + p * w; p = -0.00367342844lf + p * w;
            p = 0.00573950773lf + p * w; p = -0.0076224613lf + p * w; p = 0.00943887047lf + p * w;
            p = 1.00167406lf + p * w; p = 2.83297682lf + p * w;
        }
        double x = p * a;
        for (int i = 0; i < 3; i++) {
            double residual = a > 0.5lf ? (1.0lf - a) - tz_erfc(x) : tz_erf(x) - a;
            double derivative = 1.1283791670955126lf * tz_exp(-x * x);
            if (derivative == 0.0lf) break;
            x -= residual / derivative;
        }
        return y < 0.0lf ? -x : x;
    }
    // log|Gamma(x)|: recurrence up to x >= 10, Stirling series; reflection below 0.5.
    double tz_lgamma_lanczos(double x) {
        precise double z = x - 1.0lf;
        precise double a = 0.99999999999980993lf;
        a += 676.5203681218851lf / (z + 1.0lf); a += -1259.1392167224028lf / (z + 2.0lf);
        a += 771.32342877765313lf / (z + 3.0lf); a += -176.61502916214059lf / (z + 4.0lf);
        a += 12.507343278686905lf / (z + 5.0lf); a += -0.13857109526572012lf / (z + 6.0lf);
        a += 9.9843695780195716e-6lf / (z + 7.0lf); a += 1.5056327351493116e-7lf / (z + 8.0lf);
        precise double t = z + 7.5lf;
        return 0.91893853320467274178lf + (z + 0.5lf) * tz_log(t) - t + tz_log(a);
    }
    double tz_lgamma_pos(double x) {
        if (x < 10.0lf) return tz_lgamma_lanczos(x);
        double shift = 0.0lf, z = x;
        double prod = 1.0lf;
        while (z < 10.0lf) { prod *= z; z += 1.0lf; if (prod > 1e250lf) { shift += tz_log(prod); prod = 1.0lf; } }
        shift += tz_log(prod);
        double z2 = 1.0lf / (z * z);
        double series = (1.0lf / 12.0lf - z2 * (1.0lf / 360.0lf - z2 * (1.0lf / 1260.0lf - z2 * (1.0lf / 1680.0lf - z2 * (1.0lf / 1188.0lf))))) / z;
        return (z - 0.5lf) * tz_log(z) - z + 0.91893853320467274178lf + series - shift;
    }
    double tz_lgamma(double x) {
        if (isnan(x)) return x;
        if (isinf(x)) return TZ_INF;
        if (x <= 0.0lf && floor(x) == x) return TZ_INF;
        if (x < 0.5lf) {
            double s = tz_sin(TZ_PI * (x - 2.0lf * floor(x * 0.5lf)));
            return tz_log(TZ_PI / abs(s)) - tz_lgamma_pos(1.0lf - x);
        }
        return tz_lgamma_pos(x);
    }
    double tz_digamma_pos(double x) {
        double result = 0.0lf, z = x;
        while (z < 10.0lf) { result -= 1.0lf / z; z += 1.0lf; }
        double z2 = 1.0lf / (z * z);
        double series = z2 * (1.0lf / 12.0lf - z2 * (1.0lf / 120.0lf - z2 * (1.0lf / 252.0lf - z2 * (1.0lf / 240.0lf - z2 * (1.0lf / 132.0lf - z2 * (691.0lf / 32760.0lf - z2 / 12.0lf))))));
        return result + tz_log(z) - 0.5lf / z - series;
    }
    double tz_digamma(double x) {
        if (isnan(x) || x == -TZ_INF) return TZ_NAN;
        if (x == TZ_INF) return TZ_INF;
        if (x <= 0.0lf && floor(x) == x) return TZ_NAN;
        if (x < 0.5lf) return tz_digamma_pos(1.0lf - x) - TZ_PI / tz_tan(TZ_PI * x);
        return tz_digamma_pos(x);
    }
    """
}
