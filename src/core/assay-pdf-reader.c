/* assay-pdf-reader.c — the read stage in this process, and the fan-out
 *
 * assay_pdf_read_range() runs poppler here; the helper process runs the same
 * code (_assay_pdf_read_range_full()) on the other side of
 * assay_pdf_read_range_isolated() (assay-pdf-reader-process.c).
 * assay_pdf_read_async() splits a document into page ranges, reads each in a
 * helper on the worker pool and merges them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-pdf-reader"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <poppler.h>

#include "assay-pdf-reader.h"
#include "assay-pdf-reader-private.h"

/* How far into the file the "%PDF-" header may start (as in the PDF spec's
 * implementation notes; readers accept leading junk up to this). */
#define SNIFF_BYTES 1024

G_DEFINE_QUARK (assay-read-error-quark, assay_read_error)

/**
 * assay_read_limits_init_default:
 * @limits: (out caller-allocates): filled in
 *
 * The defaults, for a desktop with a few GiB of memory:
 *
 * - max_pages 20000: longer than any real manual; bounds a file that claims
 *   millions of pages.
 * - max_text_bytes 64 MiB: about 30000 pages of dense text; the text is held
 *   in memory by every later stage.
 * - timeout_seconds 300: a 3000-page manual reads in well under a minute on
 *   one core; five minutes only stops files built to stall readers.
 * - max_memory_bytes 1 GiB of address space per helper: reading text does
 *   not decode images, so real files stay far below it (R's 2415-page
 *   reference manual reads within 48 MiB of address space, 28 MiB resident),
 *   while a decompression bomb that takes 2.4 GiB and six minutes unbounded
 *   stops at once: poppler's allocation fails and it reads on.
 *   One helper per worker at that limit still fits a 4 GiB machine.
 * - pages_per_part 64: the shortest part a document is split into (a part
 *   of that size takes a few hundred milliseconds, long enough to pay for
 *   starting a helper); see plan_parts() for how many parts there are.
 *
 * Any thread.
 */
void
assay_read_limits_init_default (AssayReadLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->max_pages = 20000;
  limits->max_text_bytes = 64 * 1024 * 1024;
  limits->timeout_seconds = 300;
  limits->max_memory_bytes = (gsize) 1024 * 1024 * 1024;
  limits->pages_per_part = 64;
}

/**
 * _assay_pdf_text_blank_controls:
 * @text: a NUL-terminated string, changed in place
 *
 * Some fonts map their glyphs to control characters (a pdf.js sample
 * writes its spaces as U+0002), which would reach the results, the CSV
 * and every label drawn from them as boxes. Each control character other
 * than tab, line and page breaks becomes a space: one byte for one, so
 * what indexes poppler's text (its layout's rectangles) still lines up.
 */
void
_assay_pdf_text_blank_controls (char *text)
{
  for (char *p = text; p != NULL && *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r' && c != '\f') || c == 0x7f)
        *p = ' ';
    }
}

/**
 * _assay_pdf_text_sanitize:
 * @data: bytes that should be UTF-8, possibly with NUL bytes
 *
 * Returns: (transfer full): valid UTF-8 with NUL bytes dropped, invalid
 *   sequences replaced by U+FFFD and other control characters by spaces
 *   (see _assay_pdf_text_blank_controls())
 */
char *
_assay_pdf_text_sanitize (const char *data,
                          gsize       len)
{
  g_autofree char *stripped = NULL;
  char *clean;
  gsize n = 0;

  if (data == NULL || len == 0)
    return g_strdup ("");

  if (memchr (data, '\0', len) == NULL && g_utf8_validate_len (data, len, NULL))
    {
      clean = g_strndup (data, len);
    }
  else
    {
      stripped = g_malloc (len + 1);
      for (gsize i = 0; i < len; i++)
        if (data[i] != '\0')
          stripped[n++] = data[i];
      stripped[n] = '\0';
      clean = g_utf8_make_valid (stripped, n);
    }

  _assay_pdf_text_blank_controls (clean);
  return clean;
}

/**
 * _assay_pdf_text_cut_utf8:
 *
 * Shortens the UTF-8 string @text in place to at most @max_bytes bytes,
 * on a character boundary.
 */
void
_assay_pdf_text_cut_utf8 (char  *text,
                          gsize  max_bytes)
{
  gsize len = strlen (text);
  gsize cut = max_bytes;

  if (len <= max_bytes)
    return;

  /* Back off continuation bytes (10xxxxxx) to the start of a character. */
  while (cut > 0 && ((guchar) text[cut] & 0xC0) == 0x80)
    cut--;
  text[cut] = '\0';
}

void
_assay_pdf_set_timeout_error (GError **error,
                              guint    timeout_seconds)
{
  g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_TIMEOUT,
               g_dngettext (GETTEXT_PACKAGE,
                            "Reading the PDF took longer than the time limit of %u second; "
                            "the file may be built to stall readers.",
                            "Reading the PDF took longer than the time limit of %u seconds; "
                            "the file may be built to stall readers.",
                            timeout_seconds),
               timeout_seconds);
}

static void
add_no_text_warning (AssayPdfText *text,
                     guint         first,
                     guint         last)
{
  if (first == last)
    g_ptr_array_add (text->warnings,
                     g_strdup_printf (_("page %u has no text layer (scanned?)"), first + 1));
  else
    g_ptr_array_add (text->warnings,
                     /* Translators: a range of pages, such as "pages 3–5" */
                     g_strdup_printf (_("pages %u–%u have no text layer (scanned?)"),
                                      first + 1, last + 1));
}

