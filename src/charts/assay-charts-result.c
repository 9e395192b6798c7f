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

static JsonObject *
get_object (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
get_array (JsonObject *object,
           const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;
  node = json_object_get_member (object, member);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

static double
node_number (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
      return (double) json_node_get_int (node);
    case G_TYPE_DOUBLE:
      return json_node_get_double (node);
    default:
      return NAN;
    }
}

static double
get_number (JsonObject *object,
            const char *member)
{
  if (object == NULL || !json_object_has_member (object, member))
    return NAN;
  return node_number (json_object_get_member (object, member));
}

static GArray *
number_array (JsonArray *array)
{
  GArray *values = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      double v = node_number (json_array_get_element (array, i));

      g_array_append_val (values, v);
    }
  return values;
}

static guint
to_count (double v)
{
  return isfinite (v) && v > 0 ? (guint) MIN (v, (double) G_MAXUINT) : 0;
}

/* The stem of a document's chart files: its file name without ".pdf". */
static char *
stem_of (JsonObject *document)
{
  const char *name = get_string (get_object (document, "source"), "name");
  g_autofree char *lower = NULL;

  if (name == NULL || name[0] == '\0')
    return g_strdup ("document");
  lower = g_ascii_strdown (name, -1);
  if (g_str_has_suffix (lower, ".pdf") && strlen (name) > 4)
    return g_strndup (name, strlen (name) - 4);
  return g_strdup (name);
}

/**
 * assay_charts_export_result_json:
 * @document: a document object of the result format
 * @dir: an existing directory
 * @name: (nullable): the file name stem; NULL for the document's file name
 *   without ".pdf"
 * @palette: (nullable): colours; NULL for the light palette
 * @written: (nullable) (element-type filename): gets the paths written
 * @error: return location for an error
 *
 * Writes the document's charts (assay_charts_export_document_full()) from
 * its figures, histogram, Benford analysis and pages. A document that is not
 * "done" has no analysis: nothing is written for it.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_result_json (JsonObject              *document,
                                 const char              *dir,
                                 const char              *name,
                                 const AssayChartPalette *palette,
                                 GPtrArray               *written,
                                 GError                 **error)
{
  JsonObject *source, *extraction, *analysis, *histogram, *benford;
  JsonArray *figures, *pages;
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) figure_pages = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) edges = NULL;
  g_autoptr(GArray) count_values = NULL;
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) observed = NULL;
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GArray) page_numbers = g_array_new (FALSE, TRUE, sizeof (guint));   /* grows zeroed */
  g_autofree char *stem = NULL;
  AssayChartsDocument doc = { 0 };
  const char *status;

  g_return_val_if_fail (document != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  status = get_string (document, "status");
  if (status != NULL && !g_str_equal (status, "done"))
    return TRUE;

  source = get_object (document, "source");
  extraction = get_object (document, "extraction");
  analysis = get_object (document, "analysis");

  stem = name != NULL ? g_strdup (name) : stem_of (document);
  doc.name = stem;
  doc.title = get_string (extraction, "title");
  if (doc.title == NULL)
    doc.title = get_string (source, "title");
  if (doc.title == NULL)
    doc.title = get_string (source, "name");

  figures = get_array (extraction, "figures");
  for (guint i = 0; figures != NULL && i < json_array_get_length (figures); i++)
    {
      JsonNode *node = json_array_get_element (figures, i);
      JsonObject *figure = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      double value = get_number (figure, "value");
      guint page = to_count (get_number (figure, "page"));
      const char *label = get_string (figure, "label");

      /* Every figure, so that a bar's id is the figure's position in the
       * result (those without a value get no bar). */
      g_ptr_array_add (labels, (gpointer) (label != NULL ? label : ""));
      g_ptr_array_add (units, (gpointer) get_string (figure, "unit"));
      g_array_append_val (values, value);
      g_array_append_val (figure_pages, page);
    }
  doc.n_figures = values->len;
  doc.figure_labels = (const char * const *) labels->pdata;
  doc.figure_units = (const char * const *) units->pdata;
  doc.figure_values = (const double *) (gpointer) values->data;
  doc.figure_pages = (const guint *) (gpointer) figure_pages->data;

  histogram = get_object (analysis, "histogram");
  edges = number_array (get_array (histogram, "edges"));
  count_values = number_array (get_array (histogram, "counts"));
  for (guint i = 0; i < count_values->len; i++)
    {
      guint c = to_count (g_array_index (count_values, double, i));

      g_array_append_val (counts, c);
    }
  if (edges->len == counts->len + 1 && counts->len > 0)
    {
      doc.histogram_n_bins = counts->len;
      doc.histogram_edges = (const double *) (gpointer) edges->data;
      doc.histogram_counts = (const guint *) (gpointer) counts->data;
      doc.histogram_log_scale = g_strcmp0 (get_string (histogram, "scale"), "log") == 0;
    }

  benford = get_object (analysis, "benford");
  observed = number_array (get_array (benford, "observed"));
  expected = number_array (get_array (benford, "expected"));
  if (observed->len == 9 && expected->len == 9)
    {
      doc.benford_observed = (const double *) (gpointer) observed->data;
      doc.benford_expected = (const double *) (gpointer) expected->data;
      doc.benford_n = to_count (get_number (benford, "n"));
      doc.benford_verdict = get_string (benford, "verdict");
    }

  pages = get_array (analysis, "pages");
  for (guint i = 0; pages != NULL && i < json_array_get_length (pages); i++)
    {
      JsonNode *node = json_array_get_element (pages, i);
      JsonObject *page = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      guint number = to_count (get_number (page, "page"));
      guint n = to_count (get_number (page, "numbers"));

      if (number == 0 || number > 100000)
        continue;
      if (page_numbers->len < number)
        g_array_set_size (page_numbers, number);
      g_array_index (page_numbers, guint, number - 1) = n;
    }
  doc.n_pages = MAX (page_numbers->len, to_count (get_number (source, "pages")));
  if (page_numbers->len < doc.n_pages)
    g_array_set_size (page_numbers, doc.n_pages);
  doc.page_numbers = page_numbers->len > 0 ? (const guint *) (gpointer) page_numbers->data : NULL;

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
 * assay_charts_export_result_json() for each document; two documents with the
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
  JsonArray *documents;

  g_return_val_if_fail (run != NULL, FALSE);

  documents = get_array (run, "documents");
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents); i++)
    {
      JsonNode *node = json_array_get_element (documents, i);
      JsonObject *document = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *stem = NULL;
      g_autofree char *unique = NULL;
      guint n;

      if (document == NULL)
        continue;
      stem = stem_of (document);
      n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, stem)) + 1;
      g_hash_table_insert (seen, g_strdup (stem), GUINT_TO_POINTER (n));
      unique = n > 1 ? g_strdup_printf ("%s-%u", stem, n) : g_strdup (stem);
      if (!assay_charts_export_result_json (document, dir, unique, palette, written, error))
        return FALSE;
    }
  return TRUE;
}
