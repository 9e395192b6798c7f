/* assay-chart-palette.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-palette"

#include "config.h"

#include <string.h>

#include "assay-chart-palette.h"

/**
 * assay_chart_color_parse:
 * @color: (out): the colour
 * @hex: "#rrggbb" or "#rrggbbaa"
 */
void
assay_chart_color_parse (AssayChartColor *color,
                         const char      *hex)
{
  guint v[4] = { 0, 0, 0, 255 };
  gsize len;

  g_return_if_fail (color != NULL && hex != NULL && hex[0] == '#');

  len = strlen (hex + 1);
  for (guint i = 0; i < 4 && 2 * i + 1 < len; i++)
    v[i] = g_ascii_xdigit_value (hex[1 + 2 * i]) * 16 + g_ascii_xdigit_value (hex[2 + 2 * i]);
  color->red = v[0] / 255.;
  color->green = v[1] / 255.;
  color->blue = v[2] / 255.;
  color->alpha = v[3] / 255.;
}

/* GNOME's palette (the HIG's colours), one step lighter on dark backgrounds,
 * the strongest steps in high contrast. Blue first: libadwaita's accent. */
static const char *light_series[ASSAY_CHART_N_SERIES_COLORS] = {
  "#3584e4", "#e66100", "#26a269", "#9141ac", "#c01c28", "#c88800", "#865e3c", "#1c71d8",
};
static const char *dark_series[ASSAY_CHART_N_SERIES_COLORS] = {
  "#78aeed", "#ffa348", "#57e389", "#c061cb", "#f66151", "#f8e45c", "#cdab8f", "#99c1f1",
};
static const char *hc_series[ASSAY_CHART_N_SERIES_COLORS] = {
  "#1a5fb4", "#c64600", "#26a269", "#613583", "#a51d2d", "#986a00", "#63452c", "#0b3e80",
};
static const char *hc_dark_series[ASSAY_CHART_N_SERIES_COLORS] = {
  "#99c1f1", "#ffbe6f", "#8ff0a4", "#dc8add", "#ff7b63", "#f9f06b", "#e0c5a6", "#c0dbff",
};

/**
 * assay_chart_palette_init:
 * @palette: (out caller-allocates): the palette to fill
 * @style: which one
 *
 * Fills in the colours for a style. Export uses %ASSAY_CHART_STYLE_LIGHT with
 * a white background; the widget then sets the background to transparent
 * and takes the foreground and accent from the theme.
 */
void
assay_chart_palette_init (AssayChartPalette *palette,
                          AssayChartStyle    style)
{
  const char **series;
  gboolean dark = style == ASSAY_CHART_STYLE_DARK || style == ASSAY_CHART_STYLE_HIGH_CONTRAST_DARK;
  gboolean hc = style == ASSAY_CHART_STYLE_HIGH_CONTRAST || style == ASSAY_CHART_STYLE_HIGH_CONTRAST_DARK;

  g_return_if_fail (palette != NULL);

  memset (palette, 0, sizeof *palette);

  if (dark)
    {
      assay_chart_color_parse (&palette->background, "#242424");
      assay_chart_color_parse (&palette->foreground, "#ffffff");
      assay_chart_color_parse (&palette->dim, hc ? "#ffffffdd" : "#ffffffa0");
      assay_chart_color_parse (&palette->grid, hc ? "#ffffff50" : "#ffffff1c");
      assay_chart_color_parse (&palette->axis, hc ? "#ffffff" : "#ffffff70");
      assay_chart_color_parse (&palette->hover, "#ffffff");
      assay_chart_color_parse (&palette->good, "#8ff0a4");
      assay_chart_color_parse (&palette->warning, "#f8e45c");
      assay_chart_color_parse (&palette->bad, "#ff7b63");
    }
  else
    {
      assay_chart_color_parse (&palette->background, "#ffffff");
      assay_chart_color_parse (&palette->foreground, hc ? "#000000" : "#000000de");
      assay_chart_color_parse (&palette->dim, hc ? "#000000dd" : "#00000090");
      assay_chart_color_parse (&palette->grid, hc ? "#00000050" : "#00000018");
      assay_chart_color_parse (&palette->axis, hc ? "#000000" : "#00000060");
      assay_chart_color_parse (&palette->hover, "#000000");
      assay_chart_color_parse (&palette->good, hc ? "#136f43" : "#1b8553");
      assay_chart_color_parse (&palette->warning, hc ? "#7a5500" : "#9c6e03");
      assay_chart_color_parse (&palette->bad, hc ? "#a51d2d" : "#c01c28");
    }

  series = hc ? (dark ? hc_dark_series : hc_series) : (dark ? dark_series : light_series);
  for (guint i = 0; i < ASSAY_CHART_N_SERIES_COLORS; i++)
    assay_chart_color_parse (&palette->series[i], series[i]);

  g_strlcpy (palette->font, "Cantarell, Noto Sans, DejaVu Sans, Sans", sizeof palette->font);
  palette->font_size = 10;
  palette->line_width = hc ? 2.5 : 1.75;
}

/* Returns: (transfer none): the series colour at @index, wrapping around */
const AssayChartColor *
assay_chart_palette_series_color (const AssayChartPalette *palette,
                                  int                      index)
{
  if (index < 0)
    index = 0;
  return &palette->series[index % ASSAY_CHART_N_SERIES_COLORS];
}