/**
 * _assay_pdf_text_add_derived_warnings:
 * @text: sorted pages, while it is being built
 * @first_page: the first page asked for; the page-limit warning is given
 *   only by a read that starts at page 0
 * @cut_page: the page where the text was cut, or %ASSAY_PDF_NOT_CUT
 *
 * Adds the warnings that describe the pages read as a whole: the page limit,
 * one per run of pages without text, and the text limit.
 */
void
_assay_pdf_text_add_derived_warnings (AssayPdfText          *text,
                                      const AssayReadLimits *limits,
                                      guint                  first_page,
                                      guint                  cut_page)
{
  gboolean in_run = FALSE;
  guint run_first = 0;
  guint run_last = 0;

  if (first_page == 0 && limits->max_pages > 0 && text->n_pages > limits->max_pages)
    g_ptr_array_add (text->warnings,
                     g_strdup_printf (_("Only the first %u of %u pages were read; "
                                        "the rest is over the page limit."),
                                      limits->max_pages, text->n_pages));

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);

      if (page->has_text_layer)
        continue;

      if (in_run && page->index == run_last + 1)
        {
          run_last = page->index;
          continue;
        }

      if (in_run)
        add_no_text_warning (text, run_first, run_last);
      in_run = TRUE;
      run_first = run_last = page->index;
    }
  if (in_run)
    add_no_text_warning (text, run_first, run_last);

  if (cut_page != ASSAY_PDF_NOT_CUT)
    {
      g_autofree char *size = g_format_size (limits->max_text_bytes);

      g_ptr_array_add (text->warnings,
                       g_strdup_printf (_("The text is longer than the limit of %s; it was cut "
                                          "on page %u and later pages were not read."),
                                        size, cut_page + 1));
    }
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0xFEFF && c != 0x200B)
        return FALSE;
    }

  return TRUE;
}

/* Says what a file that is not a PDF looks like, when the MIME database
 * knows; NULL otherwise. */
static char *
describe_content (const guchar *data,
                  gsize         len)
{
  g_autofree char *type = NULL;
  gboolean uncertain = FALSE;

  /* Guess from the content only: the name says ".pdf" for most inputs. */
  type = g_content_type_guess (NULL, data, len, &uncertain);
  if (type == NULL || g_content_type_is_unknown (type) || uncertain)
    return NULL;

  return g_content_type_get_description (type);
}

/* Opens @path without following it into a FIFO or device, and checks what
 * poppler cannot tell apart: missing, unreadable, empty, not a PDF. */
static gboolean
check_file (const char  *path,
            GError     **error)
{
  guchar head[SNIFF_BYTES];
  struct stat st;
  gssize n_read = 0;
  int fd;
  int saved_errno;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_FOUND,
                             _("The file does not exist; it may have been moved or deleted."));
      else if (saved_errno == EACCES || saved_errno == EPERM)
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                             _("You do not have permission to read this file."));
      else
        g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                     _("The file could not be opened: %s."), g_strerror (saved_errno));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      saved_errno = errno;
      g_close (fd, NULL);
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                   _("The file could not be read: %s."), g_strerror (saved_errno));
      return FALSE;
    }

  if (S_ISDIR (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_PDF,
                           _("This is a folder, not a PDF file."));
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      g_close (fd, NULL);
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_PDF,
                           _("This is not a regular file, so it cannot be a PDF."));
      return FALSE;
    }

  while (n_read < (gssize) sizeof head)
    {
      gssize n = read (fd, head + n_read, sizeof head - n_read);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved_errno = errno;
          g_close (fd, NULL);
          g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                       _("The file could not be read: %s."), g_strerror (saved_errno));
          return FALSE;
        }
      if (n == 0)
        break;
      n_read += n;
    }
  g_close (fd, NULL);

  if (n_read == 0)
    {
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_EMPTY,
                           _("The file is empty (0 bytes)."));
      return FALSE;
    }

  if (n_read < 5 || memmem (head, n_read, "%PDF-", 5) == NULL)
    {
      g_autofree char *what = describe_content (head, n_read);

      if (what != NULL)
        g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_PDF,
                     /* Translators: %s is a file type such as "PNG image" */
                     _("This file is not a PDF; it looks like a %s."), what);
      else
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NOT_PDF,
                             _("This file is not a PDF: it does not start with a PDF header."));
      return FALSE;
    }

  return TRUE;
}

static void
set_open_error (GError     **error,
                const GError *poppler_error,
                const char   *password)
{
  if (g_error_matches (poppler_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
    {
      /* Never put the password itself in a message. The message says
       * which case it is and nothing about how to give one: the command
       * line and the window each add their own way. */
      if (password != NULL && *password != '\0')
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD,
                             _("The password given does not open this PDF."));
      else
        g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD,
                             _("This PDF is protected by a password."));
      return;
    }

  if (g_error_matches (poppler_error, POPPLER_ERROR, POPPLER_ERROR_OPEN_FILE))
    {
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                           _("The file could not be opened for reading."));
      return;
    }

  g_debug ("poppler could not open the file: %s",
           poppler_error != NULL ? poppler_error->message : "(no error)");
  g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_DAMAGED,
                       _("The file is damaged or incomplete and could not be opened."));
}

static char *
dup_metadata (char *value)
{
  g_autofree char *owned = value;

  if (owned == NULL || *owned == '\0')
    return NULL;

  return _assay_pdf_text_sanitize (owned, strlen (owned));
}

static gint64
date_to_unix (GDateTime *date)
{
  gint64 t;

  if (date == NULL)
    return -1;

  t = g_date_time_to_unix (date);
  g_date_time_unref (date);

  return t;
}

