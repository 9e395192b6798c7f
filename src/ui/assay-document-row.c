/* assay-document-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A row follows its document through a GSignalGroup, so that a recycled
 * row drops the previous document's handlers in one step. Times that move
 * on their own (elapsed, the estimate, a rate-limit countdown) are not
 * ticked here: the list runs one timer for the rows it shows and calls
 * assay_document_row_tick().
 *
 * A document changes many times a second while it runs (state, status,
 * progress, pages), and GTK 4.8's list view keeps up to 200 rows bound,
 * most of them off screen. So a notification only marks what changed; a
 * row on screen (or within a screen of it) applies its changes once per
 * frame, from a tick callback, and a row off screen when the list shows it
 * (assay_document_row_catch_up(), on scrolling and on the list's timer).
 *
 * The row draws what every row shows — the stage icon, the name, the
 * cluster's worker, the cached badge, the status line and, while the
 * document runs, its progress — from its own PangoLayouts, one line each,
 * sized from the font's metrics and not from the text: a text that changes
 * redraws the row and measures nothing. Its height is the same in every
 * state a batch takes it through (queued, running, done): the progress
 * line's place is kept when there is none to draw, and the cancel and
 * retry buttons share one place before the remove button, shown or not by
 * child visibility (which maps or unmaps them) instead of visibility
 * (which would queue a resize up to the window: in GTK 4.8 every frame
 * with one lays the toplevel out again, with X11 round trips). Only what
 * some rows need is a child widget, made the first time it is needed: a
 * failure's message and the password entry (which do make the row
 * taller), and the cancel and retry buttons; every row has its remove
 * button (buttons that draw their icons: assay-icon-button.c). GTK 4.8 restyles a row's whole
 * subtree, and every row after it, whenever the row's state changes
 * (hover, selection, focus, or being moved as the list recycles it), with
 * its style caches dropped: a done row is two CSS nodes (the row and its
 * remove button) instead of eleven, which is what
 * scrolling and selecting among 10,000 documents cost (docs/benchmarks.md).
 */
#define G_LOG_DOMAIN "assay-document-row"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-document-row.h"
#include "assay-icon-button.h"

/* The row's geometry, as its template had it. */
#define MARGIN_START    12
#define MARGIN_END       6
#define MARGIN_Y         8
#define ICON_SIZE       16
#define ICON_TOP         2   /* the icon sits a little lower than the name */
#define COLUMN_SPACING  12   /* icon, texts, buttons */
#define LINE_SPACING     4   /* name, status and the parts below */
#define NAME_SPACING     6   /* name, worker, badge */
#define BUTTON_SPACING   2
#define NAME_CHARS      30   /* the natural width of the texts */
#define WORKER_CHARS    24   /* the most the worker's name takes */
#define BADGE_PAD_X      7
#define BADGE_PAD_Y      1
#define DIM_ALPHA        0.55f /* Adwaita's .dim-label */
#define PROGRESS_TOP     2   /* below the status line's spacing */
#define PROGRESS_HEIGHT  4
#define TROUGH_ALPHA     0.15f

/* What a row far from the view asks for until it is built. */
#define PLACEHOLDER_HEIGHT 56

struct _AssayDocumentRow
{
  GtkWidget          parent_instance;

  AssayPipeline     *pipeline;
  AssayDocument     *document;
  GSignalGroup      *document_signals;
  char              *status;
  char              *worker;        /* "on NAME" while a cluster worker holds it */
  gboolean           cached;        /* the badge shows */
  int                shown_state;   /* the state the icon shows, -1 for none */
  gboolean           shown_waiting; /* the icon shows a rate limit's wait */
  gboolean           built;         /* it draws and has its buttons (built near the view) */
  guint              dirty;         /* Dirty: what changed since last shown */
  guint              tick_id;       /* applies the changes at the next frame */

  /* Drawn */
  PangoFontDescription *font;       /* the row's own, from CSS: the others follow it */
  PangoLayout       *name_layout;
  PangoLayout       *status_layout;
  PangoLayout       *worker_layout;
  PangoLayout       *badge_layout;
  GdkPaintable      *icon;
  const char        *icon_color;    /* a named colour, or NULL for the text's */
  int                name_height;   /* one line, from the font's metrics */
  int                caption_height;
  int                char_width;
  gboolean           shows_progress; /* the progress line is drawn */
  double             fraction;

  /* Children, made when first needed */
  GtkWidget         *error_label;
  GtkWidget         *password_box;
  GtkWidget         *password_entry;
  GtkWidget         *cancel_button;
  GtkWidget         *retry_button;
  GtkWidget         *remove_button;
};

typedef enum {
  DIRTY_STATE    = 1 << 0,  /* the state or the error message */
  DIRTY_SUMMARY  = 1 << 1,  /* what the status line says */
  DIRTY_PROGRESS = 1 << 2,
  DIRTY_WORKER   = 1 << 3,  /* the cluster's worker holding it */
  DIRTY_ALL      = DIRTY_STATE | DIRTY_SUMMARY | DIRTY_PROGRESS | DIRTY_WORKER,
} Dirty;

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AssayDocumentRow, assay_document_row, GTK_TYPE_WIDGET)

static void build (AssayDocumentRow *self);

static gboolean
state_is_running (AssayDocumentState state)
{
  return state == ASSAY_DOCUMENT_HASHING || state == ASSAY_DOCUMENT_READING ||
         state == ASSAY_DOCUMENT_EXTRACTING || state == ASSAY_DOCUMENT_ANALYSING;
}

/* "0:42", "12:05", "1:02:03" */
static char *
format_duration (gint64 us)
{
  gint64 s = MAX (0, us) / G_USEC_PER_SEC;

  if (s >= 3600)
    return g_strdup_printf ("%d:%02d:%02d", (int) (s / 3600), (int) (s / 60 % 60), (int) (s % 60));

  return g_strdup_printf ("%d:%02d", (int) (s / 60), (int) (s % 60));
}

/* ------------------------------------------------------------------------ */

static const char *
state_icon_name (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_QUEUED:         return "document-open-recent-symbolic";
    case ASSAY_DOCUMENT_HASHING:        return "content-loading-symbolic";
    case ASSAY_DOCUMENT_READING:        return "view-paged-symbolic";
    case ASSAY_DOCUMENT_EXTRACTING:     return "edit-find-symbolic";
    case ASSAY_DOCUMENT_ANALYSING:      return "x-office-spreadsheet-symbolic";
    case ASSAY_DOCUMENT_DONE:           return "emblem-ok-symbolic";
    case ASSAY_DOCUMENT_FAILED:         return "dialog-error-symbolic";
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return "dialog-password-symbolic";
    case ASSAY_DOCUMENT_CANCELLED:      return "process-stop-symbolic";
    case ASSAY_DOCUMENT_DUPLICATE:      return "edit-copy-symbolic";
    default:                            return "document-open-recent-symbolic";
    }
}

