/* assay-spinner.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GtkSpinner turns by a CSS animation (Adwaita's `spin` keyframes, a
 * `transform`): while it spins GTK 4.8 restyles it in every frame, and a
 * new transform queues an allocation of its parent, so every frame lays
 * the window out again — on X11 with the toplevel measured and the work
 * area asked of the X server (docs/benchmarks.md). The dashboard shows a
 * spinner while results load, which during a batch is most of the time.
 * This one draws the theme's process-working icon turned by the frame
 * clock's time, from a tick callback that only queues a redraw; starting
 * and stopping draws or stops drawing it, nothing is measured again (it
 * is always the icon's size, like GtkSpinner). It turns only while
 * mapped, and not at all when animations are off.
 */
#define G_LOG_DOMAIN "assay-spinner"

#include "config.h"

#include "assay-spinner.h"

#define SIZE            16
#define TURN_US  1000000    /* one turn a second, as Adwaita's spinner */

struct _AssaySpinner
{
  GtkWidget     parent_instance;

  gboolean      spinning;
  guint         tick_id;
  GdkPaintable *icon;
};

enum {
  PROP_0,
  PROP_SPINNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssaySpinner, assay_spinner, GTK_TYPE_WIDGET)

static gboolean
animations_enabled (AssaySpinner *self)
{
  gboolean enabled = TRUE;

  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-enable-animations", &enabled, NULL);
  return enabled;
}

static gboolean
turn_tick (GtkWidget     *widget,
           GdkFrameClock *clock,
           gpointer       user_data)
{
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* Ticks while it spins and is mapped. */
static void
update_tick (AssaySpinner *self)
{
  gboolean tick = self->spinning && gtk_widget_get_mapped (GTK_WIDGET (self)) &&
                  animations_enabled (self);

  if (tick && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), turn_tick, NULL, NULL);
  else if (!tick && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static GdkPaintable *
get_icon (AssaySpinner *self)
{
  GtkWidget *widget = GTK_WIDGET (self);

  if (self->icon == NULL)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

      self->icon = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, "process-working-symbolic", NULL,
                                                              SIZE, gtk_widget_get_scale_factor (widget),
                                                              gtk_widget_get_direction (widget), 0));
    }

  return self->icon;
}

static void
assay_spinner_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  AssaySpinner *self = ASSAY_SPINNER (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  float cx = gtk_widget_get_width (widget) / 2.0f;
  float cy = gtk_widget_get_height (widget) / 2.0f;
  GdkPaintable *icon;
  GdkRGBA colors[4];

  if (!self->spinning || (icon = get_icon (self)) == NULL)
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &colors[0]);
  G_GNUC_END_IGNORE_DEPRECATIONS
  colors[1] = colors[2] = colors[3] = colors[0];

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (cx, cy));
  if (clock != NULL && self->tick_id != 0)
    gtk_snapshot_rotate (snapshot, 360.0f * (gdk_frame_clock_get_frame_time (clock) % TURN_US) / TURN_US);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-SIZE / 2.0f, -SIZE / 2.0f));
  if (GTK_IS_SYMBOLIC_PAINTABLE (icon))
    gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (icon), snapshot,
                                              SIZE, SIZE, colors, G_N_ELEMENTS (colors));
  else
    gdk_paintable_snapshot (icon, snapshot, SIZE, SIZE);
  gtk_snapshot_restore (snapshot);
}

static void
assay_spinner_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = *natural = SIZE;
}

static void
assay_spinner_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (assay_spinner_parent_class)->map (widget);
  update_tick (ASSAY_SPINNER (widget));
}

static void
assay_spinner_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (assay_spinner_parent_class)->unmap (widget);
  update_tick (ASSAY_SPINNER (widget));
}

/* Perhaps another theme: look the icon up again when next drawn (the icon
 * theme caches it; this is rare, not per frame). */
static void
assay_spinner_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  AssaySpinner *self = ASSAY_SPINNER (widget);

  GTK_WIDGET_CLASS (assay_spinner_parent_class)->css_changed (widget, change);

  g_clear_object (&self->icon);
}

static void
scale_changed (GObject    *object,
               GParamSpec *pspec,
               gpointer    user_data)
{
  AssaySpinner *self = ASSAY_SPINNER (object);

  g_clear_object (&self->icon);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
assay_spinner_dispose (GObject *object)
{
  AssaySpinner *self = ASSAY_SPINNER (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  g_clear_object (&self->icon);

  G_OBJECT_CLASS (assay_spinner_parent_class)->dispose (object);
}

static void
assay_spinner_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AssaySpinner *self = ASSAY_SPINNER (object);

  switch (prop_id)
    {
    case PROP_SPINNING:
      g_value_set_boolean (value, self->spinning);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_spinner_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AssaySpinner *self = ASSAY_SPINNER (object);

  switch (prop_id)
    {
    case PROP_SPINNING:
      assay_spinner_set_spinning (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_spinner_class_init (AssaySpinnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_spinner_dispose;
  object_class->get_property = assay_spinner_get_property;
  object_class->set_property = assay_spinner_set_property;
  widget_class->snapshot = assay_spinner_snapshot;
  widget_class->measure = assay_spinner_measure;
  widget_class->map = assay_spinner_map;
  widget_class->unmap = assay_spinner_unmap;
  widget_class->css_changed = assay_spinner_css_changed;

  properties[PROP_SPINNING] =
    g_param_spec_boolean ("spinning", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Not "spinner": Adwaita's rules for it (opacity 0 unless :checked, the
   * spin animation) are what this widget is without. */
  gtk_widget_class_set_css_name (widget_class, "assayspinner");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PROGRESS_BAR);
}

static void
assay_spinner_init (AssaySpinner *self)
{
  g_signal_connect (self, "notify::scale-factor", G_CALLBACK (scale_changed), NULL);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                               GTK_ACCESSIBLE_STATE_BUSY, FALSE,
                               GTK_ACCESSIBLE_STATE_HIDDEN, TRUE,
                               -1);
}

/**
 * assay_spinner_new:
 *
 * Returns: (transfer full): a spinner, not spinning
 */
GtkWidget *
assay_spinner_new (void)
{
  return g_object_new (ASSAY_TYPE_SPINNER, NULL);
}

gboolean
assay_spinner_get_spinning (AssaySpinner *self)
{
  g_return_val_if_fail (ASSAY_IS_SPINNER (self), FALSE);

  return self->spinning;
}

/**
 * assay_spinner_set_spinning:
 *
 * Shows it turning, or nothing; either way only redraws it (main thread).
 */
void
assay_spinner_set_spinning (AssaySpinner *self,
                            gboolean      spinning)
{
  g_return_if_fail (ASSAY_IS_SPINNER (self));

  spinning = !!spinning;
  if (spinning == self->spinning)
    return;

  self->spinning = spinning;
  gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                               GTK_ACCESSIBLE_STATE_BUSY, spinning,
                               GTK_ACCESSIBLE_STATE_HIDDEN, !spinning,
                               -1);
  update_tick (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPINNING]);
}