static void
read_metadata (PopplerDocument *document,
               AssayPdfText    *text)
{
  guint major = 0;
  guint minor = 0;

  text->title = dup_metadata (poppler_document_get_title (document));
  text->author = dup_metadata (poppler_document_get_author (document));
  text->subject = dup_metadata (poppler_document_get_subject (document));
  text->keywords = dup_metadata (poppler_document_get_keywords (document));
  text->creator = dup_metadata (poppler_document_get_creator (document));
  text->producer = dup_metadata (poppler_document_get_producer (document));

  poppler_document_get_pdf_version (document, &major, &minor);
  if (major > 0)
    text->pdf_version = g_strdup_printf ("%u.%u", major, minor);

  text->creation_date = date_to_unix (poppler_document_get_creation_date_time (document));
  text->modification_date = date_to_unix (poppler_document_get_modification_date_time (document));
}

static gboolean
has_digit (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      return TRUE;

  return FALSE;
}

static gboolean
is_number_separator (char c)
{
  return c == '.' || c == ',' || c == '\'';
}

static void
push_box (GArray       *boxes,
          AssayTextBox *box,
          guint         max)
{
  if (boxes->len < max)
    g_array_append_val (boxes, *box);
}

/* The boxes of @text's runs of digits (separators between two digits
 * belong to the run), from poppler's layout of @page: one rectangle per
 * character of the text poppler_page_get_text() gave, top-left origin.
 * Only for pages with a digit; the layout reuses the text poppler already
 * built for get_text, so this costs a walk over the characters.
 *
 * Returns: (transfer full) (nullable) */
static GArray *
digit_boxes (const PopplerRectangle *rects,
             guint                   n_rects,
             const char             *text)
{
  GArray *boxes;
  AssayTextBox box = { 0 };
  gboolean open = FALSE;
  gboolean after_separator = FALSE;
  guint max = ASSAY_MAX_TEXT_BOXES_FOR (strlen (text));
  guint i = 0;
  const char *p;

  boxes = g_array_new (FALSE, FALSE, sizeof (AssayTextBox));

  for (p = text; *p != '\0' && i < n_rects; p = g_utf8_next_char (p), i++)
    {
      const PopplerRectangle *r = &rects[i];
      double x1 = MIN (r->x1, r->x2), x2 = MAX (r->x1, r->x2);
      double y1 = MIN (r->y1, r->y2), y2 = MAX (r->y1, r->y2);

      if (g_ascii_isdigit (*p))
        {
          double h = MAX (y2 - y1, box.height);

          /* The same run goes on while the characters stay on one line. */
          if (open && fabs (y1 - box.y) <= 0.5 * h && x1 >= box.x - 0.5)
            {
              double right = MAX (box.x + box.width, x2);
              double bottom = MAX (box.y + box.height, y2);

              box.y = MIN (box.y, y1);
              box.width = right - box.x;
              box.height = bottom - box.y;
              box.end = (guint32) (g_utf8_next_char (p) - text);
            }
          else
            {
              if (open)
                push_box (boxes, &box, max);
              box = (AssayTextBox) { (guint32) (p - text), (guint32) (g_utf8_next_char (p) - text),
                                     x1, y1, x2 - x1, y2 - y1 };
              open = TRUE;
            }
          after_separator = FALSE;
        }
      else if (open && !after_separator && is_number_separator (*p) && g_ascii_isdigit (p[1]))
        after_separator = TRUE;
      else if (open)
        {
          push_box (boxes, &box, max);
          open = FALSE;
          after_separator = FALSE;
        }
    }
  if (open)
    push_box (boxes, &box, max);

  /* One rectangle per character, or the layout and the text disagree:
   * no boxes rather than boxes in the wrong places. */
  if (boxes->len == 0 || *p != '\0' || i != n_rects)
    g_clear_pointer (&boxes, g_array_unref);

  return boxes;
}

/* The boxes of @text's words (runs of characters other than white space
 * on one line), for documents of at most ASSAY_WORD_BOXES_MAX_PAGES
 * pages: the offline extractor reads their layout from them.
 *
 * Returns: (transfer full) (nullable) */
static GArray *
word_boxes (const PopplerRectangle *rects,
            guint                   n_rects,
            const char             *text)
{
  GArray *boxes = g_array_new (FALSE, FALSE, sizeof (AssayTextBox));
  AssayTextBox box = { 0 };
  gboolean open = FALSE;
  guint max = ASSAY_MAX_TEXT_BOXES_FOR (strlen (text));
  guint i = 0;
  const char *p;

  for (p = text; *p != '\0' && i < n_rects; p = g_utf8_next_char (p), i++)
    {
      const PopplerRectangle *r = &rects[i];
      double x1 = MIN (r->x1, r->x2), x2 = MAX (r->x1, r->x2);
      double y1 = MIN (r->y1, r->y2), y2 = MAX (r->y1, r->y2);
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        {
          if (open)
            push_box (boxes, &box, max);
          open = FALSE;
          continue;
        }

      /* poppler glues cells of a row without a space ("Total$1,250.00"):
       * a jump to the left or to another line, or a gap wider than a
       * character, starts a new word. */
      if (open && fabs (y1 - box.y) <= 0.5 * MAX (y2 - y1, box.height) &&
          x1 >= box.x + box.width - 0.5 && x1 <= box.x + box.width + 0.6 * MAX (y2 - y1, 1.0))
        {
          double right = MAX (box.x + box.width, x2);
          double bottom = MAX (box.y + box.height, y2);

          box.y = MIN (box.y, y1);
          box.width = right - box.x;
          box.height = bottom - box.y;
          box.end = (guint32) (g_utf8_next_char (p) - text);
        }
      else
        {
          if (open)
            push_box (boxes, &box, max);
          box = (AssayTextBox) { (guint32) (p - text), (guint32) (g_utf8_next_char (p) - text),
                                 x1, y1, x2 - x1, y2 - y1 };
          open = TRUE;
        }
    }
  if (open)
    push_box (boxes, &box, max);

  /* Every word or none: a layout missing words would misread the page. */
  if (boxes->len == 0 || boxes->len >= max || *p != '\0' || i != n_rects)
    g_clear_pointer (&boxes, g_array_unref);

  return boxes;
}