static const char *
state_label (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_QUEUED:         return _("Queued");
    case ASSAY_DOCUMENT_HASHING:        return _("Checking the file");
    case ASSAY_DOCUMENT_READING:        return _("Reading");
    case ASSAY_DOCUMENT_EXTRACTING:     return _("Extracting");
    case ASSAY_DOCUMENT_ANALYSING:      return _("Analysing");
    case ASSAY_DOCUMENT_DONE:           return _("Done");
    case ASSAY_DOCUMENT_FAILED:         return _("Failed");
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return _("Needs a password");
    case ASSAY_DOCUMENT_CANCELLED:      return _("Cancelled");
    case ASSAY_DOCUMENT_DUPLICATE:      return _("Duplicate");
    default:                            return "";
    }
}

static const char *
failed_label (AssayStage stage)
{
  switch (stage)
    {
    case ASSAY_STAGE_HASH:
    case ASSAY_STAGE_CACHE:
    case ASSAY_STAGE_READ:    return _("Failed while reading");
    case ASSAY_STAGE_EXTRACT: return _("Failed while extracting");
    case ASSAY_STAGE_ANALYSE: return _("Failed while analysing");
    case ASSAY_STAGE_STORE:   return _("Failed while storing the result");
    default:                  return _("Failed");
    }
}

/* The theme's named colour for the stage icon, NULL for the text's. */
static const char *
state_color_name (AssayDocumentState state)
{
  switch (state)
    {
    case ASSAY_DOCUMENT_DONE:           return "success_color";
    case ASSAY_DOCUMENT_FAILED:         return "error_color";
    case ASSAY_DOCUMENT_NEEDS_PASSWORD: return "warning_color";
    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    case ASSAY_DOCUMENT_CANCELLED:
    case ASSAY_DOCUMENT_DUPLICATE:
    default:                            return NULL;
    }
}

/* The status line: what is happening, the pages, how long it has taken
 * and, once there is enough progress to tell, how long it may still take;
 * while a rate limit holds, the seconds left. */
static char *
compose_status (AssayDocumentRow *self,
                gint64            now)
{
  AssayDocument *document = self->document;
  AssayDocumentState state = assay_document_get_state (document);
  guint n_pages = assay_document_get_n_pages (document);
  gint64 started = assay_document_get_started_at (document);
  gint64 waiting_until = assay_document_get_waiting_until (document);
  const char *status_text = assay_document_get_status_text (document);
  g_autoptr(GString) line = g_string_new (NULL);

  if (state_is_running (state) && waiting_until > now)
    {
      guint seconds = (guint) ((waiting_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      /* Translators: the model server asked to wait; %u is seconds left */
      g_string_append_printf (line, _("Rate limit: waiting %u s"), seconds);
      return g_string_free (g_steal_pointer (&line), FALSE);
    }

  if (state_is_running (state) && status_text != NULL && *status_text != '\0')
    g_string_append (line, status_text);
  else if (state == ASSAY_DOCUMENT_FAILED)
    g_string_append (line, failed_label (assay_document_get_error_stage (document)));
  else if (state == ASSAY_DOCUMENT_NEEDS_PASSWORD &&
           assay_document_get_error_message (document) != NULL)
    /* Whether a password is missing or the one typed was refused. */
    g_string_append (line, assay_document_get_error_message (document));
  else if (state == ASSAY_DOCUMENT_DUPLICATE && assay_document_get_duplicate_of (document) != NULL)
    {
      g_autofree char *original = g_path_get_basename (assay_document_get_duplicate_of (document));

      g_string_append_printf (line, _("Same content as %s"), original);
    }
  else if (state != ASSAY_DOCUMENT_DONE || n_pages == 0)
    g_string_append (line, state_label (state));

  if (n_pages > 0 && !(state_is_running (state) && status_text != NULL && *status_text != '\0'))
    {
      /* Done rows start with their pages: the icon says done. */
      if (line->len > 0)
        g_string_append (line, " · ");
      g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", n_pages),
                              n_pages);
    }

  if (state_is_running (state) && started > 0)
    {
      g_autofree char *elapsed = format_duration (now - started);
      double progress = assay_document_get_progress (document);

      g_string_append (line, " · ");
      g_string_append (line, elapsed);

      if (progress >= 0.05 && progress < 1.0 && now - started > 2 * G_USEC_PER_SEC)
        {
          gint64 left = (gint64) ((now - started) * (1.0 - progress) / progress);
          g_autofree char *eta = format_duration (left + G_USEC_PER_SEC - 1);

          g_string_append (line, " · ");
          /* Translators: an estimate of the time left, e.g. "about 0:12 left" */
          g_string_append_printf (line, _("about %s left"), eta);
        }
    }
  if (state == ASSAY_DOCUMENT_DONE)
    {
      guint n_figures = assay_document_get_n_figures (document);
      guint n_verified = assay_document_get_n_verified (document);

      g_string_append (line, " · ");
      if (n_figures == 0)
        g_string_append (line, _("no key figures"));
      else
        /* Translators: key figures found in a document, and how many of them
         * were found again on their page, e.g. "12 figures, 11 verified" */
        g_string_append_printf (line, g_dngettext (GETTEXT_PACKAGE, "%u figure, %u verified",
                                                   "%u figures, %u verified", n_figures),
                                n_figures, n_verified);
    }

  if (state == ASSAY_DOCUMENT_DONE && !assay_document_get_cached (document) && started > 0)
    {
      gint64 finished = assay_document_get_finished_at (document);

      if (finished > started && finished - started < 10 * G_USEC_PER_SEC)
        {
          g_string_append (line, " · ");
          /* Translators: how long the document took, e.g. "2.4 s" */
          g_string_append_printf (line, _("%.1f s"), (finished - started) / (double) G_USEC_PER_SEC);
        }
      else if (finished > started)
        {
          g_autofree char *took = format_duration (finished - started);

          g_string_append (line, " · ");
          g_string_append (line, took);
        }
    }

  return g_string_free (g_steal_pointer (&line), FALSE);
}

/* ------------------------------------------------------------------------ */
/* What the row draws                                                        */

static PangoFontDescription *
derive_font (const PangoFontDescription *base,
             double                      scale,
             PangoWeight                 weight)
{
  PangoFontDescription *font = pango_font_description_copy (base);
  int size = pango_font_description_get_size (base);

  if (scale != 1.0 && size > 0)
    {
      if (pango_font_description_get_size_is_absolute (base))
        pango_font_description_set_absolute_size (font, size * scale);
      else
        pango_font_description_set_size (font, (int) (size * scale));
    }
  pango_font_description_set_weight (font, weight);

  return font;
}

static int
line_height (PangoContext               *context,
             const PangoFontDescription *font,
             int                        *char_width)
{
  PangoFontMetrics *metrics = pango_context_get_metrics (context, font, NULL);
  int height = pango_font_metrics_get_ascent (metrics) + pango_font_metrics_get_descent (metrics);

  if (char_width != NULL)
    *char_width = MAX (pango_font_metrics_get_approximate_char_width (metrics),
                       pango_font_metrics_get_approximate_digit_width (metrics));
  pango_font_metrics_unref (metrics);

  return PANGO_PIXELS_CEIL (height);
}

/* The name as Adwaita's .heading (the body's size, bold), the status and
 * the worker as .caption (9 of the body's 11 points), the badge at 0.8 of
 * it, bold. Follows the row's CSS font (text scaling included). */
static void
update_fonts (AssayDocumentRow *self)
{
  PangoContext *context = gtk_widget_get_pango_context (GTK_WIDGET (self));
  const PangoFontDescription *base = pango_context_get_font_description (context);
  PangoFontDescription *heading, *caption, *badge;
  int char_width;

  if (base == NULL || (self->font != NULL && pango_font_description_equal (base, self->font)))
    return;

  g_clear_pointer (&self->font, pango_font_description_free);
  self->font = pango_font_description_copy (base);

  heading = derive_font (base, 1.0, PANGO_WEIGHT_BOLD);
  caption = derive_font (base, 9.0 / 11.0, PANGO_WEIGHT_NORMAL);
  badge = derive_font (base, 0.8, PANGO_WEIGHT_BOLD);

  self->name_height = line_height (context, heading, &char_width);
  self->char_width = PANGO_PIXELS_CEIL (char_width);
  self->caption_height = line_height (context, caption, NULL);

  pango_layout_context_changed (self->name_layout);
  pango_layout_context_changed (self->status_layout);
  pango_layout_set_font_description (self->name_layout, heading);
  pango_layout_set_font_description (self->status_layout, caption);
  if (self->worker_layout != NULL)
    {
      pango_layout_context_changed (self->worker_layout);
      pango_layout_set_font_description (self->worker_layout, caption);
    }
  pango_layout_context_changed (self->badge_layout);
  pango_layout_set_font_description (self->badge_layout, badge);

  pango_font_description_free (heading);
  pango_font_description_free (caption);
  pango_font_description_free (badge);
}

static PangoLayout *
new_line_layout (AssayDocumentRow   *self,
                 PangoEllipsizeMode  ellipsize)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);

  pango_layout_set_ellipsize (layout, ellipsize);
  pango_layout_set_single_paragraph_mode (layout, TRUE);

  return layout;
}

