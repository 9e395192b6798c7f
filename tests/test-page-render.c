/* test-page-render.c — pages rendered by the reader helper, not in here
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "assay-offline-extractor.h"
#include "assay-pdf-reader-private.h"
#include "assay-pipeline.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"

#define WAIT_LIMIT_US (60 * G_USEC_PER_SEC)

typedef struct
{
  char            *dir;
  AssayWorkerPool *pool;
  AssayTemplate   *template_;
  AssayPipeline   *pipeline;
  char            *path;
} Fixture;

static const char *report_pages[] = {
  "Annual report 2023\nAcme Widgets Ltd\n\n\n\n\nRevenue 1,234.5\nNet income 210.3\n",
  "Notes\n\n\nOperating costs 800.2\nTotal assets 5,600.0\n",
};

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->dir = assay_test_tmp_dir_new ("assay-page-render-XXXXXX");
  fixture->pool = assay_worker_pool_new (2);
  fixture->template_ = assay_template_lookup ("general");
  fixture->pipeline = assay_test_offline_pipeline_new (fixture->pool, fixture->template_, NULL);
  fixture->path = assay_test_pdf_write_temp (fixture->dir, "report.pdf", report_pages, 2);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_unsetenv (ASSAY_PDF_READER_TEST_HOOK_ENV);
  g_clear_object (&fixture->pipeline);
  assay_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  assay_template_unref (fixture->template_);
  g_object_unref (fixture->pool);
}

static AssayDocument *
process (Fixture    *fixture,
         const char *path)
{
  g_autoptr(AssayInputFile) input = assay_input_file_new (path, TRUE);
  AssayDocument *document = assay_pipeline_add (fixture->pipeline, input);

  g_assert_true (assay_test_pipeline_wait_idle (fixture->pipeline, WAIT_LIMIT_US));
  g_assert_cmpint (assay_document_get_state (document), ==, ASSAY_DOCUMENT_DONE);

  return document;
}

typedef struct
{
  gboolean        done;
  AssayPageImage *image;
  GError         *error;
} Render;

static void
render_done (GObject      *object,
             GAsyncResult *res,
             gpointer      user_data)
{
  Render *render = user_data;

  render->image = assay_pipeline_render_page_finish (ASSAY_PIPELINE (object), res, &render->error);
  render->done = TRUE;
}

static void
wait_render (Render *render)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_LIMIT_US;

  while (!render->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (render->done);
}

static AssayPageImage *
render_page (Fixture        *fixture,
             AssayDocument  *document,
             guint           page,
             guint           width,
             GError        **error)
{
  Render render = { 0 };

  assay_pipeline_render_page_async (fixture->pipeline, document, page, width, NULL,
                                    render_done, &render);
  wait_render (&render);
  if (render.error != NULL)
    g_propagate_error (error, render.error);

  return render.image;
}

static guint32
pixel_at (const AssayPageImage *image,
          guint                 x,
          guint                 y)
{
  const guint8 *data = g_bytes_get_data (image->pixels, NULL);
  guint32 pixel;

  g_assert_cmpuint (x, <, image->width);
  g_assert_cmpuint (y, <, image->height);
  memcpy (&pixel, data + (gsize) y * image->stride + (gsize) x * 4, 4);

  return pixel;
}

/* The darkest pixel's green channel (0 black, 255 white) inside a box in points. */
static guint
darkest_in (const AssayPageImage *image,
            const AssayRect      *rect)
{
  double scale = image->width / image->page_width;
  guint darkest = 255;

  for (guint y = (guint) floor (rect->y * scale); y < (guint) ceil ((rect->y + rect->height) * scale); y++)
    for (guint x = (guint) floor (rect->x * scale); x < (guint) ceil ((rect->x + rect->width) * scale); x++)
      darkest = MIN (darkest, (pixel_at (image, x, y) >> 8) & 0xFF);

  return darkest;
}

/* Text is dark where the figure's rectangle says, the rest is opaque
 * white: the helper painted the background. */
static void
test_pixels (Fixture       *fixture,
             gconstpointer  data)
{
  AssayDocument *document = process (fixture, fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPageImage) image = NULL;
  g_autoptr(AssayPageImage) copy = NULL;
  JsonObject *extraction;
  JsonArray *figures;
  AssayRect number = { 0 };
  AssayRect empty = { 300, 500, 200, 200 };
  gboolean found = FALSE;

  image = render_page (fixture, document, 1, 1190, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpuint (image->page, ==, 1);
  g_assert_cmpuint (image->n_pages, ==, 2);
  g_assert_cmpfloat_with_epsilon (image->page_width, 595.0, 0.5);
  g_assert_cmpfloat_with_epsilon (image->page_height, 842.0, 0.5);
  g_assert_cmpuint (image->width, ==, 1190);
  g_assert_cmpuint (image->height, ==, 1684);
  g_assert_cmpuint (image->stride, ==, image->width * 4);
  g_assert_cmpuint (g_bytes_get_size (image->pixels), ==, (gsize) image->stride * image->height);

  /* where the figure "1,234.5" is, from the result */
  extraction = json_object_get_object_member (json_node_get_object (assay_document_get_result (document)),
                                              "extraction");
  figures = json_object_get_array_member (extraction, "figures");
  for (guint i = 0; i < json_array_get_length (figures) && !found; i++)
    {
      JsonObject *figure = json_array_get_object_element (figures, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (figure, "raw", ""), "1,234.5") == 0 &&
          json_object_has_member (figure, "rects"))
        {
          JsonArray *r = json_array_get_array_element (json_object_get_array_member (figure, "rects"), 0);

          number = (AssayRect) { json_array_get_double_element (r, 0), json_array_get_double_element (r, 1),
                                 json_array_get_double_element (r, 2), json_array_get_double_element (r, 3) };
          found = TRUE;
        }
    }
  g_assert_true (found);

  g_assert_cmpuint (darkest_in (image, &number), <, 80);
  g_assert_cmpuint (darkest_in (image, &empty), ==, 255);
  /* opaque white, premultiplied ARGB32 */
  g_assert_cmphex (pixel_at (image, 10, 10), ==, 0xFFFFFFFF);
  g_assert_cmphex (pixel_at (image, image->width - 1, image->height - 1), ==, 0xFFFFFFFF);

  copy = assay_page_image_copy (image);
  g_assert_true (copy->pixels == image->pixels);
  g_assert_cmpuint (copy->width, ==, image->width);
}

