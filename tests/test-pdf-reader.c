/* test-pdf-reader.c — the read stage: in process, isolated, fanned out
 *
 * The PDFs are written by cairo (assay-test-pdf.c) and encrypted by qpdf.
 * Helper misbehaviour comes from $ASSAY_PDF_READER_TEST_HOOK (see
 * assay-pdf-reader-private.h), set only while no read is in flight.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "assay-pdf-reader.h"
#include "assay-pdf-reader-private.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_MS 20000

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif
#ifndef UNDER_ASAN
# define UNDER_ASAN 0
#endif

#if UNDER_ASAN
/* Debian's GLib has no frame pointers, so LSan's fast unwinder stops in it
 * and the GLib suppressions in lsan.supp never match. Unwind slowly in this
 * process (the helper keeps the fast default), and suppress the user-dir
 * strings GLib drops each time G_TEST_OPTION_ISOLATE_DIRS resets them. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_set_user_dirs\n";
}
#endif

static char *tmp_dir;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

/* "Page N" on the first line, then a line that differs on every page. */
static char *
page_text (guint index)
{
  return g_strdup_printf ("Page %u\nalpha %u beta %u", index + 1, index * 7, index * 13 + 1);
}

static char *
write_numbered_pdf (const char *name,
                    guint       n_pages)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  char *path = tmp_path (name);

  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;

  for (guint i = 0; i < n_pages; i++)
    g_ptr_array_add (pages, page_text (i));

  assay_test_pdf_write (path, (const char * const *) pages->pdata, n_pages, NULL, &error);
  g_assert_no_error (error);

  return path;
}

static AssayReadLimits
default_limits (void)
{
  AssayReadLimits limits;

  assay_read_limits_init_default (&limits);
  return limits;
}

static void
assert_numbered_pages (const AssayPdfText *text,
                       guint               first,
                       guint               end)
{
  g_assert_cmpuint (text->pages->len, ==, end - first);
  for (guint i = first; i < end; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i - first);
      g_autofree char *expected = page_text (i);

      g_assert_cmpuint (page->index, ==, i);
      g_assert_cmpstr (page->text, ==, expected);
      g_assert_true (page->has_text_layer);
    }
}

static void
assert_same_text (const AssayPdfText *a,
                  const AssayPdfText *b)
{
  g_assert_cmpuint (a->n_pages, ==, b->n_pages);
  g_assert_cmpuint (a->pages->len, ==, b->pages->len);
  for (guint i = 0; i < a->pages->len; i++)
    {
      const AssayPageText *pa = g_ptr_array_index (a->pages, i);
      const AssayPageText *pb = g_ptr_array_index (b->pages, i);

      g_assert_cmpuint (pa->index, ==, pb->index);
      g_assert_cmpstr (pa->text, ==, pb->text);
      g_assert_cmpint (pa->has_text_layer, ==, pb->has_text_layer);
    }
  g_assert_cmpstr (a->title, ==, b->title);
  g_assert_cmpstr (a->producer, ==, b->producer);
  g_assert_cmpstr (a->pdf_version, ==, b->pdf_version);
  g_assert_cmpint (a->creation_date, ==, b->creation_date);
  g_assert_cmpuint (a->warnings->len, ==, b->warnings->len);
  for (guint i = 0; i < a->warnings->len; i++)
    g_assert_cmpstr (g_ptr_array_index (a->warnings, i), ==, g_ptr_array_index (b->warnings, i));
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n - 1;   /* the GDir's own */
}

/* The fd count once GLib's worker thread has let go of what it releases
 * after a helper exits. */
static guint
settled_fd_count (void)
{
  guint last = count_fds ();

  for (guint i = 0; i < 100; i++)
    {
      guint now;

      g_usleep (20 * 1000);
      now = count_fds ();
      if (now == last)
        return now;
      last = now;
    }

  g_assert_not_reached ();
}

/* The text a read gives, either way, in this process or in a helper. */
typedef AssayPdfText *(*ReadFunc) (const char *, const char *, guint, guint,
                                   const AssayReadLimits *, GCancellable *, GError **);

static const ReadFunc read_funcs[] = { assay_pdf_read_range, assay_pdf_read_range_isolated };

