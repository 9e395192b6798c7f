/* test-document.c — a document's properties as a list row sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "assay-document-private.h"

#define WAIT_LIMIT_US (10 * G_USEC_PER_SEC)

typedef struct
{
  GHashTable *counts;   /* property name → notifications */
} Notes;

static void
noted (GObject    *object,
       GParamSpec *pspec,
       gpointer    user_data)
{
  Notes *notes = user_data;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, pspec->name));

  g_hash_table_insert (notes->counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static guint
n_notes (Notes      *notes,
         const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (notes->counts, name));
}

static void
notes_reset (Notes *notes)
{
  g_hash_table_remove_all (notes->counts);
}

static AssayDocument *
new_watched (Notes *notes)
{
  AssayDocument *document = assay_document_new ("/tmp/some/report.pdf", 3);

  notes->counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (document, "notify", G_CALLBACK (noted), notes);

  return document;
}

static void
test_status_text (void)
{
  Notes notes;
  g_autoptr(AssayDocument) document = new_watched (&notes);
  g_autofree char *status = NULL;

  g_assert_cmpstr (assay_document_get_name (document), ==, "report.pdf");
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Queued");
  g_object_get (document, "status-text", &status, NULL);
  g_assert_cmpstr (status, ==, "Queued");

  _assay_document_set_state (document, ASSAY_DOCUMENT_HASHING);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Checking the file");

  _assay_document_set_state (document, ASSAY_DOCUMENT_READING);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Reading");
  _assay_document_set_pages_read (document, 2, 20);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Reading page 3 of 20");
  g_assert_cmpuint (assay_document_get_n_pages (document), ==, 20);
  _assay_document_set_pages_read (document, 20, 20);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Reading page 20 of 20");

  _assay_document_set_state (document, ASSAY_DOCUMENT_EXTRACTING);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Extracting");
  _assay_document_set_tokens (document, 1);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Extracting: 1 token so far");
  _assay_document_set_tokens (document, 42);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Extracting: 42 tokens so far");

  _assay_document_set_state (document, ASSAY_DOCUMENT_ANALYSING);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Analysing");
  _assay_document_set_state (document, ASSAY_DOCUMENT_DONE);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Done");
  _assay_document_set_cached (document, TRUE);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Done (result kept from before)");

  /* A retry starts over; a failure says why. */
  _assay_document_set_state (document, ASSAY_DOCUMENT_QUEUED);
  g_assert_false (assay_document_get_cached (document));
  _assay_document_fail (document, ASSAY_DOCUMENT_FAILED, ASSAY_STAGE_READ, "The file is damaged");
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "The file is damaged");
  g_clear_pointer (&status, g_free);
  g_object_get (document, "error-stage", &status, NULL);
  g_assert_cmpstr (status, ==, "read");
  g_assert_cmpint (assay_document_get_error_stage (document), ==, ASSAY_STAGE_READ);

  _assay_document_set_state (document, ASSAY_DOCUMENT_QUEUED);
  g_clear_pointer (&status, g_free);
  g_object_get (document, "error-stage", &status, NULL);
  g_assert_null (status);
  _assay_document_set_duplicate_of (document, "/elsewhere/original.pdf");
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Same content as original.pdf");

  g_hash_table_unref (notes.counts);
}

/* Each property is notified when, and only when, it changes. */
static void
test_notify_on_change (void)
{
  Notes notes;
  g_autoptr(AssayDocument) document = new_watched (&notes);
  gboolean timings;

  _assay_document_set_state (document, ASSAY_DOCUMENT_HASHING);
  g_assert_cmpuint (n_notes (&notes, "state"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "status-text"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "started-at"), ==, 1);
  g_assert_cmpint (assay_document_get_started_at (document), >, 0);

  notes_reset (&notes);
  _assay_document_set_state (document, ASSAY_DOCUMENT_HASHING);
  _assay_document_set_progress (document, 0.0);
  _assay_document_set_sha256 (document, NULL);
  _assay_document_set_size (document, 0);
  _assay_document_set_cached (document, FALSE);
  _assay_document_set_n_pages (document, 0);
  _assay_document_set_summary (document, 0, 0, NULL);
  _assay_document_set_waiting_until (document, 0);
  _assay_document_set_processed_with (document, NULL, NULL);
  g_assert_cmpuint (g_hash_table_size (notes.counts), ==, 0);

  /* Reading moves on: started-at stays the first start. */
  {
    gint64 started = assay_document_get_started_at (document);

    _assay_document_set_state (document, ASSAY_DOCUMENT_READING);
    g_assert_cmpint (assay_document_get_started_at (document), ==, started);
    g_assert_cmpuint (n_notes (&notes, "started-at"), ==, 0);
  }

  notes_reset (&notes);
  _assay_document_set_stage_ms (document, ASSAY_STAGE_HASH, 1.5);
  _assay_document_set_stage_ms (document, ASSAY_STAGE_HASH, 1.5);
  g_assert_cmpuint (n_notes (&notes, "timings"), ==, 1);
  /* The maintainer's finding: "timings" had no get_property case. */
  g_object_get (document, "timings", &timings, NULL);
  g_assert_true (timings);
  g_assert_cmpfloat (assay_document_get_stage_ms (document, ASSAY_STAGE_HASH), ==, 1.5);

  notes_reset (&notes);
  _assay_document_set_summary (document, 12, 10, "Annual report");
  _assay_document_set_summary (document, 12, 10, "Annual report");
  g_assert_cmpuint (n_notes (&notes, "n-figures"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "n-verified"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "title"), ==, 1);

  notes_reset (&notes);
  _assay_document_set_processed_with (document, "general-1234", "offline-1.a1");
  g_assert_cmpuint (n_notes (&notes, "template-key"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "extractor-id"), ==, 1);
  g_assert_cmpstr (assay_document_get_template_key (document), ==, "general-1234");
  g_assert_cmpstr (assay_document_get_extractor_id (document), ==, "offline-1.a1");

  notes_reset (&notes);
  _assay_document_set_state (document, ASSAY_DOCUMENT_DONE);
  g_assert_cmpuint (n_notes (&notes, "finished-at"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "progress"), ==, 1);
  g_assert_cmpint (assay_document_get_finished_at (document), >=,
                   assay_document_get_started_at (document));
  g_assert_cmpuint (assay_document_get_n_figures (document), ==, 12);
  g_assert_cmpuint (assay_document_get_n_verified (document), ==, 10);
  g_assert_cmpstr (assay_document_get_title (document), ==, "Annual report");

  /* Dropping the result keeps the summary. */
  {
    g_autoptr(JsonNode) node = json_from_string ("{\"status\":\"done\"}", NULL);

    _assay_document_set_result (document, node);
    _assay_document_set_result (document, NULL);
    g_assert_null (assay_document_get_result (document));
    g_assert_cmpuint (assay_document_get_n_figures (document), ==, 12);
  }

  /* A retry clears all of it. */
  notes_reset (&notes);
  _assay_document_set_state (document, ASSAY_DOCUMENT_QUEUED);
  g_assert_cmpint (assay_document_get_started_at (document), ==, 0);
  g_assert_cmpint (assay_document_get_finished_at (document), ==, 0);
  g_assert_cmpuint (assay_document_get_n_figures (document), ==, 0);
  g_assert_null (assay_document_get_title (document));
  g_assert_false (assay_document_get_timings (document));
  g_assert_cmpuint (n_notes (&notes, "timings"), ==, 1);
  g_assert_cmpuint (n_notes (&notes, "state"), ==, 1);

  g_hash_table_unref (notes.counts);
}

