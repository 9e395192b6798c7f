/* assay-icon-button.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A GtkButton made with an icon name holds a GtkImage: two CSS nodes,
 * both restyled whenever the row around them changes state (hover,
 * selection, focus, being recycled by the list; see assay-document-row.c).
 * This button draws the theme's symbolic icon itself, in the button's
 * colour, so it is one node; everything else (activation by pointer and
 * keyboard, the action, focus, the accessible role and label, Adwaita's
 * `.image-button` look) is GtkButton's.
 */
#define G_LOG_DOMAIN "assay-icon-button"

#include "config.h"

#include "assay-icon-button.h"

#define ICON_SIZE 16

struct _AssayIconButton
{
  GtkButton     parent_instance;

  char         *icon_name;
  GtkIconPaintable *icon;     /* looked up at the first draw */
  int           icon_scale;
};

G_DEFINE_FINAL_TYPE (AssayIconButton, assay_icon_button, GTK_TYPE_BUTTON)

static void
assay_icon_button_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = *natural = ICON_SIZE;
}

static void
assay_icon_button_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AssayIconButton *self = ASSAY_ICON_BUTTON (widget);
  int scale = gtk_widget_get_scale_factor (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA colors[4];

  if (self->icon == NULL || self->icon_scale != scale)
    {
      GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

      g_clear_object (&self->icon);
      self->icon = gtk_icon_theme_lookup_icon (theme, self->icon_name, NULL, ICON_SIZE, scale,
                                               gtk_widget_get_direction (widget), 0);
      self->icon_scale = scale;
    }

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  {
    GtkStyleContext *context = gtk_widget_get_style_context (widget);

    gtk_style_context_get_color (context, &colors[0]);
    if (!gtk_style_context_lookup_color (context, "error_color", &colors[1]))
      colors[1] = colors[0];
    if (!gtk_style_context_lookup_color (context, "warning_color", &colors[2]))
      colors[2] = colors[0];
    if (!gtk_style_context_lookup_color (context, "success_color", &colors[3]))
      colors[3] = colors[0];
  }
  G_GNUC_END_IGNORE_DEPRECATIONS

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - ICON_SIZE) / 2, (height - ICON_SIZE) / 2));
  gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->icon), snapshot,
                                            ICON_SIZE, ICON_SIZE, colors, G_N_ELEMENTS (colors));
  gtk_snapshot_restore (snapshot);
}

static void
assay_icon_button_finalize (GObject *object)
{
  AssayIconButton *self = ASSAY_ICON_BUTTON (object);

  g_clear_object (&self->icon);
  g_clear_pointer (&self->icon_name, g_free);

  G_OBJECT_CLASS (assay_icon_button_parent_class)->finalize (object);
}

static void
assay_icon_button_class_init (AssayIconButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = assay_icon_button_finalize;
  widget_class->measure = assay_icon_button_measure;
  widget_class->snapshot = assay_icon_button_snapshot;
}

static void
assay_icon_button_init (AssayIconButton *self)
{
  /* GtkButton lays its child out with a GtkBinLayout; there is none. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self), "image-button");
}

/**
 * assay_icon_button_new:
 * @icon_name: a symbolic icon's name
 *
 * Returns: (transfer full): a button drawing that icon (give it an
 *   accessible label and a tooltip)
 */
GtkWidget *
assay_icon_button_new (const char *icon_name)
{
  AssayIconButton *self;

  g_return_val_if_fail (icon_name != NULL, NULL);

  self = g_object_new (ASSAY_TYPE_ICON_BUTTON, NULL);
  self->icon_name = g_strdup (icon_name);

  return GTK_WIDGET (self);
}

const char *
assay_icon_button_get_icon_name (AssayIconButton *self)
{
  g_return_val_if_fail (ASSAY_IS_ICON_BUTTON (self), NULL);

  return self->icon_name;
}