static gboolean
flag_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default main context until *done, at most @limit_ms. */
static void
run_until (gboolean *done,
           guint     limit_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (limit_ms, flag_timeout, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_assert_false (timed_out);
  g_source_remove (id);
}

typedef struct
{
  gboolean      done;
  AssayPdfText *text;
  GError       *error;
  gint64        finished_at;
  GArray       *progress;   /* guint pairs: pages_done, n_pages */
} AsyncResult;

static void
async_result_clear (AsyncResult *r)
{
  g_clear_pointer (&r->text, assay_pdf_text_unref);
  g_clear_error (&r->error);
  g_clear_pointer (&r->progress, g_array_unref);
}

static void
on_progress (gpointer user_data,
             guint    pages_done,
             guint    n_pages)
{
  AsyncResult *r = user_data;
  guint pair[2] = { pages_done, n_pages };

  g_assert_false (r->done);
  g_array_append_vals (r->progress, pair, 2);
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncResult *r = user_data;

  g_assert_false (r->done);
  r->text = assay_pdf_read_finish (result, &r->error);
  r->finished_at = g_get_monotonic_time ();
  r->done = TRUE;
}

static void
start_async (AssayWorkerPool       *pool,
             const char            *path,
             const char            *password,
             const AssayReadLimits *limits,
             GCancellable          *cancellable,
             AsyncResult           *r)
{
  memset (r, 0, sizeof *r);
  r->progress = g_array_new (FALSE, FALSE, sizeof (guint));
  assay_pdf_read_async (pool, path, password, limits, G_PRIORITY_DEFAULT,
                        on_progress, r, cancellable, on_read, r);
}

/* Drops the last reference to @pool once every part of every read let go
 * of it, which proves no part is left running. */
static void
release_pool (AssayWorkerPool *pool)
{
  gpointer weak = pool;
  gint64 limit = g_get_monotonic_time () + WAIT_LIMIT_MS * 1000;

  g_object_add_weak_pointer (G_OBJECT (pool), &weak);
  g_object_unref (pool);
  while (weak != NULL && g_get_monotonic_time () < limit)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_assert_null (weak);
}

/* ---------------------------------------------------------------------- */
/* Reading                                                                */

static void
test_text_and_metadata (void)
{
  const char *pages[] = { "Annual report 2023\nRevenue 1,234.50 EUR", "Second page", "Ü and € too" };
  AssayTestPdfMetadata metadata = {
    .title = "The Title", .author = "Ann Author", .subject = "Reports",
    .keywords = "finance, 2023", .creator = "assay tests",
    .create_date = "2024-03-01T10:00:00",
  };
  g_autofree char *path = tmp_path ("meta.pdf");
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();

  assay_test_pdf_write (path, pages, 3, &metadata, &error);
  g_assert_no_error (error);

  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(AssayPdfText) text = read_funcs[f] (path, NULL, 0, 0, &limits, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (text);
      g_assert_cmpuint (text->n_pages, ==, 3);
      g_assert_cmpuint (text->pages->len, ==, 3);
      g_assert_cmpstr (assay_pdf_text_get_page (text, 0), ==,
                       "Annual report 2023\nRevenue 1,234.50 EUR");
      g_assert_cmpstr (assay_pdf_text_get_page (text, 1), ==, "Second page");
      g_assert_cmpstr (assay_pdf_text_get_page (text, 2), ==, "Ü and € too");
      g_assert_cmpstr (text->title, ==, "The Title");
      g_assert_cmpstr (text->author, ==, "Ann Author");
      g_assert_cmpstr (text->subject, ==, "Reports");
      g_assert_cmpstr (text->keywords, ==, "finance, 2023");
      g_assert_cmpstr (text->creator, ==, "assay tests");
      g_assert_true (g_str_has_prefix (text->producer, "cairo "));
      g_assert_cmpstr (text->pdf_version, ==, "1.5");
      /* 2024-03-01T10:00:00 in UTC (TZ is UTC here) */
      g_assert_cmpint (text->creation_date, ==, 1709287200);
      g_assert_cmpint (text->modification_date, ==, -1);
      g_assert_cmpuint (text->warnings->len, ==, 0);
      g_assert_cmpuint (assay_pdf_text_count_empty_pages (text), ==, 0);
    }
}

static void
test_page_range (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  AssayReadLimits limits = default_limits ();

  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayPdfText) middle = NULL;
      g_autoptr(AssayPdfText) tail = NULL;
      g_autoptr(AssayPdfText) clipped = NULL;
      g_autoptr(AssayPdfText) beyond = NULL;

      middle = read_funcs[f] (path, NULL, 3, 6, &limits, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (middle->n_pages, ==, 10);
      assert_numbered_pages (middle, 3, 6);
      /* metadata only with the first page */
      g_assert_null (middle->producer);
      g_assert_null (middle->pdf_version);

      tail = read_funcs[f] (path, NULL, 8, 0, &limits, NULL, &error);
      g_assert_no_error (error);
      assert_numbered_pages (tail, 8, 10);

      clipped = read_funcs[f] (path, NULL, 7, 500, &limits, NULL, &error);
      g_assert_no_error (error);
      assert_numbered_pages (clipped, 7, 10);

      beyond = read_funcs[f] (path, NULL, 12, 20, &limits, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (beyond->n_pages, ==, 10);
      g_assert_cmpuint (beyond->pages->len, ==, 0);
    }
}

static void
test_max_pages (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  AssayReadLimits limits = default_limits ();

  limits.max_pages = 4;
  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayPdfText) text = read_funcs[f] (path, NULL, 0, 0, &limits, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (text->n_pages, ==, 10);
      assert_numbered_pages (text, 0, 4);
      g_assert_cmpuint (text->warnings->len, ==, 1);
      g_assert_cmpstr (g_ptr_array_index (text->warnings, 0), ==,
                       "Only the first 4 of 10 pages were read; the rest is over the page limit.");
    }
}

static void
test_max_text_bytes (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  AssayReadLimits limits = default_limits ();
  g_autofree char *page0 = page_text (0);
  g_autofree char *page1 = page_text (1);

  /* All of page 1, four bytes of page 2 ("Page"), nothing after. */
  limits.max_text_bytes = strlen (page0) + 4;
  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayPdfText) text = read_funcs[f] (path, NULL, 0, 0, &limits, NULL, &error);
      g_autofree char *size = g_format_size (limits.max_text_bytes);
      g_autofree char *expected = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (text->pages->len, ==, 2);
      g_assert_cmpstr (assay_pdf_text_get_page (text, 0), ==, page0);
      g_assert_cmpstr (assay_pdf_text_get_page (text, 1), ==, "Page");
      g_assert_cmpuint (text->warnings->len, ==, 1);
      expected = g_strdup_printf ("The text is longer than the limit of %s; it was cut on page 2 "
                                  "and later pages were not read.", size);
      g_assert_cmpstr (g_ptr_array_index (text->warnings, 0), ==, expected);
    }
  g_assert_cmpstr (page1, !=, "Page");
}

