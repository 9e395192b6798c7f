/* assay-pdf-reader-main.c — the helper that reads one page range of one PDF
 *
 * Started by assay_pdf_read_range_isolated(), never by a person. It limits
 * its own address space and CPU time, reads with poppler and answers on
 * stdout in the framed protocol described in
 * src/core/assay-pdf-reader-process.c. The password, if any, comes on stdin.
 *
 *   assay-pdf-reader [--first-page=N] [--end-page=N] [--max-pages=N]
 *                    [--max-text-bytes=N] [--max-memory=N] [--timeout-ms=N]
 *                    [--password-stdin] -- FILE
 *   assay-pdf-reader --render-page=N --render-width=PX [--max-memory=N]
 *                    [--timeout-ms=N] [--password-stdin] -- FILE
 *
 * The second form renders page N (0-based) PX pixels wide and answers with
 * the pixels.
 *
 * For the tests only, $ASSAY_PDF_READER_TEST_HOOK makes it misbehave:
 * "crash", "stall", "garbage", "oom", "lying-image", "huge-image" or
 * "lying-boxes" (see
 * assay-pdf-reader-private.h).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-pdf-reader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "assay-pdf-reader.h"
#include "assay-pdf-reader-private.h"

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

static void
set_limit (int   resource,
           rlim_t soft,
           rlim_t hard)
{
  struct rlimit limit = { soft, hard };

  if (setrlimit (resource, &limit) != 0)
    g_printerr ("assay-pdf-reader: setrlimit %d: %s\n", resource, g_strerror (errno));
}

static void
apply_limits (gsize  max_memory,
              gint64 timeout_ms)
{
  /* A crash must not leave a core file of a hostile PDF's reader. */
  set_limit (RLIMIT_CORE, 0, 0);

  /* The parent kills us at its deadline; this stops a runaway helper whose
   * parent is gone. SIGXCPU at the soft limit, SIGKILL at the hard one. */
  if (timeout_ms > 0)
    {
      rlim_t seconds = (rlim_t) (timeout_ms / 1000) + 2;

      set_limit (RLIMIT_CPU, seconds, seconds + 3);
    }

  /* AddressSanitizer reserves terabytes of shadow memory: no limit there. */
  if (max_memory > 0 && !UNDER_ASAN)
    set_limit (RLIMIT_AS, max_memory, max_memory);
}

