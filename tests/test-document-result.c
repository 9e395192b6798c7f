/* test-document-result.c — results as objects, from real runs and by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "assay-document-private.h"
#include "assay-document-result.h"
#include "assay-offline-extractor.h"
#include "assay-pipeline.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)

typedef struct
{
  char            *dir;
  AssayWorkerPool *pool;
  AssayTemplate   *template_;
  AssayStore      *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *store_dir = NULL;

  fixture->dir = assay_test_tmp_dir_new ("assay-document-result-XXXXXX");
  fixture->pool = assay_worker_pool_new (2);
  fixture->template_ = assay_template_lookup ("general");
  g_assert_nonnull (fixture->template_);
  store_dir = g_build_filename (fixture->dir, "store", NULL);
  fixture->store = assay_store_new (store_dir);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  assay_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  assay_template_unref (fixture->template_);
  g_object_unref (fixture->store);
  g_object_unref (fixture->pool);
}

static void
run_until_idle (AssayPipeline *pipeline)
{
  g_assert_true (assay_test_pipeline_wait_idle (pipeline, WAIT_LIMIT_US));
}

static AssayPipeline *
new_pipeline (Fixture *fixture)
{
  return assay_test_offline_pipeline_new (fixture->pool, fixture->template_, fixture->store);
}

static AssayDocument *
process_report (Fixture       *fixture,
                AssayPipeline *pipeline)
{
  g_autofree char *path = assay_test_pdf_write_temp (fixture->dir, "report.pdf", assay_test_report_pages, 2);
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);
  AssayDocument *document = assay_pipeline_add (pipeline, input);

  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  return document;
}

typedef struct
{
  gboolean             done;
  AssayDocumentResult *result;
  GError              *error;
} Load;

static void
load_done (GObject      *object,
           GAsyncResult *res,
           gpointer      user_data)
{
  Load *load = user_data;

  load->result = assay_pipeline_load_result_finish (ASSAY_PIPELINE (object), res, &load->error);
  load->done = TRUE;
}

static AssayDocumentResult *
load_result (AssayPipeline  *pipeline,
             AssayDocument  *document,
             GCancellable   *cancellable,
             GError        **error)
{
  Load load = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  assay_pipeline_load_result_async (pipeline, document, cancellable, load_done, &load);
  while (!load.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (load.done);

  if (load.error != NULL)
    g_propagate_error (error, load.error);

  return load.result;
}

static AssayResultFigure *
find_figure (AssayDocumentResult *result,
             double               value)
{
  GListModel *figures = assay_document_result_get_figures (result);

  for (guint i = 0; i < g_list_model_get_n_items (figures); i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);

      if (fabs (assay_result_figure_get_value (figure) - value) < 1e-6)
        return figure;   /* the model keeps it alive */
    }

  return NULL;
}

