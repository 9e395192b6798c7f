/* assay-chart-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-chart-layer"

#include "config.h"

#include <math.h>

#include "assay-chart-layer.h"
#include "assay-chart-private.h"
#include "assay-chart-render.h"

/* A layer holds one series: given as arrays, or read from a list model
 * through accessors (again after each items-changed, coalesced into one idle
 * so that a burst of changes during a batch costs one read). It draws that
 * series with the chart's cached geometry; GTK keeps its render node until
 * the data, the size or the colours change, so hovering redraws none of it. */
typedef struct
{
  AssayChartSeries    *series;
  GListModel          *model;
  gulong               items_changed_id;
  guint                rebuild_id;
  AssayChartValueFunc  x_func;
  AssayChartValueFunc  y_func;
  AssayChartLabelFunc  label_func;
  gpointer             accessor_data;
  GDestroyNotify       accessor_destroy;
  GtkExpression       *x_expression;
  GtkExpression       *y_expression;
  GtkExpression       *label_expression;
  char                *title;
  int                  color;
  int                  index;      /* in the chart's series; -1: none */
} AssayChartLayerPrivate;

enum {
  PROP_0,
  PROP_SERIES,
  PROP_MODEL,
  PROP_TITLE,
  PROP_COLOR,
  PROP_X_EXPRESSION,
  PROP_Y_EXPRESSION,
  PROP_LABEL_EXPRESSION,
  N_PROPS
};

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (AssayChartLayer, assay_chart_layer, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static AssayChart *
get_chart (AssayChartLayer *self)
{
  GtkWidget *parent = gtk_widget_get_parent (GTK_WIDGET (self));

  return ASSAY_IS_CHART (parent) ? ASSAY_CHART (parent) : NULL;
}

static void
notify_chart (AssayChartLayer *self)
{
  AssayChart *chart = get_chart (self);

  if (chart != NULL)
    _assay_chart_layers_changed (chart);
}

static void
apply_series (AssayChartLayer  *self,
              AssayChartSeries *series)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  if (priv->series == series)
    return;
  g_clear_pointer (&priv->series, assay_chart_series_unref);
  priv->series = series != NULL ? assay_chart_series_ref (series) : NULL;
  if (priv->series != NULL && priv->color >= 0)
    assay_chart_series_set_color (priv->series, priv->color);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIES]);
  notify_chart (self);
}

static double
evaluate_number (GtkExpression *expression,
                 gpointer       item)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) number = G_VALUE_INIT;

  if (!gtk_expression_evaluate (expression, item, &value))
    return NAN;
  g_value_init (&number, G_TYPE_DOUBLE);
  if (!g_value_type_transformable (G_VALUE_TYPE (&value), G_TYPE_DOUBLE) ||
      !g_value_transform (&value, &number))
    return NAN;
  return g_value_get_double (&number);
}

static double
x_from_expression (gpointer item,
                   gpointer user_data)
{
  AssayChartLayerPrivate *priv = user_data;

  return evaluate_number (priv->x_expression, item);
}

static double
y_from_expression (gpointer item,
                   gpointer user_data)
{
  AssayChartLayerPrivate *priv = user_data;

  return evaluate_number (priv->y_expression, item);
}

static char *
label_from_expression (gpointer item,
                       gpointer user_data)
{
  AssayChartLayerPrivate *priv = user_data;
  g_auto(GValue) value = G_VALUE_INIT;
  g_auto(GValue) text = G_VALUE_INIT;

  if (!gtk_expression_evaluate (priv->label_expression, item, &value))
    return NULL;
  g_value_init (&text, G_TYPE_STRING);
  if (!g_value_type_transformable (G_VALUE_TYPE (&value), G_TYPE_STRING) ||
      !g_value_transform (&value, &text))
    return NULL;
  return g_value_dup_string (&text);
}

static void rebuild (AssayChartLayer *self);

