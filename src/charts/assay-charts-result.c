/* assay-charts-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-charts-result"

#include "config.h"

#include <string.h>

#include "assay-charts-corpus.h"
#include "assay-charts-document.h"
#include "assay-charts-from-result.h"
#include "assay-charts-result.h"

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
  g_autoptr(AssayChartsDocument) doc = NULL;
  g_autofree char *stem = NULL;
  const char *status;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (result), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  status = assay_document_result_get_status (result);
  if (status != NULL && !g_str_equal (status, "done"))
    return TRUE;

  /* The same inputs as the window's charts. */
  doc = assay_charts_document_from_result (result);
  stem = name != NULL ? g_strdup (name) : stem_of (result);
  doc->name = stem;
  if (doc->title == NULL)
    doc->title = assay_document_result_get_name (result);

  return assay_charts_export_document_full (doc, dir, palette, 0, 0, written, error);
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
 * same file name get "-2", "-3"… after the second and later ones, and a
 * document named "corpus" gets "corpus-2". Then the corpus's charts over
 * the done documents (assay_charts_export_corpus()), as `assay --headless
 * --charts` writes them.
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
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  g_autoptr(AssayChartsCorpus) corpus = NULL;
  JsonNode *documents;
  JsonArray *array = NULL;

  g_return_val_if_fail (run != NULL, FALSE);

  /* The corpus's files are "corpus-CHART". */
  g_hash_table_insert (seen, g_strdup ("corpus"), GUINT_TO_POINTER (1));
  documents = json_object_has_member (run, "documents") ? json_object_get_member (run, "documents") : NULL;
  if (documents != NULL && JSON_NODE_HOLDS_ARRAY (documents))
    array = json_node_get_array (documents);
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
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
      if (g_strcmp0 (assay_document_result_get_status (result), "done") == 0)
        g_ptr_array_add (docs, assay_charts_corpus_doc_new_from_result (result));
    }

  corpus = assay_charts_corpus_build (docs, NULL);
  return assay_charts_export_corpus (corpus, dir, palette, written, error);
}