/* Sets a layout's text; TRUE when it changed (then the row is redrawn,
 * never measured again). */
static gboolean
set_layout_text (AssayDocumentRow *self,
                 PangoLayout      *layout,
                 const char       *text)
{
  if (g_strcmp0 (pango_layout_get_text (layout), text != NULL ? text : "") == 0)
    return FALSE;

  pango_layout_set_text (layout, text != NULL ? text : "", -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));

  return TRUE;
}

static gboolean
is_rtl (AssayDocumentRow *self)
{
  return gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
}

/* x of a box at @x (from the start edge) @w wide, in widget coordinates. */
static int
mirror (AssayDocumentRow *self,
        int               x,
        int               w)
{
  return is_rtl (self) ? gtk_widget_get_width (GTK_WIDGET (self)) - x - w : x;
}

/* The buttons shown: cancel or retry (they share a place), then remove. */
static int
n_buttons (AssayDocumentRow *self,
           GtkWidget       **out)
{
  GtkWidget *all[] = { self->cancel_button, self->retry_button, self->remove_button };
  int n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (all[i] != NULL && gtk_widget_get_visible (all[i]) && gtk_widget_get_child_visible (all[i]))
      out[n++] = all[i];

  return n;
}

/* One button's size: they are all the same icon button. */
static void
button_size (AssayDocumentRow *self,
             int              *width,
             int              *height)
{
  *width = *height = 0;
  if (self->remove_button == NULL)
    return;
  gtk_widget_measure (self->remove_button, GTK_ORIENTATION_HORIZONTAL, -1, NULL, width, NULL, NULL);
  gtk_widget_measure (self->remove_button, GTK_ORIENTATION_VERTICAL, *width, NULL, height, NULL, NULL);
}

/* The width the buttons take, side by side: @reserved, the two places
 * every row keeps (what it measures, the same in every state), or those
 * shown now (what the texts leave them when drawn). */
static int
actions_size (AssayDocumentRow *self,
              gboolean          reserved,
              int              *height)
{
  GtkWidget *shown[3];
  int n = reserved ? 2 : n_buttons (self, shown);
  int w;

  button_size (self, &w, height);
  if (w == 0)
    return 0;
  return n * w + MAX (0, n - 1) * BUTTON_SPACING;
}

/* Where the texts start, and how wide they are for a row @width wide. */
static int
text_width (AssayDocumentRow *self,
            int               width,
            gboolean          reserved)
{
  int actions_height;
  int actions = actions_size (self, reserved, &actions_height);

  return MAX (0, width - MARGIN_START - ICON_SIZE - COLUMN_SPACING - MARGIN_END -
                 (actions > 0 ? actions + COLUMN_SPACING : 0));
}

#define TEXT_X (MARGIN_START + ICON_SIZE + COLUMN_SPACING)

/* The children below the two lines and the progress line's place, in order. */
static int
parts_below (AssayDocumentRow *self,
             GtkWidget       **out)
{
  GtkWidget *all[] = { self->error_label, self->password_box };
  int n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (all[i] != NULL && gtk_widget_get_visible (all[i]))
      out[n++] = all[i];

  return n;
}

typedef struct {
  graphene_rect_t name;   /* the name as drawn (ellipsized to fit) */
  graphene_rect_t worker;
  graphene_rect_t badge;
  graphene_rect_t status;
  graphene_rect_t icon;
  graphene_rect_t progress;
} Geometry;

/* Below the status line, the progress line's place, kept in every state
 * but those with a message or the password entry below (failed, needing a
 * password: showing those resizes the row anyway, and the place would
 * only part the status from its message). */
#define PROGRESS_SLOT (LINE_SPACING + PROGRESS_TOP + PROGRESS_HEIGHT)

static int
progress_slot (int n_below)
{
  return n_below > 0 ? 0 : PROGRESS_SLOT;
}

/* Where the drawn parts go in the row as it is allocated; sets the
 * layouts' widths (which only lays their text out again). */