static void
check_report (AssayDocumentResult *result,
              AssayDocument       *document)
{
  AssayResultFigure *figure;
  const AssayResultStats *stats;
  const guint *page_numbers;
  guint n_pages = 0;
  guint total = 0, verified = 0, unverified = 0, wrong_page = 0;
  g_autofree char *label = NULL;
  AssayVerification verification;
  guint verified_page;

  g_assert_cmpstr (assay_document_result_get_status (result), ==, "done");
  g_assert_cmpstr (assay_document_result_get_path (result), ==, assay_document_get_path (document));
  g_assert_cmpstr (assay_document_result_get_name (result), ==, "report.pdf");
  g_assert_cmpstr (assay_document_result_get_sha256 (result), ==, assay_document_get_sha256 (document));
  g_assert_cmpuint (assay_document_result_get_n_pages (result), ==, 2);
  g_assert_cmpstr (assay_document_result_get_method (result), ==, "offline");
  g_assert_cmpstr (assay_document_result_get_template (result), ==, "general");
  g_assert_null (assay_document_result_get_provider (result));
  g_assert_false (assay_document_result_get_fell_back (result));
  g_assert_cmpint (assay_document_result_get_prompt_tokens (result), ==, -1);
  g_assert_nonnull (assay_document_result_get_benford_verdict (result));
  g_assert_nonnull (assay_document_result_get_warnings (result));

  g_assert_cmpuint (g_list_model_get_n_items (assay_document_result_get_figures (result)), >=, 3);
  g_assert_true (g_list_model_get_item_type (assay_document_result_get_figures (result)) ==
                 ASSAY_TYPE_RESULT_FIGURE);
  g_assert_true (g_list_model_get_item_type (assay_document_result_get_fields (result)) ==
                 ASSAY_TYPE_RESULT_FIELD);

  figure = find_figure (result, 1234.5);
  g_assert_nonnull (figure);
  g_assert_cmpstr (assay_result_figure_get_raw (figure), ==, "1,234.5");
  g_assert_cmpuint (assay_result_figure_get_page (figure), ==, 1);
  g_assert_cmpint (assay_result_figure_get_verification (figure), ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (assay_result_figure_get_verified_page (figure), ==, 1);

  /* the properties are what the getters say */
  g_object_get (figure, "label", &label, "verification", &verification,
                "verified-page", &verified_page, NULL);
  g_assert_cmpstr (label, ==, assay_result_figure_get_label (figure));
  g_assert_cmpint (verification, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (verified_page, ==, 1);

  figure = find_figure (result, 5600.0);
  g_assert_nonnull (figure);
  g_assert_cmpuint (assay_result_figure_get_verified_page (figure), ==, 2);

  stats = assay_document_result_get_stats (result);
  g_assert_cmpuint (stats->count, >=, 5);
  g_assert_cmpfloat (stats->max, >=, 5600.0);

  assay_document_result_get_verification (result, &total, &verified, &unverified, &wrong_page);
  g_assert_cmpuint (total, >=, 3);
  g_assert_cmpuint (verified + unverified, ==, total);

  page_numbers = assay_document_result_get_page_numbers (result, &n_pages);
  g_assert_cmpuint (n_pages, ==, 2);
  g_assert_cmpuint (page_numbers[0], >=, 2);
  g_assert_cmpuint (page_numbers[1], >=, 3);
}

/* From the document's result in memory, from its text, and from the store:
 * the same objects each way. */
static void
test_from_pipeline (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  AssayDocument *document = process_report (fixture, pipeline);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) text = NULL;
  AssayDocumentResult *result;

  g_assert_nonnull (assay_document_get_result (document));

  result = load_result (pipeline, document, NULL, &error);
  g_assert_no_error (error);
  check_report (result, document);
  g_assert_finalize_object (result);

  /* the compact text only */
  {
    char *compact = json_to_string (assay_document_get_result (document), FALSE);

    text = g_bytes_new_take (compact, strlen (compact));
  }
  _assay_document_set_result (document, NULL);
  _assay_document_set_result_text (document, text);
  result = load_result (pipeline, document, NULL, &error);
  g_assert_no_error (error);
  check_report (result, document);
  g_assert_finalize_object (result);

  /* nothing in memory: the store */
  _assay_document_set_result_text (document, NULL);
  result = load_result (pipeline, document, NULL, &error);
  g_assert_no_error (error);
  check_report (result, document);
  g_assert_finalize_object (result);

  /* a cache hit: the document holds the stored digest (no raw text, no
   * snippets) and the whole result's text; the whole result is loaded */
  {
    g_autoptr(AssayPipeline) again = new_pipeline (fixture);
    g_autoptr(AssayInputFile) input = assay_input_file_new (assay_document_get_path (document), TRUE);
    AssayDocument *cached = assay_pipeline_add (again, input);
    JsonNode *digest;

    /* The same file, not written again: its bytes, and so its hash, stay. */
    run_until_idle (again);
    g_assert_cmpint (assay_document_get_state (cached), ==, ASSAY_DOCUMENT_DONE);
    digest = assay_document_get_result (cached);

    g_assert_true (assay_document_get_cached (cached));
    g_assert_nonnull (digest);
    g_assert_true (json_object_has_member (json_node_get_object (digest), "digest"));
    result = load_result (again, cached, NULL, &error);
    g_assert_no_error (error);
    check_report (result, cached);
    g_assert_true (assay_document_result_get_cached (result));
    g_assert_finalize_object (result);
  }
}

/* Where assay-test-pdf.c draws: Sans 10 pt, baselines from 56 pt down
 * every 14 pt, from x = 56 pt. */
#define TEST_MARGIN      56.0
#define TEST_LINE_HEIGHT 14.0

static double
text_advance (const char *text)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 8, 8);
  cairo_t *cr = cairo_create (surface);
  cairo_text_extents_t extents;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 10.0);
  cairo_text_extents (cr, text, &extents);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);

  return extents.x_advance;
}

