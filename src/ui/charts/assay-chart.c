/* assay-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart"

#include "config.h"

#include <math.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "assay-chart-export.h"
#include "assay-chart-private.h"
#include "assay-chart-render.h"
#include "assay-column-layer.h"
#include "assay-line-layer.h"
#include "assay-scatter-layer.h"
#include "assay-time-span-layer.h"
#include "assay-worker-pool.h"

/* Above this many points the geometry is computed on the worker pool: the
 * frames meanwhile show the previous one. A million points lay out in a few
 * milliseconds (docs/benchmarks.md), so the usual charts stay synchronous. */
#define SYNC_GEOMETRY_MAX_POINTS 1500000

/* A chart stacks layer widgets, each drawing one series (sysprof's pattern).
 * The chart owns what they share: the description (its own settings plus the
 * layers' series), the geometry laid out for the current size — computed
 * once per size or data change — and the frame (axes, grid, title, legend),
 * kept as a render node. Hovering redraws only the hover mark: the frame node
 * and the layers' nodes (GTK keeps those until a layer queues a draw) are
 * reused as they are.
 *
 * A chart given a render pool (assay_chart_set_render_pool(), for charts
 * that update live) does both the layout and the drawing there: the job
 * draws the frame and every series with assay_chart_render() — the export's
 * path — into an image at the window's scale, and the main thread only
 * appends that texture, until the data, the size, the colours or the scale
 * change. Meanwhile frames show the picture before, with the geometry it
 * was drawn from (hit-testing, tooltips and item ids read that one, so what
 * is pointed at is what is shown); the layers draw nothing of their own. */
struct _AssayChart
{
  GtkWidget           parent_instance;

  AssayChartSpec     *base;        /* title, axes, …: no series */
  AssayChartSpec     *spec;        /* base + the layers' series; NULL: to rebuild */
  AssayChartGeometry *geometry;
  GskRenderNode      *frame_node;
  AssayChartPalette   palette;
  AssayChartColor     window_background;   /* behind an export of the look on screen */

  int                 natural_width;   /* -1: 560 */
  GCancellable       *cancellable; /* the geometry job in flight */
  AssayChartSpec     *pending_spec;
  double              pending_width, pending_height;
  int                 pending_scale;
  guint               pending_palette_serial;

  AssayWorkerPool    *render_pool;   /* NULL: drawn on the main thread */
  int                 render_priority;
  GskRenderNode      *raster;        /* self->geometry drawn, on the pool */
  cairo_surface_t    *raster_surface; /* its pixels */
  int                 raster_scale;
  guint               raster_palette_serial;
  guint               palette_serial; /* bumped when the colours or the font change */
  guint               n_draws_main;  /* static drawing (frame, series) on the main thread */
  guint               n_draws_pool;  /* pictures drawn on the pool and shown */
  guint               n_unchanged_pool; /* drawn there the same as the one shown */

  double              pointer_x, pointer_y;
  guint               hover_series, hover_index;
  guint               focus_series, focus_index;
  guint               has_hover : 1;
  guint               has_focus_item : 1;
  guint               pointer_in : 1;
  guint               setting_spec : 1;
};

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_NATURAL_WIDTH,
  N_PROPS
};

enum {
  ACTIVATED,
  N_SIGNALS
};

static void assay_chart_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayChart, assay_chart, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, assay_chart_buildable_init))

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable;
static guint signals[N_SIGNALS];

static void
redraw_all (AssayChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_queue_draw (child);
}

static const AssayChartGeometry *get_geometry (AssayChart *self);

static void
invalidate_geometry (AssayChart *self)
{
  if (self->render_pool != NULL)
    {
      /* The picture shown stays until the new one is drawn, started now
       * rather than at the next frame. */
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        get_geometry (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  redraw_all (self);
}

static AssayChartSpec *
ensure_spec (AssayChart *self)
{
  g_autofree char *description = NULL;
  int index = 0;

  if (self->spec != NULL)
    return self->spec;

  self->spec = assay_chart_spec_copy (self->base);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      AssayChartLayer *layer = ASSAY_CHART_LAYER (child);
      AssayChartSeries *series = assay_chart_layer_get_series (layer);

      if (series != NULL)
        {
          assay_chart_spec_add_series (self->spec, series);
          _assay_chart_layer_set_index (layer, index++);
        }
      else
        _assay_chart_layer_set_index (layer, -1);
    }

  description = assay_chart_spec_describe (self->spec);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  return self->spec;
}

static void
spec_changed (AssayChart *self)
{
  g_clear_pointer (&self->spec, assay_chart_spec_unref);
  self->has_hover = FALSE;   /* the keyboard's item stays, checked against the new data when used */
  invalidate_geometry (self);
}

void
_assay_chart_layers_changed (AssayChart *self)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  if (!self->setting_spec)
    spec_changed (self);
}

typedef struct
{
  AssayChartSpec    *spec;
  AssayChartPalette  palette;
  double             width, height;
  int                scale;          /* > 0: drawn too, at this scale */
  guint              palette_serial;
  cairo_surface_t   *previous;       /* the picture shown, read-only */
} GeometryJob;

typedef struct
{
  AssayChartGeometry *geometry;
  cairo_surface_t    *surface;       /* NULL: laid out only, or drawn the same as before */
  gboolean            unchanged;     /* drawn, and the same pixels as the picture shown */
} GeometryResult;