static void
test_no_text_layer (void)
{
  const char *pages[] = { "Text", NULL, NULL, "More text", NULL };
  AssayTestPdfMetadata metadata = { .blank_pages_are_images = TRUE };
  g_autofree char *path = tmp_path ("scanned.pdf");
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();

  assay_test_pdf_write (path, pages, 5, &metadata, &error);
  g_assert_no_error (error);

  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(AssayPdfText) text = read_funcs[f] (path, NULL, 0, 0, &limits, NULL, &error);
      const gboolean expected[] = { TRUE, FALSE, FALSE, TRUE, FALSE };

      g_assert_no_error (error);
      g_assert_cmpuint (text->pages->len, ==, 5);
      for (guint i = 0; i < 5; i++)
        {
          const AssayPageText *page = g_ptr_array_index (text->pages, i);

          g_assert_cmpint (page->has_text_layer, ==, expected[i]);
          if (!expected[i])
            g_assert_cmpstr (page->text, ==, "");
        }
      g_assert_cmpuint (assay_pdf_text_count_empty_pages (text), ==, 3);
      g_assert_cmpuint (text->warnings->len, ==, 2);
      g_assert_cmpstr (g_ptr_array_index (text->warnings, 0), ==,
                       "pages 2–3 have no text layer (scanned?)");
      g_assert_cmpstr (g_ptr_array_index (text->warnings, 1), ==,
                       "page 5 has no text layer (scanned?)");
    }
}

static void
test_sanitize (void)
{
  const char bad[] = "ab\0c\xff" "d\xc3";   /* a NUL, a stray byte, a cut sequence */
  g_autofree char *clean = _assay_pdf_text_sanitize (bad, sizeof bad - 1);
  g_autofree char *fine = _assay_pdf_text_sanitize ("plain €", strlen ("plain €"));
  char cut[] = "a€b";   /* € is 3 bytes: 1..3 */

  g_assert_cmpstr (clean, ==, "abc\xef\xbf\xbd" "d\xef\xbf\xbd");
  g_assert_true (g_utf8_validate (clean, -1, NULL));
  g_assert_cmpstr (fine, ==, "plain €");

  /* A font's spaces as U+0002, a DEL, an escape: spaces, one for one;
   * tabs and line and page breaks stay. */
  {
    const char controls[] = "Net\x02total\x7f\x1b[1m\t1\n2\f3\r";
    g_autofree char *blanked = _assay_pdf_text_sanitize (controls, sizeof controls - 1);

    g_assert_cmpstr (blanked, ==, "Net total  [1m\t1\n2\f3\r");
    g_assert_cmpuint (strlen (blanked), ==, sizeof controls - 1);
  }

  _assay_pdf_text_cut_utf8 (cut, 3);   /* inside the € */
  g_assert_cmpstr (cut, ==, "a");
}

/* ---------------------------------------------------------------------- */
/* Files that are not good PDFs                                           */

static void
assert_read_error (const char            *path,
                   const char            *password,
                   int                    code,
                   const char            *message_part)
{
  AssayReadLimits limits = default_limits ();

  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayPdfText) text = read_funcs[f] (path, password, 0, 0, &limits, NULL, &error);

      g_assert_null (text);
      g_assert_error (error, ASSAY_READ_ERROR, code);
      if (message_part != NULL)
        g_assert_nonnull (strstr (error->message, message_part));
      if (password != NULL && *password != '\0')
        g_assert_null (strstr (error->message, password));
    }
}

static void
test_missing (void)
{
  g_autofree char *path = tmp_path ("no-such.pdf");

  assert_read_error (path, NULL, ASSAY_READ_ERROR_NOT_FOUND, "does not exist");
}

static void
test_empty (void)
{
  g_autofree char *path = tmp_path ("empty.pdf");

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_read_error (path, NULL, ASSAY_READ_ERROR_EMPTY, "empty");
}

static void
test_not_pdf (void)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
  };
  g_autofree char *png_path = tmp_path ("image.pdf");
  g_autofree char *text_path = tmp_path ("notes.pdf");

  g_assert_true (g_file_set_contents (png_path, (const char *) png, sizeof png, NULL));
  assert_read_error (png_path, NULL, ASSAY_READ_ERROR_NOT_PDF, "not a PDF");

  g_assert_true (g_file_set_contents (text_path, "Dear reader,\nthis is not a PDF.\n", -1, NULL));
  assert_read_error (text_path, NULL, ASSAY_READ_ERROR_NOT_PDF, "not a PDF");

  assert_read_error (tmp_dir, NULL, ASSAY_READ_ERROR_NOT_PDF, "folder");
}

static void
test_truncated (void)
{
  g_autofree char *whole = write_numbered_pdf ("ten.pdf", 10);
  g_autofree char *half = tmp_path ("half.pdf");
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (whole, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 1000);
  g_assert_true (g_file_set_contents (half, contents, (gssize) len / 2, NULL));

  assert_read_error (half, NULL, ASSAY_READ_ERROR_DAMAGED, "damaged or incomplete");
}

static void
test_unreadable (void)
{
  g_autofree char *path = write_numbered_pdf ("locked.pdf", 1);

  if (geteuid () == 0)
    {
      g_test_skip ("root reads files without read permission");
      return;
    }

  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  assert_read_error (path, NULL, ASSAY_READ_ERROR_UNREADABLE, "permission");
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
}

