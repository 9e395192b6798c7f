/* assay-charts-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-charts-result"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-charts-document.h"
#include "assay-charts-result.h"
#include "assay-result-figure.h"

/* The stem of a document's chart files: its file name without ".pdf". */
static char *
stem_of (AssayDocumentResult *result)
{
  const char *name = assay_document_result_get_name (result);
  g_autofree char *lower = NULL;

  if (name == NULL || name[0] == '\0')
    return g_strdup ("document");
  lower = g_ascii_strdown (name, -1);
  if (g_str_has_suffix (lower, ".pdf") && strlen (name) > 4)
    return g_strndup (name, strlen (name) - 4);
  return g_strdup (name);
}

/**
 * assay_charts_export_result:
 * @result: a document's result
 * @dir: an existing directory
 * @name: (nullable): the file name stem; NULL for the document's file name
 *   without ".pdf"
 * @palette: (nullable): colours; NULL for the light palette
 * @written: (nullable) (element-type filename): gets the paths written
 * @error: return location for an error
 *
 * Writes the document's charts (assay_charts_export_document_full()) from
 * its figures, histogram, Benford analysis and pages. A document that is not
 * "done" has no analysis: nothing is written for it. Any thread that owns
 * @result.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_result (AssayDocumentResult     *result,
                            const char              *dir,
                            const char              *name,
                            const AssayChartPalette *palette,
                            GPtrArray               *written,
                            GError                 **error)
{
  GListModel *figures;
  guint n_figures;
  g_autoptr(GPtrArray) labels = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GArray) values = NULL;
  g_autoptr(GArray) figure_pages = NULL;
  g_autofree char *stem = NULL;
  guint benford_counts[9];
  double observed[9];
  double expected[9];
  AssayChartsDocument doc = { 0 };
  const guint *counts = NULL;
  const char *status;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (result), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  status = assay_document_result_get_status (result);
  if (status != NULL && !g_str_equal (status, "done"))
    return TRUE;

  stem = name != NULL ? g_strdup (name) : stem_of (result);
  doc.name = stem;
  doc.title = assay_document_result_get_title (result);
  if (doc.title == NULL)
    doc.title = assay_document_result_get_name (result);

  /* Every figure, so that a bar's id is the figure's position in the
   * result (those without a value get no bar). The strings are the
   * figures', which the result holds. */
  figures = assay_document_result_get_figures (result);
  n_figures = g_list_model_get_n_items (figures);
  labels = g_ptr_array_sized_new (n_figures);
  units = g_ptr_array_sized_new (n_figures);
  values = g_array_sized_new (FALSE, FALSE, sizeof (double), n_figures);
  figure_pages = g_array_sized_new (FALSE, FALSE, sizeof (guint), n_figures);
  for (guint i = 0; i < n_figures; i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);
      const char *label = assay_result_figure_get_label (figure);
      double value = assay_result_figure_get_value (figure);
      guint page = assay_result_figure_get_page (figure);

      g_ptr_array_add (labels, (gpointer) (label != NULL ? label : ""));
      g_ptr_array_add (units, (gpointer) assay_result_figure_get_unit (figure));
      g_array_append_val (values, value);
      g_array_append_val (figure_pages, page);
    }
  doc.n_figures = n_figures;
  doc.figure_labels = (const char * const *) labels->pdata;
  doc.figure_units = (const char * const *) units->pdata;
  doc.figure_values = (const double *) (gpointer) values->data;
  doc.figure_pages = (const guint *) (gpointer) figure_pages->data;

  doc.histogram_edges = assay_document_result_get_histogram (result, &counts, &doc.histogram_n_bins,
                                                             &doc.histogram_log_scale);
  doc.histogram_counts = counts;
  if (doc.histogram_edges == NULL || counts == NULL)
    doc.histogram_n_bins = 0;

  if (assay_document_result_get_benford (result, benford_counts, observed, expected, &doc.benford_n))
    {
      doc.benford_observed = observed;
      doc.benford_expected = expected;
      doc.benford_verdict = assay_document_result_get_benford_verdict (result);
    }

  /* Numbers per page as the analysis listed them (the pages read); without
   * them, the pages of the file for the figures per page. */
  doc.page_numbers = assay_document_result_get_page_numbers (result, &doc.n_pages);
  if (doc.page_numbers == NULL)
    doc.n_pages = assay_document_result_get_n_pages (result);

  return assay_charts_export_document_full (&doc, dir, palette, 0, 0, written, error);
}

/**
 * assay_charts_export_run_json:
 * @run: a run object of the result format (what `assay --headless` writes)
 * @dir: an existing directory
 * @palette: (nullable): colours; NULL for the light palette
 * @written: (nullable) (element-type filename): gets the paths written
 * @error: return location for an error
 *
 * assay_charts_export_result() for each document; two documents with the
 * same file name get "-2", "-3"… after the second and later ones.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_run_json (JsonObject              *run,
                              const char              *dir,
                              const AssayChartPalette *palette,
                              GPtrArray               *written,
                              GError                 **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonNode *documents;
  JsonArray *array;

  g_return_val_if_fail (run != NULL, FALSE);

  documents = json_object_has_member (run, "documents") ? json_object_get_member (run, "documents") : NULL;
  if (documents == NULL || !JSON_NODE_HOLDS_ARRAY (documents))
    return TRUE;

  array = json_node_get_array (documents);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autoptr(AssayDocumentResult) result = NULL;
      g_autofree char *stem = NULL;
      g_autofree char *unique = NULL;
      guint n;

      result = assay_document_result_new_from_json (json_array_get_element (array, i), NULL);
      if (result == NULL)
        continue;
      stem = stem_of (result);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, stem)) + 1;
      g_hash_table_insert (seen, g_strdup (stem), GUINT_TO_POINTER (n));
      unique = n > 1 ? g_strdup_printf ("%s-%u", stem, n) : g_strdup (stem);
      if (!assay_charts_export_result (result, dir, unique, palette, written, error))
        return FALSE;
    }
  return TRUE;
}
