/* test-cli.c — `assay --headless` end to end, as a user runs it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-charts-corpus.h"
#include "assay-test-pdf.h"
#include "assay-test-run.h"

#define RUN_LIMIT_SECONDS 120

static void
run_assay (AssayTestOutcome   *outcome,
           const char * const *args)
{
  assay_test_run (NULL, args, RUN_LIMIT_SECONDS, outcome);
}

static JsonObject *
parse_output (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));

  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
document_at (JsonObject *run,
             guint       index)
{
  JsonArray *documents = json_object_get_array_member (run, "documents");

  g_assert_cmpuint (json_array_get_length (documents), >, index);
  return json_array_get_object_element (documents, index);
}

static const char *
document_path (JsonObject *document)
{
  return json_object_get_string_member (json_object_get_object_member (document, "source"), "path");
}

/* Inside the per-test directory that G_TEST_OPTION_ISOLATE_DIRS removes. */
static char *
make_dir (void)
{
  char *dir = g_build_filename (g_get_user_cache_dir (), "assay-cli-XXXXXX", NULL);

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_assert_nonnull (g_mkdtemp (dir));
  return dir;
}

/* Does any thread of @pid have a child process? Readers are spawned from
 * worker threads, so each thread's list must be looked at. */
static gboolean
has_child_process (const char *pid)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%s/task", pid);
  g_autoptr(GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *children = g_build_filename (tasks, tid, "children", NULL);
      g_autofree char *contents = NULL;

      if (g_file_get_contents (children, &contents, NULL, NULL) && *g_strstrip (contents) != '\0')
        return TRUE;
    }

  return FALSE;
}

/* Waits (bounded) until @process has started a reader child, that is, it is
 * in the middle of a document. */
static void
wait_for_reader_child (GSubprocess *process)
{
  const char *pid = g_subprocess_get_identifier (process);
  g_autofree char *probe = g_strdup_printf ("/proc/%s/task/%s/children", pid, pid);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  if (!g_file_test (probe, G_FILE_TEST_EXISTS))
    {
      /* A kernel without /proc/…/children: give it time instead. */
      g_usleep (2 * G_USEC_PER_SEC);
      return;
    }

  while (g_get_monotonic_time () < deadline)
    {
      if (has_child_process (pid))
        return;
      g_usleep (20 * 1000);
    }

  g_error ("assay did not start reading within 30 s");
}

static char *
write_invoice (const char *dir,
               const char *name,
               const char *number)
{
  g_autofree char *page = g_strdup_printf ("ACME Supplies GmbH\nInvoice\n"
                                           "Invoice number: %s\nInvoice date: 2024-03-01\n"
                                           "Due date: 2024-03-31\n\n"
                                           "Widgets 10 x 12.50 125.00\nSubtotal 125.00\n"
                                           "VAT 19%% 23.75\nTotal 148.75 EUR\n", number);
  const char *pages[] = { page };

  return assay_test_pdf_write_temp (dir, name, pages, 1);
}

/* A page of prose and figures; @word changes one word of it. */
static char *
write_report (const char *dir,
              const char *name,
              const char *word)
{
  g_autofree char *page = g_strdup_printf ("Northwind Holdings Annual Report 2023\n"
                                           "The year brought %s growth in every region\n"
                                           "we serve, and the board thanks our customers,\n"
                                           "our suppliers and the people of Northwind\n"
                                           "for their work through a demanding year.\n"
                                           "Revenue rose on higher volumes in the north\n"
                                           "and new contracts in the south, while costs\n"
                                           "were held in check by the programme begun\n"
                                           "the year before. The outlook for the coming\n"
                                           "year is cautious but the order book is the\n"
                                           "fullest it has been.\n"
                                           "Total revenue 2023: 1,250,000 EUR\n"
                                           "Operating profit 2023: 310,000 EUR\n"
                                           "Total assets 2023: 4,800,000 EUR\n", word);
  const char *pages[] = { page };

  return assay_test_pdf_write_temp (dir, name, pages, 1);
}

/* ------------------------------------------------------------------------ */

