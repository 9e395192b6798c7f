/* assay-figure-item.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GTK 4.8's list views key their row widgets by item: a model whose items
 * are all new (each result brings its own AssayResultFigure objects)
 * makes the key-figures table destroy every row and build each again,
 * seven cells a row. The table's model holds these items instead, one per
 * row, and the next result is put into the same items: the rows stay and
 * only their texts change (see docs/benchmarks.md). The sorters reach the
 * figure's properties through the `figure` property.
 */
#define G_LOG_DOMAIN "assay-figure-item"

#include "config.h"

#include "assay-figure-item.h"

struct _AssayFigureItem
{
  GObject            parent_instance;

  AssayResultFigure *figure;
};

G_DEFINE_FINAL_TYPE (AssayFigureItem, assay_figure_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_FIGURE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * assay_figure_item_new:
 * @figure: (nullable): the figure its row shows
 */
AssayFigureItem *
assay_figure_item_new (AssayResultFigure *figure)
{
  g_return_val_if_fail (figure == NULL || ASSAY_IS_RESULT_FIGURE (figure), NULL);

  return g_object_new (ASSAY_TYPE_FIGURE_ITEM, "figure", figure, NULL);
}

/**
 * assay_figure_item_get_figure:
 *
 * Returns: (transfer none) (nullable): the figure its row shows
 */
AssayResultFigure *
assay_figure_item_get_figure (AssayFigureItem *self)
{
  g_return_val_if_fail (ASSAY_IS_FIGURE_ITEM (self), NULL);

  return self->figure;
}

/**
 * assay_figure_item_set_figure:
 * @figure: (nullable): another figure for the same row
 *
 * Notifies `figure` if it changed: the row's cells show the new figure.
 */
void
assay_figure_item_set_figure (AssayFigureItem   *self,
                              AssayResultFigure *figure)
{
  g_return_if_fail (ASSAY_IS_FIGURE_ITEM (self));
  g_return_if_fail (figure == NULL || ASSAY_IS_RESULT_FIGURE (figure));

  if (g_set_object (&self->figure, figure))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIGURE]);
}

static void
assay_figure_item_finalize (GObject *object)
{
  AssayFigureItem *self = ASSAY_FIGURE_ITEM (object);

  g_clear_object (&self->figure);

  G_OBJECT_CLASS (assay_figure_item_parent_class)->finalize (object);
}

static void
assay_figure_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  AssayFigureItem *self = ASSAY_FIGURE_ITEM (object);

  switch (prop_id)
    {
    case PROP_FIGURE:
      g_value_set_object (value, self->figure);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_figure_item_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  AssayFigureItem *self = ASSAY_FIGURE_ITEM (object);

  switch (prop_id)
    {
    case PROP_FIGURE:
      assay_figure_item_set_figure (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_figure_item_class_init (AssayFigureItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = assay_figure_item_finalize;
  object_class->get_property = assay_figure_item_get_property;
  object_class->set_property = assay_figure_item_set_property;

  properties[PROP_FIGURE] =
    g_param_spec_object ("figure", NULL, NULL,
                         ASSAY_TYPE_RESULT_FIGURE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_figure_item_init (AssayFigureItem *self)
{
}
