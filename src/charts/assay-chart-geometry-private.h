/* assay-chart-geometry-private.h — the layout, shared by geometry and rendering */
#pragma once

#include <pango/pangocairo.h>

#include "assay-chart-geometry.h"
#include "assay-chart-ticks.h"

G_BEGIN_DECLS

#define ASSAY_CHART_MARGIN 12.0

typedef struct
{
  double x, y, w, h;
} AssayChartRect;

typedef struct
{
  gboolean          category;      /* slots of equal size, one per category */
  guint             n_categories;
  char            **labels;        /* (category) borrowed from the series */
  guint8           *shown;         /* (category, below the plot) which labels are drawn */
  guint             label_every;   /* (category, below the plot) the step between them */
  gboolean          log;
  gboolean          time;
  double            t0, t1;        /* the domain, log₁₀ on a log scale */
  double            p0, p1;        /* pixels at t0 and t1 (or at the first and past the last slot) */
  AssayChartTicks  *ticks;         /* (continuous) */
  AssayChartAxisId  axis;          /* whose title and unit it shows */
  gboolean          vertical;
} AssayChartScaleGeom;

typedef struct
{
  AssayChartSeries *series;        /* borrowed from the spec */
  AssayChartKind    kind;
  int               color;
  guint             n_marks;
  AssayChartRect   *rects;         /* bars, bins, spans: one per item (w = 0: none) */
  int              *rect_colors;   /* spans: colour per item */
  double           *px, *py;       /* lines, scatter: one per mark */
  guint            *index;         /* item of each mark */
  gboolean          markers;       /* draw a dot at each point */
  /* A dense line (downsampled) is drawn as the band its points cover in each
   * pixel column: one simple polygon to fill instead of a zigzag to stroke,
   * which cairo would tessellate with thousands of self-intersections. */
  guint             n_band;
  double           *band_x, *band_top, *band_bottom;
} AssayChartSeriesGeom;

typedef struct
{
  char   *text;
  int     color;
  gboolean line;                   /* a line series: a stroke, not a box */
  double  x, y;                    /* the swatch's top left */
} AssayChartLegendEntry;

struct _AssayChartGeometry
{
  AssayChartSpec        *spec;
  double                 width, height;
  AssayChartRect         plot;
  AssayChartScaleGeom    h, v;
  double                 title_y, subtitle_y, legend_y, text_height;
  double                 h_labels_y, h_title_y, v_title_x;
  double                 v_label_width;     /* room left of the plot for the vertical axis labels */
  AssayChartSeriesGeom  *series;
  guint                  n_series;
  GPtrArray             *legend;            /* AssayChartLegendEntry */
  gboolean               empty;
  char                  *font;
  double                 font_size;
};

double _assay_chart_scale_map     (const AssayChartScaleGeom *scale,
                                   double                     value);
double _assay_chart_scale_slot    (const AssayChartScaleGeom *scale);
guint  _assay_chart_label_every   (double                     slot,
                                   gboolean                   vertical);
char  *_assay_chart_printable    (const char                *text);
PangoLayout *_assay_chart_subtitle_layout (PangoContext      *context,
                                          const AssayChartGeometry *geom,
                                          double            *x);
PangoLayout *_assay_chart_layout  (PangoContext              *context,
                                   const AssayChartGeometry  *geom,
                                   const char                *text,
                                   double                     scale,
                                   gboolean                   bold);

G_END_DECLS
