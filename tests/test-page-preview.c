/* test-page-preview.c — a page rendered by the reader helper, and a figure's place on it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A PDF written by the test is processed by a real pipeline; the preview
 * renders its pages fit to width, pages through them, re-renders when the
 * width changes, and draws a figure's rectangles where the figure's text is
 * on the rendered page (checked on the screenshot's pixels: the accent
 * colour on the box's edge, the text's dark glyphs inside it). Through the
 * document view too: selecting a figure row shows its page.
 */
#define G_LOG_DOMAIN "test-page-preview"

#include "config.h"

#include <glib/gstdio.h>

#include "assay-document-view.h"
#include "assay-figure-item.h"
#include "assay-page-preview.h"
#include "assay-test-fixture.h"
#include "assay-test-pdf.h"
#include "assay-test-ui.h"
#include "assay-test-window.h"

#define WAIT_MS 60000

/* As tests/assay-test-pdf.c draws them: A4, 56 pt margin, 14 pt lines. */
#define PDF_MARGIN      56.0
#define PDF_LINE_HEIGHT 14.0

static const char *report_pages[] = {
  "ACME Holdings plc\n"
  "Annual Report 2023\n"
  "Date: 15 March 2024\n",

  "Consolidated income statement\n"
  "(in millions of USD)\n"
  "                              Note      2023      2022\n"
  "Total revenue ...........        4   1,234.5   1,100.2\n"
  "Cost of sales                        (734.1)   (650.0)\n"
  "Operating income                       500.4     450.2\n"
  "Net income: $12.3 million\n"
  "2\n",

  "Balance sheet\n"
  "EUR thousand        2023       2022\n"
  "Total assets     98,765    90,000\n"
  "Total equity     45,000    40,100\n"
  "3\n",
};

typedef struct
{
  AssayTestWidget      base;
  AssayDocument       *document;
  AssayDocumentResult *result;
} Fixture;

static gboolean
is_finished (gpointer user_data)
{
  return assay_document_is_finished (user_data);
}

typedef struct
{
  AssayDocumentResult *result;
  gboolean             done;
} Loaded;

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Loaded *loaded = user_data;
  g_autoptr(GError) error = NULL;

  loaded->result = assay_pipeline_load_result_finish (ASSAY_PIPELINE (object), result, &error);
  g_assert_no_error (error);
  loaded->done = TRUE;
}

static gboolean
load_done (gpointer user_data)
{
  return ((Loaded *) user_data)->done;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(AssayInputFile) input = NULL;
  g_autofree char *path = NULL;
  Loaded loaded = { NULL, FALSE };

  assay_test_widget_set_up (&fixture->base, "page-preview");
  path = assay_test_pdf_write_temp (fixture->base.dir, "report.pdf", report_pages,
                                    G_N_ELEMENTS (report_pages));
  input = assay_input_file_new (path, TRUE);
  fixture->document = g_object_ref (assay_pipeline_add (fixture->base.pipeline, input));
  g_assert_true (assay_test_ui_wait (is_finished, fixture->document, WAIT_MS));
  g_assert_cmpint (assay_document_get_state (fixture->document), ==, ASSAY_DOCUMENT_DONE);

  assay_pipeline_load_result_async (fixture->base.pipeline, fixture->document, NULL, loaded_cb, &loaded);
  g_assert_true (assay_test_ui_wait (load_done, &loaded, WAIT_MS));
  fixture->result = loaded.result;
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->result);
  g_clear_object (&fixture->document);
  /* Renders in flight let go once cancelled. */
  assay_test_widget_tear_down (&fixture->base, WAIT_MS, fixture->base.window, NULL);
}

typedef struct
{
  AssayPagePreview *preview;
  guint             page;
} Shown;

static gboolean
page_shown (gpointer user_data)
{
  Shown *shown = user_data;

  return !assay_page_preview_get_loading (shown->preview) &&
         assay_page_preview_get_rendered_page (shown->preview) == shown->page;
}

