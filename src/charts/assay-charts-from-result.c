/* assay-charts-from-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The AssayChartsDocument handed out is the first member of a block that
 * also owns everything it points to, so one free releases it all.
 */
#define G_LOG_DOMAIN "assay-charts-from-result"

#include "config.h"

#include <string.h>

#include "assay-charts-from-result.h"

typedef struct
{
  AssayChartsDocument  doc;              /* first: the pointer handed out */
  AssayDocumentResult *result;           /* owns the strings and arrays borrowed below */
  char               **labels;
  char               **units;
  double              *values;
  guint               *pages;
  double               observed[9];
  double               expected[9];
} FromResult;

/**
 * assay_charts_document_from_result:
 * @result: a document's result
 *
 * The inputs of the document's charts (assay_charts_document_key_figures()
 * and the others): the key figures in the order of
 * assay_document_result_get_figures(), so that a bar's id is the position of
 * its figure in that model; each figure's page is where it was verified when
 * it was, else the page the extraction named.
 *
 * Returns: (transfer full): the inputs; free with
 *   assay_charts_document_from_result_free()
 */
AssayChartsDocument *
assay_charts_document_from_result (AssayDocumentResult *result)
{
  FromResult *self;
  GListModel *figures;
  guint n, counts[9], n_benford = 0, n_bins = 0, n_pages = 0;
  const guint *histogram_counts = NULL;
  gboolean log_scale = FALSE;
  const double *edges;
  const char *title;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (result), NULL);

  self = g_new0 (FromResult, 1);
  self->result = g_object_ref (result);

  figures = assay_document_result_get_figures (result);
  n = g_list_model_get_n_items (figures);
  self->labels = g_new0 (char *, n + 1);
  self->units = g_new0 (char *, n + 1);
  self->values = g_new0 (double, MAX (n, 1));
  self->pages = g_new0 (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);
      AssayVerification verification = assay_result_figure_get_verification (figure);
      guint verified_page = assay_result_figure_get_verified_page (figure);
      const char *label = assay_result_figure_get_label (figure);
      const char *period = assay_result_figure_get_period (figure);

      /* Two figures of one label (this year's and last year's) stay apart. */
      if (period != NULL && period[0] != '\0' && label != NULL && strstr (label, period) == NULL)
        self->labels[i] = g_strdup_printf ("%s (%s)", label, period);
      else
        self->labels[i] = g_strdup (label != NULL ? label : "");
      self->units[i] = g_strdup (assay_result_figure_get_unit (figure));
      self->values[i] = assay_result_figure_get_value (figure);
      self->pages[i] = verification == ASSAY_VERIFICATION_VERIFIED && verified_page > 0
                       ? verified_page : assay_result_figure_get_page (figure);
    }

  title = assay_document_result_get_title (result);
  self->doc.name = assay_document_result_get_name (result);
  self->doc.title = title != NULL && title[0] != '\0' ? title : NULL;
  self->doc.n_figures = n;
  self->doc.figure_labels = (const char * const *) self->labels;
  self->doc.figure_values = self->values;
  self->doc.figure_units = (const char * const *) self->units;
  self->doc.figure_pages = self->pages;

  edges = assay_document_result_get_histogram (result, &histogram_counts, &n_bins, &log_scale);
  if (edges != NULL && histogram_counts != NULL && n_bins > 0)
    {
      self->doc.histogram_n_bins = n_bins;
      self->doc.histogram_edges = edges;
      self->doc.histogram_counts = histogram_counts;
      self->doc.histogram_log_scale = log_scale;
    }

  if (assay_document_result_get_benford (result, counts, self->observed, self->expected, &n_benford))
    {
      self->doc.benford_observed = self->observed;
      self->doc.benford_n = n_benford;
    }
  self->doc.benford_expected = self->expected;
  self->doc.benford_verdict = assay_document_result_get_benford_verdict (result);

  self->doc.page_numbers = assay_document_result_get_page_numbers (result, &n_pages);
  self->doc.n_pages = MAX (n_pages, assay_document_result_get_n_pages (result));
  if (n_pages < self->doc.n_pages)
    self->doc.page_numbers = NULL;   /* never read past what the result has */

  return &self->doc;
}

/**
 * assay_charts_document_from_result_free:
 * @doc: (nullable): what assay_charts_document_from_result() returned
 */
void
assay_charts_document_from_result_free (AssayChartsDocument *doc)
{
  FromResult *self = (FromResult *) doc;

  if (self == NULL)
    return;

  /* Units may be NULL anywhere: not a NULL-terminated vector. */
  for (guint i = 0; i < self->doc.n_figures; i++)
    {
      g_free (self->labels[i]);
      g_free (self->units[i]);
    }
  g_free (self->labels);
  g_free (self->units);
  g_free (self->values);
  g_free (self->pages);
  g_clear_object (&self->result);
  g_free (self);
}