static void
compute_geometry (AssayDocumentRow *self,
                  Geometry         *g)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int tw = text_width (self, width, FALSE);
  int end = tw;              /* what the name may take, from TEXT_X */
  int badge_w = 0, badge_h = 0, worker_w = 0, worker_h = 0;
  GtkWidget *below[3];
  /* Without its progress line (and nothing below), the row's lines sit in
   * the middle of the height it keeps: a redraw, never a new size. */
  float top = MARGIN_Y;

  if (!self->shows_progress && parts_below (self, below) == 0)
    top += PROGRESS_SLOT / 2.0f;

  if (self->cached)
    {
      pango_layout_get_pixel_size (self->badge_layout, &badge_w, &badge_h);
      badge_w += 2 * BADGE_PAD_X;
      badge_h += 2 * BADGE_PAD_Y;
      end -= badge_w + NAME_SPACING;
    }
  if (self->worker != NULL)
    {
      int natural;

      pango_layout_set_width (self->worker_layout, -1);
      pango_layout_get_pixel_size (self->worker_layout, &natural, &worker_h);
      worker_w = MIN (natural, WORKER_CHARS * self->char_width);
      worker_w = MIN (worker_w, MAX (0, end / 2));
      pango_layout_set_width (self->worker_layout, worker_w * PANGO_SCALE);
      end -= worker_w + NAME_SPACING;
    }
  end = MAX (0, end);

  pango_layout_set_width (self->name_layout, end * PANGO_SCALE);
  pango_layout_set_width (self->status_layout, tw * PANGO_SCALE);

  g->icon = GRAPHENE_RECT_INIT (mirror (self, MARGIN_START, ICON_SIZE), top + ICON_TOP,
                                ICON_SIZE, ICON_SIZE);
  g->name = GRAPHENE_RECT_INIT (mirror (self, TEXT_X, end), top, end, self->name_height);
  g->worker = GRAPHENE_RECT_INIT (mirror (self, TEXT_X + end + NAME_SPACING, worker_w),
                                  top + (self->name_height - worker_h) / 2.0f,
                                  worker_w, worker_h);
  g->badge = GRAPHENE_RECT_INIT (mirror (self, TEXT_X + tw - badge_w, badge_w),
                                 top + (self->name_height - badge_h) / 2.0f,
                                 badge_w, badge_h);
  g->status = GRAPHENE_RECT_INIT (mirror (self, TEXT_X, tw), top + self->name_height + LINE_SPACING,
                                  tw, self->caption_height);
  g->progress = GRAPHENE_RECT_INIT (mirror (self, TEXT_X, tw),
                                    g->status.origin.y + self->caption_height + LINE_SPACING + PROGRESS_TOP,
                                    tw, PROGRESS_HEIGHT);
}

/* As AssayProgressLine draws it: a rounded trough, the accent's fill. */
static void
append_progress (AssayDocumentRow      *self,
                 GtkSnapshot           *snapshot,
                 const graphene_rect_t *where,
                 const GdkRGBA         *fg,
                 const GdkRGBA         *accent)
{
  GdkRGBA trough = *fg;
  float fill = (float) (where->size.width * CLAMP (self->fraction, 0.0, 1.0));
  GskRoundedRect clip;

  if (where->size.width <= 0)
    return;

  trough.alpha *= TROUGH_ALPHA;
  gsk_rounded_rect_init_from_rect (&clip, where, where->size.height / 2.0f);
  gtk_snapshot_push_rounded_clip (snapshot, &clip);
  gtk_snapshot_append_color (snapshot, &trough, where);
  if (fill > 0)
    gtk_snapshot_append_color (snapshot, accent,
                               &GRAPHENE_RECT_INIT (is_rtl (self) ? where->origin.x + where->size.width - fill
                                                                  : where->origin.x,
                                                    where->origin.y, fill, where->size.height));
  gtk_snapshot_pop (snapshot);
}

static void
append_line (GtkSnapshot           *snapshot,
             PangoLayout           *layout,
             const graphene_rect_t *where,
             const GdkRGBA         *color)
{
  if (where->size.width <= 0)
    return;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (where->origin.x, where->origin.y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
assay_document_row_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);
  GdkRGBA fg, dim, icon_colors[4];
  Geometry g;

  if (self->built && self->document != NULL)
    {
      G_GNUC_BEGIN_IGNORE_DEPRECATIONS
      gtk_style_context_get_color (context, &fg);
      dim = fg;
      dim.alpha *= DIM_ALPHA;
      icon_colors[0] = fg;
      if (!gtk_style_context_lookup_color (context, "error_color", &icon_colors[1]))
        icon_colors[1] = fg;
      if (!gtk_style_context_lookup_color (context, "warning_color", &icon_colors[2]))
        icon_colors[2] = fg;
      if (!gtk_style_context_lookup_color (context, "success_color", &icon_colors[3]))
        icon_colors[3] = fg;
      if (self->icon_color != NULL &&
          !gtk_style_context_lookup_color (context, self->icon_color, &icon_colors[0]))
        icon_colors[0] = fg;
      G_GNUC_END_IGNORE_DEPRECATIONS

      compute_geometry (self, &g);

      if (self->icon != NULL)
        {
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &g.icon.origin);
          if (GTK_IS_SYMBOLIC_PAINTABLE (self->icon))
            gtk_symbolic_paintable_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (self->icon), snapshot,
                                                      ICON_SIZE, ICON_SIZE, icon_colors, 4);
          else
            gdk_paintable_snapshot (self->icon, snapshot, ICON_SIZE, ICON_SIZE);
          gtk_snapshot_restore (snapshot);
        }

      append_line (snapshot, self->name_layout, &g.name, &fg);
      if (self->worker != NULL)
        append_line (snapshot, self->worker_layout, &g.worker, &dim);
      if (self->cached)
        {
          GdkRGBA accent, accent_bg;
          GskRoundedRect pill;
          graphene_rect_t text = g.badge;

          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          if (!gtk_style_context_lookup_color (context, "accent_color", &accent))
            accent = fg;
          if (!gtk_style_context_lookup_color (context, "accent_bg_color", &accent_bg))
            accent_bg = accent;
          G_GNUC_END_IGNORE_DEPRECATIONS
          accent_bg.alpha *= 0.15f;

          gsk_rounded_rect_init_from_rect (&pill, &g.badge, g.badge.size.height / 2.0f);
          gtk_snapshot_push_rounded_clip (snapshot, &pill);
          gtk_snapshot_append_color (snapshot, &accent_bg, &g.badge);
          gtk_snapshot_pop (snapshot);
          graphene_rect_inset (&text, BADGE_PAD_X, BADGE_PAD_Y);
          append_line (snapshot, self->badge_layout, &text, &accent);
        }
      append_line (snapshot, self->status_layout, &g.status, &dim);
      if (self->shows_progress)
        {
          GdkRGBA accent;

          G_GNUC_BEGIN_IGNORE_DEPRECATIONS
          if (!gtk_style_context_lookup_color (context, "accent_bg_color", &accent))
            accent = fg;
          G_GNUC_END_IGNORE_DEPRECATIONS
          append_progress (self, snapshot, &g.progress, &fg, &accent);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}

static void
assay_document_row_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  GtkWidget *below[3];
  int n_below, actions, actions_height;

  if (!self->built)
    {
      *minimum = *natural = orientation == GTK_ORIENTATION_VERTICAL ? PLACEHOLDER_HEIGHT : 0;
      return;
    }

  n_below = parts_below (self, below);
  actions = actions_size (self, TRUE, &actions_height);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      int fixed = TEXT_X + MARGIN_END + (actions > 0 ? actions + COLUMN_SPACING : 0);
      int text_min = 3 * self->char_width;

      for (int i = 0; i < n_below; i++)
        {
          int child_min;

          gtk_widget_measure (below[i], GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
          text_min = MAX (text_min, child_min);
        }
      *minimum = fixed + text_min;
      *natural = fixed + MAX (text_min, NAME_CHARS * self->char_width);
    }
  else
    {
      int tw = for_size >= 0 ? text_width (self, for_size, TRUE) : NAME_CHARS * self->char_width;
      int text = self->name_height + LINE_SPACING + self->caption_height + progress_slot (n_below);

      for (int i = 0; i < n_below; i++)
        {
          int child_min, child_h;

          gtk_widget_measure (below[i], GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
          gtk_widget_measure (below[i], GTK_ORIENTATION_VERTICAL, MAX (tw, child_min),
                              NULL, &child_h, NULL, NULL);
          text += LINE_SPACING + child_h;
        }
      *minimum = *natural = 2 * MARGIN_Y + MAX (MAX (text, actions_height), ICON_TOP + ICON_SIZE);
    }
}