static char *
read_password (void)
{
  GString *password = g_string_new (NULL);
  char chunk[512];

  while (password->len <= ASSAY_PDF_MAX_PASSWORD)
    {
      gssize n = read (STDIN_FILENO, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (password, chunk, n);
    }
  memset (chunk, 0, sizeof chunk);

  if (password->len > ASSAY_PDF_MAX_PASSWORD)
    {
      memset (password->str + ASSAY_PDF_MAX_PASSWORD, 0, password->len - ASSAY_PDF_MAX_PASSWORD);
      g_string_truncate (password, ASSAY_PDF_MAX_PASSWORD);
    }

  return g_string_free (password, FALSE);
}

/* Test-only misbehaviour; returns TRUE when the hook answered itself. */
static gboolean
run_test_hook (int out_fd)
{
  const char *hook = g_getenv (ASSAY_PDF_READER_TEST_HOOK_ENV);

  if (hook == NULL || *hook == '\0')
    return FALSE;

  if (g_str_equal (hook, "crash"))
    {
      raise (SIGSEGV);
    }
  else if (g_str_equal (hook, "stall"))
    {
      for (guint i = 0; i < 1200; i++)
        g_usleep (100 * 1000);
    }
  else if (g_str_equal (hook, "garbage"))
    {
      _assay_pdf_reader_write_garbage (out_fd);
      return TRUE;
    }
  else if (g_str_equal (hook, "lying-boxes"))
    {
      _assay_pdf_reader_write_lying_boxes (out_fd);
      return TRUE;
    }
  else if (g_str_equal (hook, "lying-image") || g_str_equal (hook, "huge-image"))
    {
      _assay_pdf_reader_write_hello (out_fd);
      _assay_pdf_reader_write_lying_image (out_fd, g_str_equal (hook, "huge-image"));
      return TRUE;
    }
  else if (g_str_equal (hook, "oom"))
    {
      /* Allocate and touch until a limit stops it: the address-space
       * limit makes g_malloc abort, as a real out-of-memory reader would;
       * where that limit cannot be set (AddressSanitizer), the parent's
       * watch on resident memory kills it. */
      for (guint i = 0; i < 4096; i++)
        {
          gsize size = 64 * 1024 * 1024;
          gpointer block = g_malloc (size);

          g_assert (block != NULL);
          memset (block, 1, size);
        }
    }

  return FALSE;
}

static void
close_inherited_descriptors (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GArray *fds;

  if (close_range (3, ~0U, 0) == 0)
    return;

  /* Kernels before 5.9: the descriptors /proc lists (gathered first, as
   * closing them while reading the directory would close its own). */
  dir = g_dir_open ("/proc/self/fd", 0, NULL);
  if (dir == NULL)
    {
      for (int fd = 3; fd < 1024; fd++)
        close (fd);
      return;
    }

  fds = g_array_new (FALSE, FALSE, sizeof (int));
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      int fd = atoi (name);

      if (fd >= 3)
        g_array_append_val (fds, fd);
    }
  g_clear_pointer (&dir, g_dir_close);
  for (guint i = 0; i < fds->len; i++)
    close (g_array_index (fds, int, i));
  g_array_unref (fds);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPdfText) text = NULL;
  g_autofree char *password = NULL;
  AssayReadLimits limits;
  gint64 first_page = 0;
  gint64 end_page = 0;
  gint64 max_pages = 0;
  gint64 max_text_bytes = 0;
  gint64 max_memory = 0;
  gint64 timeout_ms = 0;
  gint64 render_page = -1;
  gint64 render_width = 0;
  gint64 deadline_us = 0;
  gboolean password_stdin = FALSE;
  g_auto(GStrv) files = NULL;
  guint cut_page = ASSAY_PDF_NOT_CUT;
  int out_fd;
  const GOptionEntry entries[] = {
    { "first-page", 0, 0, G_OPTION_ARG_INT64, &first_page, "First page (0-based)", "N" },
    { "end-page", 0, 0, G_OPTION_ARG_INT64, &end_page, "One past the last page; 0: the end", "N" },
    { "max-pages", 0, 0, G_OPTION_ARG_INT64, &max_pages, "Pages read at most", "N" },
    { "max-text-bytes", 0, 0, G_OPTION_ARG_INT64, &max_text_bytes, "Text kept at most", "N" },
    { "max-memory", 0, 0, G_OPTION_ARG_INT64, &max_memory, "Address space limit", "BYTES" },
    { "timeout-ms", 0, 0, G_OPTION_ARG_INT64, &timeout_ms, "Wall time limit", "MS" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &password_stdin, "Read the password from stdin", NULL },
    { "render-page", 0, 0, G_OPTION_ARG_INT64, &render_page, "Render this page (0-based) instead", "N" },
    { "render-width", 0, 0, G_OPTION_ARG_INT64, &render_width, "Width of the rendered page", "PX" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, "FILE" },
    { NULL }
  };

  /* Die with the thread that started us rather than read on for nobody. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);

  /* Only stdin, stdout and stderr are ours: the app starts us without
   * closing its other descriptors (so that GLib can use posix_spawn()
   * instead of fork(), which cost its main thread a page fault on every
   * page it touched afterwards), so close whatever came with us. */
  close_inherited_descriptors ();

  setlocale (LC_ALL, "");
  /* ASSAY_LOCALEDIR is for running from the build tree (the tests), where the
   * catalogues are built under po/ but not installed. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ASSAY_LOCALEDIR") != NULL
                                   ? g_getenv ("ASSAY_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* The answer goes on a private copy of stdout; anything a library prints
   * on fd 1 lands on stderr instead of in the protocol. */
  out_fd = fcntl (STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
  if (out_fd < 0 || dup2 (STDERR_FILENO, STDOUT_FILENO) < 0)
    {
      g_printerr ("assay-pdf-reader: %s\n", g_strerror (errno));
      return 2;
    }

  context = g_option_context_new ("-- FILE");
  g_option_context_set_summary (context, "Reads one page range of one PDF for Assay.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      files == NULL || files[0] == NULL || files[1] != NULL ||
      first_page < 0 || first_page > G_MAXUINT || end_page < 0 || end_page > G_MAXUINT ||
      (end_page != 0 && end_page <= first_page) ||
      max_pages < 0 || max_pages > G_MAXUINT || max_text_bytes < 0 ||
      max_memory < 0 || timeout_ms < 0 ||
      render_page < -1 || render_page > G_MAXUINT ||
      (render_page >= 0 && (render_width < 1 || render_width > ASSAY_PDF_MAX_RENDER_SIDE)))
    {
      g_printerr ("assay-pdf-reader: %s\n",
                  error != NULL ? error->message : "bad arguments (this is a helper for assay)");
      return 2;
    }

  apply_limits ((gsize) max_memory, timeout_ms);

  if (password_stdin)
    password = read_password ();

  if (run_test_hook (out_fd))
    return 0;

  if (timeout_ms > 0)
    deadline_us = g_get_monotonic_time () + timeout_ms * 1000;

  limits.max_pages = (guint) max_pages;
  limits.max_text_bytes = (gsize) max_text_bytes;
  limits.max_memory_bytes = (gsize) max_memory;
  limits.timeout_seconds = (guint) MIN ((timeout_ms + 999) / 1000, G_MAXUINT);
  limits.pages_per_part = 0;

  if (!_assay_pdf_reader_write_hello (out_fd))
    return 3;

  if (render_page >= 0)
    {
      g_autoptr(AssayPageImage) image = NULL;

      image = _assay_pdf_render_page_full (files[0], password, (guint) render_page,
                                           (guint) render_width, ASSAY_PDF_MAX_RENDER_PIXELS,
                                           &error);
      if (password != NULL)
        memset (password, 0, strlen (password));

      if (image == NULL)
        return _assay_pdf_reader_write_error (out_fd, error) ? 0 : 3;

      return _assay_pdf_reader_write_image (out_fd, image) ? 0 : 3;
    }

  text = _assay_pdf_read_range_full (files[0], password,
                                     (guint) first_page, (guint) end_page,
                                     &limits, deadline_us, NULL, &cut_page, &error);

  if (password != NULL)
    memset (password, 0, strlen (password));

  if (text == NULL)
    return _assay_pdf_reader_write_error (out_fd, error) ? 0 : 3;

  return _assay_pdf_reader_write_result (out_fd, text, cut_page) ? 0 : 3;
}
