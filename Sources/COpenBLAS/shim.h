// COpenBLAS: OpenBLAS for Tessera's BLAS CPU backend.
// Debian package: libopenblas-dev. pkg-config name: `openblas` (it adds
// -I/usr/include/<triple>/openblas-pthread, where this cblas.h lives, and the matching -L).
#ifndef TESSERA_COPENBLAS_SHIM_H
#define TESSERA_COPENBLAS_SHIM_H

#include <stddef.h>
#include <cblas.h>   // CBLAS + openblas_{get,set}_num_threads, openblas_get_config; `blasint`

// LAPACK. Debian's libopenblas exports the reference Fortran LAPACK symbols
// (sgetrf_, dpotrf_, ...) but ships neither LAPACKE nor a LAPACK header, so the
// routines Tessera uses are declared here. Fortran conventions: every argument is
// passed by pointer, matrices are COLUMN-MAJOR, and each CHARACTER argument has a
// hidden trailing length argument (gfortran ABI: size_t, pass 1).
#ifdef __cplusplus
extern "C" {
#endif

#define TESSERA_LAPACK_DECLARE(T, p)                                                              \
void p##getrf_(const blasint *m, const blasint *n, T *a, const blasint *lda, blasint *ipiv,      \
               blasint *info);                                                                    \
void p##getrs_(const char *trans, const blasint *n, const blasint *nrhs, const T *a,              \
               const blasint *lda, const blasint *ipiv, T *b, const blasint *ldb, blasint *info,  \
               size_t trans_len);                                                                 \
void p##getri_(const blasint *n, T *a, const blasint *lda, const blasint *ipiv, T *work,         \
               const blasint *lwork, blasint *info);                                              \
void p##gesv_(const blasint *n, const blasint *nrhs, T *a, const blasint *lda, blasint *ipiv,    \
              T *b, const blasint *ldb, blasint *info);                                           \
void p##potrf_(const char *uplo, const blasint *n, T *a, const blasint *lda, blasint *info,      \
               size_t uplo_len);                                                                  \
void p##potrs_(const char *uplo, const blasint *n, const blasint *nrhs, const T *a,               \
               const blasint *lda, T *b, const blasint *ldb, blasint *info, size_t uplo_len);     \
void p##trtrs_(const char *uplo, const char *trans, const char *diag, const blasint *n,           \
               const blasint *nrhs, const T *a, const blasint *lda, T *b, const blasint *ldb,     \
               blasint *info, size_t uplo_len, size_t trans_len, size_t diag_len);                \
void p##geqrf_(const blasint *m, const blasint *n, T *a, const blasint *lda, T *tau, T *work,    \
               const blasint *lwork, blasint *info);                                              \
void p##orgqr_(const blasint *m, const blasint *n, const blasint *k, T *a, const blasint *lda,     \
               const T *tau, T *work, const blasint *lwork, blasint *info);                       \
void p##syevd_(const char *jobz, const char *uplo, const blasint *n, T *a, const blasint *lda,   \
               T *w, T *work, const blasint *lwork, blasint *iwork, const blasint *liwork,        \
               blasint *info, size_t jobz_len, size_t uplo_len);                                  \
void p##gesdd_(const char *jobz, const blasint *m, const blasint *n, T *a, const blasint *lda,   \
               T *s, T *u, const blasint *ldu, T *vt, const blasint *ldvt, T *work,               \
               const blasint *lwork, blasint *iwork, blasint *info, size_t jobz_len);

TESSERA_LAPACK_DECLARE(float, s)
TESSERA_LAPACK_DECLARE(double, d)

#undef TESSERA_LAPACK_DECLARE

#ifdef __cplusplus
}
#endif

#endif