static void
assay_document_row_size_allocate (GtkWidget *widget,
                                  int        width,
                                  int        height,
                                  int        baseline)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  GtkWidget *below[3];
  int n_below, tw, y, x, w, h;

  if (!self->built)
    return;

  tw = text_width (self, width, TRUE);
  n_below = parts_below (self, below);
  y = MARGIN_Y + self->name_height + LINE_SPACING + self->caption_height + progress_slot (n_below);
  for (int i = 0; i < n_below; i++)
    {
      int child_min, child_h;

      gtk_widget_measure (below[i], GTK_ORIENTATION_HORIZONTAL, -1, &child_min, NULL, NULL, NULL);
      gtk_widget_measure (below[i], GTK_ORIENTATION_VERTICAL, MAX (tw, child_min), NULL, &child_h, NULL, NULL);
      y += LINE_SPACING;
      gtk_widget_size_allocate (below[i],
                                &(GtkAllocation) { mirror (self, TEXT_X, MAX (tw, child_min)), y,
                                                   MAX (tw, child_min), child_h },
                                -1);
      y += child_h;
    }

  /* The buttons at the end: remove, and before it the place cancel and
   * retry share, whether they are shown or not (showing one then only
   * maps it). In the middle of the lines, which sit in the middle of the
   * row whether the progress line is drawn or not; level with the name
   * when a message or the password entry is below. */
  button_size (self, &w, &h);
  y = n_below > 0 ? MARGIN_Y : (height - h) / 2;
  x = width - MARGIN_END - w;
  if (self->remove_button != NULL)
    gtk_widget_size_allocate (self->remove_button, &(GtkAllocation) { mirror (self, x, w), y, w, h }, -1);
  x -= BUTTON_SPACING + w;
  if (self->cancel_button != NULL)
    gtk_widget_size_allocate (self->cancel_button, &(GtkAllocation) { mirror (self, x, w), y, w, h }, -1);
  if (self->retry_button != NULL)
    gtk_widget_size_allocate (self->retry_button, &(GtkAllocation) { mirror (self, x, w), y, w, h }, -1);
}

static void
assay_document_row_css_changed (GtkWidget         *widget,
                                GtkCssStyleChange *change)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  GTK_WIDGET_CLASS (assay_document_row_parent_class)->css_changed (widget, change);

  /* Only a new font (text scaling) changes the lines' heights; GTK has
   * queued the resize for it already. */
  if (self->built)
    update_fonts (self);
}

static void
assay_document_row_direction_changed (GtkWidget        *widget,
                                      GtkTextDirection  previous)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  GTK_WIDGET_CLASS (assay_document_row_parent_class)->direction_changed (widget, previous);

  if (self->built)
    {
      PangoAlignment align = is_rtl (self) ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;

      pango_layout_set_alignment (self->name_layout, align);
      pango_layout_set_alignment (self->status_layout, align);
      if (self->worker_layout != NULL)
        pango_layout_set_alignment (self->worker_layout, align);
    }
}

/* ------------------------------------------------------------------------ */
/* Tooltips                                                                  */

/* Answered when asked for, from what the row shows then: setting one is
 * not cheap in GTK 4.8 (each call makes the display look for a tooltip
 * under the pointer again), and a row's status changes many times a
 * second during a batch. The buttons answer their own. */
static gboolean
assay_document_row_query_tooltip (GtkWidget  *widget,
                                  int         x,
                                  int         y,
                                  gboolean    keyboard_mode,
                                  GtkTooltip *tooltip)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  graphene_point_t point = GRAPHENE_POINT_INIT (x, y);
  Geometry g;

  if (!self->built || self->document == NULL)
    return FALSE;

  compute_geometry (self, &g);
  if (graphene_rect_contains_point (&g.icon, &point))
    {
      gtk_tooltip_set_text (tooltip, state_label (assay_document_get_state (self->document)));
      return TRUE;
    }
  if (self->cached && graphene_rect_contains_point (&g.badge, &point))
    {
      gtk_tooltip_set_text (tooltip, _("Stored from an earlier run: nothing was read again"));
      return TRUE;
    }
  if (graphene_rect_contains_point (&g.status, &point))
    {
      /* All of the status, when the row is too narrow to show it. */
      if (self->status == NULL || *self->status == '\0')
        return FALSE;
      gtk_tooltip_set_text (tooltip, self->status);
      return TRUE;
    }
  if (keyboard_mode || y < g.status.origin.y)
    {
      /* The title the document gives itself, when it has one, and where it is. */
      const char *title = assay_document_get_title (self->document);
      const char *path = assay_document_get_path (self->document);

      if (title != NULL && *title != '\0')
        {
          g_autofree char *text = g_strdup_printf ("%s\n%s", title, path);

          gtk_tooltip_set_text (tooltip, text);
        }
      else
        gtk_tooltip_set_text (tooltip, path);
      return TRUE;
    }

  return FALSE;
}

static gboolean
query_button_tooltip (AssayDocumentRow *self,
                      int               x,
                      int               y,
                      gboolean          keyboard_mode,
                      GtkTooltip       *tooltip,
                      GtkWidget        *widget)
{
  const char *text = NULL;

  if (widget == self->cancel_button)
    text = _("Stop this document");
  else if (widget == self->retry_button)
    text = _("Process this document again");
  else if (widget == self->remove_button)
    text = _("Remove from the list");

  if (text == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Parts some rows need                                                      */

/* The texts come first among the children, the buttons after them (the
 * order keyboard focus follows). */
static void
add_part (AssayDocumentRow *self,
          GtkWidget        *part)
{
  GtkWidget *before = self->cancel_button != NULL ? self->cancel_button :
                      self->retry_button != NULL ? self->retry_button : self->remove_button;

  gtk_widget_insert_before (part, GTK_WIDGET (self), before);
}

static GtkWidget *
new_button (AssayDocumentRow *self,
            const char       *icon_name,
            const char       *action_name,
            const char       *label)
{
  GtkWidget *button = assay_icon_button_new (icon_name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "circular");
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect_swapped (button, "query-tooltip", G_CALLBACK (query_button_tooltip), self);

  return button;
}

/* Cancel before retry before remove. */
static void
ensure_cancel_button (AssayDocumentRow *self)
{
  if (self->cancel_button != NULL)
    return;

  self->cancel_button = new_button (self, "media-playback-stop-symbolic", "row.cancel", _("Cancel"));
  gtk_widget_insert_before (self->cancel_button, GTK_WIDGET (self),
                            self->retry_button != NULL ? self->retry_button : self->remove_button);
}

static void
ensure_retry_button (AssayDocumentRow *self)
{
  if (self->retry_button != NULL)
    return;

  self->retry_button = new_button (self, "view-refresh-symbolic", "row.retry", _("Retry"));
  gtk_widget_insert_before (self->retry_button, GTK_WIDGET (self), self->remove_button);
}

static void
ensure_error_label (AssayDocumentRow *self)
{
  if (self->error_label != NULL)
    return;

  self->error_label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->error_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->error_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (self->error_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (self->error_label), TRUE);
  gtk_widget_add_css_class (self->error_label, "caption");
  gtk_widget_add_css_class (self->error_label, "error");
  /* Before the password. */
  if (self->password_box != NULL)
    gtk_widget_insert_before (self->error_label, GTK_WIDGET (self), self->password_box);
  else
    add_part (self, self->error_label);
}

static void
password_activated (AssayDocumentRow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "row.unlock", NULL);
}

static gboolean
query_unlock_tooltip (GtkWidget  *widget,
                      int         x,
                      int         y,
                      gboolean    keyboard_mode,
                      GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, _("Read this document with the password"));
  return TRUE;
}

