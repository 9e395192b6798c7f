/* assay-chart-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-export"

#include "config.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include <glib/gi18n.h>

#include "assay-chart-export.h"
#include "assay-chart-geometry.h"
#include "assay-chart-render.h"

/**
 * assay_chart_format_from_path:
 * @path: a file name ending in .svg, .png or .pdf
 * @format: (out): the format
 *
 * Returns: whether the extension names a format
 */
gboolean
assay_chart_format_from_path (const char       *path,
                              AssayChartFormat *format)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".svg"))
    *format = ASSAY_CHART_FORMAT_SVG;
  else if (g_str_has_suffix (lower, ".png"))
    *format = ASSAY_CHART_FORMAT_PNG;
  else if (g_str_has_suffix (lower, ".pdf"))
    *format = ASSAY_CHART_FORMAT_PDF;
  else
    return FALSE;
  return TRUE;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * assay_chart_export_bytes:
 * @spec: the chart
 * @palette: (nullable): colours and font; NULL for the light palette
 * @format: SVG, PNG or PDF
 * @width: in pixels (PNG) or points (SVG, PDF)
 * @height: likewise
 * @error: return location for an error
 *
 * Lays out and draws @spec with the same code as the widget.
 *
 * Returns: (transfer full): the file's bytes, or NULL with @error set
 */
GBytes *
assay_chart_export_bytes (AssayChartSpec          *spec,
                          const AssayChartPalette *palette,
                          AssayChartFormat         format,
                          guint                    width,
                          guint                    height,
                          GError                 **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(AssayChartGeometry) geometry = NULL;
  AssayChartPalette light;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width == 0 || height == 0 || width > 16384 || height > 16384)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("A chart’s size must be between 1 and 16384 pixels, not %u × %u"), width, height);
      return NULL;
    }

  if (palette == NULL)
    {
      assay_chart_palette_init (&light, ASSAY_CHART_STYLE_LIGHT);
      palette = &light;
    }

  switch (format)
    {
    case ASSAY_CHART_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      break;
    case ASSAY_CHART_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_bytes, bytes, width, height);
      break;
    case ASSAY_CHART_FORMAT_PNG:
    default:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      break;
    }

  geometry = assay_chart_geometry_new (spec, palette, width, height);
  cr = cairo_create (surface);
  assay_chart_render (cr, geometry, palette);
  cairo_destroy (cr);

  if (format == ASSAY_CHART_FORMAT_PNG)
    status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
  else
    {
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
    }
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not draw the chart: %s"), cairo_status_to_string (status));
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

/**
 * assay_chart_export:
 * @spec: the chart
 * @palette: (nullable): colours and font; NULL for the light palette
 * @format: SVG, PNG or PDF
 * @width: in pixels (PNG) or points (SVG, PDF)
 * @height: likewise
 * @path: the file to write, replaced atomically
 * @error: return location for an error
 *
 * Returns: whether the file was written
 */
gboolean
assay_chart_export (AssayChartSpec          *spec,
                    const AssayChartPalette *palette,
                    AssayChartFormat         format,
                    guint                    width,
                    guint                    height,
                    const char              *path,
                    GError                 **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (path != NULL, FALSE);

  bytes = assay_chart_export_bytes (spec, palette, format, width, height, error);
  if (bytes == NULL)
    return FALSE;

  data = g_bytes_get_data (bytes, &size);
  return g_file_set_contents_full (path, data, size, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}
