/* assay-charts-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-charts-document"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "assay-chart-export.h"
#include "assay-charts-document.h"

#define DEFAULT_WIDTH 800
#define DEFAULT_HEIGHT 480

static char *
with_document (const AssayChartsDocument *doc,
               const char                *chart)
{
  if (doc->title != NULL && doc->title[0] != '\0')
    /* Translators: a chart's title: what it shows — the document's title */
    return g_strdup_printf (_("%s — %s"), chart, doc->title);
  return g_strdup (chart);
}

/**
 * assay_charts_document_key_figures:
 * @doc: the document's analysis
 *
 * Horizontal bars of the key figures that share the most common unit (bars
 * in different units on one axis would mislead); the others are counted in
 * the subtitle. A log axis when the values span three orders of magnitude.
 * Each bar's tooltip names its page; its id (assay_chart_series_get_id()) is
 * the index of its figure in @doc, so a click can select that figure.
 *
 * Returns: (transfer full): the chart
 */
AssayChartSpec *
assay_charts_document_key_figures (const AssayChartsDocument *doc)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) label_counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AssayChartSeries) series = NULL;
  g_autofree char *title = with_document (doc, _("Key figures"));
  AssayChartSpec *spec = assay_chart_spec_new (title);
  const char *unit = NULL;
  guint best = 0, others = 0;
  double lo = INFINITY, hi = 0;
  gboolean all_positive = TRUE;

  g_return_val_if_fail (doc != NULL, spec);

  for (guint i = 0; i < doc->n_figures; i++)
    {
      const char *u = doc->figure_units != NULL && doc->figure_units[i] != NULL ? doc->figure_units[i] : "";
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, u)) + 1;

      if (!isfinite (doc->figure_values[i]))
        continue;
      g_hash_table_insert (counts, (gpointer) u, GUINT_TO_POINTER (c));
      if (c > best)
        {
          best = c;
          unit = u;
        }
    }

  /* A label charted twice ("Price" on two pages) says which page each is. */
  for (guint i = 0; i < doc->n_figures; i++)
    {
      const char *u = doc->figure_units != NULL && doc->figure_units[i] != NULL ? doc->figure_units[i] : "";
      const char *label = doc->figure_labels[i] != NULL ? doc->figure_labels[i] : "";

      if (isfinite (doc->figure_values[i]) && unit != NULL && g_str_equal (u, unit))
        g_hash_table_insert (label_counts, (gpointer) label,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (label_counts, label)) + 1));
    }

  for (guint i = 0; i < doc->n_figures; i++)
    {
      const char *u = doc->figure_units != NULL && doc->figure_units[i] != NULL ? doc->figure_units[i] : "";
      const char *label = doc->figure_labels[i] != NULL ? doc->figure_labels[i] : "";
      double v = doc->figure_values[i];

      if (!isfinite (v))
        continue;
      if (unit == NULL || !g_str_equal (u, unit))
        {
          others++;
          continue;
        }
      if (GPOINTER_TO_UINT (g_hash_table_lookup (label_counts, label)) > 1 &&
          doc->figure_pages != NULL && doc->figure_pages[i] > 0)
        /* Translators: a key figure's label on a chart, and the page it is on */
        g_ptr_array_add (labels, g_strdup_printf (_("%s (p. %u)"), label, doc->figure_pages[i]));
      else
        g_ptr_array_add (labels, g_strdup (doc->figure_labels[i]));
      g_array_append_val (values, v);
      g_array_append_val (ids, i);
      if (doc->figure_pages != NULL && doc->figure_pages[i] > 0)
        g_ptr_array_add (notes, g_strdup_printf (_("Page %u — click to show it"), doc->figure_pages[i]));
      else
        g_ptr_array_add (notes, g_strdup (""));
      if (v > 0)
        {
          lo = MIN (lo, v);
          hi = MAX (hi, v);
        }
      else
        all_positive = FALSE;
    }
  g_ptr_array_add (notes, NULL);
  g_ptr_array_add (labels, NULL);

  series = assay_chart_series_new_bars (NULL, (const char * const *) labels->pdata,
                                        (const double *) (gpointer) values->data, values->len);
  assay_chart_series_set_notes (series, (const char * const *) notes->pdata);
  assay_chart_series_set_ids (series, (const guint *) (gpointer) ids->data);
  assay_chart_series_set_unit (series, unit != NULL && unit[0] != '\0' ? unit : NULL);
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_horizontal (spec, TRUE);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL,
                             unit != NULL && unit[0] != '\0' ? unit : NULL,
                             all_positive && values->len > 1 && hi / lo >= 1000 ? ASSAY_CHART_SCALE_LOG
                                                                                : ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_empty_text (spec, _("No key figures"));
  if (others > 0)
    {
      g_autofree char *sub = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                           "%u figure in other units not shown",
                                                           "%u figures in other units not shown", others),
                                              others);
      assay_chart_spec_set_subtitle (spec, sub);
    }
  return spec;
}

