/* assay-page-preview.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page is a GdkMemoryTexture (the helper's pixels are cairo's ARGB32,
 * GDK_MEMORY_DEFAULT) shown by a GtkPicture at the width it was rendered
 * for; a GtkDrawingArea over it draws the highlight, scaling the figure's
 * rectangles (PDF points, top-left origin) to the picture's pixels.
 *
 * At most one render is in flight: a new page, width or document cancels
 * the previous one, and a completion for anything but the latest request
 * is dropped (the generation counter).
 */
#define G_LOG_DOMAIN "assay-page-preview"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-page-image.h"
#include "assay-page-preview.h"

/* A width change re-renders once resizing pauses this long. */
#define RERENDER_DELAY_MS 150

struct _AssayPagePreview
{
  GtkWidget          parent_instance;

  AssayPipeline     *pipeline;
  AssayDocument     *document;
  GCancellable      *cancellable;       /* the render in flight */
  guint              generation;
  guint              rerender_source;

  guint              page;              /* 1-based; 0 without a document */
  guint              n_pages;
  guint              rendered_page;     /* what the picture shows; 0: nothing */
  guint              rendered_width;    /* device pixels */
  guint              requested_width;
  double             page_width;        /* points, of the rendered page */
  double             page_height;
  gboolean           loading;

  guint              highlight_page;
  GArray            *highlight_rects;   /* AssayRect */

  GtkStack          *stack;
  GtkScrolledWindow *scroller;
  GtkOverlay        *overlay;
  GtkPicture        *picture;
  GtkDrawingArea    *highlight_area;
  GtkLabel          *page_label;
  GtkSpinner        *spinner;
  AdwStatusPage     *message_page;
};

G_DEFINE_FINAL_TYPE (AssayPagePreview, assay_page_preview, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PAGE,
  PROP_N_PAGES,
  PROP_LOADING,
  PROP_RENDERED_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_render (AssayPagePreview *self);

static void
set_loading (AssayPagePreview *self,
             gboolean          loading)
{
  if (self->loading == loading)
    return;

  self->loading = loading;
  gtk_spinner_set_spinning (self->spinner, loading);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
update_controls (AssayPagePreview *self)
{
  g_autofree char *label = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.previous",
                                 self->document != NULL && self->page > 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.next",
                                 self->document != NULL && self->page < self->n_pages);

  if (self->document == NULL || self->page == 0)
    label = g_strdup ("");
  else if (self->n_pages > 0)
    label = g_strdup_printf (_("Page %u of %u"), self->page, self->n_pages);
  else
    label = g_strdup_printf (_("Page %u"), self->page);

  gtk_label_set_label (self->page_label, label);
}

static void
show_message (AssayPagePreview *self,
              const char       *icon_name,
              const char       *title,
              const char       *description)
{
  adw_status_page_set_icon_name (self->message_page, icon_name);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->stack, "message");
}

/* The page's place in the picture: GtkPicture keeps the aspect ratio and
 * centres the texture in its allocation. */
static gboolean
get_page_area (AssayPagePreview *self,
               double            width,
               double            height,
               graphene_rect_t  *area)
{
  double ratio, draw_width, draw_height;

  if (self->rendered_page == 0 || self->page_width <= 0 || self->page_height <= 0 ||
      width <= 0 || height <= 0)
    return FALSE;

  ratio = self->page_width / self->page_height;
  if (width / height > ratio)
    {
      draw_height = height;
      draw_width = height * ratio;
    }
  else
    {
      draw_width = width;
      draw_height = width / ratio;
    }

  graphene_rect_init (area, (width - draw_width) / 2, (height - draw_height) / 2,
                      draw_width, draw_height);
  return TRUE;
}

static gboolean
get_highlight_union (AssayPagePreview *self,
                     double            width,
                     double            height,
                     graphene_rect_t  *bounds)
{
  graphene_rect_t area;
  double scale_x, scale_y;

  if (self->highlight_rects->len == 0 || self->highlight_page != self->rendered_page ||
      !get_page_area (self, width, height, &area))
    return FALSE;

  scale_x = area.size.width / self->page_width;
  scale_y = area.size.height / self->page_height;

  for (guint i = 0; i < self->highlight_rects->len; i++)
    {
      const AssayRect *rect = &g_array_index (self->highlight_rects, AssayRect, i);
      graphene_rect_t r = GRAPHENE_RECT_INIT (area.origin.x + rect->x * scale_x,
                                              area.origin.y + rect->y * scale_y,
                                              rect->width * scale_x,
                                              rect->height * scale_y);

      if (i == 0)
        *bounds = r;
      else
        graphene_rect_union (bounds, &r, bounds);
    }

  return TRUE;
}