/* A width that would pass the pixel limit gives a smaller image, never
 * more pixels than allowed. */
static void
test_bounded (Fixture       *fixture,
              gconstpointer  data)
{
  AssayDocument *document = process (fixture, fixture->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPageImage) image = NULL;

  image = render_page (fixture, document, 2, ASSAY_PDF_MAX_RENDER_SIDE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint ((guint64) image->width * image->height, <=, ASSAY_PDF_MAX_RENDER_PIXELS);
  g_assert_cmpuint (image->width, <, ASSAY_PDF_MAX_RENDER_SIDE);
  g_assert_cmpuint (image->height, <=, ASSAY_PDF_MAX_RENDER_SIDE);
  g_assert_cmpuint (image->page, ==, 2);

  g_assert_null (render_page (fixture, document, 1, ASSAY_PDF_MAX_RENDER_SIDE + 1, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_bad_page (Fixture       *fixture,
               gconstpointer  data)
{
  AssayDocument *document = process (fixture, fixture->path);
  g_autoptr(AssayDocument) unread = assay_document_new (fixture->path, 7);
  g_autoptr(GError) error = NULL;

  /* known to the document */
  g_assert_null (render_page (fixture, document, 3, 400, &error));
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE);
  g_assert_nonnull (strstr (error->message, "2 pages"));
  g_clear_error (&error);

  g_assert_null (render_page (fixture, document, 0, 400, &error));
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE);
  g_clear_error (&error);

  /* found out by the helper: a document not read yet */
  g_assert_null (render_page (fixture, unread, 9, 400, &error));
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NO_SUCH_PAGE);
  g_assert_nonnull (strstr (error->message, "page 9"));
  g_assert_nonnull (strstr (error->message, "2 pages"));
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelling kills the helper: a render that would stall for two minutes
 * ends at once. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  AssayDocument *document = process (fixture, fixture->path);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Render render = { 0 };
  gint64 start;

  g_cancellable_cancel (cancellable);
  assay_pipeline_render_page_async (fixture->pipeline, document, 1, 300, cancellable,
                                    render_done, &render);
  wait_render (&render);
  g_assert_error (render.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&render.error);

  g_cancellable_reset (cancellable);
  g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, "stall", TRUE);
  render = (Render) { 0 };
  start = g_get_monotonic_time ();
  assay_pipeline_render_page_async (fixture->pipeline, document, 1, 300, cancellable,
                                    render_done, &render);
  g_timeout_add (300, cancel_soon, cancellable);
  wait_render (&render);
  g_assert_null (render.image);
  g_assert_error (render.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&render.error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

/* A helper whose image does not add up is refused, before its pixels are
 * taken (a frame claiming 2 GiB is refused before it is buffered). */
static void
test_lying_child (Fixture       *fixture,
                  gconstpointer  data)
{
  AssayDocument *document = process (fixture, fixture->path);
  static const char * const hooks[] = { "lying-image", "huge-image", "garbage" };

  for (guint i = 0; i < G_N_ELEMENTS (hooks); i++)
    {
      g_autoptr(GError) error = NULL;

      g_setenv (ASSAY_PDF_READER_TEST_HOOK_ENV, hooks[i], TRUE);
      g_assert_null (render_page (fixture, document, 1, 64, &error));
      g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_CRASHED);
    }
}

/* The password the document was read with opens it for rendering too. */
static void
test_password (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *locked = g_build_filename (fixture->dir, "locked.pdf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayPageImage) image = NULL;
  AssayDocument *document;

  if (!assay_test_have_qpdf ())
    {
      g_test_skip ("qpdf is not installed");
      return;
    }

  g_assert_true (assay_test_pdf_encrypt (fixture->path, locked, "s3cret", "owner", &error));
  g_assert_no_error (error);
  assay_pipeline_set_password (fixture->pipeline, "s3cret");
  document = process (fixture, locked);

  image = render_page (fixture, document, 2, 200, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 200);

  /* without it, the helper says so */
  assay_pipeline_set_password (fixture->pipeline, NULL);
  g_assert_null (render_page (fixture, document, 1, 200, &error));
  g_assert_error (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_NEEDS_PASSWORD);
}

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/assay/page-render/pixels", test_pixels);
  ADD ("/assay/page-render/bounded", test_bounded);
  ADD ("/assay/page-render/bad-page", test_bad_page);
  ADD ("/assay/page-render/cancel", test_cancel);
  ADD ("/assay/page-render/lying-child", test_lying_child);
  ADD ("/assay/page-render/password", test_password);

  return g_test_run ();
}