static void
test_version_and_help (void)
{
  g_auto(AssayTestOutcome) version = { 0 };
  g_auto(AssayTestOutcome) help = { 0 };

  run_assay (&version, (const char *[]) { "--version", NULL });
  g_assert_cmpint (version.status, ==, 0);
  g_assert_cmpstr (version.out, ==, "assay " PACKAGE_VERSION "\n");

  run_assay (&help, (const char *[]) { "--help", NULL });
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "--headless"));
  g_assert_nonnull (strstr (help.out, "--template"));
  g_assert_nonnull (strstr (help.out, "Exit status"));
}

static void
test_usage_errors (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *pdf = write_invoice (dir, "a.pdf", "1");
  struct {
    const char *args[7];
    const char *expect;
  } cases[] = {
    { { "--headless", NULL }, "No files given" },
    { { "--headless", "--format", "xml", pdf, NULL }, "Unknown format" },
    { { "--headless", "--template", "nonsense", pdf, NULL }, "Unknown template" },
    { { "--headless", "--jobs", "-3", pdf, NULL }, "--jobs" },
    { { "--headless", "--no-such-option", pdf, NULL }, "Unknown option" },
    /* Found before any work is done, not after. */
    { { "--headless", "-o", "/nonexistent/folder/out.json", pdf, NULL }, "Could not create" },
    { { "--headless", "--trace", "/nonexistent/folder/trace.json", pdf, NULL }, "/nonexistent/folder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(AssayTestOutcome) outcome = { 0 };

      run_assay (&outcome, cases[i].args);
      g_assert_cmpint (outcome.status, ==, 2);
      g_assert_cmpstr (outcome.out, ==, "");
      if (strstr (outcome.err, cases[i].expect) == NULL)
        g_error ("case %u: expected “%s” in “%s”", i, cases[i].expect, outcome.err);
    }
}

static void
test_folder_json (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *sub = g_build_filename (dir, "nested", "deeper", NULL);
  g_autofree char *a = write_invoice (dir, "a.pdf", "A-1");
  g_autofree char *b = NULL;
  g_autofree char *disguised = NULL;
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *run;
  JsonObject *summary;
  JsonArray *skipped;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  b = write_invoice (sub, "b.pdf", "B-2");
  /* A PDF by content, whatever its name says. */
  disguised = write_invoice (sub, "scan.dat", "C-3");
  g_assert_true (g_file_set_contents (notes, "not a pdf\n", -1, NULL));

  run_assay (&outcome, (const char *[]) { "--headless", "--template", "invoice", dir, NULL });
  g_assert_cmpint (outcome.status, ==, 0);
  /* Quiet when standard error is not a terminal. */
  g_assert_cmpstr (outcome.err, ==, "");

  run = parse_output (parser, outcome.out);
  g_assert_cmpstr (json_object_get_string_member (run, "result_version"), ==, "assay-result/2");
  g_assert_cmpstr (json_object_get_string_member (run, "template"), ==, "invoice");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run, "documents")), ==, 3);

  /* Input order: folders in name order, depth first. */
  g_assert_cmpstr (document_path (document_at (run, 0)), ==, a);
  g_assert_cmpstr (document_path (document_at (run, 1)), ==, b);
  g_assert_cmpstr (document_path (document_at (run, 2)), ==, disguised);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_object_get_string_member (document_at (run, i), "status"), ==, "done");

  skipped = json_object_get_array_member (run, "skipped");
  g_assert_cmpuint (json_array_get_length (skipped), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (skipped, 0), "path"),
                   ==, notes);

  summary = json_object_get_object_member (run, "summary");
  g_assert_cmpint (json_object_get_int_member (summary, "documents"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (summary, "done"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (summary, "failed"), ==, 0);
  g_assert_true (json_object_has_member (run, "corpus"));
}

static void
test_failures_and_exit_status (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *good = write_invoice (dir, "good.pdf", "G-1");
  g_autofree char *broken = g_build_filename (dir, "broken.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.pdf", NULL);
  g_autofree char *out_path = g_build_filename (dir, "out.json", NULL);
  g_autofree char *written = NULL;
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *run;
  JsonObject *error;

  g_assert_true (g_file_set_contents (broken, "%PDF-1.7\n1 0 obj << /Type /Catalog", -1, NULL));

  run_assay (&outcome, (const char *[]) { "--headless", "-o", out_path, broken, good, missing, NULL });
  g_assert_cmpint (outcome.status, ==, 1);
  g_assert_cmpstr (outcome.out, ==, "");

  g_assert_true (g_file_get_contents (out_path, &written, NULL, NULL));
  run = parse_output (parser, written);
  g_assert_cmpstr (json_object_get_string_member (document_at (run, 0), "status"), ==, "failed");
  g_assert_cmpstr (json_object_get_string_member (document_at (run, 1), "status"), ==, "done");
  g_assert_cmpstr (json_object_get_string_member (document_at (run, 2), "status"), ==, "failed");

  error = json_object_get_object_member (document_at (run, 0), "error");
  g_assert_cmpstr (json_object_get_string_member (error, "stage"), ==, "read");
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 10);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (run, "summary"),
                                               "failed"), ==, 2);
}