static void
test_encrypted (void)
{
  g_autofree char *plain = write_numbered_pdf ("secret-plain.pdf", 3);
  g_autofree char *locked = tmp_path ("secret.pdf");
  g_autofree char *owner_only = tmp_path ("owner-only.pdf");
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();

  if (!assay_test_have_qpdf ())
    {
      g_test_skip ("qpdf is not installed");
      return;
    }

  assay_test_pdf_encrypt (plain, locked, "s3cret-user", "0wner-pw", &error);
  g_assert_no_error (error);
  assay_test_pdf_encrypt (plain, owner_only, "", "0wner-pw", &error);
  g_assert_no_error (error);

  assert_read_error (locked, NULL, ASSAY_READ_ERROR_NEEDS_PASSWORD, "protected by a password");
  assert_read_error (locked, "wrong-guess", ASSAY_READ_ERROR_NEEDS_PASSWORD, "does not open this PDF");

  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      g_autoptr(AssayPdfText) user = read_funcs[f] (locked, "s3cret-user", 0, 0, &limits, NULL, &error);
      g_autoptr(AssayPdfText) owner = NULL;
      g_autoptr(AssayPdfText) open = NULL;

      g_assert_no_error (error);
      assert_numbered_pages (user, 0, 3);

      owner = read_funcs[f] (locked, "0wner-pw", 0, 0, &limits, NULL, &error);
      g_assert_no_error (error);
      assert_numbered_pages (owner, 0, 3);

      open = read_funcs[f] (owner_only, NULL, 0, 0, &limits, NULL, &error);
      g_assert_no_error (error);
      assert_numbered_pages (open, 0, 3);
    }
}

/* ---------------------------------------------------------------------- */
/* The helper                                                             */

static void
test_in_process_deadline_and_cancel (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;
  guint cut_page;

  limits.timeout_seconds = 7;
  text = _assay_pdf_read_range_full (path, NULL, 0, 0, &limits, g_get_monotonic_time (),
                                     NULL, &cut_page, &error);
  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "7 seconds"));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  for (guint f = 0; f < G_N_ELEMENTS (read_funcs); f++)
    {
      text = read_funcs[f] (path, NULL, 0, 0, &limits, cancellable, &error);
      g_assert_null (text);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_clear_error (&error);
    }
}

static void
test_helper_timeout (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;
  gint64 start;
  gint64 elapsed;

  limits.timeout_seconds = 1;
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  start = g_get_monotonic_time ();
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  elapsed = g_get_monotonic_time () - start;
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "1 second"));
  g_assert_cmpint (elapsed, >=, 950 * 1000);
  g_assert_cmpint (elapsed, <, 3 * G_USEC_PER_SEC);
}

/* How many of the helper's descriptors are @data (a /proc/…/fd link
 * target such as "pipe:[1234]"), once it has run for a while: the first
 * child of this process that is the helper, looked at for up to 3 s (it
 * stalls for longer). -1 if none was seen. */
static gpointer
watch_helper_descriptors (gpointer data)
{
  const char *target = data;
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;
  gint64 first_seen = 0;
  int n_extra = -1;

  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GDir) proc = g_dir_open ("/proc", 0, NULL);
      const char *name;

      while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
        {
          g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
          g_autofree char *stat = NULL;
          const char *after_comm;
          char state;
          int ppid;

          if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
            continue;
          after_comm = strrchr (stat, ')');
          if (strstr (stat, "(assay-pdf-reade") == NULL || after_comm == NULL ||
              sscanf (after_comm + 1, " %c %d", &state, &ppid) != 2 || ppid != getpid ())
            continue;

          if (first_seen == 0)
            first_seen = g_get_monotonic_time ();
          else if (g_get_monotonic_time () - first_seen > 300 * 1000)
            {
              g_autofree char *fd_path = g_build_filename ("/proc", name, "fd", NULL);
              g_autoptr(GDir) fds = g_dir_open (fd_path, 0, NULL);
              const char *fd;

              n_extra = 0;
              while (fds != NULL && (fd = g_dir_read_name (fds)) != NULL)
                {
                  g_autofree char *link = g_build_filename (fd_path, fd, NULL);
                  g_autofree char *points_to = g_file_read_link (link, NULL);

                  if (g_strcmp0 (points_to, target) == 0)
                    n_extra++;
                }
              return GINT_TO_POINTER (n_extra + 1);
            }
        }
      g_usleep (20 * 1000);
    }

  return GINT_TO_POINTER (n_extra + 1);
}

/* The app starts helpers with its descriptors left open (so that GLib uses
 * posix_spawn); the helper keeps none of them. */
static void
test_helper_descriptors (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  GThread *watcher;
  AssayPdfText *text;
  g_autofree char *self_link = NULL;
  g_autofree char *target = NULL;
  int leaked[2];
  int n_extra;

  /* A descriptor a library might have opened without O_CLOEXEC. */
  g_assert_cmpint (pipe (leaked), ==, 0);
  g_assert_cmpint (fcntl (leaked[0], F_GETFD) & FD_CLOEXEC, ==, 0);
  self_link = g_strdup_printf ("/proc/self/fd/%d", leaked[0]);
  target = g_file_read_link (self_link, NULL);
  g_assert_nonnull (target);

  limits.timeout_seconds = 2;
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  watcher = g_thread_new ("watch-helper", watch_helper_descriptors, target);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  n_extra = GPOINTER_TO_INT (g_thread_join (watcher)) - 1;
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  close (leaked[0]);
  close (leaked[1]);

  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT);
  g_assert_cmpint (n_extra, ==, 0);
}

static void
test_helper_crash (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPdfText) after = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "crash", TRUE);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  g_assert_nonnull (strstr (error->message, "The rest of the batch is unaffected"));
  g_clear_error (&error);

  /* The next read is not affected. */
  after = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  assert_numbered_pages (after, 0, 10);
}

static void
test_helper_garbage (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "garbage", TRUE);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  g_assert_nonnull (strstr (error->message, "malformed"));
}

static void
test_helper_lying_boxes (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "lying-boxes", TRUE);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  g_assert_nonnull (strstr (error->message, "malformed"));
}

