/* assay-document-view.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view follows one document: its state (a GSignalGroup on the
 * document) picks the page of the stack; once it is done its result is
 * loaded with assay_pipeline_load_result_async(). Selecting another
 * document cancels that load, and a completion for an earlier selection is
 * dropped (the generation counter), so a slow load never shows over a
 * newer one. The result page keeps what it shows until the next result
 * replaces it in place, or another page hides it; the spinner shows only
 * for a slow load. A selection that moves quickly (the list's, under the
 * keyboard) comes through assay_document_view_set_document_soon(), which
 * shows the newest one only.
 */
#define G_LOG_DOMAIN "assay-document-view"

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-document-charts.h"
#include "assay-document-view.h"
#include "assay-figure-item.h"
#include "assay-page-preview.h"

/* Results and page side by side from this width, one above the other
 * below it (with some hysteresis, so that a width in between stays). */
#define WIDE_FROM   760
#define NARROW_FROM 700

/* assay_document_view_set_document_soon(): a selection that rests (or the
 * first after a rest) is shown a frame later, so that it lands in the
 * frame after the list's own change; one of many quick selections (a key
 * held down, End then Home) waits until they pause this long, and only
 * the newest is shown. */
#define SOON_FIRST_MS 16
#define SOON_QUIET_MS 100

/* A result loads in a few milliseconds: the view keeps what it shows
 * (the previous document's page) meanwhile, and shows the spinner only
 * for a load that takes longer than this. */
#define LOADING_DELAY_MS 150

struct _AssayDocumentView
{
  GtkWidget            parent_instance;

  gboolean             wide;
  guint                orientation_source;
  double               split;            /* the results' share of the paned */
  int                  split_max;        /* the max-position split applies to */
  gboolean             setting_split;

  AssayPipeline       *pipeline;
  AssayDocument       *document;
  AssayDocumentResult *result;
  GSignalGroup        *document_signals;
  GCancellable        *load_cancellable;
  guint                generation;
  guint                loading_source;
  gboolean             bound;            /* the result page's widgets show a result */
  guint                selection;        /* set_document() to another document: one more */
  guint                page_selection;   /* the selection the stack's page was chosen for */

  AssayPipeline       *soon_pipeline;    /* set_document_soon(), not yet shown */
  AssayDocument       *soon_document;
  guint                soon_source;
  gint64               soon_last;        /* when a selection last came (µs) */

  GtkStack            *stack;
  AdwStatusPage       *pending_page;
  AdwStatusPage       *failed_page;
  GtkSpinner          *loading_spinner;
  GtkLabel            *title_label;
  GtkLabel            *summary_label;
  GtkListBox          *fields_list;
  GtkLabel            *figures_empty;
  GtkScrolledWindow   *figures_scroller;
  GtkColumnView       *figures_view;
  GtkSingleSelection  *figures_selection;
  GtkSortListModel    *figures_sorted;
  GListStore          *figure_items;      /* of AssayFigureItem, kept across results */
  GtkBox              *warnings_box;
  GtkListBox          *warnings_list;
  AdwActionRow        *verification_row;
  AdwActionRow        *numbers_row;
  AdwActionRow        *benford_row;
  AdwActionRow        *outliers_row;
  GtkBox              *charts_box;
  AssayDocumentCharts *charts;            /* in charts_box (wip/charts-ui) */
  AssayDocumentResult *charts_result;     /* theirs once the page's first frame is drawn */
  guint                charts_tick;       /* the tick callback that gives it to them */
  guint                charts_frames;     /* frames it has seen */
  GtkPaned            *paned;
  AssayPagePreview    *preview;
};

G_DEFINE_FINAL_TYPE (AssayDocumentView, assay_document_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Where a figure or field was found, in words and as an icon: never by
 * colour alone. */
typedef enum
{
  BADGE_VERIFIED,
  BADGE_OTHER_PAGE,
  BADGE_UNCHECKED,
  BADGE_NOT_FOUND,
} Badge;

static Badge
get_badge (AssayVerification verification,
           guint             page,
           guint             verified_page)
{
  switch (verification)
    {
    case ASSAY_VERIFICATION_VERIFIED:
      return page != 0 && verified_page != 0 && verified_page != page ? BADGE_OTHER_PAGE
                                                                        : BADGE_VERIFIED;
    case ASSAY_VERIFICATION_UNVERIFIED:
      return BADGE_NOT_FOUND;
    case ASSAY_VERIFICATION_UNCHECKED:
    default:
      return BADGE_UNCHECKED;
    }
}

static char *
badge_text (Badge badge,
            guint verified_page)
{
  switch (badge)
    {
    case BADGE_VERIFIED:
      return g_strdup (_("Verified"));
    case BADGE_OTHER_PAGE:
      return g_strdup_printf (_("Found on p. %u"), verified_page);
    case BADGE_NOT_FOUND:
      return g_strdup (_("Not found"));
    case BADGE_UNCHECKED:
    default:
      return g_strdup (_("Not checked"));
    }
}

static const char *
badge_icon (Badge badge)
{
  switch (badge)
    {
    case BADGE_VERIFIED:
      return "emblem-ok-symbolic";
    case BADGE_OTHER_PAGE:
      return "emblem-important-symbolic";
    case BADGE_NOT_FOUND:
      return "dialog-warning-symbolic";
    case BADGE_UNCHECKED:
    default:
      return "action-unavailable-symbolic";
    }
}

static const char *
badge_class (Badge badge)
{
  switch (badge)
    {
    case BADGE_VERIFIED:
      return "success";
    case BADGE_OTHER_PAGE:
      return "warning";
    case BADGE_NOT_FOUND:
      return "error";
    case BADGE_UNCHECKED:
    default:
      return "dim-label";
    }
}

/* Closures of the column view's factories and sorters (template callbacks). */

static char *
format_page (gpointer this,
             guint    page)
{
  return page > 0 ? g_strdup_printf ("%u", page) : g_strdup ("—");
}

static guint
verification_rank (gpointer          this,
                   AssayVerification verification,
                   guint             page,
                   guint             verified_page)
{
  static const guint ranks[] = {
    [BADGE_NOT_FOUND] = 0,
    [BADGE_UNCHECKED] = 1,
    [BADGE_OTHER_PAGE] = 2,
    [BADGE_VERIFIED] = 3,
  };

  return ranks[get_badge (verification, page, verified_page)];
}

static char *
verification_icon (gpointer          this,
                   AssayVerification verification,
                   guint             page,
                   guint             verified_page)
{
  return g_strdup (badge_icon (get_badge (verification, page, verified_page)));
}

static char *
verification_text (gpointer          this,
                   AssayVerification verification,
                   guint             page,
                   guint             verified_page)
{
  return badge_text (get_badge (verification, page, verified_page), verified_page);
}

static char **
verification_classes (gpointer          this,
                      AssayVerification verification,
                      guint             page,
                      guint             verified_page)
{
  char **classes = g_new0 (char *, 2);

  classes[0] = g_strdup (badge_class (get_badge (verification, page, verified_page)));
  return classes;
}

/* A badge is a box of an icon and its words; set again in place for
 * another figure or field. */
static void
badge_update (GtkWidget         *box,
              AssayVerification  verification,
              guint              page,
              guint              verified_page)
{
  Badge badge = get_badge (verification, page, verified_page);
  g_autofree char *text = badge_text (badge, verified_page);
  GtkWidget *image = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (image);
  const char *classes[] = { badge_class (badge), NULL };

  gtk_image_set_from_icon_name (GTK_IMAGE (image), badge_icon (badge));
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text,
                                  -1);
  gtk_label_set_label (GTK_LABEL (label), text);
  gtk_widget_set_css_classes (box, classes);
}