static void
test_csv (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *a = write_invoice (dir, "a,with comma.pdf", "A-1");
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_auto(GStrv) lines = NULL;
  guint n_rows = 0;

  run_assay (&outcome, (const char *[]) { "--headless", "--format", "csv", a, NULL });
  g_assert_cmpint (outcome.status, ==, 0);

  lines = g_strsplit (outcome.out, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "path,sha256,label,value,raw,unit,period,page,verified,snippet");
  for (guint i = 1; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("\"%s\",", a);

      /* The path has a comma: quoted as RFC 4180 asks. */
      g_assert_true (g_str_has_prefix (lines[i], quoted));
      n_rows++;
    }
  g_assert_cmpuint (n_rows, >=, 1);
}

static void
test_cache_and_password (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *plain = write_invoice (dir, "plain.pdf", "P-1");
  g_autofree char *locked = g_build_filename (dir, "locked.pdf", NULL);
  g_autoptr(GError) error = NULL;

  if (!assay_test_have_qpdf ())
    {
      g_test_skip ("qpdf is not installed");
      return;
    }
  g_assert_true (assay_test_pdf_encrypt (plain, locked, "pw-123", "owner-456", &error));
  g_assert_no_error (error);

  {
    g_auto(AssayTestOutcome) outcome = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *run;

    run_assay (&outcome, (const char *[]) { "--headless", plain, locked, NULL });
    g_assert_cmpint (outcome.status, ==, 1);
    run = parse_output (parser, outcome.out);
    g_assert_cmpstr (json_object_get_string_member (document_at (run, 1), "status"), ==,
                     "needs-password");
    /* The result says why; the command line says how to give one. */
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (document_at (run, 1), "error"),
                                                    "message"), ==, "This PDF is protected by a password.");
    g_assert_nonnull (strstr (outcome.err, "1 document needs a password: run again with --password."));
    g_assert_false (json_object_get_boolean_member (document_at (run, 0), "cached"));
  }

  {
    g_auto(AssayTestOutcome) outcome = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *run;

    run_assay (&outcome, (const char *[]) { "--headless", "--password", "pw-123", plain, locked, NULL });
    g_assert_cmpint (outcome.status, ==, 0);
    run = parse_output (parser, outcome.out);
    /* The first file was kept by the previous run. */
    g_assert_true (json_object_get_boolean_member (document_at (run, 0), "cached"));
    g_assert_cmpstr (json_object_get_string_member (document_at (run, 1), "status"), ==, "done");
    g_assert_null (strstr (outcome.out, "pw-123"));
    g_assert_null (strstr (outcome.err, "pw-123"));
  }

  {
    g_auto(AssayTestOutcome) outcome = { 0 };
    g_autoptr(JsonParser) parser = json_parser_new ();
    JsonObject *run;

    run_assay (&outcome, (const char *[]) { "--headless", "--no-cache", plain, NULL });
    g_assert_cmpint (outcome.status, ==, 0);
    run = parse_output (parser, outcome.out);
    g_assert_false (json_object_get_boolean_member (document_at (run, 0), "cached"));
  }
}

/* A cached run reads each stored result's digest and copies its text:
 * its documents, corpus view and CSV rows are those of the cold run. */