static void
geometry_job_free (gpointer data)
{
  GeometryJob *job = data;

  assay_chart_spec_unref (job->spec);
  g_clear_pointer (&job->previous, cairo_surface_destroy);
  g_free (job);
}

/* Whether two pictures have the same pixels. */
static gboolean
same_pixels (cairo_surface_t *a,
             cairo_surface_t *b)
{
  int height = cairo_image_surface_get_height (a);
  int stride = cairo_image_surface_get_stride (a);

  return cairo_image_surface_get_width (a) == cairo_image_surface_get_width (b) &&
         height == cairo_image_surface_get_height (b) &&
         stride == cairo_image_surface_get_stride (b) &&
         memcmp (cairo_image_surface_get_data (a), cairo_image_surface_get_data (b), (gsize) stride * height) == 0;
}

static void
geometry_result_free (gpointer data)
{
  GeometryResult *result = data;

  g_clear_pointer (&result->geometry, assay_chart_geometry_free);
  g_clear_pointer (&result->surface, cairo_surface_destroy);
  g_free (result);
}

/* On the pool: the layout, and for a chart drawn there the picture, through
 * the same assay_chart_render() that export uses. */
static void
geometry_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  GeometryJob *job = task_data;
  GeometryResult *result;

  if (g_task_return_error_if_cancelled (task))
    return;
  result = g_new0 (GeometryResult, 1);
  result->geometry = assay_chart_geometry_new (job->spec, &job->palette, job->width, job->height);
  if (job->scale > 0 && !g_cancellable_is_cancelled (cancellable))
    {
      int width = MAX (1, (int) ceil (job->width * job->scale));
      int height = MAX (1, (int) ceil (job->height * job->scale));
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      cairo_t *cr = cairo_create (surface);

      cairo_scale (cr, job->scale, job->scale);
      assay_chart_render (cr, result->geometry, &job->palette);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS && job->previous != NULL &&
          same_pixels (surface, job->previous))
        {
          /* New data that looks the same (a live update that moved nothing
           * here): the picture shown stays, and no frame draws it again. */
          result->unchanged = TRUE;
          cairo_surface_destroy (surface);
        }
      else if (cairo_surface_status (surface) == CAIRO_STATUS_SUCCESS)
        result->surface = surface;
      else
        {
          g_debug ("Could not draw a chart at %d × %d: %s", width, height,
                   cairo_status_to_string (cairo_surface_status (surface)));
          cairo_surface_destroy (surface);
        }
    }
  g_task_return_pointer (task, result, geometry_result_free);
}

/* The picture as a render node: a cairo node painting the image (which it
 * keeps, without a copy). Not a texture node: GTK 4.8's cairo renderer
 * copies a texture into a new surface each time it draws one — in every
 * frame of the window, whatever the frame changed — while a cairo node's
 * paint is clipped away; the GL renderer caches either. */
static GskRenderNode *
node_for_surface (cairo_surface_t *surface,
                  double           width,
                  double           height,
                  int              scale)
{
  GskRenderNode *node = gsk_cairo_node_new (&GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_t *cr = gsk_cairo_node_get_draw_context (node);

  cairo_surface_set_device_scale (surface, scale, scale);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  return node;
}

static void
geometry_ready_cb (GObject      *object,
                   GAsyncResult *async_result,
                   gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(AssayChart) self = g_weak_ref_get (weak);
  GeometryJob *job = g_task_get_task_data (G_TASK (async_result));
  GeometryResult *result;
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);
  result = g_task_propagate_pointer (G_TASK (async_result), &error);
  if (result == NULL)
    return;   /* cancelled: superseded or disposed */
  if (self == NULL)
    {
      geometry_result_free (result);
      return;
    }

  g_clear_object (&self->cancellable);

  if (job->scale > 0 && result->surface == NULL && !result->unchanged)
    {
      /* Could not be drawn (said on the worker): not asked again for this
       * data and size — the pending fields stay as they are. */
      geometry_result_free (result);
      return;
    }
  g_clear_pointer (&self->pending_spec, assay_chart_spec_unref);

  if (result->unchanged)
    {
      /* The same picture: only the geometry (and the data items refer to) is new. */
      if (job->palette_serial == self->palette_serial && self->render_pool != NULL && self->raster != NULL)
        {
          g_clear_pointer (&self->geometry, assay_chart_geometry_free);
          self->geometry = g_steal_pointer (&result->geometry);
          self->n_unchanged_pool++;
        }
      geometry_result_free (result);
      if (self->pointer_in)
        _assay_chart_set_pointer (self, self->pointer_x, self->pointer_y);
      return;
    }

  if (result->surface != NULL)
    {
      /* A picture and the geometry it was drawn from: shown together, even
       * when the data changed meanwhile (the next frame asks for newer). */
      if (job->palette_serial != self->palette_serial || self->render_pool == NULL)
        {
          geometry_result_free (result);
          gtk_widget_queue_draw (GTK_WIDGET (self));
          return;
        }
      g_clear_pointer (&self->geometry, assay_chart_geometry_free);
      g_clear_pointer (&self->frame_node, gsk_render_node_unref);
      g_clear_pointer (&self->raster, gsk_render_node_unref);
      g_clear_pointer (&self->raster_surface, cairo_surface_destroy);
      self->geometry = g_steal_pointer (&result->geometry);
      self->raster_surface = cairo_surface_reference (result->surface);
      self->raster = node_for_surface (result->surface, job->width, job->height, job->scale);
      self->raster_scale = job->scale;
      self->raster_palette_serial = job->palette_serial;
      self->n_draws_pool++;
      geometry_result_free (result);
      if (self->pointer_in)
        _assay_chart_set_pointer (self, self->pointer_x, self->pointer_y);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  if (job->spec != self->spec)
    {
      /* Data changed meanwhile: the next frame starts again. */
      geometry_result_free (result);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }

  g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  self->geometry = g_steal_pointer (&result->geometry);
  geometry_result_free (result);
  redraw_all (self);
}

static void
start_geometry_job (AssayChart *self,
                    double      width,
                    double      height,
                    int         scale)
{
  g_autoptr(GTask) task = NULL;
  GeometryJob *job;
  GWeakRef *weak;

  if (self->pending_spec == self->spec && self->pending_width == width && self->pending_height == height &&
      self->pending_scale == scale && self->pending_palette_serial == self->palette_serial)
    return;   /* already on its way */

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_pointer (&self->pending_spec, assay_chart_spec_unref);
  self->pending_spec = assay_chart_spec_ref (self->spec);
  self->pending_width = width;
  self->pending_height = height;
  self->pending_scale = scale;
  self->pending_palette_serial = self->palette_serial;

  job = g_new0 (GeometryJob, 1);
  job->spec = assay_chart_spec_ref (self->spec);
  job->palette = self->palette;
  job->width = width;
  job->height = height;
  job->scale = scale;
  job->palette_serial = self->palette_serial;
  if (scale > 0 && self->raster_surface != NULL && self->raster_scale == scale &&
      self->raster_palette_serial == self->palette_serial)
    job->previous = cairo_surface_reference (self->raster_surface);

  /* No source object: the task's last reference may go on the worker; and
   * a job in flight does not keep the chart. */
  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, self->cancellable, geometry_ready_cb, weak);
  g_task_set_source_tag (task, start_geometry_job);
  g_task_set_task_data (task, job, geometry_job_free);
  if (scale > 0)
    assay_worker_pool_run (self->render_pool, task, self->render_priority, geometry_thread);
  else
    assay_worker_pool_run (assay_worker_pool_get_default (), task, G_PRIORITY_DEFAULT, geometry_thread);
}