static void
assert_rect_around (const AssayRect *rect,
                    double           x,
                    double           width,
                    double           baseline)
{
  /* a few points of tolerance: glyph boxes come from the font's bounding box */
  g_assert_cmpfloat_with_epsilon (rect->x, x, 2.0);
  g_assert_cmpfloat_with_epsilon (rect->width, width, 3.0);
  g_assert_cmpfloat (rect->y, <, baseline);
  g_assert_cmpfloat (rect->y, >, baseline - 14.0);
  g_assert_cmpfloat (rect->y + rect->height, >, baseline - 1.0);
  g_assert_cmpfloat (rect->y + rect->height, <, baseline + 6.0);
}

/* A figure at a known place gets rectangles around that place, in the
 * result JSON and in the objects. */
static void
test_rects (Fixture       *fixture,
            gconstpointer  data)
{
  static const char *pages[] = {
    "Annual report 2023\nAcme Widgets Ltd\n\n\n\n\nRevenue 1,234.5\nNet income 210.3\n",
    "Notes\n\n\nOperating costs 800.2\nTotal assets 5,600.0\n",
  };
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  g_autofree char *path = assay_test_pdf_write_temp (fixture->dir, "placed.pdf", pages, 2);
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);
  AssayDocument *document = assay_pipeline_add (pipeline, input);
  g_autoptr(GError) error = NULL;
  AssayDocumentResult *result;
  AssayResultFigure *figure;
  const AssayRect *rects;
  guint n_rects = 0;
  JsonObject *extraction;
  JsonArray *figures;
  gboolean saw_rects = FALSE;

  run_until_idle (pipeline);
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  /* In the JSON: [[x, y, w, h]] on verified figures */
  extraction = json_object_get_object_member (json_node_get_object (assay_document_get_result (document)),
                                              "extraction");
  figures = json_object_get_array_member (extraction, "figures");
  for (guint i = 0; i < json_array_get_length (figures); i++)
    {
      JsonObject *f = json_array_get_object_element (figures, i);

      if (json_object_has_member (f, "rects"))
        {
          JsonArray *r = json_object_get_array_member (f, "rects");

          g_assert_cmpstr (json_object_get_string_member (f, "verified"), ==, "verified");
          g_assert_cmpuint (json_array_get_length (r), >=, 1);
          g_assert_cmpuint (json_array_get_length (json_array_get_array_element (r, 0)), ==, 4);
          saw_rects = TRUE;
        }
    }
  g_assert_true (saw_rects);

  result = load_result (pipeline, document, NULL, &error);
  g_assert_no_error (error);

  /* line 6 of page 1, after "Revenue " */
  figure = find_figure (result, 1234.5);
  g_assert_nonnull (figure);
  g_assert_cmpuint (assay_result_figure_get_verified_page (figure), ==, 1);
  rects = assay_result_figure_get_rects (figure, &n_rects);
  g_assert_cmpuint (n_rects, ==, 1);
  g_test_message ("rect %.2f %.2f %.2f %.2f, expected x %.2f w %.2f", rects[0].x, rects[0].y, rects[0].width, rects[0].height, TEST_MARGIN + text_advance ("Revenue "), text_advance ("1,234.5"));
  assert_rect_around (&rects[0], TEST_MARGIN + text_advance ("Revenue "), text_advance ("1,234.5"),
                      TEST_MARGIN + 6 * TEST_LINE_HEIGHT);

  /* line 4 of page 2, after "Total assets " */
  figure = find_figure (result, 5600.0);
  g_assert_nonnull (figure);
  g_assert_cmpuint (assay_result_figure_get_verified_page (figure), ==, 2);
  rects = assay_result_figure_get_rects (figure, &n_rects);
  g_assert_cmpuint (n_rects, ==, 1);
  assert_rect_around (&rects[0], TEST_MARGIN + text_advance ("Total assets "), text_advance ("5,600.0"),
                      TEST_MARGIN + 4 * TEST_LINE_HEIGHT);

  g_assert_finalize_object (result);
}