static AssayChartSeries *
assay_chart_layer_real_build_series (AssayChartLayer *self,
                                     GListModel      *model)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);
  AssayChartKind kind = ASSAY_CHART_LAYER_GET_CLASS (self)->kind;

  if (kind == ASSAY_CHART_KIND_HISTOGRAM)
    return NULL;
  /* Expressions (as in a .ui file) win over accessor functions. */
  if (priv->y_expression != NULL)
    return assay_chart_series_new_from_model (kind, priv->title, model,
                                              priv->x_expression != NULL ? x_from_expression : NULL,
                                              y_from_expression,
                                              priv->label_expression != NULL ? label_from_expression : NULL,
                                              priv);
  if (priv->y_func == NULL)
    return NULL;
  return assay_chart_series_new_from_model (kind, priv->title, model, priv->x_func, priv->y_func,
                                            priv->label_func, priv->accessor_data);
}

static void
set_expression (AssayChartLayer  *self,
                GtkExpression   **field,
                GtkExpression    *expression,
                guint             prop_id)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  if (*field == expression)
    return;
  g_clear_pointer (field, gtk_expression_unref);
  *field = expression != NULL ? gtk_expression_ref (expression) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
  if (priv->model != NULL)
    rebuild (self);
}

static void
rebuild (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);
  g_autoptr(AssayChartSeries) series = NULL;

  if (priv->model != NULL)
    series = ASSAY_CHART_LAYER_GET_CLASS (self)->build_series (self, priv->model);
  apply_series (self, series);
}

static gboolean
rebuild_idle (gpointer data)
{
  AssayChartLayer *self = data;
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  priv->rebuild_id = 0;
  rebuild (self);
  return G_SOURCE_REMOVE;
}

static void
items_changed_cb (GListModel      *model,
                  guint            position,
                  guint            removed,
                  guint            added,
                  AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  if (priv->rebuild_id == 0)
    priv->rebuild_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, rebuild_idle, self, NULL);
}

static void
assay_chart_layer_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AssayChartLayer *self = ASSAY_CHART_LAYER (widget);
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);
  AssayChart *chart = get_chart (self);
  const AssayChartGeometry *geometry;
  AssayChartPalette palette;
  double width, height;
  cairo_t *cr;

  if (chart == NULL || priv->index < 0 || _assay_chart_draws_on_pool (chart))
    return;   /* on a render pool, the chart's picture has the series */
  geometry = _assay_chart_get_geometry (chart);
  if (geometry == NULL || (guint) priv->index >= assay_chart_spec_get_n_series (assay_chart_geometry_get_spec (geometry)))
    return;
  if (assay_chart_geometry_get_spec (geometry) != NULL &&
      assay_chart_spec_get_series (assay_chart_geometry_get_spec (geometry), priv->index) != priv->series)
    return;   /* the geometry is of older data, still being recomputed */

  assay_chart_get_palette (chart, &palette);
  assay_chart_geometry_get_size (geometry, &width, &height);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  assay_chart_render_series (cr, geometry, &palette, priv->index);
  cairo_destroy (cr);
  _assay_chart_count_draw (chart);
}

static void
assay_chart_layer_dispose (GObject *object)
{
  AssayChartLayer *self = ASSAY_CHART_LAYER (object);
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_clear_handle_id (&priv->rebuild_id, g_source_remove);
  if (priv->model != NULL)
    g_clear_signal_handler (&priv->items_changed_id, priv->model);
  g_clear_object (&priv->model);
  g_clear_pointer (&priv->series, assay_chart_series_unref);
  if (priv->accessor_destroy != NULL)
    g_clear_pointer (&priv->accessor_data, priv->accessor_destroy);
  g_clear_pointer (&priv->x_expression, gtk_expression_unref);
  g_clear_pointer (&priv->y_expression, gtk_expression_unref);
  g_clear_pointer (&priv->label_expression, gtk_expression_unref);

  G_OBJECT_CLASS (assay_chart_layer_parent_class)->dispose (object);
}

static void
assay_chart_layer_finalize (GObject *object)
{
  AssayChartLayer *self = ASSAY_CHART_LAYER (object);
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_free (priv->title);

  G_OBJECT_CLASS (assay_chart_layer_parent_class)->finalize (object);
}