gboolean
_assay_chart_geometry_pending (AssayChart *self)
{
  return self->cancellable != NULL;
}

/* The geometry for the current data and size: computed now, or for large
 * series on the worker pool (returning the previous one, or NULL, meanwhile).
 * A chart drawn on a render pool always returns the geometry of the picture
 * it shows, and asks the pool for a newer one when that is out of date. */
static const AssayChartGeometry *
get_geometry (AssayChart *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  AssayChartSpec *spec;
  double gw = 0, gh = 0;
  gboolean current;

  if (width <= 0 || height <= 0)
    return self->render_pool != NULL ? self->geometry : NULL;

  spec = ensure_spec (self);
  if (self->geometry != NULL)
    assay_chart_geometry_get_size (self->geometry, &gw, &gh);
  current = self->geometry != NULL && assay_chart_geometry_get_spec (self->geometry) == spec &&
            gw == width && gh == height;

  if (self->render_pool != NULL)
    {
      int scale = MAX (1, gtk_widget_get_scale_factor (GTK_WIDGET (self)));

      if (!current || self->raster == NULL || self->raster_scale != scale ||
          self->raster_palette_serial != self->palette_serial)
        start_geometry_job (self, width, height, scale);
      return self->geometry;
    }

  if (current)
    return self->geometry;

  if (assay_chart_spec_get_n_points (spec) > SYNC_GEOMETRY_MAX_POINTS)
    {
      start_geometry_job (self, width, height, 0);
      return self->geometry;
    }

  g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  self->geometry = assay_chart_geometry_new (spec, &self->palette, width, height);
  return self->geometry;
}

const AssayChartGeometry *
_assay_chart_get_geometry (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), NULL);

  return get_geometry (self);
}

/* What the chart shows: the description of its geometry (on a render pool
 * possibly older than the data for a moment), else the current one. Items
 * hit-tested on the geometry are looked up in this one. */
static AssayChartSpec *
shown_spec (AssayChart *self)
{
  if (self->geometry != NULL)
    return assay_chart_geometry_get_spec (self->geometry);
  return ensure_spec (self);
}