static void
test_cached_equals_cold (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *a = write_invoice (dir, "a.pdf", "A-1");
  g_autofree char *b = write_invoice (dir, "b.pdf", "B-22");
  g_auto(AssayTestOutcome) cold = { 0 };
  g_auto(AssayTestOutcome) cached = { 0 };
  g_auto(AssayTestOutcome) cold_csv = { 0 };
  g_auto(AssayTestOutcome) cached_csv = { 0 };
  g_autoptr(JsonParser) cold_parser = json_parser_new ();
  g_autoptr(JsonParser) cached_parser = json_parser_new ();
  JsonObject *cold_run, *cached_run;
  JsonObject *cached_corpus;

  run_assay (&cold, (const char *[]) { "--headless", a, b, NULL });
  g_assert_cmpint (cold.status, ==, 0);
  run_assay (&cached, (const char *[]) { "--headless", a, b, NULL });
  g_assert_cmpint (cached.status, ==, 0);
  cold_run = parse_output (cold_parser, cold.out);
  cached_run = parse_output (cached_parser, cached.out);

  for (guint i = 0; i < 2; i++)
    {
      JsonObject *cold_doc = document_at (cold_run, i);
      JsonObject *cached_doc = document_at (cached_run, i);

      g_assert_false (json_object_get_boolean_member (cold_doc, "cached"));
      g_assert_true (json_object_get_boolean_member (cached_doc, "cached"));
      json_object_set_boolean_member (cached_doc, "cached", FALSE);
    }
  /* All the rest, figures, analysis and timings included. */
  g_assert_true (json_node_equal (json_object_get_member (cold_run, "documents"),
                                  json_object_get_member (cached_run, "documents")));

  /* The corpus view, from digests, is the same, documents in input order. */
  cached_corpus = json_object_get_object_member (cached_run, "corpus");
  g_assert_cmpint (json_object_get_int_member (cached_corpus, "documents"), ==, 2);
  g_assert_true (json_node_equal (json_object_get_member (cold_run, "corpus"),
                                  json_object_get_member (cached_run, "corpus")));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (cached_corpus, "by_document"), 1), "path"), ==, b);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (cached_run, "summary"),
                                               "cached"), ==, 2);

  /* CSV needs what a digest leaves out (raw, page, snippet): the same rows. */
  run_assay (&cached_csv, (const char *[]) { "--headless", "--format", "csv", a, b, NULL });
  g_assert_cmpint (cached_csv.status, ==, 0);
  run_assay (&cold_csv, (const char *[]) { "--headless", "--no-cache", "--format", "csv", a, b, NULL });
  g_assert_cmpint (cold_csv.status, ==, 0);
  g_assert_nonnull (strstr (cold_csv.out, ",verified,"));
  g_assert_cmpstr (cached_csv.out, ==, cold_csv.out);
}

static gboolean
is_png_of_size (const char *path,
                guint       min_width)
{
  g_autofree char *data = NULL;
  gsize length;
  guint width;

  if (!g_file_get_contents (path, &data, &length, NULL) || length < 24 ||
      memcmp (data, "\x89PNG\r\n\x1a\n", 8) != 0)
    return FALSE;
  width = ((guint) (guchar) data[16] << 24) | ((guint) (guchar) data[17] << 16) |
          ((guint) (guchar) data[18] << 8) | (guint) (guchar) data[19];
  return width >= min_width;
}

typedef struct
{
  const char *fill;
  guint       n_paths;
  guint       n_subpaths;
} SvgScan;

static void
svg_start (GMarkupParseContext  *context,
           const char           *element,
           const char          **names,
           const char          **values,
           gpointer              user_data,
           GError              **error)
{
  SvgScan *scan = user_data;
  const char *style = NULL, *d = NULL;

  if (!g_str_equal (element, "path"))
    return;
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "style"))
      style = values[i];
    else if (g_str_equal (names[i], "d"))
      d = values[i];
  if (style == NULL || d == NULL || strstr (style, scan->fill) == NULL)
    return;
  scan->n_paths++;
  for (const char *p = d; *p != '\0'; p++)
    scan->n_subpaths += *p == 'Z';
}

