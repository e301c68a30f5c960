#include "BLASPeers.h"
#include <cblas.h>
#include <pthread.h>
#include <stdlib.h>

void peer_poly_f32(const float *x, float *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float v = x[i];
        out[i] = -4.0f * v * v * v + 9.0f * v * v + 6.0f * v - 3.0f;
    }
}

void peer_poly_f64(const double *x, double *out, size_t n) {
    for (size_t i = 0; i < n; i++) {
        double v = x[i];
        out[i] = -4.0 * v * v * v + 9.0 * v * v + 6.0 * v - 3.0;
    }
}

struct part { const void *x; void *out; size_t n; int f64; };

static void *run_part(void *arg) {
    struct part *p = arg;
    if (p->f64) peer_poly_f64(p->x, p->out, p->n);
    else peer_poly_f32(p->x, p->out, p->n);
    return NULL;
}

static void poly_threads(const void *x, void *out, size_t n, int threads, int f64) {
    pthread_t ids[64];
    struct part parts[64];
    if (threads > 64) threads = 64;
    size_t size = f64 ? sizeof(double) : sizeof(float);
    size_t per = (n + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
        size_t lo = per * t < n ? per * t : n, hi = lo + per < n ? lo + per : n;
        parts[t] = (struct part){ (const char *)x + lo * size, (char *)out + lo * size, hi - lo, f64 };
        if (t > 0) pthread_create(&ids[t], NULL, run_part, &parts[t]);
    }
    run_part(&parts[0]);
    for (int t = 1; t < threads; t++) pthread_join(ids[t], NULL);
}

void peer_poly_f32_threads(const float *x, float *out, size_t n, int threads) { poly_threads(x, out, n, threads, 0); }
void peer_poly_f64_threads(const double *x, double *out, size_t n, int threads) { poly_threads(x, out, n, threads, 1); }

static int prepared_n = 0;
static float *sa, *sb, *sc;
static double *da, *db, *dc;

void peer_gemm_prepare(int n) {
    if (prepared_n == n) return;
    free(sa); free(sb); free(sc); free(da); free(db); free(dc);
    size_t count = (size_t)n * n;
    sa = malloc(count * sizeof(float)); sb = malloc(count * sizeof(float)); sc = malloc(count * sizeof(float));
    da = malloc(count * sizeof(double)); db = malloc(count * sizeof(double)); dc = malloc(count * sizeof(double));
    for (size_t i = 0; i < count; i++) {
        sa[i] = (float)(i % 7) * 0.25f; sb[i] = (float)(i % 5) * 0.5f; sc[i] = 0;
        da[i] = sa[i]; db[i] = sb[i]; dc[i] = 0;
    }
    prepared_n = n;
}

void peer_gemm(int n, int f64) {
    if (f64) cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0, da, n, db, n, 0.0, dc, n);
    else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, sa, n, sb, n, 0.0f, sc, n);
}