static GtkWidget *
badge_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), gtk_label_new (NULL));
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);

  return box;
}

/* "1,234.5" in the user's locale; "—" for no value. */
static char *
format_number (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  if (fabs (value) >= 1e15 || (value != 0 && fabs (value) < 1e-3))
    return g_strdup_printf ("%.3e", value);
  if (value == floor (value))
    return g_strdup_printf ("%'.0f", value);
  return g_strdup_printf ("%'.2f", value);
}

/* Labels, in the user's language, for the field names of the built-in
 * templates and the offline extractor (names stay English in results). */
static const struct
{
  const char *name;
  const char *label;
} field_labels[] = {
  { "abstract", N_("Abstract") },
  { "author", N_("Author") },
  { "authors", N_("Authors") },
  { "company", N_("Company") },
  { "currency", N_("Currency") },
  { "date", N_("Date") },
  { "document_type", N_("Document type") },
  { "doi", N_("DOI") },
  { "due_date", N_("Due date") },
  { "employees", N_("Employees") },
  { "equity", N_("Equity") },
  { "invoice_number", N_("Invoice number") },
  { "issue_date", N_("Issue date") },
  { "issuer", N_("Issuer") },
  { "journal", N_("Journal") },
  { "keywords", N_("Keywords") },
  { "main_finding", N_("Main finding") },
  { "net_income", N_("Net income") },
  { "operating_income", N_("Operating income") },
  { "period", N_("Period") },
  { "recipient", N_("Recipient") },
  { "revenue", N_("Revenue") },
  { "sample_size", N_("Sample size") },
  { "subtotal", N_("Subtotal") },
  { "summary", N_("Summary") },
  { "tax", N_("Tax") },
  { "title", N_("Title") },
  { "total", N_("Total") },
  { "total_assets", N_("Total assets") },
  { "total_liabilities", N_("Total liabilities") },
  { "year", N_("Year") },
};

/* "invoice_number" → "Invoice number": a known name's translated label, or
 * the name of a field of the user's own template made readable. */
static char *
humanize_name (const char *name)
{
  g_autofree char *spaced = NULL;
  g_autofree char *first = NULL;

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (field_labels); i++)
    if (g_str_equal (name, field_labels[i].name))
      return g_strdup (_(field_labels[i].label));

  spaced = g_strdelimit (g_strdup (name != NULL ? name : ""), "_", ' ');
  if (spaced[0] == '\0')
    return g_steal_pointer (&spaced);

  first = g_utf8_strup (spaced, g_utf8_next_char (spaced) - spaced);
  return g_strconcat (first, g_utf8_next_char (spaced), NULL);
}

/* Shows where a figure or field is. One found on its page (or another)
 * is shown there, marked; one that was not found shows the page the
 * extraction named, with nothing marked. */
static void
highlight (AssayDocumentView *self,
           AssayVerification  verification,
           guint              page,
           guint              verified_page,
           const AssayRect   *rects,
           guint              n_rects)
{
  if (verification == ASSAY_VERIFICATION_VERIFIED && verified_page > 0)
    assay_page_preview_set_highlight (self->preview, verified_page, rects, n_rects);
  else
    assay_page_preview_set_highlight (self->preview, page, NULL, 0);
}

static void
figure_selected_cb (AssayDocumentView *self)
{
  AssayFigureItem *item = gtk_single_selection_get_selected_item (self->figures_selection);
  AssayResultFigure *figure = item != NULL ? assay_figure_item_get_figure (item) : NULL;
  const AssayRect *rects;
  guint n_rects = 0;

  if (figure == NULL)
    {
      highlight (self, ASSAY_VERIFICATION_UNCHECKED, 0, 0, NULL, 0);
      return;
    }

  rects = assay_result_figure_get_rects (figure, &n_rects);
  highlight (self,
             assay_result_figure_get_verification (figure),
             assay_result_figure_get_page (figure),
             assay_result_figure_get_verified_page (figure),
             rects, n_rects);
}

#define FIELD_KEY "assay-field"
#define BADGE_KEY "assay-badge"

static void
field_activated_cb (AdwActionRow *row,
                    gpointer      user_data)
{
  AssayDocumentView *self = user_data;
  AssayResultField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);
  const AssayRect *rects;
  guint n_rects = 0;

  if (field == NULL)
    return;

  gtk_single_selection_set_selected (self->figures_selection, GTK_INVALID_LIST_POSITION);
  rects = assay_result_field_get_rects (field, &n_rects);
  highlight (self,
             assay_result_field_get_verification (field),
             assay_result_field_get_page (field),
             assay_result_field_get_verified_page (field),
             rects, n_rects);
}

/* The snippet, when asked (see inscription_query_tooltip_cb()). */
static gboolean
field_query_tooltip_cb (GtkWidget  *row,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  AssayResultField *field = g_object_get_data (G_OBJECT (row), FIELD_KEY);
  const char *snippet = field != NULL ? assay_result_field_get_snippet (field) : NULL;

  if (snippet == NULL || snippet[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, snippet);
  return TRUE;
}

static GtkWidget *
field_row_new (AssayDocumentView *self)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *badge = badge_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 3);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  g_object_set_data (G_OBJECT (row), BADGE_KEY, badge);
  gtk_widget_set_has_tooltip (row, TRUE);
  g_signal_connect (row, "query-tooltip", G_CALLBACK (field_query_tooltip_cb), NULL);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_signal_connect_object (row, "activated", G_CALLBACK (field_activated_cb), self, 0);

  return row;
}

/* A field's row shows it: its value first, then its name, its badge. A
 * text unchanged from the row's previous field is not laid out again. */