/**
 * assay_charts_document_distribution:
 * @doc: the document's analysis
 *
 * The histogram of the document's quantities, on a log axis when the
 * analysis chose log bins (values spanning orders of magnitude).
 *
 * Returns: (transfer full): the chart
 */
AssayChartSpec *
assay_charts_document_distribution (const AssayChartsDocument *doc)
{
  g_autofree char *title = with_document (doc, _("Distribution of numbers"));
  AssayChartSpec *spec = assay_chart_spec_new (title);
  g_autoptr(AssayChartSeries) series = NULL;

  series = assay_chart_series_new_histogram (_("Numbers"), doc->histogram_edges, doc->histogram_counts,
                                             doc->histogram_n_bins);
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, doc->histogram_log_scale ? _("Value (log scale)") : _("Value"),
                             NULL, doc->histogram_log_scale ? ASSAY_CHART_SCALE_LOG : ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, _("Count"), NULL, ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_empty_text (spec, _("No numbers to chart"));
  return spec;
}

/**
 * assay_charts_benford_verdict_text:
 * @verdict: (nullable): a verdict as the result names it
 *
 * Returns: (transfer none): the verdict in words, translated
 */
const char *
assay_charts_benford_verdict_text (const char *verdict)
{
  if (verdict == NULL)
    return _("No verdict");
  if (g_str_equal (verdict, "close"))
    return _("Close conformity with Benford’s law");
  if (g_str_equal (verdict, "acceptable"))
    return _("Acceptable conformity with Benford’s law");
  if (g_str_equal (verdict, "marginal"))
    return _("Marginal conformity with Benford’s law");
  if (g_str_equal (verdict, "nonconforming"))
    return _("Does not conform to Benford’s law");
  if (g_str_equal (verdict, "insufficient-data"))
    return _("Too few numbers for a verdict");
  return verdict;
}

/**
 * assay_charts_benford_verdict_tone:
 * @verdict: (nullable): a verdict as the result names it
 *
 * Returns: how to show it: conformity good, marginal a warning, none bad
 */
AssayChartTone
assay_charts_benford_verdict_tone (const char *verdict)
{
  if (g_strcmp0 (verdict, "close") == 0 || g_strcmp0 (verdict, "acceptable") == 0)
    return ASSAY_CHART_TONE_GOOD;
  if (g_strcmp0 (verdict, "marginal") == 0)
    return ASSAY_CHART_TONE_WARNING;
  if (g_strcmp0 (verdict, "nonconforming") == 0)
    return ASSAY_CHART_TONE_BAD;
  return ASSAY_CHART_TONE_NEUTRAL;
}

/**
 * assay_charts_document_benford:
 * @doc: the document's analysis
 *
 * Observed first-digit shares as bars, the expected shares as a curve over
 * them, the verdict and the count in the subtitle.
 *
 * Returns: (transfer full): the chart
 */
