// Plain C peers for the BLAS backend benchmarks: the seed polynomial as one fused loop
// with a preallocated output, and raw OpenBLAS gemm on preallocated matrices.
#ifndef TESSERA_BLAS_PEERS_H
#define TESSERA_BLAS_PEERS_H

#include <stddef.h>

/// out[i] = -4 x^3 + 9 x^2 + 6 x - 3 (float32), one pass, single thread.
void peer_poly_f32(const float *x, float *out, size_t n);
/// The same on float64.
void peer_poly_f64(const double *x, double *out, size_t n);
/// The same split over `threads` POSIX threads (contiguous ranges).
void peer_poly_f32_threads(const float *x, float *out, size_t n, int threads);
void peer_poly_f64_threads(const double *x, double *out, size_t n, int threads);

/// Allocates (once per size) n x n operands and output, filled with small values.
void peer_gemm_prepare(int n);
/// One cblas_sgemm (or cblas_dgemm when `f64`) C = A B on the prepared n x n matrices.
void peer_gemm(int n, int f64);

#endif