/* Runs of digits come with their boxes, the same in this process and
 * through the helper; pages without a digit have none. */
static void
test_digit_boxes (void)
{
  const char *pages[] = { "Revenue 1,234.5 and 42\nNo numbers on this line", "Only words here" };
  g_autofree char *path = tmp_path ("boxes.pdf");
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  g_autoptr(AssayPdfText) here = NULL;
  g_autoptr(AssayPdfText) there = NULL;
  const AssayPageText *page;
  const AssayTextBox *box;

  assay_test_pdf_write (path, pages, 2, NULL, &error);
  g_assert_no_error (error);

  here = assay_pdf_read_range (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  there = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);

  page = assay_pdf_text_find_page (here, 0);
  g_assert_nonnull (page->boxes);
  g_assert_cmpuint (page->boxes->len, ==, 2);
  box = &g_array_index (page->boxes, AssayTextBox, 0);
  g_assert_cmpuint (box->end - box->start, ==, strlen ("1,234.5"));
  g_assert_true (strncmp (page->text + box->start, "1,234.5", box->end - box->start) == 0);
  /* first line: baseline at 56 pt, from x = 56 pt */
  g_assert_cmpfloat (box->x, >, 60);
  g_assert_cmpfloat (box->y, <, 56);
  g_assert_cmpfloat (box->y + box->height, >, 55);
  g_assert_cmpfloat (box->height, <, 16);
  box = &g_array_index (page->boxes, AssayTextBox, 1);
  g_assert_true (strncmp (page->text + box->start, "42", box->end - box->start) == 0);
  g_assert_null (assay_pdf_text_find_page (here, 1)->boxes);

  g_assert_nonnull (assay_pdf_text_find_page (there, 0)->boxes);
  g_assert_cmpuint (assay_pdf_text_find_page (there, 0)->boxes->len, ==, 2);
  g_assert_true (memcmp (assay_pdf_text_find_page (there, 0)->boxes->data, page->boxes->data,
                         2 * sizeof (AssayTextBox)) == 0);
  g_assert_null (assay_pdf_text_find_page (there, 1)->boxes);
}

/* A short document's words come with their boxes, the same here and
 * through the helper ('L' frames), page without digits included; a
 * document longer than ASSAY_WORD_BOXES_MAX_PAGES gets none. */
static void
test_word_boxes (void)
{
  const char *pages[] = { "Invoice Date:   Total$1,250.00", "Only words here" };
  g_autofree char *path = tmp_path ("words.pdf");
  g_autofree char *long_path = write_numbered_pdf ("ten-words.pdf", ASSAY_WORD_BOXES_MAX_PAGES + 2);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  g_autoptr(AssayPdfText) here = NULL;
  g_autoptr(AssayPdfText) there = NULL;
  g_autoptr(AssayPdfText) long_text = NULL;
  const AssayPageText *page;
  const char *expected[] = { "Invoice", "Date:", "Total$1,250.00" };

  assay_test_pdf_write (path, pages, 2, NULL, &error);
  g_assert_no_error (error);

  here = assay_pdf_read_range (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  there = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);

  page = assay_pdf_text_find_page (here, 0);
  g_assert_nonnull (page->words);
  g_assert_cmpuint (page->words->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < page->words->len; i++)
    {
      const AssayTextBox *box = &g_array_index (page->words, AssayTextBox, i);

      g_assert_cmpuint (box->end - box->start, ==, strlen (expected[i]));
      g_assert_true (strncmp (page->text + box->start, expected[i], box->end - box->start) == 0);
      g_assert_cmpfloat (box->x, >=, 55);
      g_assert_cmpfloat (box->height, <, 16);
      if (i > 0)
        g_assert_cmpfloat (box->x, >, g_array_index (page->words, AssayTextBox, i - 1).x);
    }
  g_assert_nonnull (assay_pdf_text_find_page (here, 1)->words);
  g_assert_cmpuint (assay_pdf_text_find_page (here, 1)->words->len, ==, 3);

  for (guint i = 0; i < 2; i++)
    {
      const AssayPageText *a = assay_pdf_text_find_page (here, i);
      const AssayPageText *b = assay_pdf_text_find_page (there, i);

      g_assert_nonnull (b->words);
      g_assert_cmpuint (b->words->len, ==, a->words->len);
      g_assert_true (memcmp (b->words->data, a->words->data,
                             a->words->len * sizeof (AssayTextBox)) == 0);
    }

  long_text = assay_pdf_read_range_isolated (long_path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < long_text->pages->len; i++)
    g_assert_null (((AssayPageText *) g_ptr_array_index (long_text->pages, i))->words);
}

static void
test_helper_out_of_memory (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AssayPdfText *text;

  /* Without ASan the helper's address-space limit stops it; under ASan,
   * which cannot run with one, the parent's watch on its resident memory. */
  limits.max_memory_bytes = 512 * 1024 * 1024;
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "oom", TRUE);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, NULL, &error);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_null (text);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "limit 512 MiB"));
}

typedef struct
{
  GCancellable *cancellable;
  guint         delay_ms;
  gint64        cancelled_at;
} CancelLater;

static gpointer
cancel_later_thread (gpointer data)
{
  CancelLater *later = data;

  g_usleep (later->delay_ms * 1000);
  later->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (later->cancellable);
  return NULL;
}

static void
test_helper_cancel (void)
{
  g_autofree char *path = write_numbered_pdf ("ten.pdf", 10);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  CancelLater later = { cancellable, 200, 0 };
  GThread *thread;
  AssayPdfText *text;
  gint64 returned_at;

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  thread = g_thread_new ("cancel-later", cancel_later_thread, &later);
  text = assay_pdf_read_range_isolated (path, NULL, 0, 0, &limits, cancellable, &error);
  returned_at = g_get_monotonic_time ();
  g_thread_join (thread);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (returned_at - later.cancelled_at, <, 500 * 1000);
  g_test_message ("helper killed %.1f ms after the cancel",
                  (returned_at - later.cancelled_at) / 1000.0);
}