static void
draw_highlight (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  AssayPagePreview *self = user_data;
  GtkStyleContext *context;
  graphene_rect_t page_area;
  GdkRGBA accent;
  double scale_x, scale_y;

  if (self->highlight_rects->len == 0 || self->highlight_page != self->rendered_page ||
      !get_page_area (self, width, height, &page_area))
    return;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (GTK_WIDGET (area));
  if (!gtk_style_context_lookup_color (context, "accent_bg_color", &accent))
    accent = (GdkRGBA) { 0.21, 0.52, 0.89, 1.0 };
  G_GNUC_END_IGNORE_DEPRECATIONS

  scale_x = page_area.size.width / self->page_width;
  scale_y = page_area.size.height / self->page_height;

  for (guint i = 0; i < self->highlight_rects->len; i++)
    {
      const AssayRect *rect = &g_array_index (self->highlight_rects, AssayRect, i);
      /* A little air around the glyphs, so the box does not cut them. */
      double pad = 2.0;
      double x = page_area.origin.x + rect->x * scale_x - pad;
      double y = page_area.origin.y + rect->y * scale_y - pad;
      double w = rect->width * scale_x + 2 * pad;
      double h = rect->height * scale_y + 2 * pad;

      cairo_rectangle (cr, x, y, w, h);
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.25);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1.0);
      cairo_set_line_width (cr, 2.0);
      cairo_stroke (cr);
    }
}

static void
scroll_to_highlight (AssayPagePreview *self)
{
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (self->scroller);
  graphene_rect_t bounds;
  int width = gtk_widget_get_width (GTK_WIDGET (self->overlay));
  int height = gtk_widget_get_height (GTK_WIDGET (self->picture));

  if (!get_highlight_union (self, width, height, &bounds))
    return;

  gtk_adjustment_clamp_page (vadjustment,
                             MAX (0, bounds.origin.y - 48),
                             bounds.origin.y + bounds.size.height + 48);
}

typedef struct
{
  AssayPagePreview *self;
  guint             generation;
} Render;

static void
render_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Render *render = user_data;
  g_autoptr(AssayPagePreview) self = render->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  AssayPageImage *image;
  gboolean current = render->generation == self->generation;

  g_free (render);

  image = assay_pipeline_render_page_finish (ASSAY_PIPELINE (object), result, &error);
  if (!current || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_pointer (&image, assay_page_image_free);
      return;
    }

  set_loading (self, FALSE);

  if (image == NULL)
    {
      g_debug ("Page %u could not be rendered: %s", self->page, error->message);
      self->rendered_page = 0;
      show_message (self, "dialog-warning-symbolic", _("This Page Cannot Be Shown"),
                    error->message);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERED_PAGE]);
      return;
    }

  texture = gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_DEFAULT,
                                    image->pixels, image->stride);
  self->page_width = image->page_width;
  self->page_height = image->page_height;
  self->rendered_width = self->requested_width;
  if (image->n_pages > 0 && image->n_pages != self->n_pages)
    {
      self->n_pages = image->n_pages;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
    }
  assay_page_image_free (image);

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  gtk_stack_set_visible_child_name (self->stack, "page");
  update_controls (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->highlight_area));

  if (self->rendered_page != self->page)
    {
      self->rendered_page = self->page;
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERED_PAGE]);
    }
  scroll_to_highlight (self);
}

static guint
get_wanted_width (AssayPagePreview *self)
{
  GtkAdjustment *hadjustment = gtk_scrolled_window_get_hadjustment (self->scroller);
  GtkWidget *overlay = GTK_WIDGET (self->overlay);
  double width = gtk_adjustment_get_page_size (hadjustment);

  if (width <= 0)
    width = gtk_widget_get_width (GTK_WIDGET (self));

  /* The page sits inside the overlay's margins. */
  width -= gtk_widget_get_margin_start (overlay) + gtk_widget_get_margin_end (overlay);

  return (guint) (MAX (0, width) * gtk_widget_get_scale_factor (GTK_WIDGET (self)));
}