static void
field_row_set_field (GtkWidget        *row,
                     AssayResultField *field)
{
  g_autofree char *title = humanize_name (assay_result_field_get_name (field));
  g_autofree char *subtitle = NULL;
  g_autofree char *formatted = NULL;
  const char *value = assay_result_field_get_value (field);
  const char *unit = assay_result_field_get_unit (field);
  AssayFieldType type = assay_result_field_get_field_type (field);
  double number = assay_result_field_get_number (field);
  GtkWidget *badge = g_object_get_data (G_OBJECT (row), BADGE_KEY);
  gboolean checked;

  /* Amounts and numbers in the user's locale ("1,234,500,000"), the rest as found. */
  if ((type == ASSAY_FIELD_MONEY || type == ASSAY_FIELD_NUMBER) && !isnan (number))
    value = formatted = format_number (number);

  if (unit != NULL && unit[0] != '\0' && value != NULL && strstr (value, unit) == NULL)
    subtitle = g_strdup_printf ("%s %s", value, unit);
  else
    subtitle = g_strdup (value != NULL ? value : "—");

  /* The value is what matters: it is the row's first line. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), subtitle);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), title);

  /* Numbers are checked against the PDF; text fields are not, and saying
   * so on every one of them would only be noise. */
  checked = assay_result_field_get_verification (field) != ASSAY_VERIFICATION_UNCHECKED ||
            type == ASSAY_FIELD_MONEY || type == ASSAY_FIELD_NUMBER;
  if (checked)
    badge_update (badge,
                  assay_result_field_get_verification (field),
                  assay_result_field_get_page (field),
                  assay_result_field_get_verified_page (field));
  gtk_widget_set_visible (badge, checked);

  g_object_set_data_full (G_OBJECT (row), FIELD_KEY, g_object_ref (field), g_object_unref);
}

/* The fields' rows stay from one result to the next, as the table's do
 * (building a row from scratch, its widgets, their style and first
 * layout, was most of showing a result): the first rows take the new
 * fields, only the difference in count is added or removed. Without
 * fields (the result page hidden) the rows stay, holding none. */
static void
set_fields (AssayDocumentView *self,
            GListModel        *fields)
{
  guint n = fields != NULL ? g_list_model_get_n_items (fields) : 0;
  GtkListBoxRow *row;
  guint i;

  if (fields == NULL)
    {
      for (i = 0; (row = gtk_list_box_get_row_at_index (self->fields_list, i)) != NULL; i++)
        g_object_set_data (G_OBJECT (row), FIELD_KEY, NULL);
      return;
    }

  for (i = 0; i < n; i++)
    {
      g_autoptr(AssayResultField) field = g_list_model_get_item (fields, i);
      GtkWidget *shown = GTK_WIDGET (gtk_list_box_get_row_at_index (self->fields_list, i));

      if (shown == NULL)
        {
          shown = field_row_new (self);
          gtk_list_box_append (self->fields_list, shown);
        }
      field_row_set_field (shown, field);
    }
  while ((row = gtk_list_box_get_row_at_index (self->fields_list, n)) != NULL)
    gtk_list_box_remove (self->fields_list, GTK_WIDGET (row));
}

static void unbind_result (AssayDocumentView *self);

static void
show_page (AssayDocumentView *self,
           const char        *name)
{
  g_clear_handle_id (&self->loading_source, g_source_remove);
  /* What the result page showed goes once another page hides it. */
  if (g_strcmp0 (name, "result") != 0)
    unbind_result (self);
  gtk_spinner_set_spinning (self->loading_spinner, g_strcmp0 (name, "loading") == 0);
  /* The shown document's state moves on (its result arrives): a crossfade.
   * Another document selected: its page at once. Under the cairo renderer
   * each crossfade frame draws both pages through an offscreen group, and
   * from the empty page to a result that is 200 ms of frames costing 6–12
   * ms each, while the keys go on selecting (docs/benchmarks.md). */
  if (self->page_selection == self->selection)
    gtk_stack_set_visible_child_name (self->stack, name);
  else
    gtk_stack_set_visible_child_full (self->stack, name, GTK_STACK_TRANSITION_TYPE_NONE);
  self->page_selection = self->selection;
}

static void
set_summary (AssayDocumentView   *self,
             AssayDocumentResult *result)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  const char *title = assay_document_result_get_title (result);
  const char *method = assay_document_result_get_method (result);
  const char *model = assay_document_result_get_model (result);
  const char *template_ = assay_document_result_get_template (result);
  guint n_pages = assay_document_result_get_n_pages (result);

  gtk_label_set_label (self->title_label,
                       title != NULL && title[0] != '\0' ? title
                                                         : assay_document_result_get_name (result));

  g_string_append_printf (summary, ngettext ("%u page", "%u pages", n_pages), n_pages);
  g_string_append (summary, " · ");
  if (g_strcmp0 (method, "llm") == 0 && model != NULL)
    g_string_append_printf (summary, _("extracted by %s"), model);
  else
    g_string_append (summary, _("extracted offline"));
  if (template_ != NULL)
    {
      g_string_append (summary, " · ");
      g_string_append_printf (summary, _("template “%s”"), template_);
    }
  if (assay_document_result_get_fell_back (result))
    {
      g_string_append (summary, " · ");
      g_string_append (summary, _("the model failed, so this was extracted offline"));
    }
  if (assay_document_result_get_cached (result))
    {
      g_string_append (summary, " · ");
      g_string_append (summary, _("from earlier results"));
    }

  gtk_label_set_label (self->summary_label, summary->str);
}

static void
set_warnings (AssayDocumentView   *self,
              AssayDocumentResult *result)
{
  const char * const *warnings = assay_document_result_get_warnings (result);
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->warnings_list))) != NULL)
    gtk_list_box_remove (self->warnings_list, child);

  for (; warnings != NULL && warnings[n] != NULL; n++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *image = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      GtkWidget *label = gtk_label_new (warnings[n]);

      gtk_widget_add_css_class (image, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Warning"),
                                      -1);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), image);
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_margin_top (box, 12);
      gtk_widget_set_margin_bottom (box, 12);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_list_box_append (self->warnings_list, box);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->warnings_box), n > 0);
}