static void
assay_chart_layer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AssayChartLayer *self = ASSAY_CHART_LAYER (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      g_value_set_boxed (value, assay_chart_layer_get_series (self));
      break;
    case PROP_MODEL:
      g_value_set_object (value, assay_chart_layer_get_model (self));
      break;
    case PROP_TITLE:
      g_value_set_string (value, assay_chart_layer_get_title (self));
      break;
    case PROP_COLOR:
      g_value_set_int (value, assay_chart_layer_get_color (self));
      break;
    case PROP_X_EXPRESSION:
      gtk_value_set_expression (value, ((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->x_expression);
      break;
    case PROP_Y_EXPRESSION:
      gtk_value_set_expression (value, ((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->y_expression);
      break;
    case PROP_LABEL_EXPRESSION:
      gtk_value_set_expression (value, ((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->label_expression);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_chart_layer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AssayChartLayer *self = ASSAY_CHART_LAYER (object);

  switch (prop_id)
    {
    case PROP_SERIES:
      assay_chart_layer_set_series (self, g_value_get_boxed (value));
      break;
    case PROP_MODEL:
      assay_chart_layer_set_model (self, g_value_get_object (value));
      break;
    case PROP_TITLE:
      assay_chart_layer_set_title (self, g_value_get_string (value));
      break;
    case PROP_COLOR:
      assay_chart_layer_set_color (self, g_value_get_int (value));
      break;
    case PROP_X_EXPRESSION:
      set_expression (self, &((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->x_expression,
                      gtk_value_get_expression (value), PROP_X_EXPRESSION);
      break;
    case PROP_Y_EXPRESSION:
      set_expression (self, &((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->y_expression,
                      gtk_value_get_expression (value), PROP_Y_EXPRESSION);
      break;
    case PROP_LABEL_EXPRESSION:
      set_expression (self, &((AssayChartLayerPrivate *) assay_chart_layer_get_instance_private (self))->label_expression,
                      gtk_value_get_expression (value), PROP_LABEL_EXPRESSION);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_chart_layer_class_init (AssayChartLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_chart_layer_dispose;
  object_class->finalize = assay_chart_layer_finalize;
  object_class->get_property = assay_chart_layer_get_property;
  object_class->set_property = assay_chart_layer_set_property;

  widget_class->snapshot = assay_chart_layer_snapshot;

  klass->kind = ASSAY_CHART_KIND_LINE;
  klass->build_series = assay_chart_layer_real_build_series;

  properties[PROP_SERIES] =
    g_param_spec_boxed ("series", NULL, NULL,
                        ASSAY_TYPE_CHART_SERIES,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_COLOR] =
    g_param_spec_int ("color", NULL, NULL,
                      -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* For .ui files: what to read of each item, e.g. <lookup name="value"
   * type="AssayResultFigure"/>; a number (or what converts to one), a string. */
  properties[PROP_X_EXPRESSION] =
    gtk_param_spec_expression ("x-expression", NULL, NULL,
                               (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_Y_EXPRESSION] =
    gtk_param_spec_expression ("y-expression", NULL, NULL,
                               (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_LABEL_EXPRESSION] =
    gtk_param_spec_expression ("label-expression", NULL, NULL,
                               (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "chartlayer");
}

static void
assay_chart_layer_init (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  priv->color = -1;
  priv->index = -1;
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_can_focus (GTK_WIDGET (self), FALSE);
}

/* Returns: (transfer none) (nullable): the layer's series */
AssayChartSeries *
assay_chart_layer_get_series (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_val_if_fail (ASSAY_IS_CHART_LAYER (self), NULL);

  return priv->series;
}

/**
 * assay_chart_layer_set_series:
 * @self: a layer
 * @series: (nullable): the series to show (a layer with a model replaces it
 *   when the model changes)
 */
void
assay_chart_layer_set_series (AssayChartLayer  *self,
                              AssayChartSeries *series)
{
  g_return_if_fail (ASSAY_IS_CHART_LAYER (self));

  apply_series (self, series);
}

/* Returns: (transfer none) (nullable): the model the series is read from */
GListModel *
assay_chart_layer_get_model (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_val_if_fail (ASSAY_IS_CHART_LAYER (self), NULL);

  return priv->model;
}

/**
 * assay_chart_layer_set_model:
 * @self: a layer
 * @model: (nullable): items to read through the accessors
 *
 * The series is read from @model now and again (once per main-loop idle)
 * after it changes.
 */
void
assay_chart_layer_set_model (AssayChartLayer *self,
                             GListModel      *model)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_if_fail (ASSAY_IS_CHART_LAYER (self));
  g_return_if_fail (model == NULL || G_IS_LIST_MODEL (model));

  if (priv->model == model)
    return;

  if (priv->model != NULL)
    g_clear_signal_handler (&priv->items_changed_id, priv->model);
  g_set_object (&priv->model, model);
  if (model != NULL)
    priv->items_changed_id = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), self);
  g_clear_handle_id (&priv->rebuild_id, g_source_remove);
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

/**
 * assay_chart_layer_set_accessors:
 * @self: a layer
 * @x_func: (nullable): an item's x (line, scatter) or start (time span)
 * @y_func: an item's value, or a span's end
 * @label_func: (nullable): an item's label (a bar's category, a span's row)
 * @user_data: for the functions
 * @destroy: (nullable): frees @user_data
 */
void
assay_chart_layer_set_accessors (AssayChartLayer     *self,
                                 AssayChartValueFunc  x_func,
                                 AssayChartValueFunc  y_func,
                                 AssayChartLabelFunc  label_func,
                                 gpointer             user_data,
                                 GDestroyNotify       destroy)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_if_fail (ASSAY_IS_CHART_LAYER (self));

  if (priv->accessor_destroy != NULL)
    g_clear_pointer (&priv->accessor_data, priv->accessor_destroy);
  priv->x_func = x_func;
  priv->y_func = y_func;
  priv->label_func = label_func;
  priv->accessor_data = user_data;
  priv->accessor_destroy = destroy;
  if (priv->model != NULL)
    rebuild (self);
}

const char *
assay_chart_layer_get_title (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_val_if_fail (ASSAY_IS_CHART_LAYER (self), NULL);

  return priv->title;
}

/**
 * assay_chart_layer_set_title:
 * @self: a layer
 * @title: (nullable): the series' name in the legend (for series read from a model)
 */
void
assay_chart_layer_set_title (AssayChartLayer *self,
                             const char      *title)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_if_fail (ASSAY_IS_CHART_LAYER (self));

  if (g_strcmp0 (priv->title, title) != 0)
    {
      g_free (priv->title);
      priv->title = g_strdup (title);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      if (priv->model != NULL)
        rebuild (self);
    }
}

int
assay_chart_layer_get_color (AssayChartLayer *self)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_val_if_fail (ASSAY_IS_CHART_LAYER (self), -1);

  return priv->color;
}

/**
 * assay_chart_layer_set_color:
 * @self: a layer
 * @palette_index: an index into the palette's series colours; -1 for the
 *   layer's position
 */
void
assay_chart_layer_set_color (AssayChartLayer *self,
                             int              palette_index)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (self);

  g_return_if_fail (ASSAY_IS_CHART_LAYER (self));

  palette_index = MAX (palette_index, -1);
  if (priv->color == palette_index)
    return;
  priv->color = palette_index;
  if (priv->series != NULL)
    assay_chart_series_set_color (priv->series, palette_index);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
  notify_chart (self);
}

int
_assay_chart_layer_get_index (AssayChartLayer *layer)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (layer);

  return priv->index;
}

void
_assay_chart_layer_set_index (AssayChartLayer *layer,
                              int              index)
{
  AssayChartLayerPrivate *priv = assay_chart_layer_get_instance_private (layer);

  priv->index = index;
}