/* While the model server's rate limit holds, the status counts down. */
static void
test_waiting (void)
{
  Notes notes;
  g_autoptr(AssayDocument) document = new_watched (&notes);
  gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC + G_USEC_PER_SEC / 2;
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;
  gint64 value = 0;

  _assay_document_set_state (document, ASSAY_DOCUMENT_EXTRACTING);
  _assay_document_set_waiting_until (document, until);
  g_object_get (document, "waiting-until", &value, NULL);
  g_assert_cmpint (value, ==, until);
  g_assert_cmpstr (assay_document_get_status_text (document), ==,
                   "Waiting 3 s for the model server's rate limit");

  notes_reset (&notes);
  while (n_notes (&notes, "status-text") == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (assay_document_get_status_text (document), ==,
                   "Waiting 2 s for the model server's rate limit");

  /* The wait ends when it is over, or when the document moves on. */
  _assay_document_set_waiting_until (document, 0);
  g_assert_cmpstr (assay_document_get_status_text (document), ==, "Extracting");
  _assay_document_set_waiting_until (document, g_get_monotonic_time () + 60 * G_USEC_PER_SEC);
  _assay_document_set_state (document, ASSAY_DOCUMENT_ANALYSING);
  g_assert_cmpint (assay_document_get_waiting_until (document), ==, 0);

  g_hash_table_unref (notes.counts);
}

/* A document of a previous session comes back as it was, no times set. */
static void
test_restored (void)
{
  g_autoptr(AssayDocument) done = NULL;
  g_autoptr(AssayDocument) failed = NULL;

  done = _assay_document_new_restored ("/data/a.pdf", 0, "ab12", ASSAY_DOCUMENT_DONE,
                                       "general-1", "offline.a1");
  _assay_document_restore (done, 14, 1000, 7, 6, "Quarterly", TRUE, ASSAY_STAGE_HASH, NULL, NULL);
  g_assert_cmpint (assay_document_get_state (done), ==, ASSAY_DOCUMENT_DONE);
  g_assert_cmpfloat (assay_document_get_progress (done), ==, 1.0);
  g_assert_cmpstr (assay_document_get_sha256 (done), ==, "ab12");
  g_assert_cmpuint (assay_document_get_n_pages (done), ==, 14);
  g_assert_cmpuint (assay_document_get_n_figures (done), ==, 7);
  g_assert_cmpuint (assay_document_get_n_verified (done), ==, 6);
  g_assert_cmpstr (assay_document_get_title (done), ==, "Quarterly");
  g_assert_cmpstr (assay_document_get_template_key (done), ==, "general-1");
  g_assert_cmpint (assay_document_get_finished_at (done), ==, 0);
  g_assert_cmpstr (assay_document_get_status_text (done), ==, "Done (result kept from before)");

  failed = _assay_document_new_restored ("/data/b.pdf", 1, NULL, ASSAY_DOCUMENT_NEEDS_PASSWORD,
                                         NULL, NULL);
  _assay_document_restore (failed, 0, -1, 0, 0, NULL, FALSE, ASSAY_STAGE_READ,
                           "This PDF is protected by a password", NULL);
  g_assert_cmpstr (assay_document_get_status_text (failed), ==, "This PDF is protected by a password");
  g_assert_cmpstr (assay_document_get_error_message (failed), ==, "This PDF is protected by a password");

  g_assert_finalize_object (g_steal_pointer (&done));
  g_assert_finalize_object (g_steal_pointer (&failed));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/document/status-text", test_status_text);
  g_test_add_func ("/assay/document/notify-on-change", test_notify_on_change);
  g_test_add_func ("/assay/document/waiting", test_waiting);
  g_test_add_func ("/assay/document/restored", test_restored);

  return g_test_run ();
}