static void
set_analysis (AssayDocumentView   *self,
              AssayDocumentResult *result)
{
  const AssayResultStats *stats = assay_document_result_get_stats (result);
  const AssayResultOutlier *outliers;
  const char *verdict = assay_document_result_get_benford_verdict (result);
  g_autofree char *numbers = NULL;
  g_autofree char *benford = NULL;
  g_autoptr(GString) verification = g_string_new (NULL);
  g_autoptr(GString) outlier_text = g_string_new (NULL);
  guint counts[9], n_benford = 0, n_listed = 0, n_total = 0;
  guint total = 0, verified = 0, unverified = 0, wrong_page = 0;
  double observed[9], expected[9];

  assay_document_result_get_verification (result, &total, &verified, &unverified, &wrong_page);
  if (total == 0)
    g_string_append (verification, _("Nothing was extracted that could be checked"));
  else
    {
      g_string_append_printf (verification,
                              ngettext ("%u of %u extracted number found on its page",
                                        "%u of %u extracted numbers found on their page",
                                        total),
                              verified - MIN (verified, wrong_page), total);
      if (wrong_page > 0)
        g_string_append_printf (verification, ngettext (", %u on another page",
                                                        ", %u on other pages", wrong_page),
                                wrong_page);
      if (unverified > 0)
        g_string_append_printf (verification,
                                ngettext (", %u not found in the PDF: do not take it as fact",
                                          ", %u not found in the PDF: do not take them as fact",
                                          unverified),
                                unverified);
    }
  adw_action_row_set_subtitle (self->verification_row, verification->str);

  if (stats == NULL || stats->count == 0)
    numbers = g_strdup (_("No amounts, percentages or other quantities in the text"));
  else
    {
      g_autofree char *median = format_number (stats->median);
      g_autofree char *mean = format_number (stats->mean);
      g_autofree char *min = format_number (stats->min);
      g_autofree char *max = format_number (stats->max);
      g_autofree char *stddev = format_number (stats->stddev);

      numbers = g_strdup_printf (ngettext ("%u quantity · median %s · mean %s · from %s to %s · standard deviation %s",
                                           "%u quantities · median %s · mean %s · from %s to %s · standard deviation %s",
                                           stats->count),
                                 stats->count, median, mean, min, max, stddev);
    }
  adw_action_row_set_subtitle (self->numbers_row, numbers);

  assay_document_result_get_benford (result, counts, observed, expected, &n_benford);
  if (g_strcmp0 (verdict, "close") == 0)
    benford = g_strdup_printf (_("First digits follow Benford’s law closely (%u numbers)"), n_benford);
  else if (g_strcmp0 (verdict, "acceptable") == 0)
    benford = g_strdup_printf (_("First digits follow Benford’s law acceptably (%u numbers)"), n_benford);
  else if (g_strcmp0 (verdict, "marginal") == 0)
    benford = g_strdup_printf (_("First digits follow Benford’s law only marginally (%u numbers): worth a closer look"),
                               n_benford);
  else if (g_strcmp0 (verdict, "nonconforming") == 0)
    benford = g_strdup_printf (_("First digits do not follow Benford’s law (%u numbers): the figures deserve a closer look"),
                               n_benford);
  else
    benford = g_strdup_printf (_("Too few numbers to compare (%u; at least 50 are needed)"), n_benford);
  adw_action_row_set_subtitle (self->benford_row, benford);

  outliers = assay_document_result_get_outliers (result, &n_listed, &n_total);
  if (n_total == 0)
    g_string_append (outlier_text, _("None: every quantity lies within Tukey’s fences"));
  else
    {
      g_string_append_printf (outlier_text,
                              ngettext ("%u quantity outside Tukey’s fences",
                                        "%u quantities outside Tukey’s fences", n_total),
                              n_total);
      for (guint i = 0; i < MIN (n_listed, 3); i++)
        {
          g_autofree char *value = format_number (outliers[i].value);

          g_string_append (outlier_text, i == 0 ? _(": ") : _(", "));
          if (outliers[i].page > 0)
            g_string_append_printf (outlier_text, _("%s (p. %u)"),
                                    outliers[i].raw != NULL ? outliers[i].raw : value,
                                    outliers[i].page);
          else
            g_string_append (outlier_text, outliers[i].raw != NULL ? outliers[i].raw : value);
        }
      if (n_total > MIN (n_listed, 3))
        g_string_append (outlier_text, _(", …"));
    }
  adw_action_row_set_subtitle (self->outliers_row, outlier_text->str);
}

/* The table's rows stay from one result to the next (GTK 4.8 would build
 * them all again for a model of new items): the first rows' items take
 * the new figures, and only the difference in count is added or removed.
 * A sorted table sorts again, its items having changed under it. Without
 * figures (the result page hidden) the rows stay too, empty, for the
 * next result. */
static void
set_figures (AssayDocumentView *self,
             GListModel        *figures)
{
  GListModel *items = G_LIST_MODEL (self->figure_items);
  guint n_old = g_list_model_get_n_items (items);
  guint n_new = figures != NULL ? g_list_model_get_n_items (figures) : 0;
  guint n_kept = MIN (n_old, n_new);
  GtkSorter *sorter = gtk_sort_list_model_get_sorter (self->figures_sorted);

  if (figures == NULL)
    {
      for (guint i = 0; i < n_old; i++)
        {
          g_autoptr(AssayFigureItem) item = g_list_model_get_item (items, i);

          assay_figure_item_set_figure (item, NULL);
        }
      return;
    }

  for (guint i = 0; i < n_kept; i++)
    {
      g_autoptr(AssayFigureItem) item = g_list_model_get_item (items, i);
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);

      assay_figure_item_set_figure (item, figure);
    }

  if (n_kept > 0 && sorter != NULL && gtk_sorter_get_order (sorter) != GTK_SORTER_ORDER_NONE)
    gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);

  if (n_new > n_old)
    {
      g_autoptr(GPtrArray) added = g_ptr_array_new_full (n_new - n_old, g_object_unref);

      for (guint i = n_old; i < n_new; i++)
        {
          g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);

          g_ptr_array_add (added, assay_figure_item_new (figure));
        }
      g_list_store_splice (self->figure_items, n_old, 0, added->pdata, added->len);
    }
  else if (n_old > n_new)
    g_list_store_splice (self->figure_items, n_new, n_old - n_new, NULL, 0);
}

/* The charts get their result one frame after the page that shows it:
 * their specs, then their layout and first drawing (assay_chart's
 * geometry, made on the main thread for a document's few bars) would
 * otherwise land in the frame that lays out and draws the rest of the new
 * page: its text, the fields and the key-figure table first. Meanwhile
 * they draw nothing, rather than another document's charts. */
static void
cancel_charts_result (AssayDocumentView *self)
{
  if (self->charts_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->charts_tick);
  self->charts_tick = 0;
  g_clear_object (&self->charts_result);
  if (self->charts != NULL)
    gtk_widget_set_opacity (GTK_WIDGET (self->charts), 1.0);
}

static gboolean
charts_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  AssayDocumentView *self = ASSAY_DOCUMENT_VIEW (widget);
  g_autoptr(AssayDocumentResult) result = NULL;

  /* The first tick is the page's first frame; the next one the charts'. */
  if (self->charts_frames++ == 0)
    return G_SOURCE_CONTINUE;

  result = g_steal_pointer (&self->charts_result);
  self->charts_tick = 0;
  gtk_widget_set_opacity (GTK_WIDGET (self->charts), 1.0);
  assay_document_charts_set_result (self->charts, result);

  return G_SOURCE_REMOVE;
}

static void
set_charts_result_soon (AssayDocumentView   *self,
                        AssayDocumentResult *result)
{
  if (assay_document_charts_get_result (self->charts) == result)
    {
      cancel_charts_result (self);
      return;
    }

  g_set_object (&self->charts_result, result);
  gtk_widget_set_opacity (GTK_WIDGET (self->charts), 0.0);
  self->charts_frames = 0;
  if (self->charts_tick == 0)
    self->charts_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), charts_tick_cb, NULL, NULL);
}

static void
show_result (AssayDocumentView   *self,
             AssayDocumentResult *result)
{
  GListModel *figures = assay_document_result_get_figures (result);
  GListModel *fields = assay_document_result_get_fields (result);
  guint n_figures = g_list_model_get_n_items (figures);

  g_set_object (&self->result, result);
  self->bound = TRUE;

  set_summary (self, result);
  set_fields (self, fields);
  gtk_widget_set_visible (GTK_WIDGET (self->fields_list), g_list_model_get_n_items (fields) > 0);

  set_figures (self, figures);
  gtk_single_selection_set_selected (self->figures_selection, GTK_INVALID_LIST_POSITION);
  gtk_widget_set_visible (GTK_WIDGET (self->figures_scroller), n_figures > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->figures_empty), n_figures == 0);

  set_warnings (self, result);
  set_analysis (self, result);
  set_charts_result_soon (self, result);

  assay_page_preview_set_document (self->preview, self->pipeline, self->document);
  show_page (self, "result");

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/* The result page's widgets let go of the result they showed. */
static void
unbind_result (AssayDocumentView *self)
{
  if (!self->bound)
    return;

  self->bound = FALSE;
  set_fields (self, NULL);
  set_figures (self, NULL);
  cancel_charts_result (self);
  assay_document_charts_set_result (self->charts, NULL);
  assay_page_preview_set_document (self->preview, NULL, NULL);
}