static void
update_palette (AssayChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  AdwStyleManager *manager = adw_style_manager_get_default ();
  gboolean dark = adw_style_manager_get_dark (manager);
  gboolean hc = adw_style_manager_get_high_contrast (manager);
  AssayChartStyle style;
  AssayChartPalette palette;
  GtkStyleContext *context;
  PangoFontDescription *font;
  GdkRGBA fg, accent;

  style = hc ? (dark ? ASSAY_CHART_STYLE_HIGH_CONTRAST_DARK : ASSAY_CHART_STYLE_HIGH_CONTRAST)
             : (dark ? ASSAY_CHART_STYLE_DARK : ASSAY_CHART_STYLE_LIGHT);
  assay_chart_palette_init (&palette, style);
  palette.background.alpha = 0;   /* the window's own background shows */

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  gtk_style_context_get_color (context, &fg);
  if (gtk_style_context_lookup_color (context, "accent_bg_color", &accent))
    palette.series[0] = (AssayChartColor) { accent.red, accent.green, accent.blue, accent.alpha };
  if (gtk_style_context_lookup_color (context, "window_bg_color", &accent))
    self->window_background = (AssayChartColor) { accent.red, accent.green, accent.blue, 1 };
  else
    self->window_background = dark ? (AssayChartColor) { 0.14, 0.14, 0.14, 1 } : (AssayChartColor) { 1, 1, 1, 1 };
  if (gtk_style_context_lookup_color (context, "success_color", &accent))
    palette.good = (AssayChartColor) { accent.red, accent.green, accent.blue, accent.alpha };
  if (gtk_style_context_lookup_color (context, "warning_color", &accent))
    palette.warning = (AssayChartColor) { accent.red, accent.green, accent.blue, accent.alpha };
  if (gtk_style_context_lookup_color (context, "error_color", &accent))
    palette.bad = (AssayChartColor) { accent.red, accent.green, accent.blue, accent.alpha };
G_GNUC_END_IGNORE_DEPRECATIONS

  palette.foreground = (AssayChartColor) { fg.red, fg.green, fg.blue, fg.alpha };
  palette.dim = (AssayChartColor) { fg.red, fg.green, fg.blue, fg.alpha * (hc ? 0.85 : 0.62) };
  palette.axis = (AssayChartColor) { fg.red, fg.green, fg.blue, fg.alpha * (hc ? 0.9 : 0.4) };
  palette.grid = (AssayChartColor) { fg.red, fg.green, fg.blue, fg.alpha * (hc ? 0.3 : 0.1) };
  palette.hover = (AssayChartColor) { fg.red, fg.green, fg.blue, fg.alpha };

  font = pango_context_get_font_description (gtk_widget_get_pango_context (widget));
  if (font != NULL && pango_font_description_get_family (font) != NULL)
    g_snprintf (palette.font, sizeof palette.font, "%s, %s",
                pango_font_description_get_family (font), "Sans");

  if (memcmp (&palette, &self->palette, sizeof palette) == 0)
    return;
  self->palette_serial++;
  if (self->render_pool != NULL)
    {
      /* Drawn again on the pool; the picture before stays meanwhile. */
      self->palette = palette;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  if (!g_str_equal (palette.font, self->palette.font))
    g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  self->palette = palette;
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  redraw_all (self);
}

static void
style_changed_cb (AssayChart *self)
{
  update_palette (self);
}

static void
assay_chart_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (assay_chart_parent_class)->css_changed (widget, change);

  update_palette (ASSAY_CHART (widget));
}