static gboolean
read_pages (PopplerDocument        *document,
            AssayPdfText           *text,
            guint                   first_page,
            guint                   last_page,
            const AssayReadLimits  *limits,
            gint64                  deadline_us,
            GCancellable           *cancellable,
            guint                  *cut_page,
            GError                **error)
{
  gsize total_bytes = 0;
  guint n_unreadable = 0;
  guint first_unreadable = 0;
  gboolean ok = TRUE;
  gboolean want_words = poppler_document_get_n_pages (document) <= ASSAY_WORD_BOXES_MAX_PAGES;

  for (guint i = first_page; i < last_page; i++)
    {
      PopplerPage *page;
      char *raw;
      char *clean;
      GArray *boxes = NULL;
      GArray *words = NULL;
      gsize len;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }

      if (deadline_us > 0 && g_get_monotonic_time () >= deadline_us)
        {
          _assay_pdf_set_timeout_error (error, limits->timeout_seconds);
          ok = FALSE;
          break;
        }

      page = poppler_document_get_page (document, (int) i);
      if (page == NULL)
        {
          /* A broken page tree: keep the page as one without text. */
          if (n_unreadable++ == 0)
            first_unreadable = i;
          assay_pdf_text_add_page (text, i, g_strdup (""), FALSE);
          continue;
        }

      raw = poppler_page_get_text (page);
      /* Before the comparison below: blanking keeps the layout's indices. */
      _assay_pdf_text_blank_controls (raw);
      clean = _assay_pdf_text_sanitize (raw, raw != NULL ? strlen (raw) : 0);
      /* The layout indexes poppler's text: only when nothing was repaired. */
      if (raw != NULL && strcmp (raw, clean) == 0 && (want_words || has_digit (clean)))
        {
          g_autofree PopplerRectangle *rects = NULL;
          guint n_rects = 0;

          if (poppler_page_get_text_layout (page, &rects, &n_rects))
            {
              if (has_digit (clean))
                boxes = digit_boxes (rects, n_rects, clean);
              if (want_words)
                words = word_boxes (rects, n_rects, clean);
            }
        }
      g_object_unref (page);
      g_free (raw);
      len = strlen (clean);

      if (limits->max_text_bytes > 0 && total_bytes + len > limits->max_text_bytes)
        {
          _assay_pdf_text_cut_utf8 (clean, limits->max_text_bytes - total_bytes);
          assay_pdf_text_add_page (text, i, clean, !is_blank (clean));
          assay_pdf_text_take_boxes (text, boxes);
          assay_pdf_text_take_words (text, words);
          *cut_page = i;
          break;
        }

      total_bytes += len;
      assay_pdf_text_add_page (text, i, clean, !is_blank (clean));
      assay_pdf_text_take_boxes (text, boxes);
      assay_pdf_text_take_words (text, words);
    }

  /* One warning, however broken the page tree: the count is bounded by the
   * pages asked for, the warnings should not be. */
  if (ok && n_unreadable > 0)
    g_ptr_array_add (text->warnings,
                     g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                   "%u page could not be read, from page %u on",
                                                   "%u pages could not be read, from page %u on",
                                                   n_unreadable),
                                      n_unreadable, first_unreadable + 1));

  return ok;
}

/* Files up to this size are mapped into memory rather than read through
 * poppler's file stream, which reads 256 bytes per system call: mapping
 * saves about a tenth of the CPU time of reading a long manual. Larger
 * files are read the usual way, so the mapping cannot eat the helper's
 * address-space limit.
 *
 * Not with a password: poppler-glib 22.12's new_from_bytes() retries a
 * refused password with a copy of a stream it has already freed, and
 * crashes (tests/test-pdf-reader.c, errors/encrypted, catches it). */
#define MAX_MAPPED_SIZE (256 * 1024 * 1024)

static PopplerDocument *
open_document (const char  *path,
               const char  *uri,
               const char  *password,
               GError     **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (password != NULL)
    return poppler_document_new_from_file (uri, password, error);

  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL || g_mapped_file_get_length (mapped) == 0 ||
      g_mapped_file_get_length (mapped) > MAX_MAPPED_SIZE)
    return poppler_document_new_from_file (uri, password, error);

  bytes = g_mapped_file_get_bytes (mapped);

  return poppler_document_new_from_bytes (bytes, password, error);
}