/* The result is no longer the document's. Its page keeps showing it
 * until another page is shown or the next result replaces it in place
 * (without a relayout to an empty page in between). */
static void
clear_result (AssayDocumentView *self)
{
  if (self->result == NULL)
    return;

  g_clear_object (&self->result);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

static gboolean
show_loading_cb (gpointer user_data)
{
  AssayDocumentView *self = user_data;

  self->loading_source = 0;
  show_page (self, "loading");

  return G_SOURCE_REMOVE;
}

typedef struct
{
  AssayDocumentView *self;
  guint              generation;
} Load;

static void
result_loaded_cb (GObject      *object,
                  GAsyncResult *async_result,
                  gpointer      user_data)
{
  Load *load = user_data;
  g_autoptr(AssayDocumentView) self = load->self;
  g_autoptr(AssayDocumentResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean current = load->generation == self->generation;

  g_free (load);

  result = assay_pipeline_load_result_finish (ASSAY_PIPELINE (object), async_result, &error);
  if (!current || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->load_cancellable);

  if (result == NULL)
    {
      g_autofree char *description =
        g_strdup_printf (_("Its results could not be loaded: %s"), error->message);

      g_debug ("Loading the result of %s failed: %s",
               assay_document_get_name (self->document), error->message);
      adw_status_page_set_icon_name (self->failed_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->failed_page, _("Results Not Available"));
      adw_status_page_set_description (self->failed_page, description);
      show_page (self, "failed");
      return;
    }

  show_result (self, result);
}

static void
load_result (AssayDocumentView *self)
{
  Load *load;

  if (self->load_cancellable != NULL || self->result != NULL)
    return;

  self->load_cancellable = g_cancellable_new ();
  g_clear_handle_id (&self->loading_source, g_source_remove);
  self->loading_source = g_timeout_add (LOADING_DELAY_MS, show_loading_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->loading_source),
                            "[assay] document view loading");

  load = g_new0 (Load, 1);
  load->self = g_object_ref (self);
  load->generation = self->generation;
  assay_pipeline_load_result_async (self->pipeline, self->document, self->load_cancellable,
                                    result_loaded_cb, load);
}

static const char *
failed_title (AssayStage stage)
{
  switch (stage)
    {
    case ASSAY_STAGE_EXTRACT:
      return _("Nothing Could Be Extracted");
    case ASSAY_STAGE_ANALYSE:
      return _("This Document Could Not Be Analysed");
    case ASSAY_STAGE_STORE:
      return _("The Results Could Not Be Saved");
    case ASSAY_STAGE_HASH:
    case ASSAY_STAGE_CACHE:
    case ASSAY_STAGE_READ:
    default:
      return _("This Document Could Not Be Read");
    }
}

static void
update_state (AssayDocumentView *self)
{
  AssayDocumentState state;
  g_autofree char *description = NULL;

  if (self->document == NULL)
    {
      show_page (self, "empty");
      return;
    }

  state = assay_document_get_state (self->document);
  if (state != ASSAY_DOCUMENT_DONE)
    {
      /* Retried or restarted: what was shown is gone. */
      g_cancellable_cancel (self->load_cancellable);
      g_clear_object (&self->load_cancellable);
      self->generation++;
      clear_result (self);
    }

  switch (state)
    {
    case ASSAY_DOCUMENT_DONE:
      if (self->result != NULL)
        show_page (self, "result");
      else
        load_result (self);
      break;

    case ASSAY_DOCUMENT_FAILED:
      adw_status_page_set_icon_name (self->failed_page, "dialog-error-symbolic");
      adw_status_page_set_title (self->failed_page,
                                 failed_title (assay_document_get_error_stage (self->document)));
      adw_status_page_set_description (self->failed_page,
                                       assay_document_get_error_message (self->document));
      show_page (self, "failed");
      break;

    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
      adw_status_page_set_icon_name (self->failed_page, "dialog-password-symbolic");
      adw_status_page_set_title (self->failed_page, _("This Document Needs a Password"));
      adw_status_page_set_description (self->failed_page,
                                       _("Enter its password in the list to open it."));
      show_page (self, "failed");
      break;

    case ASSAY_DOCUMENT_CANCELLED:
      adw_status_page_set_icon_name (self->pending_page, "process-stop-symbolic");
      adw_status_page_set_title (self->pending_page, _("Cancelled"));
      adw_status_page_set_description (self->pending_page,
                                       _("Retry it from the list to process it."));
      show_page (self, "pending");
      break;

    case ASSAY_DOCUMENT_DUPLICATE:
      description = g_strdup_printf (_("It has the same content as “%s”: its results are shown there."),
                                     assay_document_get_duplicate_of (self->document));
      adw_status_page_set_icon_name (self->pending_page, "edit-copy-symbolic");
      adw_status_page_set_title (self->pending_page, _("Same as Another Document"));
      adw_status_page_set_description (self->pending_page, description);
      show_page (self, "pending");
      break;

    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    default:
      adw_status_page_set_icon_name (self->pending_page, "document-open-recent-symbolic");
      adw_status_page_set_title (self->pending_page, _("Not Done Yet"));
      adw_status_page_set_description (self->pending_page,
                                       assay_document_get_status_text (self->document));
      show_page (self, "pending");
      break;
    }
}

static void
status_text_changed_cb (AssayDocumentView *self)
{
  AssayDocumentState state;

  if (self->document == NULL)
    return;

  state = assay_document_get_state (self->document);
  if (state != ASSAY_DOCUMENT_DONE && state < ASSAY_DOCUMENT_FAILED)
    adw_status_page_set_description (self->pending_page,
                                     assay_document_get_status_text (self->document));
}

/**
 * assay_document_view_set_document:
 * @pipeline: (nullable): the pipeline @document belongs to
 * @document: (nullable): what to show; %NULL shows that nothing is selected
 *
 * Shows @document, loading its result when it is done (and once it is).
 * Cancels the load for the previous document.
 */
void
assay_document_view_set_document (AssayDocumentView *self,
                                  AssayPipeline     *pipeline,
                                  AssayDocument     *document)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (document == NULL || ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (document == NULL || pipeline != NULL);

  /* Now overrides what was to come soon. */
  g_clear_handle_id (&self->soon_source, g_source_remove);
  g_clear_object (&self->soon_pipeline);
  g_clear_object (&self->soon_document);

  if (document == self->document && pipeline == self->pipeline)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->generation++;
  self->selection++;
  clear_result (self);

  g_set_object (&self->pipeline, pipeline);
  g_set_object (&self->document, document);
  g_signal_group_set_target (self->document_signals, document);

  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static gboolean
soon_cb (gpointer user_data)
{
  AssayDocumentView *self = user_data;
  g_autoptr(AssayPipeline) pipeline = g_steal_pointer (&self->soon_pipeline);
  g_autoptr(AssayDocument) document = g_steal_pointer (&self->soon_document);

  self->soon_source = 0;
  assay_document_view_set_document (self, pipeline, document);

  return G_SOURCE_REMOVE;
}

/**
 * assay_document_view_set_document_soon:
 * @pipeline: (nullable): the pipeline @document belongs to
 * @document: (nullable): what to show; %NULL shows that nothing is selected
 *
 * As assay_document_view_set_document(), for a selection that may move on
 * quickly (the list's, under the keyboard): the view keeps what it shows
 * until then, and shows @document a frame from now, or, when selections
 * come quicker than %SOON_QUIET_MS apart, once they pause that long; of
 * many quick selections only the newest is shown (and its result alone
 * loaded). A later assay_document_view_set_document() wins over it.
 */
void
assay_document_view_set_document_soon (AssayDocumentView *self,
                                       AssayPipeline     *pipeline,
                                       AssayDocument     *document)
{
  gint64 now;
  guint delay;

  g_return_if_fail (ASSAY_IS_DOCUMENT_VIEW (self));
  g_return_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline));
  g_return_if_fail (document == NULL || ASSAY_IS_DOCUMENT (document));
  g_return_if_fail (document == NULL || pipeline != NULL);

  now = g_get_monotonic_time ();
  delay = self->soon_source != 0 || now - self->soon_last < SOON_QUIET_MS * G_TIME_SPAN_MILLISECOND
            ? SOON_QUIET_MS : SOON_FIRST_MS;
  self->soon_last = now;

  g_clear_handle_id (&self->soon_source, g_source_remove);
  g_set_object (&self->soon_pipeline, pipeline);
  g_set_object (&self->soon_document, document);
  if (document == self->document && pipeline == self->pipeline)
    {
      /* Back where it is: nothing to do (and nothing stale to come). */
      g_clear_object (&self->soon_pipeline);
      g_clear_object (&self->soon_document);
      return;
    }

  self->soon_source = g_timeout_add (delay, soon_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->soon_source),
                            "[assay] document view selection");
}