AssayChartSpec *
assay_charts_document_benford (const AssayChartsDocument *doc)
{
  static const char * const digits[9] = { "1", "2", "3", "4", "5", "6", "7", "8", "9" };
  static const guint digit_ids[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
  g_autofree char *title = with_document (doc, _("First digits (Benford’s law)"));
  AssayChartSpec *spec = assay_chart_spec_new (title);

  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, _("First digit"), NULL, ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, _("Share of numbers"), "%", ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_empty_text (spec, _("No numbers with a first digit"));

  if (doc->benford_observed != NULL && doc->benford_expected != NULL && doc->benford_n > 0)
    {
      g_autoptr(AssayChartSeries) observed = NULL;
      g_autoptr(AssayChartSeries) expected = NULL;
      g_autofree char *subtitle = NULL;
      double obs[9], exp_[9], pos[9];

      for (guint d = 0; d < 9; d++)
        {
          obs[d] = 100 * doc->benford_observed[d];
          exp_[d] = 100 * doc->benford_expected[d];
          pos[d] = d;
        }
      observed = assay_chart_series_new_bars (_("Observed"), digits, obs, 9);
      assay_chart_series_set_ids (observed, digit_ids);
      expected = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, _("Expected (Benford)"), pos, exp_, 9);
      assay_chart_spec_add_series (spec, observed);
      assay_chart_spec_add_series (spec, expected);
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s · %u number", "%s · %u numbers",
                                               doc->benford_n),
                                  assay_charts_benford_verdict_text (doc->benford_verdict), doc->benford_n);
      assay_chart_spec_set_subtitle (spec, subtitle);
      assay_chart_spec_set_subtitle_tone (spec, assay_charts_benford_verdict_tone (doc->benford_verdict));
    }
  return spec;
}

static AssayChartSpec *
per_page (const AssayChartsDocument *doc,
          const char                *chart,
          const char                *value_title,
          const char                *none_text,
          const double              *counts,
          guint                      n_pages)
{
  g_autofree char *title = with_document (doc, chart);
  AssayChartSpec *spec = assay_chart_spec_new (title);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(AssayChartSeries) series = NULL;
  g_autofree guint *pages = g_new (guint, MAX (n_pages, 1));
  gboolean any = FALSE;

  /* Pages but nothing on any: the empty text, not an axis of zeros. */
  for (guint p = 0; p < n_pages && !any; p++)
    any = counts[p] != 0;
  if (!any && n_pages > 0)
    {
      assay_chart_spec_set_empty_text (spec, none_text);
      n_pages = 0;
    }
  else
    assay_chart_spec_set_empty_text (spec, _("No pages"));

  for (guint p = 0; p < n_pages; p++)
    {
      g_ptr_array_add (labels, g_strdup_printf ("%u", p + 1));
      pages[p] = p + 1;
    }
  g_ptr_array_add (labels, NULL);
  series = assay_chart_series_new_bars (value_title, (const char * const *) labels->pdata, counts, n_pages);
  assay_chart_series_set_ids (series, pages);   /* a bar leads to its page */
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, _("Page"), NULL, ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, value_title, NULL, ASSAY_CHART_SCALE_LINEAR);
  return spec;
}

/**
 * assay_charts_document_figures_per_page:
 * @doc: the document's analysis
 *
 * Returns: (transfer full): bars of how many key figures each page gave
 */
AssayChartSpec *
assay_charts_document_figures_per_page (const AssayChartsDocument *doc)
{
  g_autofree double *counts = NULL;
  guint n_pages = doc->n_pages;

  for (guint i = 0; doc->figure_pages != NULL && i < doc->n_figures; i++)
    n_pages = MAX (n_pages, doc->figure_pages[i]);
  counts = g_new0 (double, MAX (n_pages, 1));
  for (guint i = 0; doc->figure_pages != NULL && i < doc->n_figures; i++)
    if (doc->figure_pages[i] > 0)
      counts[doc->figure_pages[i] - 1] += 1;

  return per_page (doc, _("Key figures per page"), _("Key figures"), _("No key figures on any page"),
                   counts, n_pages);
}

/**
 * assay_charts_document_numbers_per_page:
 * @doc: the document's analysis
 *
 * Returns: (transfer full): bars of how many numbers each page holds
 */