/* The SVG parses as XML; how many closed shapes it fills with @fill. */
static guint
count_svg_shapes (const char *path,
                  const char *fill)
{
  GMarkupParser parser = { svg_start, NULL, NULL, NULL, NULL };
  SvgScan scan = { fill, 0, 0 };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_true (g_str_has_prefix (data, "<?xml"));
  g_markup_parse_context_parse (context, data, length, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return scan.n_subpaths;
}

static void
assert_png_size (const char *path,
                 guint       width,
                 guint       min_height)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  g_assert_cmpuint (length, >, 24);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (data + 16)), ==, width);
  g_assert_cmpuint (GUINT32_FROM_BE (*(guint32 *) (gpointer) (data + 20)), >=, min_height);
}

/* The corpus's charts of a run in @folder: every one as SVG and PNG;
 * Benford's bars; one near-duplicate bar a member of the groups the run's
 * corpus view lists; the same shapes as assay_charts_export_corpus()
 * writes from the run's documents. */
static void
assert_corpus_charts (const char *folder,
                      const char *run_json,
                      guint       n_done,
                      guint       n_near_duplicates)
{
  /* The light palette's first series colour, #3584e4, as cairo writes it. */
  static const char *blue = "fill:rgb(20.784314%,51.764706%,89.411765%)";
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  g_autoptr(AssayChartsCorpus) corpus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *rebuilt = g_build_filename (folder, "rebuilt", NULL);
  JsonObject *run;
  JsonArray *documents, *groups;
  guint n_members = 0;

  g_assert_true (json_parser_load_from_data (parser, run_json, -1, &error));
  g_assert_no_error (error);
  run = json_node_get_object (json_parser_get_root (parser));
  documents = json_object_get_array_member (run, "documents");
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      g_autoptr(AssayDocumentResult) result =
        assay_document_result_new_from_json (json_array_get_element (documents, i), NULL);

      if (result != NULL && g_strcmp0 (assay_document_result_get_status (result), "done") == 0)
        g_ptr_array_add (docs, assay_charts_corpus_doc_new_from_result (result));
    }
  g_assert_cmpuint (docs->len, ==, n_done);
  groups = json_object_get_array_member (json_object_get_object_member (run, "corpus"),
                                         "near_duplicate_groups");
  for (guint i = 0; i < json_array_get_length (groups); i++)
    n_members += json_array_get_length (json_object_get_array_member (json_array_get_object_element (groups, i),
                                                                     "members"));
  g_assert_cmpuint (n_members, ==, n_near_duplicates);

  corpus = assay_charts_corpus_build (docs, NULL);
  g_assert_cmpuint (corpus->groups->len, ==, json_array_get_length (groups));
  /* Each near-duplicate bar names the document it is like: "b.pdf ≈ a.pdf". */
  {
    AssayChartSpec *near = corpus->near_duplicates;

    for (guint i = 0; n_members > 0 && i < n_members; i++)
      g_assert_nonnull (strstr (assay_chart_series_get_label (assay_chart_spec_get_series (near, 0), i), " ≈ "));
  }
  g_assert_cmpint (g_mkdir (rebuilt, 0700), ==, 0);
  g_assert_true (assay_charts_export_corpus (corpus, rebuilt, NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint c = 0; assay_charts_corpus_ids[c] != NULL; c++)
    for (guint f = 0; f < 2; f++)
      {
        g_autofree char *file = g_strdup_printf ("corpus-%s.%s", assay_charts_corpus_ids[c],
                                                 f == 0 ? "svg" : "png");
        g_autofree char *path = g_build_filename (folder, file, NULL);
        g_autofree char *again = g_build_filename (rebuilt, file, NULL);
        g_autofree char *data = NULL;
        g_autofree char *expected = NULL;
        gsize length, expected_length;

        g_assert_true (g_file_get_contents (path, &data, &length, NULL));
        g_assert_true (g_file_get_contents (again, &expected, &expected_length, NULL));
        if (f == 0)
          {
            /* Not byte for byte: cairo numbers glyphs per process. */
            g_assert_nonnull (strstr (data, "<svg"));
            g_assert_cmpuint (count_svg_shapes (path, "fill:"), ==, count_svg_shapes (again, "fill:"));
            g_assert_cmpuint (count_svg_shapes (path, blue), ==, count_svg_shapes (again, blue));
          }
        else
          assert_png_size (path, 800, 480);
      }

  {
    g_autofree char *benford = g_build_filename (folder, "corpus-benford.svg", NULL);
    g_autofree char *near = g_build_filename (folder, "corpus-near-duplicates.svg", NULL);

    g_assert_cmpuint (count_svg_shapes (benford, blue), >=, 1);
    g_assert_cmpuint (count_svg_shapes (near, blue), ==, n_members);
  }
}