static void
set_hover (AssayChart *self,
           gboolean    has,
           guint       series,
           guint       index)
{
  if (has == self->has_hover && (!has || (series == self->hover_series && index == self->hover_index)))
    return;
  self->has_hover = has;
  self->hover_series = series;
  self->hover_index = index;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
_assay_chart_set_pointer (AssayChart *self,
                          double      x,
                          double      y)
{
  const AssayChartGeometry *geometry = get_geometry (self);
  guint series, index;

  self->pointer_in = TRUE;
  self->pointer_x = x;
  self->pointer_y = y;
  if (geometry != NULL && assay_chart_geometry_hit_test (geometry, x, y, &series, &index))
    set_hover (self, TRUE, series, index);
  else
    set_hover (self, FALSE, 0, 0);
}

static void
motion_cb (AssayChart               *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  _assay_chart_set_pointer (self, x, y);
}

static void
leave_cb (AssayChart               *self,
          GtkEventControllerMotion *motion)
{
  self->pointer_in = FALSE;
  set_hover (self, FALSE, 0, 0);
}

static void
set_focus_item (AssayChart *self,
                guint       series,
                guint       index)
{
  g_autofree char *text = NULL;

  self->has_focus_item = TRUE;
  self->focus_series = series;
  self->focus_index = index;
  text = assay_chart_spec_describe_item (shown_spec (self), series, index);
  if (text != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (AssayChart      *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *click)
{
  const AssayChartGeometry *geometry = get_geometry (self);
  guint series, index;

  if (n_press != 1 || geometry == NULL)
    return;
  if (!assay_chart_geometry_hit_test (geometry, x, y, &series, &index))
    return;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  set_focus_item (self, series, index);
  gtk_gesture_set_state (GTK_GESTURE (click), GTK_EVENT_SEQUENCE_CLAIMED);
  g_signal_emit (self, signals[ACTIVATED], 0, series, index);
}

static gboolean
key_pressed_cb (AssayChart            *self,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                GtkEventControllerKey *key)
{
  const AssayChartGeometry *geometry = get_geometry (self);
  guint series = self->has_focus_item ? self->focus_series : G_MAXUINT;
  guint index = self->focus_index;
  int delta = 0;

  if (geometry == NULL)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      delta = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      delta = 1;
      break;
    case GDK_KEY_Page_Up:
      delta = -10;
      break;
    case GDK_KEY_Page_Down:
      delta = 10;
      break;
    case GDK_KEY_Home:
      series = G_MAXUINT;
      break;
    case GDK_KEY_End:
      delta = G_MAXINT / 2;
      break;
    case GDK_KEY_Up:
    case GDK_KEY_Down:
      {
        AssayChartSpec *spec = shown_spec (self);
        guint n = assay_chart_spec_get_n_series (spec);

        if (n < 2 || series == G_MAXUINT)
          return GDK_EVENT_PROPAGATE;
        series = (series + (keyval == GDK_KEY_Down ? 1 : n - 1)) % n;
        index = MIN (index, assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, series)) - 1);
        if (assay_chart_geometry_step (geometry, &series, &index, 0))
          set_focus_item (self, series, index);
        return GDK_EVENT_STOP;
      }
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if (!self->has_focus_item)
        return GDK_EVENT_PROPAGATE;
      g_signal_emit (self, signals[ACTIVATED], 0, self->focus_series, self->focus_index);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  if (!assay_chart_geometry_step (geometry, &series, &index, delta))
    return GDK_EVENT_PROPAGATE;
  set_focus_item (self, series, index);
  return GDK_EVENT_STOP;
}

static void
focus_enter_cb (AssayChart              *self,
                GtkEventControllerFocus *focus)
{
  const AssayChartGeometry *geometry = get_geometry (self);
  guint series = G_MAXUINT, index = 0;

  if (!self->has_focus_item && geometry != NULL && assay_chart_geometry_step (geometry, &series, &index, 0))
    set_focus_item (self, series, index);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_leave_cb (AssayChart              *self,
                GtkEventControllerFocus *focus)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
assay_chart_query_tooltip (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard_mode,
                           GtkTooltip *tooltip)
{
  AssayChart *self = ASSAY_CHART (widget);
  const AssayChartGeometry *geometry = get_geometry (self);
  g_autofree char *text = NULL;
  guint series, index;
  double ix, iy, iw, ih;

  if (geometry == NULL)
    return FALSE;

  if (keyboard_mode)
    {
      if (!self->has_focus_item)
        return FALSE;
      series = self->focus_series;
      index = self->focus_index;
    }
  else if (!assay_chart_geometry_hit_test (geometry, x, y, &series, &index))
    return FALSE;

  text = assay_chart_spec_describe_item (shown_spec (self), series, index);
  if (text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  if (assay_chart_geometry_get_item_area (geometry, series, index, &ix, &iy, &iw, &ih))
    gtk_tooltip_set_tip_area (tooltip, &(GdkRectangle) { (int) floor (ix) - 4, (int) floor (iy) - 4,
                                                         (int) ceil (iw) + 8, (int) ceil (ih) + 8 });
  return TRUE;
}

static void
assay_chart_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  AssayChart *self = ASSAY_CHART (widget);
  const AssayChartGeometry *geometry = get_geometry (self);
  double width, height;
  guint series, index;
  gboolean mark;

  if (geometry == NULL)
    return;

  assay_chart_geometry_get_size (geometry, &width, &height);
  if (self->render_pool != NULL)
    {
      /* The picture drawn on the pool, at the size it was drawn for; the
       * layers have nothing of their own to add. */
      if (self->raster != NULL)
        gtk_snapshot_append_node (snapshot, self->raster);
    }
  else
    {
      if (self->frame_node == NULL)
        {
          GtkSnapshot *frame = gtk_snapshot_new ();
          cairo_t *cr = gtk_snapshot_append_cairo (frame, &GRAPHENE_RECT_INIT (0, 0, width, height));

          assay_chart_render_frame (cr, geometry, &self->palette);
          cairo_destroy (cr);
          self->frame_node = gtk_snapshot_free_to_node (frame);
          self->n_draws_main++;
        }
      if (self->frame_node != NULL)
        gtk_snapshot_append_node (snapshot, self->frame_node);

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        gtk_widget_snapshot_child (widget, child, snapshot);
    }

  /* The hovered item, else the keyboard's while focused: a small node of its own. */
  mark = FALSE;
  if (self->has_hover)
    {
      series = self->hover_series;
      index = self->hover_index;
      mark = TRUE;
    }
  else if (self->has_focus_item && gtk_widget_has_focus (widget))
    {
      series = self->focus_series;
      index = self->focus_index;
      mark = TRUE;
    }
  if (mark && series < assay_chart_spec_get_n_series (assay_chart_geometry_get_spec (geometry)))
    {
      double x, y, w, h, px, py, pw, ph;
      cairo_t *cr;

      if (!assay_chart_geometry_get_item_area (geometry, series, index, &x, &y, &w, &h))
        return;
      assay_chart_geometry_get_plot_area (geometry, &px, &py, &pw, &ph);
      if (w == 0 && h == 0)
        {
          /* A point: its ring and a guide line over the plot's height. */
          y = MIN (y, py);
          h = MAX (py + ph, y) - y;
        }
      cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (x - 10, y - 10, w + 20, h + 20));
      assay_chart_render_hover (cr, geometry, &self->palette, series, index);
      cairo_destroy (cr);
    }
}

static void
assay_chart_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  AssayChart *self = ASSAY_CHART (widget);

  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 140;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL
             ? (self->natural_width >= 0 ? MAX (self->natural_width, *minimum) : 560)
             : 340;
  *minimum_baseline = *natural_baseline = -1;
}

static void
assay_chart_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_size_allocate (child, &(GtkAllocation) { 0, 0, width, height }, baseline);
}

static void
assay_chart_dispose (GObject *object)
{
  AssayChart *self = ASSAY_CHART (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->raster, gsk_render_node_unref);
  g_clear_pointer (&self->raster_surface, cairo_surface_destroy);
  g_clear_object (&self->render_pool);
  g_clear_pointer (&self->spec, assay_chart_spec_unref);
  g_clear_pointer (&self->pending_spec, assay_chart_spec_unref);

  G_OBJECT_CLASS (assay_chart_parent_class)->dispose (object);
}

static void
assay_chart_finalize (GObject *object)
{
  AssayChart *self = ASSAY_CHART (object);

  assay_chart_spec_unref (self->base);

  G_OBJECT_CLASS (assay_chart_parent_class)->finalize (object);
}