static void
wait_page (AssayPagePreview *preview,
           guint             page)
{
  Shown shown = { preview, page };

  g_assert_true (assay_test_ui_wait (page_shown, &shown, WAIT_MS));
}

static GdkPaintable *
get_page_paintable (AssayPagePreview *preview)
{
  GtkWidget *picture = assay_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_PICTURE, NULL);

  g_assert_nonnull (picture);
  return gtk_picture_get_paintable (GTK_PICTURE (picture));
}

typedef struct
{
  AssayPagePreview *preview;
  int               width;
} Width;

static gboolean
rendered_at_width (gpointer user_data)
{
  Width *width = user_data;
  GdkPaintable *paintable = get_page_paintable (width->preview);

  return !assay_page_preview_get_loading (width->preview) && paintable != NULL &&
         gdk_paintable_get_intrinsic_width (paintable) == width->width;
}

static int
picture_width (AssayPagePreview *preview)
{
  GtkWidget *picture = assay_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_PICTURE, NULL);

  return gtk_widget_get_width (picture) * gtk_widget_get_scale_factor (picture);
}

static AssayResultFigure *
find_figure (AssayDocumentResult *result,
             const char          *label)
{
  GListModel *figures = assay_document_result_get_figures (result);

  for (guint i = 0; i < g_list_model_get_n_items (figures); i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);

      if (g_strcmp0 (assay_result_figure_get_label (figure), label) == 0)
        return figure;
    }

  g_assert_not_reached ();
}

static double
luminance (const guchar *pixel)
{
  /* ARGB32 native-endian: B, G, R, A on little-endian. */
  return (0.0722 * pixel[0] + 0.7152 * pixel[1] + 0.2126 * pixel[2]) / 255.0;
}

/* On the screenshot: the box's left edge is in the accent colour, and the
 * figure's glyphs (dark on the white page) are inside it. */
static void
assert_highlight_on_text (AssayPagePreview *preview,
                          GtkWidget        *window,
                          const char       *path)
{
  graphene_rect_t bounds;
  graphene_point_t origin;
  g_autofree guchar *pixels = NULL;
  GdkRGBA accent;
  int width, height, x0, y0, x1, y1, edge_x, edge_y;
  gboolean found;
  gsize stride;
  double darkest = 1.0;
  const guchar *edge;

  g_assert_true (assay_page_preview_get_highlight_bounds (preview, &bounds));
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (preview), window,
                                           &bounds.origin, &origin));
  pixels = assay_test_ui_read_png (path, &width, &height, &stride);

  x0 = (int) ceil (origin.x + 2);
  y0 = (int) ceil (origin.y + 2);
  x1 = (int) floor (origin.x + bounds.size.width - 2);
  y1 = (int) floor (origin.y + bounds.size.height - 2);
  g_assert_cmpint (x0, <, x1);
  g_assert_cmpint (y0, <, y1);
  g_assert_cmpint (x1, <, width);
  g_assert_cmpint (y1, <, height);

  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      darkest = MIN (darkest, luminance (pixels + y * stride + x * 4));
  g_test_message ("darkest pixel inside the highlight: %.2f", darkest);
  g_assert_cmpfloat (darkest, <, 0.5);

  /* The stroke straddles the padded box's edge, 2 px outside the rectangle. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  g_assert_true (gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (preview)),
                                                 "accent_bg_color", &accent));
  G_GNUC_END_IGNORE_DEPRECATIONS
  /* Looked for across the left edge, wherever the stroke's pixels fall. */
  edge_y = (int) floor (origin.y + bounds.size.height / 2);
  found = FALSE;
  for (edge_x = (int) floor (origin.x - 6); edge_x <= (int) ceil (origin.x + 1) && !found; edge_x++)
    {
      edge = pixels + edge_y * stride + edge_x * 4;
      found = ABS ((int) edge[2] - (int) (accent.red * 255)) <= 40 &&
              ABS ((int) edge[1] - (int) (accent.green * 255)) <= 40 &&
              ABS ((int) edge[0] - (int) (accent.blue * 255)) <= 40;
      g_test_message ("edge pixel at %d: %u %u %u, accent %.0f %.0f %.0f", edge_x,
                      edge[2], edge[1], edge[0],
                      accent.red * 255, accent.green * 255, accent.blue * 255);
    }
  g_assert_true (found);
}