/* ---------------------------------------------------------------------- */
/* The fan-out                                                            */

static void
test_async_fan_out (void)
{
  g_autofree char *path = write_numbered_pdf ("three-hundred.pdf", 300);
  AssayWorkerPool *pool = assay_worker_pool_new (3);
  g_autoptr(AssayPdfText) in_process = NULL;
  g_autoptr(GError) error = NULL;
  AssayReadLimits limits = default_limits ();
  AsyncResult r;
  guint last_done = 0;

  in_process = assay_pdf_read_range (path, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  assert_numbered_pages (in_process, 0, 300);

  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);

  g_assert_no_error (r.error);
  assert_numbered_pages (r.text, 0, 300);
  assert_same_text (r.text, in_process);
  g_assert_true (g_str_has_prefix (r.text->producer, "cairo "));

  /* 64 pages first, then 236 in 4 parts (⌈236 / 64⌉, under the cap of two
   * per worker) of 59 pages. */
  g_assert_cmpuint (r.progress->len / 2, ==, 5);
  g_assert_cmpuint (g_array_index (r.progress, guint, 0), ==, 64);
  for (guint i = 0; i < r.progress->len / 2; i++)
    {
      guint done = g_array_index (r.progress, guint, 2 * i);
      guint done_delta = done - last_done;

      g_assert_cmpuint (g_array_index (r.progress, guint, 2 * i + 1), ==, 300);
      g_assert_cmpuint (done, >, last_done);
      if (i > 0)
        g_assert_cmpuint (done_delta, ==, 59);
      last_done = done;
    }
  g_assert_cmpuint (last_done, ==, 300);

  async_result_clear (&r);
  release_pool (pool);
}

static void
test_async_limits (void)
{
  g_autofree char *path = write_numbered_pdf ("three-hundred.pdf", 300);
  AssayWorkerPool *pool = assay_worker_pool_new (2);
  AssayReadLimits limits = default_limits ();
  g_autofree char *page0 = page_text (0);
  g_autofree char *size = NULL;
  g_autofree char *expected = NULL;
  gsize total = 0;
  AsyncResult r;

  /* max_pages cuts the fan-out; max_text_bytes applies to the whole. */
  limits.pages_per_part = 16;
  limits.max_pages = 100;
  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.text->n_pages, ==, 300);
  assert_numbered_pages (r.text, 0, 100);
  g_assert_cmpuint (r.text->warnings->len, ==, 1);
  g_assert_cmpuint (g_array_index (r.progress, guint, r.progress->len - 2), ==, 100);
  g_assert_cmpuint (g_array_index (r.progress, guint, r.progress->len - 1), ==, 100);
  async_result_clear (&r);

  /* The cut falls in a later part: 70 whole pages, then 2 bytes. */
  limits.max_pages = 0;
  for (guint i = 0; i < 70; i++)
    {
      g_autofree char *t = page_text (i);
      total += strlen (t);
    }
  limits.max_text_bytes = total + 2;
  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.text->pages->len, ==, 71);
  g_assert_cmpstr (assay_pdf_text_get_page (r.text, 0), ==, page0);
  g_assert_cmpstr (assay_pdf_text_get_page (r.text, 70), ==, "Pa");
  size = g_format_size (limits.max_text_bytes);
  expected = g_strdup_printf ("The text is longer than the limit of %s; it was cut on page 71 "
                              "and later pages were not read.", size);
  g_assert_cmpuint (r.text->warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (r.text->warnings, 0), ==, expected);
  async_result_clear (&r);

  release_pool (pool);
}