/* --charts DIR: each done document's charts as SVG and PNG, named after
 * the file, a second file of the same name with "-2", from a cached run as
 * from a cold one; none for a failed document; a folder that cannot be
 * made is a usage error before any work. */
static void
test_charts (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_autofree char *a = write_invoice (dir, "a.pdf", "A-1");
  g_autofree char *b = NULL;
  g_autofree char *broken = g_build_filename (dir, "broken.pdf", NULL);
  g_autofree char *charts = g_build_filename (dir, "charts", NULL);
  g_autofree char *again = g_build_filename (dir, "charts-again", NULL);
  const char *kinds[] = { "key-figures", "distribution", "benford", "figures-per-page" };
  g_auto(AssayTestOutcome) run = { 0 };
  g_auto(AssayTestOutcome) cached = { 0 };
  g_auto(AssayTestOutcome) bad = { 0 };

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  b = write_invoice (sub, "a.pdf", "B-22");
  g_assert_true (g_file_set_contents (broken, "%PDF-1.7\ntruncated", -1, NULL));

  run_assay (&run, (const char *[]) { "--headless", "--charts", charts, a, b, broken, NULL });
  g_assert_cmpint (run.status, ==, 1);   /* the broken one failed */
  run_assay (&cached, (const char *[]) { "--headless", "--charts", again, a, b, NULL });
  g_assert_cmpint (cached.status, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    for (guint d = 0; d < 2; d++)
      {
        const char *folder = d == 0 ? charts : again;
        g_autofree char *svg = g_strdup_printf ("%s/a-%s.svg", folder, kinds[i]);
        g_autofree char *svg2 = g_strdup_printf ("%s/a-2-%s.svg", folder, kinds[i]);
        g_autofree char *png = g_strdup_printf ("%s/a-%s.png", folder, kinds[i]);
        g_autofree char *text = NULL;

        g_assert_true (g_file_get_contents (svg, &text, NULL, NULL));
        g_assert_nonnull (strstr (text, "<svg"));
        g_assert_true (g_file_test (svg2, G_FILE_TEST_EXISTS));
        g_assert_true (is_png_of_size (png, 100));
      }
  {
    g_autofree char *none = g_strdup_printf ("%s/broken-benford.svg", charts);
    g_assert_false (g_file_test (none, G_FILE_TEST_EXISTS));
  }

  run_assay (&bad, (const char *[]) { "--headless", "--charts", "/proc/no/such/folder", a, NULL });
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "charts"));

  /* And the corpus's, in both folders, as the dashboard builds them. */
  assert_corpus_charts (charts, run.out, 2, 0);
  assert_corpus_charts (again, cached.out, 2, 0);

  /* Two reports of the same text but for a word: one near-duplicate bar. */
  {
    g_autofree char *alike = g_build_filename (dir, "alike", NULL);
    g_autofree char *c = write_report (dir, "c.pdf", "steady");
    g_autofree char *d = write_report (dir, "d.pdf", "strong");
    g_auto(AssayTestOutcome) pair = { 0 };

    run_assay (&pair, (const char *[]) { "--headless", "--charts", alike, c, d, NULL });
    g_assert_cmpint (pair.status, ==, 0);
    assert_corpus_charts (alike, pair.out, 2, 1);
  }
}

static void
test_stats_and_trace (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *a = write_invoice (dir, "a.pdf", "A-1");
  g_autofree char *b = write_invoice (dir, "b.pdf", "B-1");
  g_autofree char *trace = g_build_filename (dir, "trace.json", NULL);
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *events;
  guint n_spans = 0;

  run_assay (&outcome, (const char *[]) { "--headless", "--no-cache", "--stats", "--trace", trace,
                                          "--jobs", "1", a, b, NULL });
  g_assert_cmpint (outcome.status, ==, 0);
  g_assert_nonnull (strstr (outcome.err, "read"));
  g_assert_nonnull (strstr (outcome.err, "analyse"));

  json_parser_load_from_mapped_file (parser, trace, &error);
  g_assert_no_error (error);
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                         "traceEvents");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_str_equal (json_object_get_string_member (event, "ph"), "X"))
        {
          g_assert_cmpint (json_object_get_int_member (event, "dur"), >=, 0);
          n_spans++;
        }
    }
  /* hash, read, extract, analyse and store for each of the two documents */
  g_assert_cmpuint (n_spans, >=, 8);
}