static void
test_pages (Fixture       *fixture,
            gconstpointer  data)
{
  AssayPagePreview *preview = ASSAY_PAGE_PREVIEW (assay_page_preview_new ());
  Width width;

  assay_test_widget_show (&fixture->base, GTK_WIDGET (preview), 560, 900);
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));

  assay_page_preview_set_document (preview, fixture->base.pipeline, fixture->document);
  wait_page (preview, 1);
  g_assert_cmpuint (assay_page_preview_get_n_pages (preview), ==, 3);

  /* Fit to width: rendered for the pixels the picture has. */
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  width.preview = preview;
  width.width = picture_width (preview);
  g_assert_true (assay_test_ui_wait (rendered_at_width, &width, WAIT_MS));

  /* Next and previous, as the buttons do; the ends hold. */
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next", NULL);
  wait_page (preview, 2);
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next", NULL);
  wait_page (preview, 3);
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next", NULL);
  g_assert_cmpuint (assay_page_preview_get_page (preview), ==, 3);
  g_assert_false (assay_page_preview_get_loading (preview));
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.previous", NULL);
  wait_page (preview, 2);
  assay_page_preview_set_page (preview, 99);
  wait_page (preview, 3);
  assay_page_preview_set_page (preview, 0);
  wait_page (preview, 1);

  /* Narrower: rendered again for the new width, once resizing pauses. */
  gtk_window_set_default_size (fixture->base.window, 400, 900);
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));
  width.width = picture_width (preview);
  g_assert_cmpint (width.width, <, 560);
  g_assert_true (assay_test_ui_wait (rendered_at_width, &width, WAIT_MS));

  /* A new page asked for while one renders: only the last one shows. */
  assay_page_preview_set_page (preview, 2);
  assay_page_preview_set_page (preview, 3);
  wait_page (preview, 3);

  /* Away from the document while rendering: nothing comes back. */
  assay_page_preview_set_page (preview, 1);
  assay_page_preview_set_document (preview, NULL, NULL);
  g_assert_false (assay_page_preview_get_loading (preview));
  g_assert_cmpuint (assay_page_preview_get_rendered_page (preview), ==, 0);
}

static void
test_highlight (Fixture       *fixture,
                gconstpointer  data)
{
  AssayPagePreview *preview = ASSAY_PAGE_PREVIEW (assay_page_preview_new ());
  AssayResultFigure *figure = find_figure (fixture->result, "Operating income");
  const AssayRect *rects;
  g_autofree char *shot = NULL;
  double baseline;
  guint n_rects = 0;

  rects = assay_result_figure_get_rects (figure, &n_rects);
  g_assert_cmpuint (assay_result_figure_get_verification (figure), ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (assay_result_figure_get_verified_page (figure), ==, 2);
  g_assert_cmpuint (n_rects, >, 0);

  /* The rectangle is on the figure's line of the PDF (line 6 of page 2). */
  baseline = PDF_MARGIN + 5 * PDF_LINE_HEIGHT;
  g_test_message ("rect %.1f %.1f %.1f %.1f, baseline %.1f",
                  rects[0].x, rects[0].y, rects[0].width, rects[0].height, baseline);
  g_assert_cmpfloat (rects[0].y, <, baseline);
  g_assert_cmpfloat (rects[0].y + rects[0].height, >, baseline - 6);
  g_assert_cmpfloat (rects[0].x, >, PDF_MARGIN + 100);

  assay_test_widget_show (&fixture->base, GTK_WIDGET (preview), 640, 960);
  assay_test_ui_wait_drawn (GTK_WIDGET (fixture->base.window));

  assay_page_preview_set_document (preview, fixture->base.pipeline, fixture->document);
  wait_page (preview, 1);
  g_assert_false (assay_page_preview_get_highlight_bounds (preview, &GRAPHENE_RECT_INIT (0, 0, 0, 0)));

  /* Highlighting moves to the figure's page. */
  assay_page_preview_set_highlight (preview, 2, rects, n_rects);
  wait_page (preview, 2);

  assay_test_ui_set_dark (FALSE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "page-preview-highlight");
  assert_highlight_on_text (preview, GTK_WIDGET (fixture->base.window), shot);
  g_clear_pointer (&shot, g_free);

  /* The page stays white in the dark style; the accent is the dark one. */
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "page-preview-highlight-dark");
  assert_highlight_on_text (preview, GTK_WIDGET (fixture->base.window), shot);
  assay_test_ui_set_dark (FALSE);

  /* Another page shows no highlight. */
  assay_page_preview_set_page (preview, 3);
  wait_page (preview, 3);
  g_assert_false (assay_page_preview_get_highlight_bounds (preview, &GRAPHENE_RECT_INIT (0, 0, 0, 0)));
}