static void
start_render (AssayPagePreview *self)
{
  Render *render;
  guint width;

  g_clear_handle_id (&self->rerender_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->generation++;

  if (self->document == NULL || self->pipeline == NULL || self->page == 0)
    {
      set_loading (self, FALSE);
      return;
    }

  width = get_wanted_width (self);
  if (width == 0)
    return;   /* not allocated yet: the width change starts it */

  self->requested_width = width;
  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  render = g_new0 (Render, 1);
  render->self = g_object_ref (self);
  render->generation = self->generation;
  assay_pipeline_render_page_async (self->pipeline, self->document, self->page, width,
                                    self->cancellable, render_done_cb, render);
}

static gboolean
rerender_cb (gpointer user_data)
{
  AssayPagePreview *self = user_data;

  self->rerender_source = 0;
  start_render (self);

  return G_SOURCE_REMOVE;
}

static void
width_changed_cb (AssayPagePreview *self)
{
  guint width = get_wanted_width (self);


  if (width == 0 || self->document == NULL)
    return;

  /* The first render starts at once; later sizes wait for resizing to pause. */
  if (self->rendered_page == 0 && !self->loading)
    {
      start_render (self);
      return;
    }

  if (width == self->rendered_width && self->rendered_page == self->page)
    return;

  if (width == self->requested_width && self->loading)
    return;

  g_clear_handle_id (&self->rerender_source, g_source_remove);
  self->rerender_source = g_timeout_add (RERENDER_DELAY_MS, rerender_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->rerender_source),
                            "[assay] re-render page");
}

/**
 * assay_page_preview_set_document:
 * @pipeline: (nullable): what renders the pages
 * @document: (nullable): the document to show, from page 1
 *
 * Cancels any render for the previous document.
 */
void
assay_page_preview_set_document (AssayPagePreview *self,
                                 AssayPipeline    *pipeline,
                                 AssayDocument    *document)
{
  g_return_if_fail (ASSAY_IS_PAGE_PREVIEW (self));
  g_return_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (document == NULL || ASSAY_IS_DOCUMENT (document));

  if (document == self->document && pipeline == self->pipeline)
    return;

  g_set_object (&self->pipeline, pipeline);
  g_set_object (&self->document, document);

  self->page = document != NULL ? 1 : 0;
  self->n_pages = document != NULL ? assay_document_get_n_pages (document) : 0;
  self->rendered_page = 0;
  self->rendered_width = 0;
  self->page_width = self->page_height = 0;
  self->highlight_page = 0;
  g_array_set_size (self->highlight_rects, 0);
  gtk_picture_set_paintable (self->picture, NULL);

  if (document == NULL)
    show_message (self, "x-office-document-symbolic", _("No Document"), NULL);
  else
    gtk_stack_set_visible_child_name (self->stack, "page");

  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RENDERED_PAGE]);
  start_render (self);
}

guint
assay_page_preview_get_page (AssayPagePreview *self)
{
  g_return_val_if_fail (ASSAY_IS_PAGE_PREVIEW (self), 0);

  return self->page;
}

/**
 * assay_page_preview_set_page:
 * @page: 1-based; clamped to the document's pages
 */
