/* assay-page-image.h — one rendered PDF page
 *
 * Pixels as the reader helper rendered them: cairo's ARGB32, premultiplied,
 * native-endian (= GDK_MEMORY_DEFAULT, for gdk_memory_texture_new()), on a
 * white background. A plain value; any thread.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  GBytes *pixels;        /* stride * height bytes */
  guint   width;
  guint   height;
  guint   stride;
  double  page_width;    /* points */
  double  page_height;
  guint   page;          /* 1-based */
  guint   n_pages;
} AssayPageImage;

#define ASSAY_TYPE_PAGE_IMAGE (assay_page_image_get_type ())

GType           assay_page_image_get_type (void);
AssayPageImage *assay_page_image_copy     (const AssayPageImage *image);
void            assay_page_image_free     (AssayPageImage       *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayPageImage, assay_page_image_free)

G_END_DECLS