static void
test_async_errors (void)
{
  g_autofree char *missing = tmp_path ("missing-async.pdf");
  g_autofree char *path = write_numbered_pdf ("three-hundred.pdf", 300);
  AssayWorkerPool *pool = assay_worker_pool_new (2);
  AssayReadLimits limits = default_limits ();
  AsyncResult r;

  start_async (pool, missing, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_assert_null (r.text);
  g_assert_error (r.error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_FOUND);
  g_assert_cmpuint (r.progress->len, ==, 0);
  async_result_clear (&r);

  /* Every part crashes: one error, the callback once. */
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "crash", TRUE);
  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_error (r.error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  async_result_clear (&r);

  /* The whole document's deadline. */
  limits.timeout_seconds = 1;
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_error (r.error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT);
  async_result_clear (&r);

  release_pool (pool);
}

static gboolean
cancel_now (gpointer user_data)
{
  CancelLater *later = user_data;

  later->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (later->cancellable);
  return G_SOURCE_REMOVE;
}

static void
test_async_cancel (void)
{
  g_autofree char *path = write_numbered_pdf ("three-hundred.pdf", 300);
  g_autofree char *ten = write_numbered_pdf ("ten.pdf", 10);
  AssayWorkerPool *pool = assay_worker_pool_new (2);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AssayReadLimits limits = default_limits ();
  CancelLater later = { cancellable, 0, 0 };
  AsyncResult r;
  AsyncResult next;

  /* A read that would run for minutes... */
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  start_async (pool, path, NULL, &limits, cancellable, &r);
  g_timeout_add (200, cancel_now, &later);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  /* ... answers promptly once cancelled. */
  g_assert_null (r.text);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (later.cancelled_at, >, 0);
  g_assert_cmpint (r.finished_at - later.cancelled_at, <, 500 * 1000);
  g_test_message ("async read answered %.1f ms after the cancel",
                  (r.finished_at - later.cancelled_at) / 1000.0);
  async_result_clear (&r);

  /* An already-cancelled read never starts a helper. */
  start_async (pool, path, NULL, &limits, cancellable, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_result_clear (&r);

  /* The pool still works. */
  start_async (pool, ten, NULL, &limits, NULL, &next);
  run_until (&next.done, WAIT_LIMIT_MS);
  g_assert_no_error (next.error);
  assert_numbered_pages (next.text, 0, 10);
  async_result_clear (&next);

  release_pool (pool);
}

static void
test_no_leaked_fds (void)
{
  g_autofree char *path = write_numbered_pdf ("three-hundred.pdf", 300);
  g_autofree char *ten = write_numbered_pdf ("ten.pdf", 10);
  g_autofree char *secret = tmp_path ("fds-secret.pdf");
  AssayReadLimits limits = default_limits ();
  AssayWorkerPool *pool;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelLater later = { cancellable, 0, 0 };
  AssayPdfText *text;
  GError *error = NULL;
  AsyncResult r;
  guint before;
  guint after;

  /* Warm up GLib's child watch and worker context, which keep fds. */
  text = assay_pdf_read_range_isolated (ten, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  assay_pdf_text_unref (text);

  before = settled_fd_count ();

  text = assay_pdf_read_range_isolated (ten, NULL, 0, 0, &limits, NULL, &error);
  g_assert_no_error (error);
  assay_pdf_text_unref (text);

  if (assay_test_have_qpdf ())
    {
      assay_test_pdf_encrypt (ten, secret, "user-pw", "owner-pw", &error);
      g_assert_no_error (error);

      text = assay_pdf_read_range_isolated (secret, "wrong", 0, 0, &limits, NULL, &error);
      g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD);
      g_clear_error (&error);

      text = assay_pdf_read_range_isolated (secret, "user-pw", 0, 0, &limits, NULL, &error);
      g_assert_no_error (error);
      assert_numbered_pages (text, 0, 10);
      assay_pdf_text_unref (text);
    }

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "crash", TRUE);
  text = assay_pdf_read_range_isolated (ten, NULL, 0, 0, &limits, NULL, &error);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  g_clear_error (&error);

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "garbage", TRUE);
  text = assay_pdf_read_range_isolated (ten, NULL, 0, 0, &limits, NULL, &error);
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
  g_clear_error (&error);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  pool = assay_worker_pool_new (2);
  start_async (pool, path, NULL, &limits, NULL, &r);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_assert_no_error (r.error);
  async_result_clear (&r);

  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  start_async (pool, path, NULL, &limits, cancellable, &r);
  g_timeout_add (100, cancel_now, &later);
  run_until (&r.done, WAIT_LIMIT_MS);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  async_result_clear (&r);
  release_pool (pool);

  /* GLib's worker thread drops its child-watch pidfd and the reaping
   * context a moment after each helper is gone. */
  for (guint i = 0; i < 100 && (after = count_fds ()) != before; i++)
    g_usleep (20 * 1000);
  g_assert_cmpuint (after, ==, before);
}

/* ---------------------------------------------------------------------- */
/* The pdf.js corpus                                                      */

typedef struct
{
  guint n_started;
  guint n_done;
  guint n_text;
  guint n_codes[ASSAY_READ_ERROR_CRASHED + 1];
  guint n_pages;
} CorpusTally;

typedef struct
{
  CorpusTally *tally;
  char        *name;
  gboolean     has_password;
} CorpusItem;

static void
on_corpus_read (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  CorpusItem *item = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPdfText) text = assay_pdf_read_finish (result, &error);

  if (text != NULL)
    {
      item->tally->n_text++;
      item->tally->n_pages += text->pages->len;
    }
  else
    {
      if (error->domain != ASSAY_READ_ERROR)
        g_error ("%s: not a read error: %s (%s %d)", item->name, error->message,
                 g_quark_to_string (error->domain), error->code);
      g_assert_cmpint (error->code, >=, 0);
      g_assert_cmpint (error->code, <=, ASSAY_READ_ERROR_CRASHED);
      item->tally->n_codes[error->code]++;
      if (item->has_password || error->code >= ASSAY_READ_ERROR_TIMEOUT)
        g_test_message ("%s: %s", item->name, error->message);
    }

  item->tally->n_done++;
  g_free (item->name);
  g_free (item);
}

