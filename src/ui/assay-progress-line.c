/* assay-progress-line.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GtkProgressBar draws its fill as a child widget, so each new fraction
 * queues an allocation, and on X11 every frame that lays the window out
 * measures the toplevel again and asks the X server for the monitor's
 * work area (synchronous round trips). During a batch the rows' and the
 * header's progress move in nearly every frame. This line is drawn: a new
 * fraction only redraws it. Its height comes from CSS (`progressline {
 * min-height: … }`); its colours are the theme's named colours, so the dark
 * and high-contrast styles follow. Accessible as a progress bar.
 */
#define G_LOG_DOMAIN "assay-progress-line"

#include "config.h"

#include "assay-progress-line.h"

struct _AssayProgressLine
{
  GtkWidget parent_instance;

  double    fraction;
};

enum {
  PROP_0,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssayProgressLine, assay_progress_line, GTK_TYPE_WIDGET)

static void
assay_progress_line_snapshot (GtkWidget   *widget,
                              GtkSnapshot *snapshot)
{
  AssayProgressLine *self = ASSAY_PROGRESS_LINE (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  float fill = (float) (width * self->fraction);
  GdkRGBA trough, accent;
  GskRoundedRect clip;

  if (width <= 0 || height <= 0)
    return;

  gtk_style_context_get_color (context, &trough);
  trough.alpha *= 0.15f;
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &accent))
    gtk_style_context_get_color (context, &accent);

  gsk_rounded_rect_init_from_rect (&clip, &GRAPHENE_RECT_INIT (0, 0, width, height), height / 2.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (fill > 0)
    gtk_snapshot_append_color (snapshot, &accent,
                               &GRAPHENE_RECT_INIT (rtl ? width - fill : 0, 0, fill, height));
  gtk_snapshot_pop (snapshot);
}

static void
assay_progress_line_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AssayProgressLine *self = ASSAY_PROGRESS_LINE (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_progress_line_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AssayProgressLine *self = ASSAY_PROGRESS_LINE (object);

  switch (prop_id)
    {
    case PROP_FRACTION:
      assay_progress_line_set_fraction (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_progress_line_class_init (AssayProgressLineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = assay_progress_line_get_property;
  object_class->set_property = assay_progress_line_set_property;
  widget_class->snapshot = assay_progress_line_snapshot;

  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "progressline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
}

static void
assay_progress_line_init (AssayProgressLine *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 1.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 0.0,
                                  -1);
}

/**
 * assay_progress_line_new:
 *
 * Returns: (transfer full): an empty progress line
 */
GtkWidget *
assay_progress_line_new (void)
{
  return g_object_new (ASSAY_TYPE_PROGRESS_LINE, NULL);
}

double
assay_progress_line_get_fraction (AssayProgressLine *self)
{
  g_return_val_if_fail (ASSAY_IS_PROGRESS_LINE (self), 0.0);

  return self->fraction;
}

/**
 * assay_progress_line_set_fraction:
 * @fraction: 0 to 1 (clamped)
 *
 * Redraws the line; nothing is measured or allocated again.
 */
void
assay_progress_line_set_fraction (AssayProgressLine *self,
                                  double             fraction)
{
  g_return_if_fail (ASSAY_IS_PROGRESS_LINE (self));

  fraction = CLAMP (fraction, 0.0, 1.0);
  if (fraction == self->fraction)
    return;

  self->fraction = fraction;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, fraction,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}