static gboolean
has_result (gpointer user_data)
{
  return assay_document_view_get_result (user_data) != NULL;
}

static void
test_view_jumps_to_figure (Fixture       *fixture,
                           gconstpointer  data)
{
  AssayDocumentView *view = assay_document_view_new ();
  AssayPagePreview *preview;
  GtkColumnView *column_view;
  GListModel *shown;
  g_autofree char *shot = NULL;
  guint position = GTK_INVALID_LIST_POSITION;

  assay_test_widget_show (&fixture->base, GTK_WIDGET (view), 1400, 900);

  assay_document_view_set_document (view, fixture->base.pipeline, fixture->document);
  g_assert_true (assay_test_ui_wait (has_result, view, WAIT_MS));
  preview = ASSAY_PAGE_PREVIEW (assay_test_ui_find (GTK_WIDGET (view), ASSAY_TYPE_PAGE_PREVIEW, NULL));
  g_assert_nonnull (preview);
  wait_page (preview, 1);

  /* Selecting the row of a figure on page 3 shows page 3, marked. */
  column_view = GTK_COLUMN_VIEW (assay_test_ui_find (GTK_WIDGET (view), GTK_TYPE_COLUMN_VIEW, NULL));
  shown = G_LIST_MODEL (gtk_column_view_get_model (column_view));
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(AssayFigureItem) row = g_list_model_get_item (shown, i);
      AssayResultFigure *figure = assay_figure_item_get_figure (row);

      if (g_strcmp0 (assay_result_figure_get_label (figure), "Total assets") == 0)
        position = i;
    }
  g_assert_cmpuint (position, !=, GTK_INVALID_LIST_POSITION);
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (shown), position, TRUE);
  wait_page (preview, 3);

  assay_test_ui_set_dark (FALSE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-preview");
  assert_highlight_on_text (preview, GTK_WIDGET (fixture->base.window), shot);
  g_clear_pointer (&shot, g_free);
  assay_test_ui_set_dark (TRUE);
  shot = assay_test_ui_screenshot (GTK_WIDGET (fixture->base.window), "document-view-preview-dark");
  assay_test_ui_set_dark (FALSE);

  /* Unselecting (Ctrl+click) clears the mark, the page stays. */
  g_assert_true (gtk_selection_model_unselect_item (GTK_SELECTION_MODEL (shown), position));
  g_assert_false (assay_page_preview_get_highlight_bounds (preview, &GRAPHENE_RECT_INIT (0, 0, 0, 0)));
  g_assert_cmpuint (assay_page_preview_get_page (preview), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  assay_test_widget_init (&argc, &argv, "page-preview");

  g_test_add ("/assay/page-preview/pages", Fixture, NULL,
              fixture_set_up, test_pages, fixture_tear_down);
  g_test_add ("/assay/page-preview/highlight", Fixture, NULL,
              fixture_set_up, test_highlight, fixture_tear_down);
  g_test_add ("/assay/page-preview/view-jumps-to-figure", Fixture, NULL,
              fixture_set_up, test_view_jumps_to_figure, fixture_tear_down);

  return assay_test_widget_run ();
}