/**
 * _assay_pdf_read_range_full:
 * @deadline_us: g_get_monotonic_time() after which reading stops with
 *   %ASSAY_READ_ERROR_TIMEOUT, or 0 for none
 * @cut_page: (out): where max_text_bytes cut the text, or %ASSAY_PDF_NOT_CUT
 *
 * assay_pdf_read_range() without the derived warnings. Any thread.
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
AssayPdfText *
_assay_pdf_read_range_full (const char             *path,
                            const char             *password,
                            guint                   first_page,
                            guint                   end_page,
                            const AssayReadLimits  *limits,
                            gint64                  deadline_us,
                            GCancellable           *cancellable,
                            guint                  *cut_page,
                            GError                **error)
{
  g_autoptr(AssayPdfText) text = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *uri = NULL;
  PopplerDocument *document;
  gboolean ok;
  guint last;
  int n_pages;

  *cut_page = ASSAY_PDF_NOT_CUT;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  if (!check_file (path, error))
    return NULL;

  /* poppler wants a URI. Build it without GFile, which would load GIO's
   * VFS modules into the helper. */
  absolute = g_canonicalize_filename (path, NULL);
  uri = g_filename_to_uri (absolute, NULL, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                   _("The file name cannot be used: %s"), local_error->message);
      return NULL;
    }

  document = open_document (absolute, uri, password, &local_error);
  if (document == NULL)
    {
      set_open_error (error, local_error, password);
      return NULL;
    }

  text = assay_pdf_text_new ();
  n_pages = poppler_document_get_n_pages (document);
  text->n_pages = (guint) MAX (n_pages, 0);

  if (first_page == 0)
    read_metadata (document, text);

  last = end_page == 0 ? text->n_pages : MIN (end_page, text->n_pages);
  if (limits->max_pages > 0)
    last = MIN (last, limits->max_pages);

  ok = read_pages (document, text, first_page, last, limits, deadline_us,
                   cancellable, cut_page, error);
  g_object_unref (document);

  if (!ok)
    return NULL;

  return g_steal_pointer (&text);
}

/* Opens @path for the helper: the checks and errors of reading. */
static PopplerDocument *
open_checked (const char  *path,
              const char  *password,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *uri = NULL;
  PopplerDocument *document;

  if (!check_file (path, error))
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  uri = g_filename_to_uri (absolute, NULL, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                   _("The file name cannot be used: %s"), local_error->message);
      return NULL;
    }

  document = open_document (absolute, uri, password, &local_error);
  if (document == NULL)
    set_open_error (error, local_error, password);

  return document;
}

/**
 * _assay_pdf_render_page_full:
 * @page_index: 0-based
 * @width_px: the width wanted; the image is narrower when the page at that
 *   width would have more than @max_pixels pixels or a side over
 *   %ASSAY_PDF_MAX_RENDER_SIDE
 *
 * Renders one page with poppler in this process, on white (poppler leaves
 * the background transparent). Meant for the helper; any thread.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
AssayPageImage *
_assay_pdf_render_page_full (const char  *path,
                             const char  *password,
                             guint        page_index,
                             guint        width_px,
                             gsize        max_pixels,
                             GError     **error)
{
  g_autoptr(GObject) document = NULL;   /* PopplerDocument: no autoptr in 22.12 */
  g_autoptr(GObject) page = NULL;
  AssayPageImage *image;
  cairo_surface_t *surface;
  cairo_t *cr;
  double page_width = 0, page_height = 0;
  double scale;
  double width, height;
  int n_pages;

  g_return_val_if_fail (width_px > 0, NULL);

  document = (GObject *) open_checked (path, password, error);
  if (document == NULL)
    return NULL;

  n_pages = poppler_document_get_n_pages (POPPLER_DOCUMENT (document));
  if (n_pages > 0 && page_index < (guint) n_pages)
    page = (GObject *) poppler_document_get_page (POPPLER_DOCUMENT (document), (int) page_index);
  if (page == NULL)
    {
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "There is no page %u: the document has %d page.",
                                "There is no page %u: the document has %d pages.",
                                MAX (n_pages, 0)),
                   page_index + 1, MAX (n_pages, 0));
      return NULL;
    }

  poppler_page_get_size (POPPLER_PAGE (page), &page_width, &page_height);
  if (!(page_width >= 1 && page_height >= 1 && page_width <= 1e6 && page_height <= 1e6))
    {
      g_set_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_DAMAGED,
                   _("Page %u has no usable size; the file is probably damaged."), page_index + 1);
      return NULL;
    }

  width = MIN (width_px, ASSAY_PDF_MAX_RENDER_SIDE);
  scale = width / page_width;
  if (page_height * scale > ASSAY_PDF_MAX_RENDER_SIDE)
    scale = ASSAY_PDF_MAX_RENDER_SIDE / page_height;
  if (page_width * scale * page_height * scale > (double) max_pixels)
    scale = sqrt ((double) max_pixels / (page_width * page_height));
  width = MAX (1, floor (page_width * scale));
  height = MAX (1, floor (page_height * scale));
  while (width * height > (double) max_pixels && height > 1)
    height--;

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) width, (int) height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_OUT_OF_MEMORY,
                           _("There is not enough memory to show this page."));
      return NULL;
    }

  cr = cairo_create (surface);
  cairo_scale (cr, width / page_width, height / page_height);
  poppler_page_render (POPPLER_PAGE (page), cr);
  /* Paint white behind what poppler drew. */
  cairo_identity_matrix (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_DEST_OVER);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  image = g_new0 (AssayPageImage, 1);
  image->width = (guint) width;
  image->height = (guint) height;
  image->stride = (guint) cairo_image_surface_get_stride (surface);
  image->page_width = page_width;
  image->page_height = page_height;
  image->page = page_index + 1;
  image->n_pages = (guint) n_pages;
  image->pixels = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                              (gsize) image->stride * image->height,
                                              (GDestroyNotify) cairo_surface_destroy, surface);

  return image;
}

/**
 * assay_pdf_read_range:
 * @path: a local file name (not a URI)
 * @password: (nullable): the user or owner password
 * @first_page: 0-based; metadata is read only when it is 0
 * @end_page: one past the last page to read, or 0 for the end
 * @limits: max_pages, max_text_bytes and timeout_seconds (from this call)
 *   apply; max_memory_bytes does not (use the isolated reader)
 * @cancellable: (nullable): checked between pages
 *
 * Reads text and metadata with poppler in this process. Any thread; blocks.
 *
 * Returns: (transfer full): the text, or %NULL with @error set in
 *   %ASSAY_READ_ERROR or %G_IO_ERROR_CANCELLED
 */