static void
assay_chart_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AssayChart *self = ASSAY_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, assay_chart_get_title (self));
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, assay_chart_get_subtitle (self));
      break;
    case PROP_NATURAL_WIDTH:
      g_value_set_int (value, self->natural_width);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_chart_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  AssayChart *self = ASSAY_CHART (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      assay_chart_set_title (self, g_value_get_string (value));
      break;
    case PROP_SUBTITLE:
      assay_chart_set_subtitle (self, g_value_get_string (value));
      break;
    case PROP_NATURAL_WIDTH:
      if (self->natural_width != g_value_get_int (value))
        {
          self->natural_width = g_value_get_int (value);
          gtk_widget_queue_resize (GTK_WIDGET (self));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_chart_class_init (AssayChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_chart_dispose;
  object_class->finalize = assay_chart_finalize;
  object_class->get_property = assay_chart_get_property;
  object_class->set_property = assay_chart_set_property;

  widget_class->measure = assay_chart_measure;
  widget_class->size_allocate = assay_chart_size_allocate;
  widget_class->snapshot = assay_chart_snapshot;
  widget_class->css_changed = assay_chart_css_changed;
  widget_class->query_tooltip = assay_chart_query_tooltip;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SUBTITLE] =
    g_param_spec_string ("subtitle", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /**
   * AssayChart:natural-width:
   *
   * The width the chart asks for, -1 for 560 px: a grid of charts that flows
   * by natural width (GtkFlowBox) wants it small.
   */
  properties[PROP_NATURAL_WIDTH] =
    g_param_spec_int ("natural-width", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AssayChart::activated:
   * @self: the chart
   * @series: the series of the item
   * @index: the item, in its series (for a series read from a model: the
   *   position of its item in the model)
   *
   * A bar, point or span was clicked, or chosen with the keyboard (arrows,
   * then Enter or Space).
   */
  signals[ACTIVATED] =
    g_signal_new ("activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
assay_chart_init (AssayChart *self)
{
  GtkEventController *controller;
  AdwStyleManager *manager = adw_style_manager_get_default ();

  self->natural_width = -1;
  self->base = assay_chart_spec_new (NULL);
  assay_chart_palette_init (&self->palette, ASSAY_CHART_STYLE_LIGHT);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = GTK_EVENT_CONTROLLER (gtk_gesture_click_new ());
  g_signal_connect_object (controller, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect_object (controller, "enter", G_CALLBACK (focus_enter_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (controller, "leave", G_CALLBACK (focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  g_signal_connect_object (manager, "notify::dark", G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (manager, "notify::high-contrast", G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  /* A picture drawn on a render pool is drawn again at a new scale. */
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (gtk_widget_queue_draw), NULL);
}

/* In a .ui file, <child> elements that are layers stack as layers. */
static void
assay_chart_buildable_add_child (GtkBuildable *buildable,
                                 GtkBuilder   *builder,
                                 GObject      *child,
                                 const char   *type)
{
  if (ASSAY_IS_CHART_LAYER (child))
    assay_chart_add_layer (ASSAY_CHART (buildable), ASSAY_CHART_LAYER (child));
  else
    parent_buildable->add_child (buildable, builder, child, type);
}

static void
assay_chart_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable = g_type_interface_peek_parent (iface);
  iface->add_child = assay_chart_buildable_add_child;
}

/**
 * assay_chart_new:
 *
 * Returns: (transfer full): an empty chart; add layers or set a description
 */
GtkWidget *
assay_chart_new (void)
{
  return g_object_new (ASSAY_TYPE_CHART, NULL);
}

const char *
assay_chart_get_title (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), NULL);

  return assay_chart_spec_get_title (self->base);
}

void
assay_chart_set_title (AssayChart *self,
                       const char *title)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  if (g_strcmp0 (title, assay_chart_spec_get_title (self->base)) == 0)
    return;
  assay_chart_spec_set_title (self->base, title);
  spec_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
assay_chart_get_subtitle (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), NULL);

  return assay_chart_spec_get_subtitle (self->base);
}

void
assay_chart_set_subtitle (AssayChart *self,
                          const char *subtitle)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  if (g_strcmp0 (subtitle, assay_chart_spec_get_subtitle (self->base)) == 0)
    return;
  assay_chart_spec_set_subtitle (self->base, subtitle);
  spec_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

/**
 * assay_chart_set_empty_text:
 * @self: a chart
 * @text: (nullable): shown when no layer has data (default "No data")
 */
void
assay_chart_set_empty_text (AssayChart *self,
                            const char *text)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  assay_chart_spec_set_empty_text (self->base, text);
  spec_changed (self);
}

/**
 * assay_chart_set_axis:
 * @self: a chart
 * @axis: which axis
 * @title: (nullable): its title
 * @unit: (nullable): the unit shown in its labels
 * @scale: linear, log or time
 */
void
assay_chart_set_axis (AssayChart       *self,
                      AssayChartAxisId  axis,
                      const char       *title,
                      const char       *unit,
                      AssayChartScale   scale)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  assay_chart_spec_set_axis (self->base, axis, title, unit, scale);
  spec_changed (self);
}

void
assay_chart_set_horizontal (AssayChart *self,
                            gboolean    horizontal)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  assay_chart_spec_set_horizontal (self->base, horizontal);
  spec_changed (self);
}

/**
 * assay_chart_add_layer:
 * @self: a chart
 * @layer: (transfer none): a layer, drawn above those added before
 */
void
assay_chart_add_layer (AssayChart      *self,
                       AssayChartLayer *layer)
{
  g_return_if_fail (ASSAY_IS_CHART (self));
  g_return_if_fail (ASSAY_IS_CHART_LAYER (layer));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (layer)) == NULL);

  gtk_widget_insert_before (GTK_WIDGET (layer), GTK_WIDGET (self), NULL);
  spec_changed (self);
}

void
assay_chart_remove_layer (AssayChart      *self,
                          AssayChartLayer *layer)
{
  g_return_if_fail (ASSAY_IS_CHART (self));
  g_return_if_fail (ASSAY_IS_CHART_LAYER (layer));
  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (layer)) == GTK_WIDGET (self));

  gtk_widget_unparent (GTK_WIDGET (layer));
  spec_changed (self);
}