/* Only rows that need a password have the entry: built the first time. */
static void
ensure_password_box (AssayDocumentRow *self)
{
  GtkWidget *button;

  if (self->password_box != NULL)
    return;

  self->password_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (self->password_box, 2);

  self->password_entry = gtk_password_entry_new ();
  gtk_widget_set_hexpand (self->password_entry, TRUE);
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (self->password_entry), TRUE);
  g_object_set (self->password_entry, "placeholder-text", _("Password"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->password_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Password of this document"),
                                  -1);
  g_signal_connect_swapped (self->password_entry, "activate", G_CALLBACK (password_activated), self);
  gtk_box_append (GTK_BOX (self->password_box), self->password_entry);

  button = gtk_button_new_with_mnemonic (_("_Unlock"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "row.unlock");
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_set_has_tooltip (button, TRUE);
  g_signal_connect (button, "query-tooltip", G_CALLBACK (query_unlock_tooltip), NULL);
  gtk_box_append (GTK_BOX (self->password_box), button);

  add_part (self, self->password_box);
}

static void
set_part_visible (GtkWidget *part,
                  gboolean   visible)
{
  if (part != NULL)
    gtk_widget_set_visible (part, visible);
}

/* Cancel and retry keep their place: shown by child visibility, which
 * maps or unmaps the button and measures nothing (nor does it leave a
 * hidden button to screen readers or keyboard focus). */
static void
set_button_shown (GtkWidget *button,
                  gboolean   shown)
{
  if (button == NULL || gtk_widget_get_child_visible (button) == shown)
    return;

  gtk_widget_set_child_visible (button, shown);
  gtk_accessible_update_state (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_HIDDEN, !shown, -1);
}

static void
set_progress (AssayDocumentRow *self,
              gboolean          shown,
              double            fraction)
{
  if (shown == self->shows_progress && (!shown || fraction == self->fraction))
    return;

  self->shows_progress = shown;
  self->fraction = fraction;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* ------------------------------------------------------------------------ */
/* Showing the document                                                      */

static void
describe (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  g_autofree char *description = NULL;

  /* What a screen reader says after the name: the stage, then the line. */
  if (self->status != NULL && *self->status != '\0' &&
      !g_str_has_prefix (self->status, state_label (state)))
    description = g_strdup_printf ("%s. %s", state_label (state), self->status);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : self->status,
                                  -1);
}

static void
set_status (AssayDocumentRow *self,
            char             *status)
{
  if (g_strcmp0 (self->status, status) == 0)
    {
      g_free (status);
      return;
    }

  g_free (self->status);
  self->status = status;
  set_layout_text (self, self->status_layout, status);
  describe (self);
}

static void
set_icon (AssayDocumentRow *self,
          const char       *icon_name)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (widget));

  g_clear_object (&self->icon);
  self->icon = GDK_PAINTABLE (gtk_icon_theme_lookup_icon (theme, icon_name, NULL, ICON_SIZE,
                                                          gtk_widget_get_scale_factor (widget),
                                                          gtk_widget_get_direction (widget), 0));
  gtk_widget_queue_draw (widget);
}

/* What changes with the state: the icon, which parts show. Running,
 * queued or done, the row keeps its size: only the password entry (and
 * the failure's message, update_error()) measure it again. The actions
 * stay enabled (a button's sensitivity is a restyle, which lays the
 * window out); each checks the document's state itself. */
static void
update_state (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  gboolean running = state_is_running (state) || state == ASSAY_DOCUMENT_QUEUED;
  gboolean finished = assay_document_is_finished (self->document);
  gboolean retry = finished && state != ASSAY_DOCUMENT_DONE &&
                   state != ASSAY_DOCUMENT_DUPLICATE && state != ASSAY_DOCUMENT_NEEDS_PASSWORD;

  if ((int) state == self->shown_state)
    return;

  self->shown_state = state;
  self->shown_waiting = FALSE;
  self->icon_color = state_color_name (state);
  set_icon (self, state_icon_name (state));

  set_progress (self, state_is_running (state), assay_document_get_progress (self->document));
  if (state == ASSAY_DOCUMENT_NEEDS_PASSWORD)
    ensure_password_box (self);
  set_part_visible (self->password_box, state == ASSAY_DOCUMENT_NEEDS_PASSWORD);
  if (running)
    ensure_cancel_button (self);
  set_button_shown (self->cancel_button, running);
  if (retry)
    ensure_retry_button (self);
  set_button_shown (self->retry_button, retry);

  /* A state change may start work the list's timer has to follow. */
  if (running)
    gtk_widget_activate_action (GTK_WIDGET (self), "list.wake", NULL);
}

static void
update_error (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  const char *message = assay_document_get_error_message (self->document);
  gboolean show = state == ASSAY_DOCUMENT_FAILED && message != NULL;

  if (show)
    {
      ensure_error_label (self);
      gtk_label_set_label (GTK_LABEL (self->error_label), message);
    }
  set_part_visible (self->error_label, show);
}

/* While a rate limit holds, an alarm clock instead of the stage. */
static void
update_waiting (AssayDocumentRow *self)
{
  AssayDocumentState state = assay_document_get_state (self->document);
  gboolean waiting = state_is_running (state) &&
                     assay_document_get_waiting_until (self->document) > g_get_monotonic_time ();

  if (waiting == self->shown_waiting)
    return;

  self->shown_waiting = waiting;
  set_icon (self, waiting ? "alarm-symbolic" : state_icon_name (state));
}

/* The badge and the cluster's worker share the name's line: drawn, they
 * only take width from the name. */