/**
 * assay_document_view_get_document:
 *
 * Returns: (transfer none) (nullable): the document shown
 */
AssayDocument *
assay_document_view_get_document (AssayDocumentView *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_VIEW (self), NULL);

  return self->document;
}

/**
 * assay_document_view_get_result:
 *
 * Returns: (transfer none) (nullable): the result shown, once loaded
 */
AssayDocumentResult *
assay_document_view_get_result (AssayDocumentView *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_VIEW (self), NULL);

  return self->result;
}

/**
 * assay_document_view_get_charts_box:
 *
 * Returns: (transfer none): the place for charts, below the analysis;
 * hidden until made visible
 */
GtkBox *
assay_document_view_get_charts_box (AssayDocumentView *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_VIEW (self), NULL);

  return self->charts_box;
}

/* Charts (wip/charts-ui): a bar leads to its figure or page. */

/* The row at @position of the figures table into view, if it is not. GTK
 * 4.12 has gtk_column_view_scroll_to(); on 4.8 the table's vertical
 * adjustment is the list's, in pixels, its rows (one line each) of one
 * height: row height × position, moved as little as shows the row. */
static void
scroll_to_figure (AssayDocumentView *self,
                  guint              position)
{
#if GTK_CHECK_VERSION (4, 12, 0)
  gtk_column_view_scroll_to (self->figures_view, position, NULL, GTK_LIST_SCROLL_NONE, NULL);
#else
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->figures_view));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->figures_sorted));
  double upper, page, value, row, top;

  if (adjustment == NULL || n == 0 || position >= n)
    return;
  upper = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_lower (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  value = gtk_adjustment_get_value (adjustment);
  row = upper / n;
  top = gtk_adjustment_get_lower (adjustment) + row * position;
  if (top < value)
    gtk_adjustment_set_value (adjustment, top);
  else if (top + row > value + page)
    gtk_adjustment_set_value (adjustment, top + row - page);
#endif
}

/**
 * assay_document_view_select_figure:
 * @position: a position in assay_document_result_get_figures() of the
 *   result shown
 *
 * Selects that key figure in the table, scrolled to show its row, which
 * shows its page with its place highlighted; an invalid position unselects.
 */
void
assay_document_view_select_figure (AssayDocumentView *self,
                                   guint              position)
{
  g_autoptr(AssayResultFigure) figure = NULL;
  GListModel *sorted;
  guint n;

  g_return_if_fail (ASSAY_IS_DOCUMENT_VIEW (self));

  if (self->result != NULL)
    figure = g_list_model_get_item (assay_document_result_get_figures (self->result), position);
  sorted = G_LIST_MODEL (self->figures_sorted);
  n = figure != NULL ? g_list_model_get_n_items (sorted) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayFigureItem) item = g_list_model_get_item (sorted, i);

      if (assay_figure_item_get_figure (item) == figure)
        {
          gtk_single_selection_set_selected (self->figures_selection, i);
          scroll_to_figure (self, i);
          return;
        }
    }
  gtk_single_selection_set_selected (self->figures_selection, GTK_INVALID_LIST_POSITION);
}

/**
 * assay_document_view_show_page:
 * @page: 1-based
 *
 * Shows @page in the preview with every key figure of it that was found
 * there marked (what its bar of key figures per page counts), nothing
 * selected.
 */
void
assay_document_view_show_page (AssayDocumentView *self,
                               guint              page)
{
  g_autoptr(GArray) rects = g_array_new (FALSE, FALSE, sizeof (AssayRect));
  GListModel *figures = self->result != NULL ? assay_document_result_get_figures (self->result) : NULL;
  guint n = figures != NULL ? g_list_model_get_n_items (figures) : 0;

  g_return_if_fail (ASSAY_IS_DOCUMENT_VIEW (self));

  gtk_single_selection_set_selected (self->figures_selection, GTK_INVALID_LIST_POSITION);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);
      const AssayRect *r;
      guint n_rects = 0;

      if (assay_result_figure_get_page (figure) != page ||
          assay_result_figure_get_verification (figure) != ASSAY_VERIFICATION_VERIFIED ||
          assay_result_figure_get_verified_page (figure) != page)
        continue;
      r = assay_result_figure_get_rects (figure, &n_rects);
      if (r != NULL && n_rects > 0)
        g_array_append_vals (rects, r, n_rects);
    }
  assay_page_preview_set_highlight (self->preview, page, (const AssayRect *) (gpointer) rects->data, rects->len);
}

static void
setup_charts (AssayDocumentView *self)
{
  self->charts = ASSAY_DOCUMENT_CHARTS (assay_document_charts_new ());
  gtk_box_append (self->charts_box, GTK_WIDGET (self->charts));
  gtk_widget_set_visible (GTK_WIDGET (self->charts_box), TRUE);
  g_signal_connect_object (self->charts, "figure-activated",
                           G_CALLBACK (assay_document_view_select_figure), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->charts, "page-activated",
                           G_CALLBACK (assay_document_view_show_page), self, G_CONNECT_SWAPPED);
}