static GType
layer_type_for (AssayChartSeries *series)
{
  switch (assay_chart_series_get_kind (series))
    {
    case ASSAY_CHART_KIND_BAR:
    case ASSAY_CHART_KIND_HISTOGRAM:
      return ASSAY_TYPE_COLUMN_LAYER;
    case ASSAY_CHART_KIND_SCATTER:
      return ASSAY_TYPE_SCATTER_LAYER;
    case ASSAY_CHART_KIND_TIME_SPAN:
      return ASSAY_TYPE_TIME_SPAN_LAYER;
    case ASSAY_CHART_KIND_LINE:
    default:
      return ASSAY_TYPE_LINE_LAYER;
    }
}

/* Whether the layers are one per series of @spec, of the kinds it needs,
 * none read from a model, none with a colour of its own. */
static gboolean
layers_fit (AssayChart     *self,
            AssayChartSpec *spec)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));

  for (guint i = 0; i < assay_chart_spec_get_n_series (spec); i++, child = gtk_widget_get_next_sibling (child))
    if (child == NULL ||
        G_OBJECT_TYPE (child) != layer_type_for (assay_chart_spec_get_series (spec, i)) ||
        assay_chart_layer_get_model (ASSAY_CHART_LAYER (child)) != NULL ||
        assay_chart_layer_get_color (ASSAY_CHART_LAYER (child)) >= 0)
      return FALSE;
  return child == NULL;
}

/**
 * assay_chart_set_spec:
 * @self: a chart
 * @spec: a chart description (such as assay_charts_document_benford()'s)
 *
 * Shows @spec: takes its settings and replaces the layers with one per
 * series, of the matching kind (layers that already are, as in a live
 * update, are kept and given the new series). The same description exports to the same
 * picture (assay_chart_export()).
 */
void
assay_chart_set_spec (AssayChart     *self,
                      AssayChartSpec *spec)
{
  GtkWidget *child;
  guint i;

  g_return_if_fail (ASSAY_IS_CHART (self));
  g_return_if_fail (spec != NULL);

  assay_chart_spec_unref (self->base);
  self->base = assay_chart_spec_copy (spec);
  assay_chart_spec_clear_series (self->base);

  /* New data of the same kinds (a live update) keeps the layer widgets:
   * none made or dropped, so nothing asks for a new layout. */
  self->setting_spec = TRUE;
  if (layers_fit (self, spec))
    for (child = gtk_widget_get_first_child (GTK_WIDGET (self)), i = 0;
         child != NULL;
         child = gtk_widget_get_next_sibling (child), i++)
      assay_chart_layer_set_series (ASSAY_CHART_LAYER (child), assay_chart_spec_get_series (spec, i));
  else
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
        gtk_widget_unparent (child);

      for (i = 0; i < assay_chart_spec_get_n_series (spec); i++)
        {
          AssayChartSeries *series = assay_chart_spec_get_series (spec, i);
          AssayChartLayer *layer = g_object_new (layer_type_for (series), NULL);

          assay_chart_layer_set_series (layer, series);
          gtk_widget_insert_before (GTK_WIDGET (layer), GTK_WIDGET (self), NULL);
        }
    }
  self->setting_spec = FALSE;

  self->has_focus_item = FALSE;
  spec_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

/**
 * assay_chart_get_spec:
 * @self: a chart
 *
 * What the chart shows: its settings and its layers' series, read-only. Ref
 * it to export it on a worker (assay_chart_export()) with the palette from
 * assay_chart_get_palette() for the look on screen.
 *
 * Returns: (transfer none): the description
 */
AssayChartSpec *
assay_chart_get_spec (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), NULL);

  return ensure_spec (self);
}

/**
 * assay_chart_get_shown_spec:
 * @self: a chart
 *
 * The description of the picture shown, which the items of "activated" and
 * assay_chart_get_item_id() are of: assay_chart_get_spec()'s, except on a
 * render pool for the moment between new data and its picture.
 *
 * Returns: (transfer none): the description
 */
AssayChartSpec *
assay_chart_get_shown_spec (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), NULL);

  return shown_spec (self);
}

/**
 * assay_chart_get_palette:
 * @self: a chart
 * @palette: (out caller-allocates): the colours and font it draws with
 *   (background transparent)
 */
void
assay_chart_get_palette (AssayChart        *self,
                         AssayChartPalette *palette)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  *palette = self->palette;
}

/**
 * assay_chart_get_focus_item:
 * @self: a chart
 * @series: (out) (optional): the series of the item chosen last
 * @index: (out) (optional): the item
 *
 * Returns: whether an item was chosen (clicked or reached by keyboard)
 */
