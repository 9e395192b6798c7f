/* assay-page-preview.h — one page of a document, with a figure's place on it
 *
 * Renders a page through the pipeline (in the reader helper, off the main
 * thread) at the widget's width, fit to width, again after the width
 * changes (debounced); previous/next page; the rectangles of a selected
 * figure drawn over the page in the theme's accent colour. A render for a
 * page, size or document that is no longer wanted is cancelled.
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-pipeline.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_PAGE_PREVIEW (assay_page_preview_get_type ())
G_DECLARE_FINAL_TYPE (AssayPagePreview, assay_page_preview, ASSAY, PAGE_PREVIEW, GtkWidget)

GtkWidget *assay_page_preview_new                (void);
void       assay_page_preview_set_document       (AssayPagePreview  *self,
                                                  AssayPipeline     *pipeline,
                                                  AssayDocument     *document);
guint      assay_page_preview_get_page           (AssayPagePreview  *self);
void       assay_page_preview_set_page           (AssayPagePreview  *self,
                                                  guint              page);
guint      assay_page_preview_get_n_pages        (AssayPagePreview  *self);
void       assay_page_preview_set_highlight      (AssayPagePreview  *self,
                                                  guint              page,
                                                  const AssayRect   *rects,
                                                  guint              n_rects);
gboolean   assay_page_preview_get_loading        (AssayPagePreview  *self);
guint      assay_page_preview_get_rendered_page  (AssayPagePreview  *self);
gboolean   assay_page_preview_get_highlight_bounds (AssayPagePreview *self,
                                                  graphene_rect_t   *bounds);

G_END_DECLS