AssayChartSpec *
assay_charts_document_numbers_per_page (const AssayChartsDocument *doc)
{
  g_autofree double *counts = g_new0 (double, MAX (doc->n_pages, 1));

  for (guint p = 0; doc->page_numbers != NULL && p < doc->n_pages; p++)
    counts[p] = doc->page_numbers[p];
  return per_page (doc, _("Numbers per page"), _("Numbers"), _("No numbers on any page"), counts,
                   doc->page_numbers != NULL ? doc->n_pages : 0);
}

static char *
safe_stem (const char *name)
{
  char *stem = g_strdup (name != NULL && name[0] != '\0' ? name : "document");

  for (char *p = stem; *p != '\0'; p++)
    if (*p == '/' || *p == '\\' || (guchar) *p < 0x20 || *p == ':')
      *p = '_';
  if (stem[0] == '.')
    stem[0] = '_';
  return stem;
}

/**
 * assay_charts_export_document_full:
 * @doc: the document's analysis
 * @dir: an existing directory
 * @palette: (nullable): colours; NULL for the light palette
 * @width: each chart's width (0: 800)
 * @height: each chart's height (0: 480)
 * @written: (nullable) (element-type filename): gets the paths written
 * @error: return location for an error
 *
 * Writes NAME-key-figures, NAME-distribution, NAME-benford,
 * NAME-figures-per-page and NAME-numbers-per-page, each as .svg and .png,
 * atomically; the key figures are taller than @height when there are many. Charts without data are written with their empty text, so a
 * folder always holds the same set.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_document_full (const AssayChartsDocument *doc,
                                   const char                *dir,
                                   const AssayChartPalette   *palette,
                                   guint                      width,
                                   guint                      height,
                                   GPtrArray                 *written,
                                   GError                   **error)
{
  static const char *formats[] = { "svg", "png" };
  g_autofree char *stem = NULL;
  struct {
    const char     *suffix;
    AssayChartSpec *(*build) (const AssayChartsDocument *);
  } charts[] = {
    { "key-figures", assay_charts_document_key_figures },
    { "distribution", assay_charts_document_distribution },
    { "benford", assay_charts_document_benford },
    { "figures-per-page", assay_charts_document_figures_per_page },
    { "numbers-per-page", assay_charts_document_numbers_per_page },
  };

  g_return_val_if_fail (doc != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stem = safe_stem (doc->name);
  width = width > 0 ? width : DEFAULT_WIDTH;
  height = height > 0 ? height : DEFAULT_HEIGHT;

  for (guint c = 0; c < G_N_ELEMENTS (charts); c++)
    {
      g_autoptr(AssayChartSpec) spec = charts[c].build (doc);
      guint chart_height = height;

      /* Horizontal bars get room for their labels: about 24 px a bar. */
      if (assay_chart_spec_get_horizontal (spec) && assay_chart_spec_get_n_series (spec) > 0)
        {
          guint n = assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, 0));

          chart_height = MAX (height, MIN (4000, 110 + 24 * n));
        }

      for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          g_autofree char *file = g_strdup_printf ("%s-%s.%s", stem, charts[c].suffix, formats[f]);
          g_autofree char *path = g_build_filename (dir, file, NULL);
          AssayChartFormat format = f == 0 ? ASSAY_CHART_FORMAT_SVG : ASSAY_CHART_FORMAT_PNG;

          if (!assay_chart_export (spec, palette, format, width, chart_height, path, error))
            return FALSE;
          if (written != NULL)
            g_ptr_array_add (written, g_steal_pointer (&path));
        }
    }

  return TRUE;
}

/**
 * assay_charts_export_document:
 * @doc: the document's analysis
 * @dir: an existing directory
 * @error: return location for an error
 *
 * assay_charts_export_document_full() at 800 × 480 in the light palette.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_document (const AssayChartsDocument *doc,
                              const char                *dir,
                              GError                   **error)
{
  return assay_charts_export_document_full (doc, dir, NULL, 0, 0, NULL, error);
}
