/* assay-chart-render.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-render"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-chart-geometry-private.h"
#include "assay-chart-render.h"

static void rounded_rect (cairo_t              *cr,
                          const AssayChartRect *r,
                          double                radius);

static void
set_color (cairo_t               *cr,
           const AssayChartColor *color,
           double                 alpha)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha);
}

typedef enum
{
  ALIGN_START,
  ALIGN_CENTER,
  ALIGN_END,
} Align;

/* Draws @text with its anchor at (x, y): x by @halign, y at the top, or the
 * middle with @vcenter; ellipsized to @max_width when > 0. */
static void
draw_text (cairo_t                  *cr,
           const AssayChartGeometry *geom,
           const AssayChartColor    *color,
           const char               *text,
           double                    x,
           double                    y,
           Align                     halign,
           gboolean                  vcenter,
           double                    scale,
           gboolean                  bold,
           double                    max_width)
{
  g_autoptr(PangoLayout) layout = NULL;
  g_autofree char *printable = _assay_chart_printable (text);
  int w, h;

  if (text == NULL || text[0] == '\0')
    return;
  if (printable != NULL)
    text = printable;

  layout = pango_cairo_create_layout (cr);
  {
    g_autoptr(PangoLayout) model = _assay_chart_layout (pango_layout_get_context (layout), geom, text, scale, bold);

    pango_layout_set_font_description (layout, pango_layout_get_font_description (model));
  }
  pango_layout_set_text (layout, text, -1);
  if (max_width > 0)
    {
      pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }
  pango_layout_get_pixel_size (layout, &w, &h);

  if (halign == ALIGN_CENTER)
    x -= w / 2.0;
  else if (halign == ALIGN_END)
    x -= w;
  if (vcenter)
    y -= h / 2.0;

  set_color (cr, color, 1);
  cairo_move_to (cr, round (x), round (y));
  pango_cairo_show_layout (cr, layout);
}

static void
draw_scale (cairo_t                   *cr,
            const AssayChartGeometry  *geom,
            const AssayChartPalette   *palette,
            const AssayChartScaleGeom *scale)
{
  const AssayChartRect *plot = &geom->plot;

  if (scale->category)
    {
      double slot = _assay_chart_scale_slot (scale);

      if (scale->vertical)
        {
          guint every = _assay_chart_label_every (slot, TRUE);

          for (guint i = 0; i < scale->n_categories; i += every)
            draw_text (cr, geom, &palette->foreground, scale->labels[i], plot->x - 6,
                       _assay_chart_scale_map (scale, i), ALIGN_END, TRUE, 1, FALSE, geom->v_label_width);
          return;
        }

      /* Below the plot: the labels the geometry chose, with a tick mark
       * under each when only some are shown. */
      for (guint i = 0; i < scale->n_categories; i++)
        {
          double p = _assay_chart_scale_map (scale, i);

          if (scale->shown != NULL && !scale->shown[i])
            continue;
          draw_text (cr, geom, &palette->foreground, scale->labels[i], p, geom->h_labels_y,
                     ALIGN_CENTER, FALSE, 1, FALSE, MAX (fabs (slot) * MAX (scale->label_every, 1) - 16, 8));
          if (scale->label_every > 1)
            {
              set_color (cr, &palette->axis, 1);
              cairo_set_line_width (cr, 1);
              cairo_move_to (cr, round (p) + 0.5, plot->y + plot->h);
              cairo_line_to (cr, round (p) + 0.5, plot->y + plot->h + 4);
              cairo_stroke (cr);
            }
        }
      return;
    }

  if (scale->ticks == NULL)
    return;

  /* Grid lines, then labels. */
  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  set_color (cr, &palette->grid, 1);
  for (guint i = 0; i < scale->ticks->n_ticks; i++)
    {
      double p = round (_assay_chart_scale_map (scale, scale->ticks->ticks[i].value)) + 0.5;

      if (!isfinite (p))
        continue;
      if (scale->vertical)
        {
          if (p < plot->y - 1 || p > plot->y + plot->h + 1)
            continue;
          cairo_move_to (cr, plot->x, p);
          cairo_line_to (cr, plot->x + plot->w, p);
        }
      else
        {
          if (p < plot->x - 1 || p > plot->x + plot->w + 1)
            continue;
          cairo_move_to (cr, p, plot->y);
          cairo_line_to (cr, p, plot->y + plot->h);
        }
    }
  cairo_stroke (cr);
  cairo_restore (cr);

  for (guint i = 0; i < scale->ticks->n_ticks; i++)
    {
      double p = _assay_chart_scale_map (scale, scale->ticks->ticks[i].value);

      if (!isfinite (p) || scale->ticks->ticks[i].label == NULL)
        continue;
      if (scale->vertical)
        {
          if (p < plot->y - 1 || p > plot->y + plot->h + 1)
            continue;
          draw_text (cr, geom, &palette->dim, scale->ticks->ticks[i].label, plot->x - 6, p,
                     ALIGN_END, TRUE, 1, FALSE, 0);
        }
      else
        {
          if (p < plot->x - 1 || p > plot->x + plot->w + 1)
            continue;
          draw_text (cr, geom, &palette->dim, scale->ticks->ticks[i].label, p, geom->h_labels_y,
                     ALIGN_CENTER, FALSE, 1, FALSE, 0);
        }
    }
}