gboolean
assay_chart_get_focus_item (AssayChart *self,
                            guint      *series,
                            guint      *index)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), FALSE);

  if (series != NULL)
    *series = self->focus_series;
  if (index != NULL)
    *index = self->focus_index;
  return self->has_focus_item;
}

/**
 * assay_chart_get_item_id:
 * @self: a chart
 * @series: a series, as "activated" gives it
 * @index: an item of it
 *
 * What an item of the picture shown (assay_chart_get_shown_spec()) stands
 * for: the id its series gave it
 * (assay_chart_series_set_ids(): a key figure's index in its document, a
 * page number, a digit), else its index — for a layer over a model, the
 * item's position in the model.
 *
 * Returns: the id, or @index when @series does not exist
 */
guint
assay_chart_get_item_id (AssayChart *self,
                         guint       series,
                         guint       index)
{
  AssayChartSpec *spec;

  g_return_val_if_fail (ASSAY_IS_CHART (self), index);

  spec = shown_spec (self);
  if (series >= assay_chart_spec_get_n_series (spec))
    return index;
  return assay_chart_series_get_id (assay_chart_spec_get_series (spec, series), index);
}

/**
 * assay_chart_set_render_pool:
 * @self: a chart
 * @pool: (nullable): where to lay the chart out and draw it; %NULL to draw
 *   on the main thread (large series are then laid out on the default pool)
 * @priority: of its jobs on @pool (lower first, as G_PRIORITY_*)
 *
 * For a chart that updates live (the corpus dashboard during a batch): each
 * change of data, size, colours or scale is laid out and drawn on @pool —
 * with the drawing path export uses — and the frames meanwhile show the
 * picture before, hover and focus marks drawn over it on the main thread.
 * The main thread's part of an update is then only appending a texture.
 */
void
assay_chart_set_render_pool (AssayChart      *self,
                             AssayWorkerPool *pool,
                             int              priority)
{
  g_return_if_fail (ASSAY_IS_CHART (self));
  g_return_if_fail (pool == NULL || ASSAY_IS_WORKER_POOL (pool));

  self->render_priority = priority;
  if (pool == self->render_pool)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_spec, assay_chart_spec_unref);
  g_set_object (&self->render_pool, pool);
  g_clear_pointer (&self->geometry, assay_chart_geometry_free);
  g_clear_pointer (&self->frame_node, gsk_render_node_unref);
  g_clear_pointer (&self->raster, gsk_render_node_unref);
  g_clear_pointer (&self->raster_surface, cairo_surface_destroy);
  self->has_hover = FALSE;
  redraw_all (self);
}

gboolean
_assay_chart_draws_on_pool (AssayChart *self)
{
  return self->render_pool != NULL;
}

void
_assay_chart_count_draw (AssayChart *self)
{
  self->n_draws_main++;
}

void
_assay_chart_get_draw_counts (AssayChart *self,
                              guint      *main_thread,
                              guint      *pool)
{
  g_return_if_fail (ASSAY_IS_CHART (self));

  *main_thread = self->n_draws_main;
  *pool = self->n_draws_pool;
}

guint
_assay_chart_get_n_unchanged (AssayChart *self)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), 0);

  return self->n_unchanged_pool;
}

typedef struct
{
  AssayChartSpec    *spec;
  AssayChartPalette  palette;
  AssayChartFormat   format;
  guint              width, height;
  GFile             *file;
} ExportJob;

static void
export_job_free (gpointer data)
{
  ExportJob *job = data;

  assay_chart_spec_unref (job->spec);
  g_object_unref (job->file);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  bytes = assay_chart_export_bytes (job->spec, &job->palette, job->format, job->width, job->height, &error);
  if (bytes == NULL ||
      !g_file_replace_contents (job->file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/**
 * assay_chart_export_async:
 * @self: a chart
 * @file: where to write (replaced when the whole file is written)
 * @format: SVG, PNG or PDF
 * @width: in pixels (PNG) or points; 0 for the chart's width on screen
 * @height: likewise
 * @cancellable: (nullable): cancels it
 * @callback: called in the thread-default main context when done
 * @user_data: for @callback
 *
 * Writes the chart as it looks on screen (the theme's colours over the
 * window's background), drawn and written on the worker pool.
 */
void
assay_chart_export_async (AssayChart          *self,
                          GFile               *file,
                          AssayChartFormat     format,
                          guint                width,
                          guint                height,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job;

  g_return_if_fail (ASSAY_IS_CHART (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (ExportJob, 1);
  job->spec = assay_chart_spec_ref (ensure_spec (self));
  job->palette = self->palette;
  job->palette.background = self->window_background;
  job->format = format;
  job->width = width > 0 ? width : (guint) MAX (gtk_widget_get_width (GTK_WIDGET (self)), 1);
  job->height = height > 0 ? height : (guint) MAX (gtk_widget_get_height (GTK_WIDGET (self)), 1);
  job->file = g_object_ref (file);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_chart_export_async);
  g_task_set_task_data (task, job, export_job_free);
  assay_worker_pool_run (assay_worker_pool_get_default (), task, G_PRIORITY_DEFAULT, export_thread);
}

/**
 * assay_chart_export_finish:
 * @self: a chart
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Returns: whether the file was written
 */
gboolean
assay_chart_export_finish (AssayChart    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (ASSAY_IS_CHART (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == assay_chart_export_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