void
assay_page_preview_set_page (AssayPagePreview *self,
                             guint             page)
{
  g_return_if_fail (ASSAY_IS_PAGE_PREVIEW (self));

  if (self->document == NULL)
    return;

  page = MAX (page, 1);
  if (self->n_pages > 0)
    page = MIN (page, self->n_pages);

  if (page == self->page)
    return;

  self->page = page;
  update_controls (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  start_render (self);
}

guint
assay_page_preview_get_n_pages (AssayPagePreview *self)
{
  g_return_val_if_fail (ASSAY_IS_PAGE_PREVIEW (self), 0);

  return self->n_pages;
}

/**
 * assay_page_preview_set_highlight:
 * @page: the page the rectangles are on (1-based); 0 clears the highlight
 * @rects: (array length=n_rects) (nullable): PDF points, top-left origin
 *
 * Highlights @rects and shows @page.
 */
void
assay_page_preview_set_highlight (AssayPagePreview *self,
                                  guint             page,
                                  const AssayRect  *rects,
                                  guint             n_rects)
{
  g_return_if_fail (ASSAY_IS_PAGE_PREVIEW (self));
  g_return_if_fail (rects != NULL || n_rects == 0);

  g_array_set_size (self->highlight_rects, 0);
  self->highlight_page = page;
  if (page > 0 && n_rects > 0)
    g_array_append_vals (self->highlight_rects, rects, n_rects);
  gtk_widget_queue_draw (GTK_WIDGET (self->highlight_area));

  if (page > 0)
    {
      if (page != self->page)
        assay_page_preview_set_page (self, page);
      else
        scroll_to_highlight (self);
    }
}

/**
 * assay_page_preview_get_loading:
 *
 * Returns: whether a render is in flight
 */
gboolean
assay_page_preview_get_loading (AssayPagePreview *self)
{
  g_return_val_if_fail (ASSAY_IS_PAGE_PREVIEW (self), FALSE);

  return self->loading;
}

/**
 * assay_page_preview_get_rendered_page:
 *
 * Returns: the page the picture shows, 0 for none
 */
guint
assay_page_preview_get_rendered_page (AssayPagePreview *self)
{
  g_return_val_if_fail (ASSAY_IS_PAGE_PREVIEW (self), 0);

  return self->rendered_page;
}

/**
 * assay_page_preview_get_highlight_bounds:
 * @bounds: (out): where the highlight is, in @self's coordinates
 *
 * Returns: %FALSE when no highlight is drawn on the shown page
 */
gboolean
assay_page_preview_get_highlight_bounds (AssayPagePreview *self,
                                         graphene_rect_t  *bounds)
{
  graphene_rect_t local;
  graphene_point_t origin;
  int width, height;

  g_return_val_if_fail (ASSAY_IS_PAGE_PREVIEW (self), FALSE);
  g_return_val_if_fail (bounds != NULL, FALSE);

  width = gtk_widget_get_width (GTK_WIDGET (self->highlight_area));
  height = gtk_widget_get_height (GTK_WIDGET (self->highlight_area));
  if (!get_highlight_union (self, width, height, &local))
    return FALSE;

  if (!gtk_widget_compute_point (GTK_WIDGET (self->highlight_area), GTK_WIDGET (self),
                                 &local.origin, &origin))
    return FALSE;

  graphene_rect_init (bounds, origin.x, origin.y, local.size.width, local.size.height);
  return TRUE;
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (widget);

  if (self->page > 1)
    assay_page_preview_set_page (self, self->page - 1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (widget);

  assay_page_preview_set_page (self, self->page + 1);
}

static void
assay_page_preview_dispose (GObject *object)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rerender_source, g_source_remove);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->document);
  g_clear_object (&self->pipeline);

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_PAGE_PREVIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);   /* the toolbar, which has no name */

  G_OBJECT_CLASS (assay_page_preview_parent_class)->dispose (object);
}

static void
assay_page_preview_finalize (GObject *object)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (object);

  g_clear_pointer (&self->highlight_rects, g_array_unref);

  G_OBJECT_CLASS (assay_page_preview_parent_class)->finalize (object);
}

static void
assay_page_preview_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_uint (value, self->page);
      break;
    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_RENDERED_PAGE:
      g_value_set_uint (value, self->rendered_page);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_page_preview_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AssayPagePreview *self = ASSAY_PAGE_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      assay_page_preview_set_page (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_page_preview_class_init (AssayPagePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_page_preview_dispose;
  object_class->finalize = assay_page_preview_finalize;
  object_class->get_property = assay_page_preview_get_property;
  object_class->set_property = assay_page_preview_set_property;

  properties[PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RENDERED_PAGE] =
    g_param_spec_uint ("rendered-page", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "assaypagepreview");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-page-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, stack);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, scroller);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, overlay);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, picture);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, highlight_area);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, page_label);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, AssayPagePreview, message_page);

  gtk_widget_class_install_action (widget_class, "preview.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "preview.next", NULL, next_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, GDK_CONTROL_MASK,
                                       "preview.previous", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, GDK_CONTROL_MASK,
                                       "preview.next", NULL);
}

static void
assay_page_preview_init (AssayPagePreview *self)
{
  self->highlight_rects = g_array_new (FALSE, FALSE, sizeof (AssayRect));

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);

  gtk_drawing_area_set_draw_func (self->highlight_area, draw_highlight, self, NULL);
  g_signal_connect_object (gtk_scrolled_window_get_hadjustment (self->scroller), "changed",
                           G_CALLBACK (width_changed_cb), self, G_CONNECT_SWAPPED);

  show_message (self, "x-office-document-symbolic", _("No Document"), NULL);
  update_controls (self);
}

/**
 * assay_page_preview_new:
 *
 * Returns: (transfer floating): a preview showing no document
 */
GtkWidget *
assay_page_preview_new (void)
{
  return g_object_new (ASSAY_TYPE_PAGE_PREVIEW, NULL);
}
