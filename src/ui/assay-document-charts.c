/* assay-document-charts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The specs are built here from plain copies of the result
 * (assay_charts_document_from_result()), the same functions the headless
 * export uses; the charts lay them out (off the main thread when large) and
 * keep their frames until the size, the data or the style changes.
 */
#define G_LOG_DOMAIN "assay-document-charts"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-chart-save.h"
#include "assay-charts-from-result.h"
#include "assay-document-charts.h"

/* Horizontal key-figure bars get room for their labels. */
#define BAR_HEIGHT        22
#define BARS_EXTRA        110
#define KEY_FIGURES_MIN   220
#define KEY_FIGURES_MAX   1400

struct _AssayDocumentCharts
{
  GtkWidget            parent_instance;

  AssayDocumentResult *result;

  AssayChart          *key_figures_chart;
  AssayChart          *distribution_chart;
  AssayChart          *benford_chart;
  AssayChart          *pages_chart;
};

G_DEFINE_FINAL_TYPE (AssayDocumentCharts, assay_document_charts, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

enum {
  FIGURE_ACTIVATED,
  PAGE_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct {
  const char *id;        /* the action's target and the file name's suffix */
} chart_ids[ASSAY_DOCUMENT_N_CHARTS] = {
  [ASSAY_DOCUMENT_CHART_KEY_FIGURES] = { "key-figures" },
  [ASSAY_DOCUMENT_CHART_DISTRIBUTION] = { "distribution" },
  [ASSAY_DOCUMENT_CHART_BENFORD] = { "benford" },
  [ASSAY_DOCUMENT_CHART_FIGURES_PER_PAGE] = { "figures-per-page" },
};

static void
key_figure_activated_cb (AssayDocumentCharts *self,
                         guint                series,
                         guint                index,
                         AssayChart          *chart)
{
  guint id = assay_chart_get_item_id (chart, series, index);

  if (self->result != NULL &&
      id < g_list_model_get_n_items (assay_document_result_get_figures (self->result)))
    g_signal_emit (self, signals[FIGURE_ACTIVATED], 0, id);
}

static void
page_activated_cb (AssayDocumentCharts *self,
                   guint                series,
                   guint                index,
                   AssayChart          *chart)
{
  guint page = assay_chart_get_item_id (chart, series, index);

  if (self->result != NULL && page > 0)
    g_signal_emit (self, signals[PAGE_ACTIVATED], 0, page);
}

static AssayChartSpec *
placeholder (const char *title,
             const char *empty)
{
  AssayChartSpec *spec = assay_chart_spec_new (title);

  assay_chart_spec_set_empty_text (spec, empty);
  return spec;
}

/* On screen the document's title is right above; the charts do not repeat it. */
static void
update_charts (AssayDocumentCharts *self)
{
  g_autoptr(AssayChartsDocument) doc = NULL;
  g_autoptr(AssayChartSpec) key_figures = NULL;
  g_autoptr(AssayChartSpec) distribution = NULL;
  g_autoptr(AssayChartSpec) benford = NULL;
  g_autoptr(AssayChartSpec) pages = NULL;
  guint n_bars = 0;

  if (self->result == NULL)
    {
      key_figures = placeholder (_("Key figures"), _("No key figures"));
      distribution = placeholder (_("Distribution of numbers"), _("No numbers to chart"));
      benford = placeholder (_("First digits (Benford’s law)"), _("No numbers with a first digit"));
      pages = placeholder (_("Key figures per page"), _("No pages"));
    }
  else
    {
      doc = assay_charts_document_from_result (self->result);
      doc->title = NULL;
      key_figures = assay_charts_document_key_figures (doc);
      distribution = assay_charts_document_distribution (doc);
      benford = assay_charts_document_benford (doc);
      pages = assay_charts_document_figures_per_page (doc);
    }

  if (assay_chart_spec_get_n_series (key_figures) > 0)
    n_bars = assay_chart_series_get_n_items (assay_chart_spec_get_series (key_figures, 0));
  gtk_widget_set_size_request (GTK_WIDGET (self->key_figures_chart), -1,
                               n_bars == 0 ? KEY_FIGURES_MIN
                                           : CLAMP (BARS_EXTRA + BAR_HEIGHT * (int) n_bars,
                                                    KEY_FIGURES_MIN, KEY_FIGURES_MAX));

  assay_chart_set_spec (self->key_figures_chart, key_figures);
  assay_chart_set_spec (self->distribution_chart, distribution);
  assay_chart_set_spec (self->benford_chart, benford);
  assay_chart_set_spec (self->pages_chart, pages);
}

/**
 * assay_document_charts_set_result:
 * @result: (nullable): the result to chart; %NULL shows empty charts
 */
void
assay_document_charts_set_result (AssayDocumentCharts *self,
                                  AssayDocumentResult *result)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_CHARTS (self));
  g_return_if_fail (result == NULL || ASSAY_IS_DOCUMENT_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;

  update_charts (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/**
 * assay_document_charts_get_result:
 *
 * Returns: (transfer none) (nullable): the result charted
 */
AssayDocumentResult *
assay_document_charts_get_result (AssayDocumentCharts *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_CHARTS (self), NULL);

  return self->result;
}

/**
 * assay_document_charts_get_chart:
 * @kind: which chart
 *
 * Returns: (transfer none): the chart widget
 */
AssayChart *
assay_document_charts_get_chart (AssayDocumentCharts    *self,
                                 AssayDocumentChartKind  kind)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_CHARTS (self), NULL);

  switch (kind)
    {
    case ASSAY_DOCUMENT_CHART_KEY_FIGURES:
      return self->key_figures_chart;
    case ASSAY_DOCUMENT_CHART_DISTRIBUTION:
      return self->distribution_chart;
    case ASSAY_DOCUMENT_CHART_BENFORD:
      return self->benford_chart;
    case ASSAY_DOCUMENT_CHART_FIGURES_PER_PAGE:
      return self->pages_chart;
    case ASSAY_DOCUMENT_N_CHARTS:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AssayDocumentCharts *self = ASSAY_DOCUMENT_CHARTS (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  AssayChartFormat format = g_str_equal (action_name, "charts.save-svg") ? ASSAY_CHART_FORMAT_SVG
                                                                         : ASSAY_CHART_FORMAT_PNG;

  for (guint kind = 0; kind < ASSAY_DOCUMENT_N_CHARTS; kind++)
    if (g_str_equal (id, chart_ids[kind].id))
      {
        AssayChart *chart = assay_document_charts_get_chart (self, kind);
        const char *name = self->result != NULL ? assay_document_result_get_name (self->result) : NULL;
        const char *doc_title = self->result != NULL ? assay_document_result_get_title (self->result) : NULL;
        const char *chart_title = assay_chart_get_title (chart);
        g_autofree char *stem = g_strdup_printf ("%s-%s", name != NULL ? name : "document", id);
        g_autofree char *title = NULL;

        /* In a file, say which document the chart is of. */
        if (chart_title != NULL && doc_title != NULL && doc_title[0] != '\0')
          /* Translators: a chart's title: what it shows — the document's title */
          title = g_strdup_printf (_("%s — %s"), chart_title, doc_title);
        else if (chart_title != NULL && name != NULL)
          title = g_strdup_printf (_("%s — %s"), chart_title, name);
        assay_chart_save_with_dialog (chart, format, title, stem);
        return;
      }
}

static void
assay_document_charts_dispose (GObject *object)
{
  AssayDocumentCharts *self = ASSAY_DOCUMENT_CHARTS (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_DOCUMENT_CHARTS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->result);

  G_OBJECT_CLASS (assay_document_charts_parent_class)->dispose (object);
}

static void
assay_document_charts_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AssayDocumentCharts *self = ASSAY_DOCUMENT_CHARTS (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      g_value_set_object (value, self->result);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_charts_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  AssayDocumentCharts *self = ASSAY_DOCUMENT_CHARTS (object);

  switch (prop_id)
    {
    case PROP_RESULT:
      assay_document_charts_set_result (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_charts_class_init (AssayDocumentChartsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_document_charts_dispose;
  object_class->get_property = assay_document_charts_get_property;
  object_class->set_property = assay_document_charts_set_property;

  properties[PROP_RESULT] =
    g_param_spec_object ("result", NULL, NULL, ASSAY_TYPE_DOCUMENT_RESULT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AssayDocumentCharts::figure-activated:
   * @position: the figure's position in assay_document_result_get_figures()
   *
   * A key figure's bar was clicked (or chosen with the keyboard).
   */
  signals[FIGURE_ACTIVATED] =
    g_signal_new ("figure-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  /**
   * AssayDocumentCharts::page-activated:
   * @page: the page (1-based)
   *
   * A page's bar was clicked (or chosen with the keyboard).
   */
  signals[PAGE_ACTIVATED] =
    g_signal_new ("page-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  g_type_ensure (ASSAY_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "assaydocumentcharts");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-document-charts.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentCharts, key_figures_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentCharts, distribution_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentCharts, benford_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayDocumentCharts, pages_chart);
  gtk_widget_class_bind_template_callback (widget_class, key_figure_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_activated_cb);

  gtk_widget_class_install_action (widget_class, "charts.save-png", "s", save_action);
  gtk_widget_class_install_action (widget_class, "charts.save-svg", "s", save_action);
}

static void
assay_document_charts_init (AssayDocumentCharts *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_orientable_set_orientation (GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                  GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);
  update_charts (self);
}

/**
 * assay_document_charts_new:
 *
 * Returns: (transfer floating): charts of no result yet
 */
GtkWidget *
assay_document_charts_new (void)
{
  return g_object_new (ASSAY_TYPE_DOCUMENT_CHARTS, NULL);
}
