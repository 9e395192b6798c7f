/* assay-page-image.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-page-image"

#include "config.h"

#include "assay-page-image.h"

G_DEFINE_BOXED_TYPE (AssayPageImage, assay_page_image, assay_page_image_copy, assay_page_image_free)

/**
 * assay_page_image_copy:
 *
 * Returns: (transfer full): a copy sharing the pixels (they are immutable)
 */
AssayPageImage *
assay_page_image_copy (const AssayPageImage *image)
{
  AssayPageImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = g_memdup2 (image, sizeof *image);
  if (copy->pixels != NULL)
    g_bytes_ref (copy->pixels);

  return copy;
}

void
assay_page_image_free (AssayPageImage *image)
{
  if (image == NULL)
    return;

  g_clear_pointer (&image->pixels, g_bytes_unref);
  g_free (image);
}