static void
test_corpus (void)
{
  const char *corpus_dir = g_getenv ("ASSAY_CORPUS_DIR");
  g_autofree char *dir_path = NULL;
  g_autofree char *passwords_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  JsonObject *passwords = NULL;
  AssayWorkerPool *pool;
  AssayReadLimits limits = default_limits ();
  CorpusTally tally = { 0 };
  const char *name;
  gint64 start;
  double seconds;

  if (corpus_dir == NULL)
    {
      g_test_skip ("ASSAY_CORPUS_DIR is not set");
      return;
    }
  dir_path = g_build_filename (corpus_dir, "pdfjs", NULL);
  if (!g_file_test (dir_path, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("the pdf.js corpus is not here (it lives in ../shared/corpus/pdfjs)");
      return;
    }

  passwords_path = g_build_filename (corpus_dir, "pdfjs-passwords.json", NULL);
  if (json_parser_load_from_file (parser, passwords_path, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    passwords = json_node_get_object (json_parser_get_root (parser));

  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >, 0);

  /* A hostile file gets 20 s (10 s under ASan, where the helper has no
   * memory limit to stop a decompression bomb early); the whole run must
   * stay inside the test's time. */
  limits.timeout_seconds = UNDER_ASAN ? 10 : 20;
  pool = assay_worker_pool_new (2);
  start = g_get_monotonic_time ();

  for (guint i = 0; i < names->len; i++)
    {
      const char *file = g_ptr_array_index (names, i);
      g_autofree char *path = g_build_filename (dir_path, file, NULL);
      CorpusItem *item = g_new0 (CorpusItem, 1);
      const char *password = NULL;

      if (passwords != NULL && json_object_has_member (passwords, file))
        password = json_object_get_string_member_with_default (passwords, file, NULL);

      item->tally = &tally;
      item->name = g_strdup (file);
      item->has_password = password != NULL;
      tally.n_started++;
      assay_pdf_read_async (pool, path, password, &limits, G_PRIORITY_DEFAULT,
                            NULL, NULL, NULL, on_corpus_read, item);
    }

  {
    /* A guard against a hang, inside the test's own timeout (300 s, four
     * times that in the sanitizer build, where the corpus reads slowest). */
    gint64 limit = start + (UNDER_ASAN ? 400 : 100) * G_USEC_PER_SEC;

    while (tally.n_done < tally.n_started && g_get_monotonic_time () < limit)
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
  }
  seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  g_assert_cmpuint (tally.n_done, ==, tally.n_started);

  g_test_message ("corpus: %u files in %.1f s: %u text (%u pages), %u needs-password, "
                  "%u not-pdf, %u empty, %u damaged, %u unreadable, %u too-large, "
                  "%u timeout, %u out-of-memory, %u crashed, %u not-found",
                  tally.n_started, seconds, tally.n_text, tally.n_pages,
                  tally.n_codes[ASSAY_READ_ERROR_NEEDS_PASSWORD],
                  tally.n_codes[ASSAY_READ_ERROR_NOT_PDF],
                  tally.n_codes[ASSAY_READ_ERROR_EMPTY],
                  tally.n_codes[ASSAY_READ_ERROR_DAMAGED],
                  tally.n_codes[ASSAY_READ_ERROR_UNREADABLE],
                  tally.n_codes[ASSAY_READ_ERROR_TOO_LARGE],
                  tally.n_codes[ASSAY_READ_ERROR_TIMEOUT],
                  tally.n_codes[ASSAY_READ_ERROR_OUT_OF_MEMORY],
                  tally.n_codes[ASSAY_READ_ERROR_CRASHED],
                  tally.n_codes[ASSAY_READ_ERROR_NOT_FOUND]);

  /* Most of the corpus is readable; none of it is missing. */
  g_assert_cmpuint (tally.n_text, >, tally.n_started / 2);
  g_assert_cmpuint (tally.n_codes[ASSAY_READ_ERROR_NOT_FOUND], ==, 0);

  release_pool (pool);
}

/* ---------------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  int ret;

  /* Dates read back as UTC, whatever the machine's zone. */
  g_setenv ("TZ", "UTC", TRUE);
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  tmp_dir = assay_test_tmp_dir_new ("assay-pdf-reader-XXXXXX");

  g_test_add_func ("/assay/pdf-reader/read/text-and-metadata", test_text_and_metadata);
  g_test_add_func ("/assay/pdf-reader/read/page-range", test_page_range);
  g_test_add_func ("/assay/pdf-reader/read/max-pages", test_max_pages);
  g_test_add_func ("/assay/pdf-reader/read/max-text-bytes", test_max_text_bytes);
  g_test_add_func ("/assay/pdf-reader/read/no-text-layer", test_no_text_layer);
  g_test_add_func ("/assay/pdf-reader/read/sanitize", test_sanitize);
  g_test_add_func ("/assay/pdf-reader/errors/missing", test_missing);
  g_test_add_func ("/assay/pdf-reader/errors/empty", test_empty);
  g_test_add_func ("/assay/pdf-reader/errors/not-pdf", test_not_pdf);
  g_test_add_func ("/assay/pdf-reader/errors/truncated", test_truncated);
  g_test_add_func ("/assay/pdf-reader/errors/unreadable", test_unreadable);
  g_test_add_func ("/assay/pdf-reader/errors/encrypted", test_encrypted);
  g_test_add_func ("/assay/pdf-reader/limits/deadline-and-cancel", test_in_process_deadline_and_cancel);
  g_test_add_func ("/assay/pdf-reader/helper/timeout", test_helper_timeout);
  g_test_add_func ("/assay/pdf-reader/helper/descriptors", test_helper_descriptors);
  g_test_add_func ("/assay/pdf-reader/helper/crash", test_helper_crash);
  g_test_add_func ("/assay/pdf-reader/helper/garbage", test_helper_garbage);
  g_test_add_func ("/assay/pdf-reader/helper/lying-boxes", test_helper_lying_boxes);
  g_test_add_func ("/assay/pdf-reader/read/digit-boxes", test_digit_boxes);
  g_test_add_func ("/assay/pdf-reader/read/word-boxes", test_word_boxes);
  g_test_add_func ("/assay/pdf-reader/helper/out-of-memory", test_helper_out_of_memory);
  g_test_add_func ("/assay/pdf-reader/helper/cancel", test_helper_cancel);
  g_test_add_func ("/assay/pdf-reader/async/fan-out", test_async_fan_out);
  g_test_add_func ("/assay/pdf-reader/async/limits", test_async_limits);
  g_test_add_func ("/assay/pdf-reader/async/errors", test_async_errors);
  g_test_add_func ("/assay/pdf-reader/async/cancel", test_async_cancel);
  g_test_add_func ("/assay/pdf-reader/async/no-leaked-fds", test_no_leaked_fds);
  g_test_add_func ("/assay/pdf-reader/corpus", test_corpus);

  ret = g_test_run ();

  assay_test_remove_tree (tmp_dir);
  g_free (tmp_dir);

  return ret;
}