/* More inputs than the CLI hands the pipeline at once (256): they are fed
 * as documents finish, all of them come out in input order, a duplicate
 * of the first is still found after hundreds of others, and no more than
 * the window were ever unfinished at once. */
static void
test_many_inputs_fed (void)
{
  const guint n = 300;
  g_autofree char *dir = make_dir ();
  g_autofree char *first = NULL;
  g_autofree char *copy = g_build_filename (dir, "z-copy.pdf", NULL);
  g_autofree char *bytes = NULL;
  gsize length;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_auto(AssayTestOutcome) outcome = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  const char *line;
  guint most = 0;
  JsonObject *run;
  JsonObject *last;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%03u.pdf", i);
      g_autofree char *number = g_strdup_printf ("N-%u", i);

      g_ptr_array_add (paths, write_invoice (dir, name, number));
    }
  first = g_strdup (g_ptr_array_index (paths, 0));
  g_file_get_contents (first, &bytes, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, bytes, length, &error);
  g_assert_no_error (error);

  run_assay (&outcome, (const char *[]) { "--headless", "--offline", "--no-cache", "--stats",
                                          dir, NULL });
  g_assert_cmpint (outcome.status, ==, 0);

  run = parse_output (parser, outcome.out);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (run, "documents")),
                    ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *document = document_at (run, i);

      g_assert_cmpstr (document_path (document), ==, g_ptr_array_index (paths, i));
      g_assert_cmpstr (json_object_get_string_member (document, "status"), ==, "done");
    }
  last = document_at (run, n);
  g_assert_cmpstr (document_path (last), ==, copy);
  g_assert_cmpstr (json_object_get_string_member (last, "status"), ==, "duplicate");
  g_assert_cmpstr (json_object_get_string_member (last, "duplicate_of"), ==, first);

  line = strstr (outcome.err, "documents: at most ");
  g_assert_nonnull (line);
  most = (guint) g_ascii_strtoull (line + strlen ("documents: at most "), NULL, 10);
  g_assert_cmpuint (most, >, 0);
  g_assert_cmpuint (most, <=, 256);
}

static void
test_interrupt (void)
{
  g_autofree char *dir = make_dir ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *big = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (guint i = 0; i < 3000; i++)
    g_ptr_array_add (pages, g_strdup_printf ("Page %u\nRevenue %u.5\n", i, i));
  big = assay_test_pdf_write_temp (dir, "big.pdf", (const char * const *) pages->pdata, pages->len);

  launcher = assay_test_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                      G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  process = g_subprocess_launcher_spawn (launcher, &error, assay_test_binary (),
                                         "--headless", "--no-cache", big, NULL);
  g_assert_no_error (error);

  wait_for_reader_child (process);
  start = g_get_monotonic_time ();
  g_subprocess_send_signal (process, SIGINT);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);

  /* Stopped promptly, reporting the cancelled document as not done. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_assert_true (g_subprocess_get_if_exited (process));
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/cli/version-and-help", test_version_and_help);
  g_test_add_func ("/assay/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/assay/cli/folder-json", test_folder_json);
  g_test_add_func ("/assay/cli/failures-and-exit-status", test_failures_and_exit_status);
  g_test_add_func ("/assay/cli/csv", test_csv);
  g_test_add_func ("/assay/cli/cache-and-password", test_cache_and_password);
  g_test_add_func ("/assay/cli/cached-equals-cold", test_cached_equals_cold);
  g_test_add_func ("/assay/cli/charts", test_charts);
  g_test_add_func ("/assay/cli/stats-and-trace", test_stats_and_trace);
  g_test_add_func ("/assay/cli/many-inputs-fed", test_many_inputs_fed);
  g_test_add_func ("/assay/cli/interrupt", test_interrupt);

  return g_test_run ();
}
