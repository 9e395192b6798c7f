/* assay-test-pdf.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-test-pdf"

#include "config.h"

#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <gio/gio.h>

#include "assay-test-pdf.h"

#define PAGE_WIDTH  595.0   /* A4 in points */
#define PAGE_HEIGHT 842.0
#define MARGIN      56.0
#define FONT_SIZE   10.0
#define LINE_HEIGHT 14.0

static void
draw_page (cairo_t    *cr,
           const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  double y = MARGIN;

  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, FONT_SIZE);
  cairo_set_source_rgb (cr, 0, 0, 0);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (y > PAGE_HEIGHT - MARGIN)
        break;
      cairo_move_to (cr, MARGIN, y);
      cairo_show_text (cr, lines[i]);
      y += LINE_HEIGHT;
    }
}

/**
 * assay_test_pdf_write:
 * @pages: (array length=n_pages): page texts; a NULL entry is a page with no
 *   text layer (an image when metadata says so)
 */
gboolean
assay_test_pdf_write (const char                 *path,
                      const char * const         *pages,
                      guint                       n_pages,
                      const AssayTestPdfMetadata *metadata,
                      GError                    **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  if (metadata != NULL)
    {
      if (metadata->title)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, metadata->title);
      if (metadata->author)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, metadata->author);
      if (metadata->subject)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_SUBJECT, metadata->subject);
      if (metadata->keywords)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_KEYWORDS, metadata->keywords);
      if (metadata->creator)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, metadata->creator);
      if (metadata->create_date)
        cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE,
                                        metadata->create_date);
    }

  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      if (pages[i] != NULL)
        draw_page (cr, pages[i]);
      else if (metadata != NULL && metadata->blank_pages_are_images)
        {
          cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
          cairo_rectangle (cr, MARGIN, MARGIN, 200, 100);
          cairo_fill (cr);
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "cairo could not write %s: %s", path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

/* Each line of @text is "X Y TEXT": TEXT drawn with its baseline at Y
 * points from the top, starting at X, or ending at X when X is written
 * "rX" (right-aligned, as amounts in a column). "bX" draws it in bold. */
static void
draw_placed_page (cairo_t    *cr,
                  const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_line_width (cr, 0.5);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      gboolean right = FALSE;
      gboolean bold = FALSE;
      double size = FONT_SIZE;
      double x, y;
      char *end;

      /* "L X1 Y1 X2 Y2": a rule; "B X Y W H": a box (table borders). */
      if ((p[0] == 'L' || p[0] == 'B') && p[1] == ' ')
        {
          double v[4];

          end = (char *) p + 1;
          for (guint k = 0; k < 4; k++)
            v[k] = g_ascii_strtod (end, &end);
          if (p[0] == 'L')
            {
              cairo_move_to (cr, v[0], v[1]);
              cairo_line_to (cr, v[2], v[3]);
            }
          else
            cairo_rectangle (cr, v[0], v[1], v[2], v[3]);
          cairo_stroke (cr);
          continue;
        }

      while (*p == 'r' || *p == 'b' || *p == 'h' || *p == 's')
        {
          right |= *p == 'r';
          bold |= *p == 'b' || *p == 'h';
          if (*p == 'h')
            size = 2 * FONT_SIZE;   /* a name set large, like a logo */
          else if (*p == 's')
            size = 0.7 * FONT_SIZE; /* fine print */
          p++;
        }
      x = g_ascii_strtod (p, &end);
      if (end == p)
        continue;
      y = g_ascii_strtod (end, &end);
      if (*end == ' ')
        end++;

      cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL,
                              bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, size);
      if (right)
        {
          cairo_text_extents_t extents;

          cairo_text_extents (cr, end, &extents);
          x -= extents.x_advance;
        }
      cairo_move_to (cr, x, y);
      cairo_show_text (cr, end);
    }
}

/**
 * assay_test_pdf_write_placed:
 *
 * Like assay_test_pdf_write() with no metadata, but each page is a list
 * of placed texts, one "X Y TEXT" per line ("r545 700 1,234.00" ends at
 * x = 545): headers in columns, labels above values, right-aligned
 * totals, footers. Prefixes before X: "r" right-aligned, "b" bold, "h" a
 * heading twice the size (bold), "s" fine print. "L X1 Y1 X2 Y2" draws a
 * rule and "B X Y W H" a box, for tables with borders.
 */
gboolean
assay_test_pdf_write_placed (const char         *path,
                             const char * const *pages,
                             guint               n_pages,
                             GError            **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;

  surface = cairo_pdf_surface_create (path, PAGE_WIDTH, PAGE_HEIGHT);
  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      draw_placed_page (cr, pages[i]);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cairo could not write %s: %s",
                   path, cairo_status_to_string (status));
      return FALSE;
    }

  return TRUE;
}

/**
 * assay_test_pdf_write_temp:
 *
 * Writes @basename into @dir and aborts the test on failure.
 *
 * Returns: (transfer full): the path written
 */
char *
assay_test_pdf_write_temp (const char         *dir,
                           const char         *basename,
                           const char * const *pages,
                           guint               n_pages)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, basename, NULL);

  if (!assay_test_pdf_write (path, pages, n_pages, NULL, &error))
    g_error ("%s", error->message);

  return path;
}

gboolean
assay_test_have_qpdf (void)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");

  return qpdf != NULL;
}

/**
 * assay_test_pdf_encrypt:
 *
 * Encrypts with qpdf (AES-256). An empty @user_password makes an
 * owner-password-only file that opens without a password.
 */
gboolean
assay_test_pdf_encrypt (const char  *in_path,
                        const char  *out_path,
                        const char  *user_password,
                        const char  *owner_password,
                        GError     **error)
{
  g_autoptr(GSubprocess) process = NULL;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                              error,
                              "qpdf", "--encrypt", user_password, owner_password, "256", "--",
                              in_path, out_path, NULL);
  if (process == NULL)
    return FALSE;

  if (!g_subprocess_wait_check (process, NULL, error))
    return FALSE;

  return TRUE;
}