/* The key figures' cells, made in C: a GtkBuilderListItemFactory parses
 * its template for every cell it sets up, seven a row. The rows stay from
 * one result to the next (set_figures()): a cell shows its row item's
 * figure and follows it when the item takes another; a text or icon is
 * set only when it differs, so an unchanged cell is not laid out again.
 * In the order of the columns in the template. */
typedef enum
{
  CELL_LABEL,
  CELL_VALUE,
  CELL_UNIT,
  CELL_PERIOD,
  CELL_PAGE,
  CELL_VERIFIED,
  CELL_SNIPPET,
  N_CELLS
} Cell;

#define CELL_KEY "assay-cell"

/* Answered when asked, not set on every bind: in GTK 4.8 setting a tooltip
 * looks for one under the pointer again (X11 round trips). */
static gboolean
inscription_query_tooltip_cb (GtkWidget  *widget,
                              int         x,
                              int         y,
                              gboolean    keyboard,
                              GtkTooltip *tooltip,
                              gpointer    user_data)
{
  const char *text = gtk_inscription_get_text (GTK_INSCRIPTION (widget));

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Cell cell = GPOINTER_TO_UINT (user_data);
  GtkWidget *child;

  switch (cell)
    {
    case CELL_LABEL:
    case CELL_SNIPPET:
      child = g_object_new (GTK_TYPE_INSCRIPTION,
                            "min-chars", cell == CELL_LABEL ? 12 : 16,
                            "nat-chars", cell == CELL_LABEL ? 24 : 40,
                            "text-overflow", GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END,
                            "has-tooltip", TRUE,
                            NULL);
      g_signal_connect (child, "query-tooltip", G_CALLBACK (inscription_query_tooltip_cb), NULL);
      if (cell == CELL_SNIPPET)
        gtk_widget_add_css_class (child, "dim-label");
      break;

    case CELL_VERIFIED:
      child = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      gtk_box_append (GTK_BOX (child), g_object_new (GTK_TYPE_IMAGE,
                                                     "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                                     NULL));
      gtk_box_append (GTK_BOX (child), g_object_new (GTK_TYPE_LABEL, "xalign", 0.f, NULL));
      break;

    case CELL_VALUE:
    case CELL_PAGE:
      child = g_object_new (GTK_TYPE_LABEL, "xalign", 1.f, NULL);
      if (cell == CELL_VALUE)
        gtk_label_set_width_chars (GTK_LABEL (child), 8);
      gtk_widget_add_css_class (child, "numeric");
      break;

    case CELL_UNIT:
    case CELL_PERIOD:
    case N_CELLS:
    default:
      child = g_object_new (GTK_TYPE_LABEL, "xalign", 0.f, NULL);
      break;
    }

  g_object_set_data (G_OBJECT (item), CELL_KEY, GUINT_TO_POINTER (cell));
  gtk_list_item_set_child (item, child);
}

static void
update_verified_cell (GtkWidget         *child,
                      AssayResultFigure *figure)
{
  guint page = figure != NULL ? assay_result_figure_get_page (figure) : 0;
  guint verified_page = figure != NULL ? assay_result_figure_get_verified_page (figure) : 0;
  AssayVerification verification = figure != NULL ? assay_result_figure_get_verification (figure)
                                                  : ASSAY_VERIFICATION_UNCHECKED;
  Badge badge = get_badge (verification, page, verified_page);
  g_autofree char *text = badge_text (badge, verified_page);
  const char *class = badge_class (badge);
  const char *icon = badge_icon (badge);
  GtkImage *image = GTK_IMAGE (gtk_widget_get_first_child (child));

  if (!gtk_widget_has_css_class (child, class))
    {
      const char *classes[] = { class, NULL };

      gtk_widget_set_css_classes (child, classes);
    }
  if (g_strcmp0 (gtk_image_get_icon_name (image), icon) != 0)
    gtk_image_set_from_icon_name (image, icon);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (child)), text);
}

/* gtk_label_set_label() and gtk_inscription_set_text() do nothing for the
 * text they already show. */
static void
update_cell (GtkListItem *item)
{
  AssayFigureItem *row = gtk_list_item_get_item (item);
  AssayResultFigure *figure = row != NULL ? assay_figure_item_get_figure (row) : NULL;
  GtkWidget *child = gtk_list_item_get_child (item);
  Cell cell = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (item), CELL_KEY));

  switch (cell)
    {
    case CELL_LABEL:
      gtk_inscription_set_text (GTK_INSCRIPTION (child),
                                figure != NULL ? assay_result_figure_get_label (figure) : NULL);
      break;

    case CELL_SNIPPET:
      gtk_inscription_set_text (GTK_INSCRIPTION (child),
                                figure != NULL ? assay_result_figure_get_snippet (figure) : NULL);
      break;

    case CELL_VALUE:
      gtk_label_set_label (GTK_LABEL (child),
                           (figure != NULL ? assay_result_figure_get_raw (figure) : NULL) ?: "");
      break;

    case CELL_UNIT:
      gtk_label_set_label (GTK_LABEL (child),
                           (figure != NULL ? assay_result_figure_get_unit (figure) : NULL) ?: "");
      break;

    case CELL_PERIOD:
      gtk_label_set_label (GTK_LABEL (child),
                           (figure != NULL ? assay_result_figure_get_period (figure) : NULL) ?: "");
      break;

    case CELL_PAGE:
      {
        g_autofree char *page = format_page (NULL, figure != NULL ? assay_result_figure_get_page (figure) : 0);

        gtk_label_set_label (GTK_LABEL (child), page);
      }
      break;

    case CELL_VERIFIED:
      update_verified_cell (child, figure);
      break;

    case N_CELLS:
    default:
      g_assert_not_reached ();
    }
}

static void
row_figure_changed_cb (AssayFigureItem *row,
                       GParamSpec      *pspec,
                       GtkListItem     *item)
{
  update_cell (item);
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  AssayFigureItem *row = gtk_list_item_get_item (item);

  g_signal_connect_object (row, "notify::figure", G_CALLBACK (row_figure_changed_cb), item, 0);
  update_cell (item);
}

static void
unbind_cell (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  AssayFigureItem *row = gtk_list_item_get_item (item);

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, row_figure_changed_cb, item);
}

static void
setup_cells (AssayDocumentView *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->figures_view);

  g_assert (g_list_model_get_n_items (columns) == N_CELLS);
  for (guint i = 0; i < N_CELLS; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), GUINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), NULL);
      g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell), NULL);
      gtk_column_view_column_set_factory (column, factory);
    }
}