static void
test_cancelled (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  AssayDocument *document = process_report (fixture, pipeline);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  Load load = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  g_cancellable_cancel (cancellable);
  g_assert_null (load_result (pipeline, document, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  /* Cancelled while under way: still exactly one answer, the cancellation. */
  g_cancellable_reset (cancellable);
  assay_pipeline_load_result_async (pipeline, document, cancellable, load_done, &load);
  g_cancellable_cancel (cancellable);
  while (!load.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (load.done);
  g_assert_null (load.result);
  g_assert_error (load.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&load.error);
}

/* A completion that arrives after its caller dropped the pipeline and the
 * document does no harm: the task owns what it needs. */
static void
test_stale (Fixture       *fixture,
            gconstpointer  data)
{
  AssayPipeline *pipeline = new_pipeline (fixture);
  AssayDocument *document = process_report (fixture, pipeline);
  Load load = { 0 };
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  g_object_ref (document);
  assay_pipeline_remove (pipeline, document);
  assay_pipeline_load_result_async (pipeline, document, NULL, load_done, &load);
  g_object_unref (document);
  g_object_unref (pipeline);

  while (!load.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (load.done);
  g_assert_no_error (load.error);
  g_assert_nonnull (load.result);
  g_assert_finalize_object (load.result);
}

static void
test_no_result_yet (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(AssayPipeline) pipeline = new_pipeline (fixture);
  g_autoptr(AssayDocument) document = assay_document_new ("/nowhere/x.pdf", 0);
  g_autoptr(GError) error = NULL;

  g_assert_null (load_result (pipeline, document, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "x.pdf"));
}

static AssayDocumentResult *
result_from_string (const char  *json,
                    GError     **error)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  g_assert_nonnull (node);
  return assay_document_result_new_from_json (node, error);
}

/* What an older version (or a hand) wrote: members missing, of other types,
 * rectangles partly malformed. Nothing is critical, everything defaults. */
static void
test_missing_members (void)
{
  g_autoptr(GError) error = NULL;
  AssayDocumentResult *result;
  AssayResultFigure *figure;
  AssayResultField *field;
  const AssayRect *rects;
  guint n_rects = 99, n_bins = 99, n_listed = 99, n_pages = 99, total = 99;
  const AssayResultStats *stats;
  const char * const *warnings;

  result = result_from_string ("{\"result_version\": \"assay-result/1\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_document_result_get_status (result), ==, "done");
  g_assert_null (assay_document_result_get_path (result));
  g_assert_null (assay_document_result_get_method (result));
  g_assert_cmpuint (assay_document_result_get_n_pages (result), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (assay_document_result_get_figures (result)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (assay_document_result_get_fields (result)), ==, 0);
  g_assert_cmpint (assay_document_result_get_prompt_tokens (result), ==, -1);
  stats = assay_document_result_get_stats (result);
  g_assert_cmpuint (stats->count, ==, 0);
  g_assert_true (isnan (stats->mean));
  g_assert_false (assay_document_result_get_benford (result, NULL, NULL, NULL, NULL));
  g_assert_null (assay_document_result_get_histogram (result, NULL, &n_bins, NULL));
  g_assert_cmpuint (n_bins, ==, 0);
  g_assert_null (assay_document_result_get_outliers (result, &n_listed, NULL));
  g_assert_cmpuint (n_listed, ==, 0);
  g_assert_null (assay_document_result_get_page_numbers (result, &n_pages));
  g_assert_cmpuint (n_pages, ==, 0);
  assay_document_result_get_verification (result, &total, NULL, NULL, NULL);
  g_assert_cmpuint (total, ==, 0);
  warnings = assay_document_result_get_warnings (result);
  g_assert_nonnull (warnings);
  g_assert_null (warnings[0]);
  g_assert_finalize_object (result);

  result = result_from_string (
    "{\"result_version\": \"assay-result/1\", \"status\": \"done\", \"cached\": true,"
    " \"source\": {\"path\": \"/tmp/a/old.pdf\", \"pages\": \"two\"},"
    " \"warnings\": [\"page 3 has no text layer\", 7],"
    " \"extraction\": {\"method\": \"llm\", \"provider\": \"ollama\", \"model\": null,"
    "   \"usage\": {\"prompt_tokens\": 120},"
    "   \"warnings\": [\"cut short\"],"
    "   \"fields\": [ {\"name\": \"total\", \"type\": \"money\", \"value\": \"12.5\","
    "                  \"number\": 12.5, \"unit\": \"EUR\", \"verified\": \"verified\","
    "                  \"verified_page\": 1, \"rects\": [[10, 20, 30, 8]]},"
    "                 {\"type\": \"no-such-type\"}, 3 ],"
    "   \"figures\": [ {\"label\": \"Revenue\", \"value\": 5, \"page\": -2, \"verified\": true,"
    "                   \"rects\": [[1, 2, 3, 4], [1, 2, 3], \"x\", [1, \"b\", 3, 4], [5, 6, 7, 8]]},"
    "                  {\"value\": null, \"verified\": \"maybe\"} ]},"
    " \"analysis\": {\"benford\": {\"n\": 3, \"counts\": [1, 2], \"verdict\": \"insufficient-data\"},"
    "   \"histogram\": {\"scale\": \"log\", \"edges\": [1, 10, 100], \"counts\": [4, 5]},"
    "   \"outliers\": {\"values\": [{\"value\": 1e6, \"raw\": \"1,000,000\", \"page\": 2}], \"count\": 4},"
    "   \"pages\": [{\"page\": 1, \"numbers\": 7}, {\"numbers\": 3}, {\"page\": 99, \"numbers\": 1}],"
    "   \"numbers\": {\"stats\": {\"count\": 2, \"sum\": 3, \"mean\": 1.5, \"median\": null}}}}",
    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_document_result_get_name (result), ==, "old.pdf");
  g_assert_cmpuint (assay_document_result_get_n_pages (result), ==, 0);
  g_assert_true (assay_document_result_get_cached (result));
  g_assert_cmpstr (assay_document_result_get_provider (result), ==, "ollama");
  g_assert_null (assay_document_result_get_model (result));
  g_assert_null (assay_document_result_get_template (result));
  g_assert_cmpint (assay_document_result_get_prompt_tokens (result), ==, 120);
  g_assert_cmpint (assay_document_result_get_completion_tokens (result), ==, -1);
  g_assert_cmpstr (assay_document_result_get_benford_verdict (result), ==, "insufficient-data");
  g_assert_false (assay_document_result_get_benford (result, NULL, NULL, NULL, NULL));

  warnings = assay_document_result_get_warnings (result);
  g_assert_cmpuint (g_strv_length ((GStrv) warnings), ==, 2);
  g_assert_cmpstr (warnings[0], ==, "page 3 has no text layer");
  g_assert_cmpstr (warnings[1], ==, "cut short");

  g_assert_cmpuint (g_list_model_get_n_items (assay_document_result_get_fields (result)), ==, 2);
  field = g_list_model_get_item (assay_document_result_get_fields (result), 0);
  g_assert_cmpstr (assay_result_field_get_name (field), ==, "total");
  g_assert_cmpint (assay_result_field_get_field_type (field), ==, ASSAY_FIELD_MONEY);
  g_assert_cmpfloat (assay_result_field_get_number (field), ==, 12.5);
  g_assert_cmpstr (assay_result_field_get_unit (field), ==, "EUR");
  rects = assay_result_field_get_rects (field, &n_rects);
  g_assert_cmpuint (n_rects, ==, 1);
  g_assert_cmpfloat (rects[0].x, ==, 10);
  g_assert_cmpfloat (rects[0].height, ==, 8);
  g_object_unref (field);
  field = g_list_model_get_item (assay_document_result_get_fields (result), 1);
  g_assert_cmpstr (assay_result_field_get_name (field), ==, "");
  g_assert_cmpint (assay_result_field_get_field_type (field), ==, ASSAY_FIELD_STRING);
  g_assert_true (isnan (assay_result_field_get_number (field)));
  g_assert_cmpint (assay_result_field_get_verification (field), ==, ASSAY_VERIFICATION_UNCHECKED);
  g_assert_null (assay_result_field_get_rects (field, &n_rects));
  g_assert_cmpuint (n_rects, ==, 0);
  g_object_unref (field);

  figure = g_list_model_get_item (assay_document_result_get_figures (result), 0);
  g_assert_cmpstr (assay_result_figure_get_label (figure), ==, "Revenue");
  g_assert_cmpfloat (assay_result_figure_get_value (figure), ==, 5);
  g_assert_cmpstr (assay_result_figure_get_raw (figure), ==, "");
  g_assert_cmpuint (assay_result_figure_get_page (figure), ==, 0);
  g_assert_cmpint (assay_result_figure_get_verification (figure), ==, ASSAY_VERIFICATION_VERIFIED);
  rects = assay_result_figure_get_rects (figure, &n_rects);
  g_assert_cmpuint (n_rects, ==, 2);
  g_assert_cmpfloat (rects[1].x, ==, 5);
  g_assert_cmpfloat (rects[1].height, ==, 8);
  g_object_unref (figure);
  figure = g_list_model_get_item (assay_document_result_get_figures (result), 1);
  g_assert_true (isnan (assay_result_figure_get_value (figure)));
  g_assert_cmpint (assay_result_figure_get_verification (figure), ==, ASSAY_VERIFICATION_UNCHECKED);
  g_object_unref (figure);

  {
    const guint *counts = NULL;
    gboolean log_scale = FALSE;
    const double *edges = assay_document_result_get_histogram (result, &counts, &n_bins, &log_scale);
    const AssayResultOutlier *outliers;
    const guint *numbers;
    guint n_total = 0;

    g_assert_cmpuint (n_bins, ==, 2);
    g_assert_true (log_scale);
    g_assert_cmpfloat (edges[2], ==, 100);
    g_assert_cmpuint (counts[1], ==, 5);

    outliers = assay_document_result_get_outliers (result, &n_listed, &n_total);
    g_assert_cmpuint (n_listed, ==, 1);
    g_assert_cmpuint (n_total, ==, 4);
    g_assert_cmpstr (outliers[0].raw, ==, "1,000,000");
    g_assert_cmpuint (outliers[0].page, ==, 2);

    numbers = assay_document_result_get_page_numbers (result, &n_pages);
    g_assert_cmpuint (n_pages, ==, 3);
    g_assert_cmpuint (numbers[0], ==, 7);
    g_assert_cmpuint (numbers[1], ==, 3);
    g_assert_cmpuint (numbers[2], ==, 1);
  }

  stats = assay_document_result_get_stats (result);
  g_assert_cmpuint (stats->count, ==, 2);
  g_assert_cmpfloat (stats->mean, ==, 1.5);
  g_assert_true (isnan (stats->median));
  g_assert_finalize_object (result);
}

static void
test_not_a_result (void)
{
  static const char * const bad[] = {
    "[1, 2]", "\"text\"", "{}", "{\"result_version\": 1}", "{\"result_version\": \"other/1\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (result_from_string (bad[i], &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    }
}

static void
test_enum_types (void)
{
  g_autoptr(GEnumClass) verification = g_type_class_ref (ASSAY_TYPE_VERIFICATION);
  g_autoptr(GEnumClass) field_type = g_type_class_ref (ASSAY_TYPE_FIELD_TYPE);

  g_assert_cmpint (g_enum_get_value_by_nick (verification, "unverified")->value, ==,
                   ASSAY_VERIFICATION_UNVERIFIED);
  g_assert_cmpint (g_enum_get_value_by_nick (field_type, "date")->value, ==, ASSAY_FIELD_DATE);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/assay/document-result/from-pipeline", test_from_pipeline);
  ADD ("/assay/document-result/rects", test_rects);
  ADD ("/assay/document-result/cancelled", test_cancelled);
  ADD ("/assay/document-result/stale", test_stale);
  ADD ("/assay/document-result/no-result-yet", test_no_result_yet);
  g_test_add_func ("/assay/document-result/missing-members", test_missing_members);
  g_test_add_func ("/assay/document-result/not-a-result", test_not_a_result);
  g_test_add_func ("/assay/document-result/enum-types", test_enum_types);

  return g_test_run ();
}
