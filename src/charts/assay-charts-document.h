/* assay-charts-document.h — the charts of one document's analysis
 *
 * From plain inputs (copied out of a result), so that the window, the
 * headless CLI and the tests build the very same charts. Any thread. No GTK.
 */
#pragma once

#include <gio/gio.h>

#include "assay-chart-palette.h"
#include "assay-chart-spec.h"

G_BEGIN_DECLS

typedef struct
{
  const char          *name;               /* file name stem, e.g. "annual-report-2023" */
  const char          *title;              /* (nullable) the document's title */

  guint                n_figures;          /* key figures */
  const char * const  *figure_labels;      /* n_figures */
  const double        *figure_values;      /* n_figures */
  const char * const  *figure_units;       /* (nullable) n_figures, entries may be NULL */
  const guint         *figure_pages;       /* (nullable) n_figures, 1-based, 0 unknown */

  guint                histogram_n_bins;   /* distribution of the document's numbers */
  const double        *histogram_edges;    /* n_bins + 1 */
  const guint         *histogram_counts;   /* n_bins */
  gboolean             histogram_log_scale;

  const double        *benford_observed;   /* (nullable) 9 proportions, digits 1–9 */
  const double        *benford_expected;   /* 9 */
  guint                benford_n;          /* values counted */
  const char          *benford_verdict;    /* "close", "acceptable", "marginal", "nonconforming",
                                              "insufficient-data" */

  guint                n_pages;
  const guint         *page_numbers;       /* (nullable) numbers on each page, index 0 = page 1 */
} AssayChartsDocument;

AssayChartSpec *assay_charts_document_key_figures   (const AssayChartsDocument *doc);
AssayChartSpec *assay_charts_document_distribution  (const AssayChartsDocument *doc);
AssayChartSpec *assay_charts_document_benford       (const AssayChartsDocument *doc);
AssayChartSpec *assay_charts_document_figures_per_page (const AssayChartsDocument *doc);
AssayChartSpec *assay_charts_document_numbers_per_page (const AssayChartsDocument *doc);
const char     *assay_charts_benford_verdict_text   (const char                *verdict);
AssayChartTone  assay_charts_benford_verdict_tone   (const char                *verdict);

gboolean        assay_charts_export_document        (const AssayChartsDocument *doc,
                                                     const char                *dir,
                                                     GError                   **error);
gboolean        assay_charts_export_document_full   (const AssayChartsDocument *doc,
                                                     const char                *dir,
                                                     const AssayChartPalette   *palette,
                                                     guint                      width,
                                                     guint                      height,
                                                     GPtrArray                 *written,
                                                     GError                   **error);

G_END_DECLS