static void
assay_document_view_dispose (GObject *object)
{
  AssayDocumentView *self = ASSAY_DOCUMENT_VIEW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_handle_id (&self->orientation_source, g_source_remove);
  g_clear_handle_id (&self->soon_source, g_source_remove);
  g_clear_handle_id (&self->loading_source, g_source_remove);
  g_clear_object (&self->soon_pipeline);
  g_clear_object (&self->soon_document);
  cancel_charts_result (self);
  if (self->document_signals != NULL)
    g_signal_group_set_target (self->document_signals, NULL);
  if (self->fields_list != NULL)
    set_fields (self, NULL);
  if (self->figures_selection != NULL)
    g_signal_handlers_disconnect_by_data (self->figures_selection, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_DOCUMENT_VIEW);

  g_clear_object (&self->figure_items);
  g_clear_object (&self->document_signals);
  g_clear_object (&self->result);
  g_clear_object (&self->document);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (assay_document_view_parent_class)->dispose (object);
}

static void
assay_document_view_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AssayDocumentView *self = ASSAY_DOCUMENT_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void assay_document_view_measure       (GtkWidget      *widget,
                                               GtkOrientation  orientation,
                                               int             for_size,
                                               int            *minimum,
                                               int            *natural,
                                               int            *minimum_baseline,
                                               int            *natural_baseline);
static void assay_document_view_size_allocate (GtkWidget      *widget,
                                               int             width,
                                               int             height,
                                               int             baseline);

static void
assay_document_view_class_init (AssayDocumentViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_document_view_dispose;
  object_class->get_property = assay_document_view_get_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, ASSAY_TYPE_DOCUMENT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RESULT] =
    g_param_spec_object ("result", NULL, NULL, ASSAY_TYPE_DOCUMENT_RESULT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ASSAY_TYPE_PAGE_PREVIEW);
  g_type_ensure (ASSAY_TYPE_RESULT_FIGURE);
  g_type_ensure (ASSAY_TYPE_FIGURE_ITEM);

  widget_class->measure = assay_document_view_measure;
  widget_class->size_allocate = assay_document_view_size_allocate;
  gtk_widget_class_set_css_name (widget_class, "assaydocumentview");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-document-view.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, stack);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, pending_page);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, failed_page);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, title_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, fields_list);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, figures_empty);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, figures_scroller);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, figures_view);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, figures_selection);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, figures_sorted);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, warnings_box);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, warnings_list);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, verification_row);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, numbers_row);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, benford_row);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, outliers_row);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, charts_box);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, paned);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentView, preview);
  gtk_widget_class_bind_template_callback (widget_class, format_page);
  gtk_widget_class_bind_template_callback (widget_class, verification_rank);
  gtk_widget_class_bind_template_callback (widget_class, verification_icon);
  gtk_widget_class_bind_template_callback (widget_class, verification_text);
  gtk_widget_class_bind_template_callback (widget_class, verification_classes);
}

/* The divider keeps its share of the view when the view changes size or
 * orientation: half for the results and half for the page until the user
 * drags it, then the share the user chose. GtkPaned keeps pixels, so the
 * share is kept here and applied whenever max-position changes, which it
 * does on every allocation that changes the paned's length. */
static int
paned_length (AssayDocumentView *self)
{
  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->paned)) == GTK_ORIENTATION_HORIZONTAL)
    return gtk_widget_get_width (GTK_WIDGET (self->paned));
  return gtk_widget_get_height (GTK_WIDGET (self->paned));
}

static void
paned_max_position_cb (AssayDocumentView *self)
{
  int max = 0;

  g_object_get (self->paned, "max-position", &max, NULL);
  self->split_max = max;
  if (max <= 0)
    return;

  /* GtkPaned clamps it between the children's minimum sizes. */
  self->setting_split = TRUE;
  gtk_paned_set_position (self->paned, (int) (paned_length (self) * self->split + 0.5));
  self->setting_split = FALSE;
}

/* GtkPaned notifies a position it clamped during allocation before the new
 * max-position: only a move under an unchanged max-position is the user's. */
static void
paned_position_cb (AssayDocumentView *self)
{
  int max = 0;

  if (self->setting_split)
    return;

  g_object_get (self->paned, "max-position", &max, NULL);
  if (max <= 0 || max != self->split_max || paned_length (self) <= 0)
    return;

  self->split = CLAMP ((double) gtk_paned_get_position (self->paned) / paned_length (self), 0.1, 0.9);
}

static gboolean
update_orientation_cb (gpointer user_data)
{
  AssayDocumentView *self = user_data;

  self->orientation_source = 0;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->paned),
                                  self->wide ? GTK_ORIENTATION_HORIZONTAL : GTK_ORIENTATION_VERTICAL);

  return G_SOURCE_REMOVE;
}

static void
assay_document_view_measure (GtkWidget      *widget,
                             GtkOrientation  orientation,
                             int             for_size,
                             int            *minimum,
                             int            *natural,
                             int            *minimum_baseline,
                             int            *natural_baseline)
{
  AssayDocumentView *self = ASSAY_DOCUMENT_VIEW (widget);

  gtk_widget_measure (GTK_WIDGET (self->stack), orientation, for_size,
                      minimum, natural, minimum_baseline, natural_baseline);
}

static void
assay_document_view_size_allocate (GtkWidget *widget,
                                   int        width,
                                   int        height,
                                   int        baseline)
{
  AssayDocumentView *self = ASSAY_DOCUMENT_VIEW (widget);
  gboolean wide = self->wide ? width >= NARROW_FROM : width >= WIDE_FROM;

  /* Not during the allocation: the next frame lays out the new orientation. */
  if (wide != self->wide)
    {
      self->wide = wide;
      if (self->orientation_source == 0)
        {
          self->orientation_source = g_idle_add_full (G_PRIORITY_HIGH_IDLE, update_orientation_cb,
                                                      self, NULL);
          g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->orientation_source),
                                    "[assay] document view orientation");
        }
    }

  gtk_widget_allocate (GTK_WIDGET (self->stack), width, height, baseline, NULL);
}

static void
assay_document_view_init (AssayDocumentView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->figure_items = g_list_store_new (ASSAY_TYPE_FIGURE_ITEM);
  gtk_sort_list_model_set_model (self->figures_sorted, G_LIST_MODEL (self->figure_items));

  self->document_signals = g_signal_group_new (ASSAY_TYPE_DOCUMENT);
  g_signal_group_connect_object (self->document_signals, "notify::state",
                                 G_CALLBACK (update_state), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->document_signals, "notify::status-text",
                                 G_CALLBACK (status_text_changed_cb), self, G_CONNECT_SWAPPED);

  g_signal_connect_object (self->figures_selection, "notify::selected-item",
                           G_CALLBACK (figure_selected_cb), self, G_CONNECT_SWAPPED);

  self->split = 0.5;
  g_signal_connect_object (self->paned, "notify::max-position",
                           G_CALLBACK (paned_max_position_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->paned, "notify::position",
                           G_CALLBACK (paned_position_cb), self, G_CONNECT_SWAPPED);
  setup_cells (self);
  setup_charts (self);
  show_page (self, "empty");
}

/**
 * assay_document_view_new:
 *
 * Returns: (transfer floating): a view showing no document
 */
AssayDocumentView *
assay_document_view_new (void)
{
  return g_object_new (ASSAY_TYPE_DOCUMENT_VIEW, NULL);
}