AssayPdfText *
assay_pdf_read_range (const char             *path,
                      const char             *password,
                      guint                   first_page,
                      guint                   end_page,
                      const AssayReadLimits  *limits,
                      GCancellable           *cancellable,
                      GError                **error)
{
  return _assay_pdf_read_range_with (_assay_pdf_read_range_full, path, password,
                                     first_page, end_page, limits, cancellable, error);
}

/**
 * _assay_pdf_read_range_with:
 * @reader: in this process or in a helper
 *
 * The public read functions' common part: checks the arguments, starts the
 * clock of limits->timeout_seconds, reads, and adds the warnings derived
 * from the limits (pages left out, text cut).
 */
AssayPdfText *
_assay_pdf_read_range_with (AssayPdfRangeReader     reader,
                            const char             *path,
                            const char             *password,
                            guint                   first_page,
                            guint                   end_page,
                            const AssayReadLimits  *limits,
                            GCancellable           *cancellable,
                            GError                **error)
{
  AssayPdfText *text;
  gint64 deadline_us = 0;
  guint cut_page;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (end_page == 0 || end_page > first_page, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (limits->timeout_seconds > 0)
    deadline_us = g_get_monotonic_time () + (gint64) limits->timeout_seconds * G_USEC_PER_SEC;

  text = reader (path, password, first_page, end_page, limits,
                 deadline_us, cancellable, &cut_page, error);
  if (text != NULL)
    _assay_pdf_text_add_derived_warnings (text, limits, first_page, cut_page);

  return text;
}

/* ---------------------------------------------------------------------- */
/* The fan-out                                                            */

typedef struct
{
  char            *path;
  char            *password;
  AssayReadLimits  limits;
  guint            part;
  guint            first_page;
  guint            end_page;      /* 0: to the end (part 0 only) */
  gint64           deadline_us;   /* 0: part 0 starts the clock */
} PartJob;

typedef struct
{
  AssayPdfText *text;
  guint         cut_page;
  gint64        deadline_us;      /* the clock part 0 started */
} PartResult;

typedef struct
{
  AssayWorkerPool   *pool;
  char              *path;
  char              *password;
  AssayReadLimits    limits;
  int                priority;
  AssayReadProgress  progress;
  gpointer           progress_data;

  GCancellable      *cancellable;        /* the caller's, nullable */
  gulong             cancelled_id;
  GCancellable      *parts_cancellable;  /* stops every part */
  GSource           *cancel_source;

  GPtrArray         *parts;              /* PartResult*, NULL until done */
  GArray            *ranges;             /* guint pairs: first, end */
  guint              n_outstanding;
  guint              pages_to_read;
  guint              pages_done;
  gint64             deadline_us;
  gboolean           completed;
} ReadState;

static void
free_password (char *password)
{
  if (password != NULL)
    {
      memset (password, 0, strlen (password));
      g_free (password);
    }
}

static void
part_job_free (gpointer data)
{
  PartJob *job = data;

  g_free (job->path);
  free_password (job->password);
  g_free (job);
}

static void
part_result_free (gpointer data)
{
  PartResult *result = data;

  if (result == NULL)
    return;

  g_clear_pointer (&result->text, assay_pdf_text_unref);
  g_free (result);
}

static void
read_state_free (gpointer data)
{
  ReadState *state = data;

  if (state->cancelled_id != 0)
    g_cancellable_disconnect (state->cancellable, state->cancelled_id);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->parts_cancellable);
  g_clear_object (&state->pool);
  g_clear_pointer (&state->parts, g_ptr_array_unref);
  g_clear_pointer (&state->ranges, g_array_unref);
  g_free (state->path);
  free_password (state->password);
  g_free (state);
}