static void
update_badges (AssayDocumentRow *self)
{
  const char *worker = assay_document_get_worker (self->document);
  gboolean cached = assay_document_get_cached (self->document);
  g_autofree char *text = NULL;

  if (cached != self->cached)
    {
      self->cached = cached;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }

  /* TRANSLATORS: the cluster worker that holds a document, by its name */
  text = worker != NULL ? g_strdup_printf (_("on %s"), worker) : NULL;
  if (g_strcmp0 (text, self->worker) == 0)
    return;

  g_free (self->worker);
  self->worker = g_steal_pointer (&text);
  if (self->worker != NULL)
    {
      if (self->worker_layout == NULL)
        {
          self->worker_layout = new_line_layout (self, PANGO_ELLIPSIZE_END);
          pango_layout_set_font_description (self->worker_layout,
                                             pango_layout_get_font_description (self->status_layout));
          pango_layout_set_alignment (self->worker_layout, pango_layout_get_alignment (self->name_layout));
        }
      pango_layout_set_text (self->worker_layout, self->worker, -1);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Shows what changed since the last time. */
static void
flush (AssayDocumentRow *self)
{
  guint dirty = self->dirty;

  if (!self->built)
    return;

  self->dirty = 0;
  if (self->document == NULL || dirty == 0)
    return;

  if (dirty & DIRTY_STATE)
    {
      update_state (self);
      update_error (self);
    }
  if (dirty & (DIRTY_STATE | DIRTY_SUMMARY))
    {
      update_waiting (self);
      set_status (self, compose_status (self, g_get_monotonic_time ()));
    }
  if (dirty & (DIRTY_STATE | DIRTY_SUMMARY | DIRTY_WORKER))
    update_badges (self);
  if (dirty & DIRTY_PROGRESS)
    set_progress (self, self->shows_progress, assay_document_get_progress (self->document));
}

/* On screen, or within a screen of it (so that scrolling finds rows up to
 * date); a row outside a list view (tests) always is. */
static gboolean
is_near_view (AssayDocumentRow *self)
{
  GtkWidget *view = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW);
  graphene_rect_t bounds;
  int height;

  if (view == NULL)
    return TRUE;
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      !gtk_widget_compute_bounds (GTK_WIDGET (self), view, &bounds))
    return FALSE;

  height = gtk_widget_get_height (view);
  return bounds.origin.y + bounds.size.height >= -height && bounds.origin.y <= 2 * height;
}

static gboolean
flush_tick (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  /* A placeholder bound to a new item is placed by the list's next
   * layout: where it is, is known after that. */
  if (!self->built && self->document != NULL && gtk_widget_get_width (widget) == 0 &&
      gtk_widget_get_mapped (widget))
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  /* Scrolled away since: catch_up() shows it when it is back. */
  if (is_near_view (self))
    {
      build (self);
      flush (self);
    }

  return G_SOURCE_REMOVE;
}

static void
queue_flush (AssayDocumentRow *self,
             Dirty             what)
{
  self->dirty |= what;
  if (self->tick_id == 0 && is_near_view (self))
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), flush_tick, NULL, NULL);
}

static void
state_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_STATE);
}

static void
summary_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_SUMMARY);
}

static void
progress_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_PROGRESS);
}

static void
worker_changed (AssayDocumentRow *self)
{
  queue_flush (self, DIRTY_WORKER);
}

/**
 * assay_document_row_catch_up:
 *
 * If the row is near the view now, builds it if it is a placeholder and
 * shows what changed in the document while it was far. The list calls it
 * once it has laid itself out after scrolling (in the frame clock's layout
 * phase: a row built then is laid out in the same frame).
 */
void
assay_document_row_catch_up (AssayDocumentRow *self)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_ROW (self));

  if ((self->dirty != 0 || !self->built) && self->document != NULL && is_near_view (self))
    {
      build (self);
      flush (self);
    }
}

/**
 * assay_document_row_tick:
 * @now: monotonic µs
 *
 * Brings the times shown up to date.
 *
 * Returns: %TRUE while the row shows a time that keeps moving
 */
gboolean
assay_document_row_tick (AssayDocumentRow *self,
                         gint64            now)
{
  AssayDocumentState state;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), FALSE);

  if (self->document == NULL)
    return FALSE;

  /* Far from the view, a row only remembers that its times moved (it is
   * brought up to date when it comes near: assay_document_row_catch_up()). */
  if (!is_near_view (self))
    {
      if (!state_is_running (assay_document_get_state (self->document)))
        return FALSE;
      self->dirty |= DIRTY_SUMMARY;
      return TRUE;
    }

  build (self);
  flush (self);
  state = assay_document_get_state (self->document);
  if (!state_is_running (state))
    return FALSE;

  update_waiting (self);
  set_status (self, compose_status (self, now));
  return TRUE;
}

/**
 * assay_document_row_get_status:
 *
 * Shows what changed first, if anything did.
 *
 * Returns: (nullable): the status line as shown
 */
const char *
assay_document_row_get_status (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  if (self->document != NULL)
    build (self);
  flush (self);

  return self->status;
}

/**
 * assay_document_row_get_shown_status:
 *
 * The status line as the row draws it now, without bringing the row up
 * to date first (tests: a row far from the view lets changes wait).
 *
 * Returns: (nullable): the status drawn, %NULL while the row is a
 *   placeholder
 */
const char *
assay_document_row_get_shown_status (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  return self->built ? self->status : NULL;
}

/**
 * assay_document_row_get_shown_worker:
 *
 * Returns: (nullable): what the row draws after the name for the cluster
 *   worker holding its document ("on NAME"), %NULL for none
 */
const char *
assay_document_row_get_shown_worker (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  return self->built ? self->worker : NULL;
}

/**
 * assay_document_row_get_shows_cached:
 *
 * Returns: %TRUE when the row draws the cached badge
 */
gboolean
assay_document_row_get_shows_cached (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), FALSE);

  return self->built && self->cached;
}

/**
 * assay_document_row_get_shown_progress:
 *
 * Returns: the fraction the row's progress line draws, or -1 when it
 *   draws none (its place is kept)
 */
double
assay_document_row_get_shown_progress (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), -1);

  return self->built && self->shows_progress ? self->fraction : -1;
}

/* GTK 4.8's list view keeps 200 rows bound, most of them off screen, and
 * makes them in the frames their items appear in. A row is an empty
 * placeholder of a row's height until it is first near the view; then it
 * makes its layouts and its remove button (the other parts as needed). */
static void
build (AssayDocumentRow *self)
{
  if (self->built)
    return;

  self->built = TRUE;
  self->name_layout = new_line_layout (self, PANGO_ELLIPSIZE_MIDDLE);
  self->status_layout = new_line_layout (self, PANGO_ELLIPSIZE_END);
  {
    PangoAttrList *attrs = pango_attr_list_new ();

    /* Adwaita's .numeric: figures that keep their width as they count. */
    pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
    pango_layout_set_attributes (self->status_layout, attrs);
    pango_attr_list_unref (attrs);
  }
  self->badge_layout = new_line_layout (self, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_text (self->badge_layout, _("Cached"), -1);
  update_fonts (self);
  assay_document_row_direction_changed (GTK_WIDGET (self), gtk_widget_get_direction (GTK_WIDGET (self)));

  self->remove_button = new_button (self, "window-close-symbolic", "row.remove", _("Remove"));
  gtk_widget_set_parent (self->remove_button, GTK_WIDGET (self));
  gtk_widget_queue_resize (GTK_WIDGET (self));

  self->shown_state = -1;
  self->shown_waiting = FALSE;
  self->cached = FALSE;
  self->shows_progress = FALSE;
  self->fraction = 0;
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->worker, g_free);
  if (self->document != NULL)
    {
      set_layout_text (self, self->name_layout, assay_document_get_name (self->document));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      assay_document_get_name (self->document), -1);
      self->dirty = DIRTY_ALL;
    }
}

