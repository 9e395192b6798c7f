/* assay-benford.h — Benford's law first-digit analysis
 *
 * Pure functions: safe on any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_BENFORD_INSUFFICIENT_DATA,   /* fewer than ASSAY_BENFORD_MIN_COUNT usable values */
  ASSAY_BENFORD_CLOSE,               /* Nigrini first-digit MAD thresholds: < 0.006 */
  ASSAY_BENFORD_ACCEPTABLE,          /* < 0.012 */
  ASSAY_BENFORD_MARGINAL,            /* < 0.015 */
  ASSAY_BENFORD_NONCONFORMING,       /* ≥ 0.015 */
} AssayBenfordVerdict;

#define ASSAY_BENFORD_MIN_COUNT 50

typedef struct
{
  guint64              n;             /* values with a first digit 1–9 */
  guint64              counts[9];     /* counts[d - 1] for digit d */
  double               observed[9];   /* proportions */
  double               expected[9];   /* log10 (1 + 1/d) */
  double               chi_square;    /* 8 degrees of freedom */
  double               p_value;
  double               mad;           /* mean absolute deviation of proportions */
  AssayBenfordVerdict  verdict;
} AssayBenford;

guint        assay_benford_first_digit         (double               value);
void         assay_benford_compute             (const double        *values,
                                                gsize                n_values,
                                                AssayBenford        *out);
const char  *assay_benford_verdict_to_string   (AssayBenfordVerdict  verdict);
double       assay_chi_square_survival         (double               x,
                                                guint                degrees_of_freedom);

G_END_DECLS
