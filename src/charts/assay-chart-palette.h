/* assay-chart-palette.h — the colours and font a chart is drawn with
 *
 * The widget fills one from the theme (light, dark, high contrast); export
 * uses the light one unless asked otherwise. No GTK.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double red, green, blue, alpha;
} AssayChartColor;

typedef enum
{
  ASSAY_CHART_STYLE_LIGHT,
  ASSAY_CHART_STYLE_DARK,
  ASSAY_CHART_STYLE_HIGH_CONTRAST,
  ASSAY_CHART_STYLE_HIGH_CONTRAST_DARK,
} AssayChartStyle;

#define ASSAY_CHART_N_SERIES_COLORS 8

typedef struct
{
  AssayChartColor background;   /* alpha 0: leave the surface as it is (on screen) */
  AssayChartColor foreground;   /* titles, tick labels */
  AssayChartColor dim;          /* subtitles, axis titles, the empty text */
  AssayChartColor grid;
  AssayChartColor axis;
  AssayChartColor hover;        /* the hover ring and guide */
  AssayChartColor good;         /* a subtitle's tone: libadwaita's success, warning, error */
  AssayChartColor warning;
  AssayChartColor bad;
  AssayChartColor series[ASSAY_CHART_N_SERIES_COLORS];
  char            font[64];     /* Pango font family */
  double          font_size;    /* points at 96 dpi */
  double          line_width;
} AssayChartPalette;

void  assay_chart_palette_init        (AssayChartPalette       *palette,
                                       AssayChartStyle          style);
const AssayChartColor *
      assay_chart_palette_series_color (const AssayChartPalette *palette,
                                        int                      index);
void  assay_chart_color_parse         (AssayChartColor         *color,
                                       const char              *hex);

G_END_DECLS