/**
 * assay_chart_render_frame:
 * @cr: where to draw
 * @geometry: the laid-out chart
 * @palette: colours and font
 *
 * Draws everything but the series: background (unless transparent), title,
 * subtitle, legend, grid, axes with their labels, or the empty text.
 */
void
assay_chart_render_frame (cairo_t                  *cr,
                          const AssayChartGeometry *geometry,
                          const AssayChartPalette  *palette)
{
  const AssayChartGeometry *geom = geometry;
  const AssayChartRect *plot = &geom->plot;
  AssayChartSpec *spec = geom->spec;
  const char *h_title, *v_title;

  g_return_if_fail (cr != NULL && geometry != NULL && palette != NULL);

  cairo_save (cr);

  if (palette->background.alpha > 0)
    {
      set_color (cr, &palette->background, 1);
      cairo_rectangle (cr, 0, 0, geom->width, geom->height);
      cairo_fill (cr);
    }

  draw_text (cr, geom, &palette->foreground, assay_chart_spec_get_title (spec),
             ASSAY_CHART_MARGIN, geom->title_y, ALIGN_START, FALSE, 1.25, TRUE,
             geom->width - 2 * ASSAY_CHART_MARGIN);
  if (assay_chart_spec_get_subtitle (spec) != NULL)
    {
      AssayChartTone tone = assay_chart_spec_get_subtitle_tone (spec);
      const AssayChartColor *color = tone == ASSAY_CHART_TONE_GOOD ? &palette->good
                                   : tone == ASSAY_CHART_TONE_WARNING ? &palette->warning
                                   : tone == ASSAY_CHART_TONE_BAD ? &palette->bad : NULL;
      g_autoptr(PangoLayout) layout = NULL;
      double x;

      /* A verdict: a dot and the words in its colour. */
      if (color != NULL)
        {
          set_color (cr, color, 1);
          cairo_arc (cr, ASSAY_CHART_MARGIN + 4, geom->subtitle_y + geom->text_height / 2, 4, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      layout = pango_cairo_create_layout (cr);
      {
        g_autoptr(PangoLayout) model = _assay_chart_subtitle_layout (pango_layout_get_context (layout), geom, &x);

        pango_layout_set_font_description (layout, pango_layout_get_font_description (model));
        pango_layout_set_text (layout, pango_layout_get_text (model), -1);
        pango_layout_set_width (layout, pango_layout_get_width (model));
        pango_layout_set_wrap (layout, pango_layout_get_wrap (model));
        pango_layout_set_ellipsize (layout, pango_layout_get_ellipsize (model));
        pango_layout_set_height (layout, pango_layout_get_height (model));
      }
      set_color (cr, color != NULL ? color : &palette->dim, 1);
      cairo_move_to (cr, round (x), round (geom->subtitle_y));
      pango_cairo_show_layout (cr, layout);
    }

  for (guint i = 0; i < geom->legend->len; i++)
    {
      const AssayChartLegendEntry *e = g_ptr_array_index (geom->legend, i);
      double sw = geom->text_height * 0.6;

      set_color (cr, assay_chart_palette_series_color (palette, e->color), 1);
      if (e->line)
        {
          double cy = e->y + geom->text_height / 2;

          cairo_set_line_width (cr, palette->line_width);
          cairo_move_to (cr, e->x, cy);
          cairo_line_to (cr, e->x + 16, cy);
          cairo_stroke (cr);
          cairo_arc (cr, e->x + 8, cy, 3.5, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      else
        {
          rounded_rect (cr, &(AssayChartRect) { e->x, e->y + (geom->text_height - sw) / 2, 16, sw }, 2);
          cairo_fill (cr);
        }
      draw_text (cr, geom, &palette->foreground, e->text, e->x + 22, e->y, ALIGN_START, FALSE, 1, FALSE, 0);
    }

  if (geom->empty)
    {
      draw_text (cr, geom, &palette->dim, assay_chart_spec_get_empty_text (spec),
                 plot->x + plot->w / 2, plot->y + plot->h / 2, ALIGN_CENTER, TRUE, 1.1, FALSE, plot->w);
      cairo_restore (cr);
      return;
    }

  draw_scale (cr, geom, palette, &geom->v);
  draw_scale (cr, geom, palette, &geom->h);

  /* Axis lines: the bottom and the left of the plot. */
  cairo_set_line_width (cr, 1);
  set_color (cr, &palette->axis, 1);
  cairo_move_to (cr, round (plot->x) - 0.5, round (plot->y));
  cairo_line_to (cr, round (plot->x) - 0.5, round (plot->y + plot->h) + 0.5);
  cairo_line_to (cr, round (plot->x + plot->w), round (plot->y + plot->h) + 0.5);
  cairo_stroke (cr);

  h_title = assay_chart_spec_get_axis_title (spec, geom->h.axis);
  v_title = assay_chart_spec_get_axis_title (spec, geom->v.axis);
  draw_text (cr, geom, &palette->dim, h_title, plot->x + plot->w / 2, geom->h_title_y,
             ALIGN_CENTER, FALSE, 1, FALSE, plot->w);
  if (v_title != NULL)
    {
      cairo_save (cr);
      cairo_translate (cr, geom->v_title_x, plot->y + plot->h / 2);
      cairo_rotate (cr, -G_PI / 2);
      draw_text (cr, geom, &palette->dim, v_title, 0, 0, ALIGN_CENTER, FALSE, 1, FALSE, plot->h);
      cairo_restore (cr);
    }

  cairo_restore (cr);
}

static void
rounded_rect (cairo_t              *cr,
              const AssayChartRect *r,
              double                radius)
{
  radius = MIN (radius, MIN (r->w, r->h) / 2);
  /* A bar a pixel or two wide (thousands of pages) is a plain rectangle:
   * no arcs to see, four fewer to fill each. */
  if (radius < 1)
    {
      cairo_rectangle (cr, r->x, r->y, r->w, r->h);
      return;
    }
  cairo_new_sub_path (cr);
  cairo_arc (cr, r->x + r->w - radius, r->y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, r->x + r->w - radius, r->y + r->h - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, r->x + radius, r->y + r->h - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, r->x + radius, r->y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* Horizontal bars carry their value at the end: outside when it fits. */
static void
draw_bar_values (cairo_t                    *cr,
                 const AssayChartGeometry   *geom,
                 const AssayChartPalette    *palette,
                 const AssayChartSeriesGeom *g)
{
  const double *y = assay_chart_series_get_y (g->series);
  const char *unit = assay_chart_spec_get_axis_unit (geom->spec, ASSAY_CHART_AXIS_Y);
  guint n = assay_chart_series_get_n_items (g->series);

  for (guint i = 0; i < n; i++)
    {
      const AssayChartRect *r = &g->rects[i];
      g_autofree char *text = NULL;
      g_autoptr(PangoLayout) layout = NULL;
      double magnitude = fabs (y[i]);
      double step;
      int w, h;

      if (r->w <= 0 || !isfinite (y[i]) || r->h < geom->text_height * 0.8)
        continue;
      step = magnitude > 0 ? pow (10, floor (log10 (magnitude)) - 2) : 1;
      text = assay_chart_format_tick (y[i], step, magnitude, unit);
      {
        /* Three significant digits, without trailing zeros: "60 M", not "60.0 M". */
        char *dot = strchr (text, '.');

        if (dot != NULL)
          {
            char *end = dot + strspn (dot + 1, "0123456789");
            char *cut = end;

            while (cut > dot && *cut == '0')
              cut--;
            if (cut == dot)
              cut--;
            memmove (cut + 1, end + 1, strlen (end + 1) + 1);
          }
      }
      layout = _assay_chart_layout (pango_cairo_create_context (cr), geom, text, 0.95, FALSE);
      pango_layout_get_pixel_size (layout, &w, &h);
      g_object_unref (pango_layout_get_context (layout));

      if (r->x + r->w + 6 + w <= geom->width - ASSAY_CHART_MARGIN / 2)
        draw_text (cr, geom, &palette->foreground, text, r->x + r->w + 6, r->y + r->h / 2,
                   ALIGN_START, TRUE, 0.95, FALSE, 0);
      else if (r->w > w + 12)
        {
          AssayChartColor on_bar = { 1, 1, 1, 1 };

          draw_text (cr, geom, &on_bar, text, r->x + r->w - 6, r->y + r->h / 2,
                     ALIGN_END, TRUE, 0.95, FALSE, 0);
        }
    }
}

/**
 * assay_chart_render_series:
 * @cr: where to draw
 * @geometry: the laid-out chart
 * @palette: colours
 * @series: which series
 *
 * Draws one series' marks, clipped to the plot area.
 */
void
assay_chart_render_series (cairo_t                  *cr,
                           const AssayChartGeometry *geometry,
                           const AssayChartPalette  *palette,
                           guint                     series)
{
  const AssayChartGeometry *geom = geometry;
  const AssayChartSeriesGeom *g;
  const AssayChartColor *color;
  guint n;

  g_return_if_fail (cr != NULL && geometry != NULL && palette != NULL);
  g_return_if_fail (series < geometry->n_series);

  if (geom->empty)
    return;

  g = &geom->series[series];
  color = assay_chart_palette_series_color (palette, g->color);
  n = assay_chart_series_get_n_items (g->series);

  cairo_save (cr);
  cairo_rectangle (cr, geom->plot.x - 4, geom->plot.y - 4, geom->plot.w + 8, geom->plot.h + 8);
  cairo_clip (cr);

  switch (g->kind)
    {
    case ASSAY_CHART_KIND_BAR:
    case ASSAY_CHART_KIND_HISTOGRAM:
      set_color (cr, color, g->kind == ASSAY_CHART_KIND_HISTOGRAM ? 0.85 : 1);
      for (guint i = 0; i < n; i++)
        if (g->rects[i].w >= 0.5 && g->rects[i].h >= 0.5)
          rounded_rect (cr, &g->rects[i], g->kind == ASSAY_CHART_KIND_BAR ? 2 : 0);
      cairo_fill (cr);
      break;

    case ASSAY_CHART_KIND_TIME_SPAN:
      for (guint i = 0; i < n; i++)
        if (g->rects[i].w > 0)
          {
            set_color (cr, assay_chart_palette_series_color (palette, g->rect_colors[i]), 1);
            rounded_rect (cr, &g->rects[i], 2);
            cairo_fill (cr);
          }
      break;

    case ASSAY_CHART_KIND_LINE:
      if (g->n_band > 0)
        {
          double half = palette->line_width / 4;

          /* The band of a dense line, at least a line's width thick. Cairo's
           * fast antialiasing fills it >10× quicker than the default (measured:
           * 0.7 against 11 ms at 1200 px), and looks the same on a band. */
          cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
          set_color (cr, color, 1);
          cairo_move_to (cr, g->band_x[0] - 0.5, g->band_top[0] - half);
          for (guint k = 0; k < g->n_band; k++)
            cairo_line_to (cr, g->band_x[k], g->band_top[k] - half);
          cairo_line_to (cr, g->band_x[g->n_band - 1] + 0.5, g->band_top[g->n_band - 1] - half);
          cairo_line_to (cr, g->band_x[g->n_band - 1] + 0.5, g->band_bottom[g->n_band - 1] + half);
          for (guint k = g->n_band; k-- > 0;)
            cairo_line_to (cr, g->band_x[k], g->band_bottom[k] + half);
          cairo_line_to (cr, g->band_x[0] - 0.5, g->band_bottom[0] + half);
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      else if (g->n_marks > 0)
        {
          cairo_set_line_width (cr, palette->line_width);
          cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
          cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
          set_color (cr, color, 1);
          cairo_move_to (cr, g->px[0], g->py[0]);
          for (guint k = 1; k < g->n_marks; k++)
            cairo_line_to (cr, g->px[k], g->py[k]);
          if (g->n_marks == 1)
            cairo_line_to (cr, g->px[0] + 0.01, g->py[0]);
          cairo_stroke (cr);
        }
      if (g->markers)
        {
          for (guint k = 0; k < g->n_marks; k++)
            {
              cairo_new_sub_path (cr);
              cairo_arc (cr, g->px[k], g->py[k], 3.5, 0, 2 * G_PI);
            }
          set_color (cr, color, 1);
          cairo_fill (cr);
        }
      break;

    case ASSAY_CHART_KIND_SCATTER:
      set_color (cr, color, 0.75);
      if (g->n_marks > 4000)
        for (guint k = 0; k < g->n_marks; k++)
          cairo_rectangle (cr, g->px[k] - 1, g->py[k] - 1, 2, 2);
      else
        for (guint k = 0; k < g->n_marks; k++)
          {
            cairo_new_sub_path (cr);
            cairo_arc (cr, g->px[k], g->py[k], 3, 0, 2 * G_PI);
          }
      cairo_fill (cr);
      break;

    default:
      g_assert_not_reached ();
    }

  cairo_restore (cr);

  /* Values on every bar tall enough for one (draw_bar_values()): a chart
   * of 85 key figures 2,000 px tall is read bar by bar, far from its axis. */
  if (g->kind == ASSAY_CHART_KIND_BAR && assay_chart_spec_get_horizontal (geom->spec))
    draw_bar_values (cr, geom, palette, g);
}

/**
 * assay_chart_render_hover:
 * @cr: where to draw
 * @geometry: the laid-out chart
 * @palette: colours
 * @series: the hovered (or keyboard-focused) item's series
 * @index: the item
 *
 * Marks one item: a ring (and a guide line on a line chart) around a point,
 * an outline around a bar, bin or span.
 */
void
assay_chart_render_hover (cairo_t                  *cr,
                          const AssayChartGeometry *geometry,
                          const AssayChartPalette  *palette,
                          guint                     series,
                          guint                     index)
{
  const AssayChartGeometry *geom = geometry;
  double x, y, w, h;

  g_return_if_fail (cr != NULL && geometry != NULL && palette != NULL);

  if (!assay_chart_geometry_get_item_area (geom, series, index, &x, &y, &w, &h))
    return;

  cairo_save (cr);
  if (w == 0 && h == 0)
    {
      const AssayChartColor *color = assay_chart_palette_series_color (palette, geom->series[series].color);

      if (geom->series[series].kind == ASSAY_CHART_KIND_LINE)
        {
          cairo_set_line_width (cr, 1);
          set_color (cr, &palette->hover, 0.35);
          cairo_move_to (cr, round (x) + 0.5, geom->plot.y);
          cairo_line_to (cr, round (x) + 0.5, geom->plot.y + geom->plot.h);
          cairo_stroke (cr);
        }
      cairo_arc (cr, x, y, 5, 0, 2 * G_PI);
      set_color (cr, color, 1);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2);
      set_color (cr, &palette->hover, 1);
      cairo_stroke (cr);
    }
  else
    {
      AssayChartRect r = { x - 1, y - 1, w + 2, h + 2 };

      set_color (cr, &palette->hover, 0.12);
      rounded_rect (cr, &r, 3);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, 2);
      set_color (cr, &palette->hover, 0.9);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/**
 * assay_chart_render:
 * @cr: where to draw
 * @geometry: the laid-out chart
 * @palette: colours and font
 *
 * Draws the whole chart: the frame, then every series in order.
 */
void
assay_chart_render (cairo_t                  *cr,
                    const AssayChartGeometry *geometry,
                    const AssayChartPalette  *palette)
{
  g_return_if_fail (cr != NULL && geometry != NULL && palette != NULL);

  assay_chart_render_frame (cr, geometry, palette);
  for (guint i = 0; i < geometry->n_series; i++)
    assay_chart_render_series (cr, geometry, palette, i);
}