static void
part_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  PartJob *job = task_data;
  g_autoptr(GError) error = NULL;
  PartResult *result;
  gint64 deadline_us = job->deadline_us;
  AssayPdfText *text;
  guint cut_page;

  /* The document's clock starts when its first part starts, not while it
   * waits behind other documents in the queue. */
  if (deadline_us == 0 && job->limits.timeout_seconds > 0)
    deadline_us = g_get_monotonic_time () + (gint64) job->limits.timeout_seconds * G_USEC_PER_SEC;

  if (deadline_us > 0 && g_get_monotonic_time () >= deadline_us)
    {
      _assay_pdf_set_timeout_error (&error, job->limits.timeout_seconds);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = _assay_pdf_read_range_isolated_full (job->path, job->password,
                                              job->first_page, job->end_page,
                                              &job->limits, deadline_us,
                                              cancellable, &cut_page, &error);
  if (text == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  result = g_new0 (PartResult, 1);
  result->text = text;
  result->cut_page = cut_page;
  result->deadline_us = deadline_us;
  g_task_return_pointer (task, result, part_result_free);
}

static void part_done (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
submit_part (GTask *task,
             guint  part,
             guint  first_page,
             guint  end_page)
{
  ReadState *state = g_task_get_task_data (task);
  g_autoptr(GTask) part_task = NULL;
  PartJob *job;

  job = g_new0 (PartJob, 1);
  job->path = g_strdup (state->path);
  job->password = g_strdup (state->password);
  job->limits = state->limits;
  job->part = part;
  job->first_page = first_page;
  job->end_page = end_page;
  job->deadline_us = state->deadline_us;

  part_task = g_task_new (NULL, state->parts_cancellable, part_done, g_object_ref (task));
  g_task_set_source_tag (part_task, submit_part);
  g_task_set_name (part_task, "assay-pdf-read-part");
  g_task_set_task_data (part_task, job, part_job_free);

  state->n_outstanding++;
  assay_worker_pool_run (state->pool, part_task, state->priority, part_thread);
}

static void
complete_with_error (GTask  *task,
                     GError *error)
{
  ReadState *state = g_task_get_task_data (task);

  g_assert (!state->completed);

  state->completed = TRUE;
  g_cancellable_cancel (state->parts_cancellable);
  if (state->cancel_source != NULL)
    {
      g_source_destroy (state->cancel_source);
      g_clear_pointer (&state->cancel_source, g_source_unref);
    }
  g_task_return_error (task, error);
}

static void
steal_metadata (AssayPdfText *to,
                AssayPdfText *from)
{
  to->title = g_steal_pointer (&from->title);
  to->author = g_steal_pointer (&from->author);
  to->subject = g_steal_pointer (&from->subject);
  to->keywords = g_steal_pointer (&from->keywords);
  to->creator = g_steal_pointer (&from->creator);
  to->producer = g_steal_pointer (&from->producer);
  to->pdf_version = g_steal_pointer (&from->pdf_version);
  to->creation_date = from->creation_date;
  to->modification_date = from->modification_date;
}

static gboolean
has_warning (AssayPdfText *text,
             const char   *warning)
{
  for (guint i = 0; i < text->warnings->len; i++)
    if (g_str_equal (g_ptr_array_index (text->warnings, i), warning))
      return TRUE;

  return FALSE;
}

/* Joins the parts in page order, applying max_text_bytes to the whole. The
 * parts are owned by @state alone, so their strings are moved, not copied. */
static AssayPdfText *
merge_parts (ReadState *state)
{
  PartResult *first = g_ptr_array_index (state->parts, 0);
  AssayPdfText *merged = assay_pdf_text_new ();
  gsize max_bytes = state->limits.max_text_bytes;
  guint cut_page = ASSAY_PDF_NOT_CUT;
  gsize total = 0;

  merged->n_pages = first->text->n_pages;
  steal_metadata (merged, first->text);

  for (guint p = 0; p < state->parts->len; p++)
    {
      PartResult *part = g_ptr_array_index (state->parts, p);

      for (guint w = 0; w < part->text->warnings->len; w++)
        {
          const char *warning = g_ptr_array_index (part->text->warnings, w);

          if (!has_warning (merged, warning))
            g_ptr_array_add (merged->warnings, g_strdup (warning));
        }
    }

  for (guint p = 0; p < state->parts->len && cut_page == ASSAY_PDF_NOT_CUT; p++)
    {
      PartResult *part = g_ptr_array_index (state->parts, p);

      assay_pdf_text_sort_pages (part->text);
      for (guint i = 0; i < part->text->pages->len; i++)
        {
          AssayPageText *page = g_ptr_array_index (part->text->pages, i);
          char *page_text = g_steal_pointer (&page->text);
          gsize len = strlen (page_text);

          if (max_bytes > 0 && total + len > max_bytes)
            {
              _assay_pdf_text_cut_utf8 (page_text, max_bytes - total);
              assay_pdf_text_add_page (merged, page->index, page_text, page->has_text_layer);
              assay_pdf_text_take_boxes (merged, g_steal_pointer (&page->boxes));
              assay_pdf_text_take_words (merged, g_steal_pointer (&page->words));
              cut_page = page->index;
              break;
            }

          total += len;
          assay_pdf_text_add_page (merged, page->index, page_text, page->has_text_layer);
          assay_pdf_text_take_boxes (merged, g_steal_pointer (&page->boxes));
          assay_pdf_text_take_words (merged, g_steal_pointer (&page->words));

          if (page->index == part->cut_page)
            {
              cut_page = part->cut_page;
              break;
            }
        }
    }

  _assay_pdf_text_add_derived_warnings (merged, &state->limits, 0, cut_page);

  return merged;
}

static void
report_progress (ReadState *state)
{
  if (state->progress != NULL)
    state->progress (state->progress_data, state->pages_done, state->pages_to_read);
}

/* Splits pages [first, end) into two parts per worker, none shorter than
 * pages_per_part. Each part opens the document again and loads its fonts
 * again: 64-page parts cost a quarter more CPU than one read of a long
 * manual, four parts a few percent, and four per document are enough to
 * keep every worker busy until the end of a batch. */
static void
plan_parts (ReadState *state,
            guint      first,
            guint      end)
{
  guint remaining = end - first;
  guint per_part = MAX (state->limits.pages_per_part, 1);
  guint n_workers = MAX (assay_worker_pool_get_n_workers (state->pool), 1);
  guint n_parts = MIN ((remaining + per_part - 1) / per_part, 2 * n_workers);
  guint start = first;

  n_parts = MAX (n_parts, 1);

  for (guint i = 0; i < n_parts; i++)
    {
      guint size = remaining / n_parts + (i < remaining % n_parts ? 1 : 0);
      guint range[2] = { start, start + size };

      g_array_append_vals (state->ranges, range, 2);
      start += size;
    }
  g_assert (start == end);
}

static void
finish_if_done (GTask *task)
{
  ReadState *state = g_task_get_task_data (task);
  AssayPdfText *merged;

  if (state->n_outstanding > 0)
    return;

  for (guint i = 0; i < state->parts->len; i++)
    g_assert (g_ptr_array_index (state->parts, i) != NULL);

  merged = merge_parts (state);
  state->completed = TRUE;
  if (state->cancel_source != NULL)
    {
      g_source_destroy (state->cancel_source);
      g_clear_pointer (&state->cancel_source, g_source_unref);
    }
  g_task_return_pointer (task, merged, (GDestroyNotify) assay_pdf_text_unref);
}

static void
part_done (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ReadState *state = g_task_get_task_data (task);
  PartJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  PartResult *part;

  state->n_outstanding--;

  part = g_task_propagate_pointer (G_TASK (result), &error);
  if (state->completed)
    {
      part_result_free (part);
      return;
    }

  if (part == NULL)
    {
      complete_with_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->part == 0)
    {
      guint n_pages = part->text->n_pages;
      guint to_read = n_pages;
      guint first_end;

      if (state->limits.max_pages > 0)
        to_read = MIN (to_read, state->limits.max_pages);

      state->deadline_us = part->deadline_us;
      state->pages_to_read = to_read;
      first_end = job->end_page == 0 ? to_read : MIN (job->end_page, to_read);
      state->pages_done = first_end;

      g_ptr_array_index (state->parts, 0) = part;

      /* A part cut by max_text_bytes already holds all the text wanted. */
      if (first_end < to_read && part->cut_page == ASSAY_PDF_NOT_CUT)
        {
          plan_parts (state, first_end, to_read);
          g_ptr_array_set_size (state->parts, 1 + state->ranges->len / 2);
          for (guint i = 0; i < state->ranges->len / 2; i++)
            submit_part (task, i + 1,
                         g_array_index (state->ranges, guint, 2 * i),
                         g_array_index (state->ranges, guint, 2 * i + 1));
        }
    }
  else
    {
      PartResult *first = g_ptr_array_index (state->parts, 0);

      if (part->text->n_pages != first->text->n_pages)
        {
          part_result_free (part);
          complete_with_error (task,
                               g_error_new_literal (ASSAY_READ_ERROR, ASSAY_READ_ERROR_UNREADABLE,
                                                    _("The file changed while it was being read; "
                                                      "try again.")));
          return;
        }

      g_ptr_array_index (state->parts, job->part) = part;
      state->pages_done += job->end_page - job->first_page;
    }

  report_progress (state);
  finish_if_done (task);
}

static gboolean
on_cancel_source (GCancellable *cancellable,
                  gpointer      user_data)
{
  GTask *task = user_data;
  ReadState *state = g_task_get_task_data (task);
  GError *error = NULL;

  /* Answer at once: parts still queued behind other documents' work would
   * otherwise hold the answer back until a worker dequeues them. */
  if (!state->completed)
    {
      g_cancellable_set_error_if_cancelled (cancellable, &error);
      complete_with_error (task, error);
    }

  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      user_data)
{
  GCancellable *parts_cancellable = user_data;

  /* Any thread: stops running helpers right away. */
  g_cancellable_cancel (parts_cancellable);
}

/**
 * assay_pdf_read_async:
 * @pool: the pool the parts run on
 * @path: a local file name
 * @password: (nullable): copied; never logged
 * @limits: copied. timeout_seconds bounds the whole document from the moment
 *   its first part starts; max_memory_bytes bounds each helper
 * @priority: the pool priority of every part
 * @progress: (nullable): called in the caller's main context after each
 *   part, with pages read so far and pages to read; @progress_data must
 *   stay valid until @callback has run
 * @cancellable: (nullable): cancels every part; the callback then comes at
 *   once with %G_IO_ERROR_CANCELLED
 *
 * Reads the first pages_per_part pages in a helper, then the rest in parts
 * spread over @pool, and merges them. The first failing part fails the read
 * and stops the others.
 *
 * Call from the thread whose thread-default main context should run
 * @progress and @callback.
 */
void
assay_pdf_read_async (AssayWorkerPool        *pool,
                      const char             *path,
                      const char             *password,
                      const AssayReadLimits  *limits,
                      int                     priority,
                      AssayReadProgress       progress,
                      gpointer                progress_data,
                      GCancellable           *cancellable,
                      GAsyncReadyCallback     callback,
                      gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  ReadState *state;
  guint first_end;

  g_return_if_fail (ASSAY_IS_WORKER_POOL (pool));
  g_return_if_fail (path != NULL);
  g_return_if_fail (limits != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (ReadState, 1);
  state->pool = g_object_ref (pool);
  state->path = g_strdup (path);
  state->password = g_strdup (password);
  state->limits = *limits;
  state->priority = priority;
  state->progress = progress;
  state->progress_data = progress_data;
  state->parts_cancellable = g_cancellable_new ();
  state->parts = g_ptr_array_new_with_free_func (part_result_free);
  state->ranges = g_array_new (FALSE, FALSE, sizeof (guint));
  g_ptr_array_set_size (state->parts, 1);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_pdf_read_async);
  g_task_set_name (task, "assay-pdf-read");
  g_task_set_task_data (task, state, read_state_free);

  if (cancellable != NULL)
    {
      state->cancellable = g_object_ref (cancellable);
      state->cancel_source = g_cancellable_source_new (cancellable);
      g_task_attach_source (task, state->cancel_source, G_SOURCE_FUNC (on_cancel_source));
      state->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                   state->parts_cancellable, NULL);
    }

  first_end = limits->pages_per_part;
  if (limits->max_pages > 0 && (first_end == 0 || first_end > limits->max_pages))
    first_end = limits->max_pages;
  submit_part (task, 0, 0, first_end);
}

/**
 * assay_pdf_read_finish:
 *
 * Returns: (transfer full): the whole document's text, pages in order, or
 *   %NULL with @error set in %ASSAY_READ_ERROR or %G_IO_ERROR
 */
AssayPdfText *
assay_pdf_read_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_pdf_read_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