/* ------------------------------------------------------------------------ */
/* Actions                                                                   */

static void
row_cancel (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  /* Always enabled (see update_state()): a finished document stays so. */
  if (self->document != NULL && self->pipeline != NULL && !assay_document_is_finished (self->document))
    assay_pipeline_cancel (self->pipeline, self->document);
}

static void
row_retry (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);

  /* Always enabled (see update_state()): only a finished document again. */
  if (self->document != NULL && self->pipeline != NULL && assay_document_is_finished (self->document))
    assay_pipeline_retry (self->pipeline, self->document);
}

static void
row_remove (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  g_autoptr(AssayDocument) document = NULL;

  if (self->document == NULL || self->pipeline == NULL)
    return;

  /* Removing unbinds this row: hold the document until done. */
  document = g_object_ref (self->document);
  assay_pipeline_remove (self->pipeline, document);
}

static void
row_unlock (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (widget);
  const char *password;

  if (self->password_entry == NULL)
    return;

  password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));
  if (self->document == NULL || self->pipeline == NULL || password == NULL || *password == '\0')
    return;

  /* For this document only: the pipeline's own password stays. */
  assay_pipeline_retry_with_password (self->pipeline, self->document, password);
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
assay_document_row_dispose (GObject *object)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  if (self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
  if (self->document_signals != NULL)
    g_signal_group_set_target (self->document_signals, NULL);
  g_clear_object (&self->document);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->icon);

  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  self->error_label = NULL;
  self->password_box = NULL;
  self->password_entry = NULL;
  self->cancel_button = NULL;
  self->retry_button = NULL;
  self->remove_button = NULL;

  G_OBJECT_CLASS (assay_document_row_parent_class)->dispose (object);
}

static void
assay_document_row_finalize (GObject *object)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  g_clear_object (&self->document_signals);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->worker, g_free);
  g_clear_pointer (&self->font, pango_font_description_free);
  g_clear_object (&self->name_layout);
  g_clear_object (&self->status_layout);
  g_clear_object (&self->worker_layout);
  g_clear_object (&self->badge_layout);

  G_OBJECT_CLASS (assay_document_row_parent_class)->finalize (object);
}

static void
assay_document_row_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;

    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_row_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AssayDocumentRow *self = ASSAY_DOCUMENT_ROW (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      self->pipeline = g_value_dup_object (value);
      break;

    case PROP_DOCUMENT:
      assay_document_row_set_document (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_row_class_init (AssayDocumentRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_document_row_dispose;
  object_class->finalize = assay_document_row_finalize;
  object_class->get_property = assay_document_row_get_property;
  object_class->set_property = assay_document_row_set_property;

  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL,
                         ASSAY_TYPE_PIPELINE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL,
                         ASSAY_TYPE_DOCUMENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "row.cancel", NULL, row_cancel);
  gtk_widget_class_install_action (widget_class, "row.retry", NULL, row_retry);
  gtk_widget_class_install_action (widget_class, "row.remove", NULL, row_remove);
  gtk_widget_class_install_action (widget_class, "row.unlock", NULL, row_unlock);

  widget_class->measure = assay_document_row_measure;
  widget_class->size_allocate = assay_document_row_size_allocate;
  widget_class->snapshot = assay_document_row_snapshot;
  widget_class->css_changed = assay_document_row_css_changed;
  widget_class->direction_changed = assay_document_row_direction_changed;
  widget_class->query_tooltip = assay_document_row_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "documentrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
assay_document_row_init (AssayDocumentRow *self)
{
  static const struct { const char *signal; GCallback handler; } handlers[] = {
    { "notify::state", G_CALLBACK (state_changed) },
    { "notify::error-message", G_CALLBACK (state_changed) },
    { "notify::progress", G_CALLBACK (progress_changed) },
    { "notify::n-pages", G_CALLBACK (summary_changed) },
    { "notify::cached", G_CALLBACK (summary_changed) },
    { "notify::status-text", G_CALLBACK (summary_changed) },
    { "notify::waiting-until", G_CALLBACK (summary_changed) },
    { "notify::started-at", G_CALLBACK (summary_changed) },
    { "notify::finished-at", G_CALLBACK (summary_changed) },
    { "notify::n-figures", G_CALLBACK (summary_changed) },
    { "notify::n-verified", G_CALLBACK (summary_changed) },
    { "notify::title", G_CALLBACK (summary_changed) },
    { "notify::worker", G_CALLBACK (worker_changed) },
  };

  /* Built when first near the view (build()); a placeholder until then. */
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  self->shown_state = -1;
  self->document_signals = g_signal_group_new (ASSAY_TYPE_DOCUMENT);
  for (guint i = 0; i < G_N_ELEMENTS (handlers); i++)
    g_signal_group_connect_object (self->document_signals, handlers[i].signal,
                                   handlers[i].handler, self, G_CONNECT_SWAPPED);
}

/**
 * assay_document_row_new:
 * @pipeline: runs the row's cancel, retry and remove
 *
 * Returns: (transfer full): a row showing no document yet
 */
GtkWidget *
assay_document_row_new (AssayPipeline *pipeline)
{
  g_return_val_if_fail (ASSAY_IS_PIPELINE (pipeline), NULL);

  return g_object_new (ASSAY_TYPE_DOCUMENT_ROW, "pipeline", pipeline, NULL);
}

AssayDocument *
assay_document_row_get_document (AssayDocumentRow *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_ROW (self), NULL);

  return self->document;
}

/**
 * assay_document_row_set_document:
 * @document: (nullable): the document to show
 */
void
assay_document_row_set_document (AssayDocumentRow *self,
                                 AssayDocument    *document)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_ROW (self));
  g_return_if_fail (!document || ASSAY_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  if (self->document != NULL && self->password_entry != NULL)
    gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");

  g_set_object (&self->document, document);
  g_signal_group_set_target (self->document_signals, document);

  /* A built row shows its document at once, near the view or not. A
   * placeholder outside a list (tests) is built now; in a list, it is not
   * placed yet when bound: it looks at the next frame whether it is near. */
  self->dirty = 0;
  if (document != NULL)
    {
      if (!self->built && gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_LIST_VIEW) == NULL)
        build (self);
      self->dirty = DIRTY_ALL;
      if (self->built)
        {
          set_layout_text (self, self->name_layout, assay_document_get_name (document));
          gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                          assay_document_get_name (document), -1);
          flush (self);
        }
      else if (self->tick_id == 0)
        self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), flush_tick, NULL, NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}
