/* assay-charts-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Labels are grouped as the headless corpus view groups them
 * (docs/result-schema.md, "Corpus"): case-folded, whitespace collapsed,
 * trailing colons, dots and ellipses stripped. Totals are the sums of the
 * figures whose label holds "total", as in `by_document`.
 */
#define G_LOG_DOMAIN "assay-charts-corpus"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-benford.h"
#include "assay-chart-export.h"
#include "assay-charts-corpus.h"
#include "assay-charts-document.h"
#include "assay-corpus.h"

typedef struct
{
  char   *key;       /* normalised label */
  char   *label;     /* as written */
  char   *unit;      /* nullable */
  char   *period;    /* nullable */
  double  value;
  double  time;      /* the period's start (assay_charts_corpus_parse_period()) */
  gboolean dated;    /* whether it has one */
} Figure;

struct _AssayChartsCorpusDoc
{
  gatomicrefcount  ref;
  char            *name;
  char            *sha256;
  Figure          *figures;
  guint            n_figures;
  guint            verification_total;
  guint            verified;
  guint            benford_counts[9];
  guint            benford_n;
  gboolean         has_signature;
  AssayMinhash     signature;
};

/**
 * assay_charts_corpus_parse_period:
 * @period: (nullable): a figure's period: "2023", "FY 2023", "Q3 2024",
 *   "H1 2022", "2023-06", "2023-12-31", "2023/24"
 * @seconds: (out): the start of the period, seconds since the epoch (UTC)
 *
 * Returns: whether @period names a year between 1900 and 2199
 */
gboolean
assay_charts_corpus_parse_period (const char *period,
                                  double     *seconds)
{
  int year = 0, month = 1, day = 1;
  g_autoptr(GDateTime) time = NULL;

  if (period == NULL)
    return FALSE;

  for (const char *p = period; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (p[0]) && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2]) &&
          g_ascii_isdigit (p[3]) && !g_ascii_isdigit (p[4]) && (p == period || !g_ascii_isdigit (p[-1])))
        {
          int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');

          if (y < 1900 || y > 2199)
            continue;
          year = y;
          /* 2023-06 or 2023-06-30 */
          if ((p[4] == '-' || p[4] == '/') && g_ascii_isdigit (p[5]) && g_ascii_isdigit (p[6]) &&
              !g_ascii_isdigit (p[7]))
            {
              int m = (p[5] - '0') * 10 + (p[6] - '0');

              if (m >= 1 && m <= 12 && p[4] == '-')
                {
                  month = m;
                  if (p[7] == '-' && g_ascii_isdigit (p[8]) && g_ascii_isdigit (p[9]))
                    day = CLAMP ((p[8] - '0') * 10 + (p[9] - '0'), 1, 28);
                }
            }
          break;
        }
    }
  if (year == 0)
    return FALSE;

  /* Q1–Q4 and H1–H2 anywhere in the text. */
  for (const char *p = period; *p != '\0'; p++)
    {
      if ((p[0] == 'Q' || p[0] == 'q') && p[1] >= '1' && p[1] <= '4' && !g_ascii_isdigit (p[2]))
        month = (p[1] - '1') * 3 + 1;
      else if ((p[0] == 'H' || p[0] == 'h') && p[1] >= '1' && p[1] <= '2' && !g_ascii_isdigit (p[2]))
        month = p[1] == '1' ? 1 : 7;
    }

  time = g_date_time_new_utc (year, month, day, 0, 0, 0);
  if (time == NULL)
    return FALSE;
  *seconds = (double) g_date_time_to_unix (time);
  return TRUE;
}

/**
 * assay_charts_corpus_doc_new_from_result:
 * @result: a document's result
 *
 * Any thread that owns @result (the window: the main thread; `assay
 * --headless`: its writer thread); costs a walk over its key figures.
 *
 * Returns: (transfer full): the document's summary
 */
AssayChartsCorpusDoc *
assay_charts_corpus_doc_new_from_result (AssayDocumentResult *result)
{
  AssayChartsCorpusDoc *doc;
  GListModel *figures;
  double observed[9], expected[9];
  guint n, n_benford = 0, unverified = 0, wrong_page = 0;

  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (result), NULL);

  doc = g_new0 (AssayChartsCorpusDoc, 1);
  g_atomic_ref_count_init (&doc->ref);
  doc->name = g_strdup (assay_document_result_get_name (result));
  doc->sha256 = g_strdup (assay_document_result_get_sha256 (result));

  figures = assay_document_result_get_figures (result);
  n = g_list_model_get_n_items (figures);
  doc->figures = g_new0 (Figure, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayResultFigure) figure = g_list_model_get_item (figures, i);
      Figure *f = &doc->figures[doc->n_figures];

      f->value = assay_result_figure_get_value (figure);
      if (!isfinite (f->value))
        continue;
      f->label = g_strdup (assay_result_figure_get_label (figure));
      f->key = assay_corpus_normalise_label (f->label);
      f->unit = g_strdup (assay_result_figure_get_unit (figure));
      f->period = g_strdup (assay_result_figure_get_period (figure));
      f->dated = assay_charts_corpus_parse_period (f->period, &f->time);
      doc->n_figures++;
    }

  assay_document_result_get_verification (result, &doc->verification_total, &doc->verified,
                                          &unverified, &wrong_page);
  doc->verified -= MIN (doc->verified, wrong_page);   /* found, but on another page */
  if (assay_document_result_get_benford (result, doc->benford_counts, observed, expected, &n_benford))
    doc->benford_n = n_benford;
  else
    memset (doc->benford_counts, 0, sizeof doc->benford_counts);
  doc->has_signature = assay_document_result_get_signature (result, &doc->signature);

  return doc;
}

AssayChartsCorpusDoc *
assay_charts_corpus_doc_ref (AssayChartsCorpusDoc *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  g_atomic_ref_count_inc (&doc->ref);
  return doc;
}

void
assay_charts_corpus_doc_unref (AssayChartsCorpusDoc *doc)
{
  g_return_if_fail (doc != NULL);

  if (!g_atomic_ref_count_dec (&doc->ref))
    return;

  for (guint i = 0; i < doc->n_figures; i++)
    {
      g_free (doc->figures[i].key);
      g_free (doc->figures[i].label);
      g_free (doc->figures[i].unit);
      g_free (doc->figures[i].period);
    }
  g_free (doc->figures);
  g_free (doc->name);
  g_free (doc->sha256);
  g_free (doc);
}

/**
 * assay_charts_corpus_doc_get_name:
 *
 * Returns: (nullable): the document's file name
 */
const char *
assay_charts_corpus_doc_get_name (AssayChartsCorpusDoc *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  return doc->name;
}

/**
 * assay_charts_corpus_doc_get_sha256:
 *
 * Returns: (nullable): the document's content hash
 */
const char *
assay_charts_corpus_doc_get_sha256 (AssayChartsCorpusDoc *doc)
{
  g_return_val_if_fail (doc != NULL, NULL);

  return doc->sha256;
}

typedef struct
{
  char  *key;
  char  *name;
  guint  n_documents;
  guint  last_doc;   /* 1-based index of the last document counted */
  guint  n_dated;    /* documents where it has a period */
  guint  last_dated_doc;
  guint  n_dated_values;   /* its values with a period, in all documents */
} LabelCount;

static void
label_count_free (gpointer data)
{
  LabelCount *c = data;

  g_free (c->key);
  g_free (c->name);
  g_free (c);
}

static int
label_count_compare (gconstpointer a,
                     gconstpointer b)
{
  const LabelCount *x = *(LabelCount * const *) a;
  const LabelCount *y = *(LabelCount * const *) b;

  if (x->n_documents != y->n_documents)
    return x->n_documents > y->n_documents ? -1 : 1;
  return g_strcmp0 (x->key, y->key);
}

/* The unit most of the values have ("" for none). */
static const char *
common_unit (GPtrArray *units)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  const char *best = "";
  guint best_count = 0;

  for (guint i = 0; i < units->len; i++)
    {
      const char *u = g_ptr_array_index (units, i);
      guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, u)) + 1;

      g_hash_table_insert (counts, (gpointer) u, GUINT_TO_POINTER (c));
      if (c > best_count)
        {
          best_count = c;
          best = u;
        }
    }
  return best;
}

typedef struct
{
  double      x;
  double      y;
  char       *note;
  const char *period;   /* the figure's */
  guint       doc;
} Point;

static int
double_compare (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static int
point_compare (gconstpointer a,
               gconstpointer b)
{
  const Point *p = a, *q = b;

  return p->x < q->x ? -1 : p->x > q->x ? 1 : (int) p->doc - (int) q->doc;
}

static AssayChartSpec *
build_over_time (GPtrArray  *docs,
                 const char *key,
                 const char *name)
{
  g_autofree char *title = g_strdup_printf (_("%s over time"), name != NULL ? name : _("Key figure"));
  AssayChartSpec *spec = assay_chart_spec_new (title);
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (Point));
  g_autofree double *x = NULL;
  g_autofree double *y = NULL;
  g_autofree guint *ids = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new ();
  g_autoptr(AssayChartSeries) series = NULL;
  g_autofree double *line_x = NULL;
  g_autofree double *line_y = NULL;
  g_autofree guint *line_ids = NULL;
  g_autoptr(GPtrArray) line_notes = g_ptr_array_new_with_free_func (g_free);
  guint n_periods = 0;
  gboolean shared_periods = FALSE;
  const char *unit;
  guint skipped = 0, other_units = 0;

  assay_chart_spec_set_empty_text (spec, key == NULL ? _("No key figures yet")
                                                     : _("No dated values of this figure"));
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, _("Period"), NULL, ASSAY_CHART_SCALE_TIME);
  if (key == NULL)
    return spec;

  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      for (guint i = 0; i < doc->n_figures; i++)
        if (g_str_equal (doc->figures[i].key, key))
          g_ptr_array_add (units, doc->figures[i].unit != NULL ? doc->figures[i].unit : "");
    }
  unit = common_unit (units);

  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      for (guint i = 0; i < doc->n_figures; i++)
        {
          Figure *f = &doc->figures[i];
          Point p = { .y = f->value, .doc = d };

          if (!g_str_equal (f->key, key))
            continue;
          if (!g_str_equal (f->unit != NULL ? f->unit : "", unit))
            {
              other_units++;
              continue;
            }
          if (!f->dated)
            {
              skipped++;
              continue;
            }
          p.x = f->time;
          p.period = f->period;
          /* Translators: a point's tooltip: the document, then the period */
          p.note = g_strdup_printf (_("%s · %s"), doc->name != NULL ? doc->name : "", f->period);
          g_array_append_val (points, p);
        }
    }

  g_array_sort (points, point_compare);
  x = g_new (double, MAX (points->len, 1));
  y = g_new (double, MAX (points->len, 1));
  ids = g_new (guint, MAX (points->len, 1));
  for (guint i = 0; i < points->len; i++)
    {
      Point *p = &g_array_index (points, Point, i);

      x[i] = p->x;
      y[i] = p->y;
      ids[i] = p->doc;
      g_ptr_array_add (notes, p->note);
    }
  g_ptr_array_add (notes, NULL);

  /* The line goes through each period's median: documents of the same
   * period (a shelf of manuals dated alike) are dots on one point in
   * time, not a line up and down between them. */
  line_x = g_new (double, MAX (points->len, 1));
  line_y = g_new (double, MAX (points->len, 1));
  line_ids = g_new (guint, MAX (points->len, 1));
  for (guint i = 0; i < points->len;)
    {
      guint j = i;

      while (j < points->len && x[j] == x[i])
        j++;
      line_x[n_periods] = x[i];
      if (j - i == 1)
        {
          line_y[n_periods] = y[i];
          line_ids[n_periods] = ids[i];
          g_ptr_array_add (line_notes, g_strdup (g_ptr_array_index (notes, i)));
        }
      else
        {
          g_autofree double *values = g_memdup2 (y + i, (j - i) * sizeof (double));
          guint n = j - i;

          qsort (values, n, sizeof (double), double_compare);
          line_y[n_periods] = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
          line_ids[n_periods] = G_MAXUINT;   /* no one document's */
          /* Translators: a point's tooltip on the over-time line: how many
           * documents it is the median of, then the period */
          g_ptr_array_add (line_notes,
                           g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Median of %u document · %s",
                                                         "Median of %u documents · %s", n),
                                            n, g_array_index (points, Point, i).period));
          shared_periods = TRUE;
        }
      n_periods++;
      i = j;
    }
  g_ptr_array_add (line_notes, NULL);

  if (n_periods > 1)
    {
      series = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, name, line_x, line_y, n_periods);
      assay_chart_series_set_notes (series, (const char * const *) line_notes->pdata);
      assay_chart_series_set_ids (series, line_ids);
      assay_chart_series_set_unit (series, unit[0] != '\0' ? unit : NULL);
      assay_chart_spec_add_series (spec, series);
    }
  /* Each value a dot: each is one document's. */
  if (points->len > 0)
    {
      g_autoptr(AssayChartSeries) dots = assay_chart_series_new_xy (ASSAY_CHART_KIND_SCATTER,
                                                                    n_periods > 1 ? NULL : name,
                                                                    x, y, points->len);

      assay_chart_series_set_notes (dots, (const char * const *) notes->pdata);
      assay_chart_series_set_ids (dots, ids);
      assay_chart_series_set_unit (dots, unit[0] != '\0' ? unit : NULL);
      assay_chart_series_set_color (dots, 0);
      assay_chart_spec_add_series (spec, dots);
    }
  for (guint i = 0; i < points->len; i++)
    g_free (g_array_index (points, Point, i).note);

  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL, unit[0] != '\0' ? unit : NULL,
                             ASSAY_CHART_SCALE_LINEAR);
  if (skipped > 0 || other_units > 0 || (shared_periods && n_periods > 1))
    {
      g_autofree char *a = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u value without a period",
                                                         "%u values without a period", skipped), skipped);
      g_autofree char *b = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u in other units",
                                                         "%u in other units", other_units), other_units);
      g_autofree char *left_out = NULL;
      g_autofree char *subtitle = NULL;

      if (skipped > 0 && other_units > 0)
        /* Translators: two reasons values are not charted, joined */
        left_out = g_strdup_printf (_("%s, %s: not shown"), a, b);
      else if (skipped > 0 || other_units > 0)
        left_out = g_strdup_printf (_("%s: not shown"), skipped > 0 ? a : b);
      if (shared_periods && n_periods > 1)
        /* Translators: the over-time chart's subtitle when several
         * documents share a period; %s: what was left out, or nothing */
        subtitle = left_out != NULL ? g_strdup_printf (_("The line joins each period’s median · %s"), left_out)
                                    : g_strdup (_("The line joins each period’s median"));
      else
        subtitle = g_steal_pointer (&left_out);
      assay_chart_spec_set_subtitle (spec, subtitle);
    }
  return spec;
}

static AssayChartSpec *
build_totals (GPtrArray *docs)
{
  AssayChartSpec *spec = assay_chart_spec_new (_("Totals by document"));
  g_autoptr(GPtrArray) units = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AssayChartSeries) series = NULL;
  const char *unit;

  assay_chart_spec_set_empty_text (spec, _("No totals found"));
  assay_chart_spec_set_horizontal (spec, TRUE);

  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      for (guint i = 0; i < doc->n_figures; i++)
        if (strstr (doc->figures[i].key, "total") != NULL)
          g_ptr_array_add (units, doc->figures[i].unit != NULL ? doc->figures[i].unit : "");
    }
  unit = common_unit (units);

  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);
      double sum = 0;
      guint n = 0;

      for (guint i = 0; i < doc->n_figures; i++)
        if (strstr (doc->figures[i].key, "total") != NULL &&
            g_str_equal (doc->figures[i].unit != NULL ? doc->figures[i].unit : "", unit))
          {
            sum += doc->figures[i].value;
            n++;
          }
      if (n == 0)
        continue;
      g_ptr_array_add (labels, doc->name != NULL ? doc->name : "");
      g_array_append_val (values, sum);
      g_array_append_val (ids, d);
    }
  g_ptr_array_add (labels, NULL);

  series = assay_chart_series_new_bars (_("Total"), (const char * const *) labels->pdata,
                                        (const double *) (gpointer) values->data, values->len);
  assay_chart_series_set_ids (series, (const guint *) (gpointer) ids->data);
  assay_chart_series_set_unit (series, unit[0] != '\0' ? unit : NULL);
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL, unit[0] != '\0' ? unit : NULL,
                             ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_subtitle (spec, _("Sum of the figures labelled “total…” in each document"));
  return spec;
}

static AssayChartSpec *
build_benford (GPtrArray *docs)
{
  guint64 counts[9] = { 0 };
  guint64 n = 0;
  double observed[9], expected[9], mad = 0;
  AssayBenfordVerdict verdict;
  AssayChartsDocument input = { 0 };

  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      for (guint i = 0; i < 9; i++)
        {
          counts[i] += doc->benford_counts[i];
          n += doc->benford_counts[i];
        }
    }

  for (guint i = 0; i < 9; i++)
    {
      expected[i] = log10 (1.0 + 1.0 / (i + 1));
      observed[i] = n > 0 ? (double) counts[i] / n : 0;
      mad += fabs (observed[i] - expected[i]) / 9;
    }
  /* Nigrini's first-digit ranges, as each document's verdict. */
  if (n < ASSAY_BENFORD_MIN_COUNT)
    verdict = ASSAY_BENFORD_INSUFFICIENT_DATA;
  else if (mad < 0.006)
    verdict = ASSAY_BENFORD_CLOSE;
  else if (mad < 0.012)
    verdict = ASSAY_BENFORD_ACCEPTABLE;
  else if (mad < 0.015)
    verdict = ASSAY_BENFORD_MARGINAL;
  else
    verdict = ASSAY_BENFORD_NONCONFORMING;

  input.name = "corpus";
  input.benford_observed = n > 0 ? observed : NULL;
  input.benford_expected = expected;
  input.benford_n = (guint) MIN (n, G_MAXUINT);
  input.benford_verdict = assay_benford_verdict_to_string (verdict);
  return assay_charts_document_benford (&input);
}

static AssayChartSpec *
build_verification (GPtrArray *docs,
                    guint     *total,
                    guint     *verified)
{
  AssayChartSpec *spec = assay_chart_spec_new (_("Verification by document"));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AssayChartSeries) series = NULL;
  g_autofree char *subtitle = NULL;

  *total = *verified = 0;
  assay_chart_spec_set_empty_text (spec, _("Nothing extracted to check yet"));
  assay_chart_spec_set_horizontal (spec, TRUE);
  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);
      double share;

      *total += doc->verification_total;
      *verified += doc->verified;
      if (doc->verification_total == 0)
        continue;
      share = 100.0 * doc->verified / doc->verification_total;
      g_ptr_array_add (labels, doc->name != NULL ? doc->name : "");
      g_ptr_array_add (notes, g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u of %u number found on its page",
                                                            "%u of %u numbers found on their page",
                                                            doc->verification_total),
                                               doc->verified, doc->verification_total));
      g_array_append_val (values, share);
      g_array_append_val (ids, d);
    }
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (notes, NULL);

  series = assay_chart_series_new_bars (_("Verified"), (const char * const *) labels->pdata,
                                        (const double *) (gpointer) values->data, values->len);
  assay_chart_series_set_ids (series, (const guint *) (gpointer) ids->data);
  assay_chart_series_set_notes (series, (const char * const *) notes->pdata);
  assay_chart_series_set_unit (series, "%");
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL, "%", ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis_range (spec, ASSAY_CHART_AXIS_Y, 0, 100);
  if (*total > 0)
    {
      subtitle = g_strdup_printf (_("%.1f %% of %u extracted numbers found on their page"),
                                  100.0 * *verified / *total, *total);
      assay_chart_spec_set_subtitle (spec, subtitle);
      assay_chart_spec_set_subtitle_tone (spec, *verified == *total ? ASSAY_CHART_TONE_GOOD
                                                                   : *verified * 10 >= *total * 9
                                                                   ? ASSAY_CHART_TONE_NEUTRAL
                                                                   : ASSAY_CHART_TONE_WARNING);
    }
  return spec;
}

static void
group_clear (gpointer data)
{
  AssayChartsCorpusGroup *group = data;

  g_clear_pointer (&group->members, g_free);
  g_clear_pointer (&group->similarities, g_free);
}

/* Groups as `near_duplicate_groups` forms them (assay-corpus.c): the same
 * index, threshold and order; ids are positions in @docs. */
static GArray *
find_groups (GPtrArray *docs)
{
  g_autoptr(AssayMinhashIndex) index = assay_minhash_index_new ();
  g_autoptr(GArray) members = NULL;
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (AssayChartsCorpusGroup));

  g_array_set_clear_func (groups, group_clear);
  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      if (doc->has_signature)
        assay_minhash_index_add (index, d, &doc->signature);
    }
  if (assay_minhash_index_get_size (index) < 2)
    return groups;

  members = assay_minhash_index_find_groups (index, ASSAY_CHARTS_CORPUS_DUPLICATE_THRESHOLD);
  for (guint i = 0, end; i < members->len; i = end)
    {
      const AssayMinhashMember *first = &g_array_index (members, AssayMinhashMember, i);
      AssayChartsCorpusGroup group = { 0 };

      for (end = i + 1;
           end < members->len && g_array_index (members, AssayMinhashMember, end).representative == first->id;
           end++)
        ;
      group.representative = first->id;
      group.n_members = end - i - 1;
      group.members = g_new (guint, MAX (group.n_members, 1));
      group.similarities = g_new (double, MAX (group.n_members, 1));
      for (guint m = 0; m < group.n_members; m++)
        {
          const AssayMinhashMember *member = &g_array_index (members, AssayMinhashMember, i + 1 + m);

          group.members[m] = member->id;
          group.similarities[m] = member->similarity;
        }
      g_array_append_val (groups, group);
    }
  return groups;
}

static AssayChartSpec *
build_near_duplicates (GPtrArray *docs,
                       GArray    *groups)
{
  AssayChartSpec *spec = assay_chart_spec_new (_("Near-duplicates"));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AssayChartSeries) series = NULL;
  guint n_documents = 0;

  assay_chart_spec_set_empty_text (spec, _("No near-duplicate documents"));
  assay_chart_spec_set_horizontal (spec, TRUE);

  /* One bar a member, named with the first of its group ("b.pdf ≈ a.pdf"):
   * its likeness to that document. */
  for (guint g = 0; g < groups->len; g++)
    {
      const AssayChartsCorpusGroup *group = &g_array_index (groups, AssayChartsCorpusGroup, g);
      AssayChartsCorpusDoc *first = g_ptr_array_index (docs, group->representative);
      const char *first_name = first->name != NULL ? first->name : "";

      n_documents += group->n_members + 1;
      for (guint m = 0; m < group->n_members; m++)
        {
          AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, group->members[m]);
          const char *name = doc->name != NULL ? doc->name : "";
          /* Whole percents, rounded as printf rounds them: the bar's
           * value reads as its tooltip and the dashboard's groups list. */
          double share = nearbyint (100.0 * group->similarities[m]);

          /* Translators: a bar's label: a document, and the one its text is like */
          g_ptr_array_add (labels, g_strdup_printf (_("%s ≈ %s"), name, first_name));
          /* Translators: a bar's tooltip: the similarity, the document it is like, the group's number */
          g_ptr_array_add (notes, g_strdup_printf (_("%.0f %% like %s · group %u"), share, first_name, g + 1));
          g_array_append_val (values, share);
          g_array_append_val (ids, group->members[m]);
        }
    }
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (notes, NULL);

  series = assay_chart_series_new_bars (_("Similarity"), (const char * const *) labels->pdata,
                                        (const double *) (gpointer) values->data, values->len);
  assay_chart_series_set_ids (series, (const guint *) (gpointer) ids->data);
  assay_chart_series_set_notes (series, (const char * const *) notes->pdata);
  assay_chart_series_set_unit (series, "%");
  assay_chart_spec_add_series (spec, series);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, NULL, "%", ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis_range (spec, ASSAY_CHART_AXIS_Y, 0, 100);
  if (groups->len > 0)
    {
      g_autofree char *a = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u group", "%u groups",
                                                         groups->len), groups->len);
      g_autofree char *b = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u document",
                                                         "%u documents", n_documents), n_documents);
      /* Translators: "3 groups of 7 documents", from the two strings before */
      g_autofree char *subtitle = g_strdup_printf (_("%s of %s whose text is alike"), a, b);

      assay_chart_spec_set_subtitle (spec, subtitle);
      assay_chart_spec_set_subtitle_tone (spec, ASSAY_CHART_TONE_WARNING);
    }
  return spec;
}

/**
 * assay_charts_corpus_build:
 * @docs: (element-type AssayChartsCorpusDoc): the documents, in the list's order
 * @label: (nullable): the normalised label to chart over time; %NULL or
 *   one not found: the label with a period in most documents (of those,
 *   the one most documents have)
 *
 * Any thread; @docs is only read.
 *
 * Returns: (transfer full): the charts
 */
AssayChartsCorpus *
assay_charts_corpus_build (GPtrArray  *docs,
                           const char *label)
{
  AssayChartsCorpus *corpus = g_new0 (AssayChartsCorpus, 1);
  g_autoptr(GHashTable) by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (label_count_free);
  const char *chosen = NULL, *chosen_name = NULL;

  g_return_val_if_fail (docs != NULL, corpus);

  corpus->n_documents = docs->len;
  for (guint d = 0; d < docs->len; d++)
    {
      AssayChartsCorpusDoc *doc = g_ptr_array_index (docs, d);

      corpus->n_figures += doc->n_figures;
      for (guint i = 0; i < doc->n_figures; i++)
        {
          LabelCount *c = g_hash_table_lookup (by_key, doc->figures[i].key);

          if (doc->figures[i].key[0] == '\0')
            continue;
          if (c == NULL)
            {
              c = g_new0 (LabelCount, 1);
              c->key = g_strdup (doc->figures[i].key);
              c->name = g_strdup (doc->figures[i].label);
              g_hash_table_insert (by_key, c->key, c);
              g_ptr_array_add (counts, c);
            }
          if (c->last_doc != d + 1)
            {
              c->n_documents++;
              c->last_doc = d + 1;
            }
          if (doc->figures[i].dated)
            c->n_dated_values++;
          if (doc->figures[i].dated && c->last_dated_doc != d + 1)
            {
              c->n_dated++;
              c->last_dated_doc = d + 1;
            }
        }
    }
  g_ptr_array_sort (counts, label_count_compare);

  corpus->label_keys = g_new0 (char *, counts->len + 1);
  corpus->label_names = g_new0 (char *, counts->len + 1);
  for (guint i = 0; i < counts->len; i++)
    {
      LabelCount *c = g_ptr_array_index (counts, i);

      corpus->label_keys[i] = g_strdup (c->key);
      corpus->label_names[i] = g_strdup (c->name);
      if (label != NULL && g_str_equal (label, c->key))
        {
          chosen = c->key;
          chosen_name = c->name;
        }
    }
  /* By default the figure dated in most documents, so that the chart has a
   * line; of those, the one with most dated values (a series of years in
   * one report rather than a single dot); most documents first when there
   * is none. */
  if (chosen == NULL && counts->len > 0)
    {
      LabelCount *best = g_ptr_array_index (counts, 0);

      for (guint i = 0; i < counts->len; i++)
        {
          LabelCount *c = g_ptr_array_index (counts, i);

          if (c->n_dated > best->n_dated ||
              (c->n_dated == best->n_dated && c->n_dated_values > best->n_dated_values))
            best = c;
        }
      chosen = best->key;
      chosen_name = best->name;
    }

  corpus->label = g_strdup (chosen);
  corpus->over_time = build_over_time (docs, chosen, chosen_name);
  corpus->totals = build_totals (docs);
  corpus->benford = build_benford (docs);
  corpus->verification = build_verification (docs, &corpus->n_checked, &corpus->n_verified);
  corpus->groups = find_groups (docs);
  corpus->near_duplicates = build_near_duplicates (docs, corpus->groups);
  return corpus;
}

void
assay_charts_corpus_free (AssayChartsCorpus *corpus)
{
  if (corpus == NULL)
    return;

  g_clear_pointer (&corpus->over_time, assay_chart_spec_unref);
  g_clear_pointer (&corpus->totals, assay_chart_spec_unref);
  g_clear_pointer (&corpus->benford, assay_chart_spec_unref);
  g_clear_pointer (&corpus->verification, assay_chart_spec_unref);
  g_clear_pointer (&corpus->near_duplicates, assay_chart_spec_unref);
  g_clear_pointer (&corpus->groups, g_array_unref);
  g_strfreev (corpus->label_keys);
  g_strfreev (corpus->label_names);
  g_free (corpus->label);
  g_free (corpus);
}

const char * const assay_charts_corpus_ids[] = {
  "over-time",
  "totals",
  "benford",
  "verification",
  "near-duplicates",
  NULL
};

/**
 * assay_charts_corpus_get_chart:
 * @id: one of assay_charts_corpus_ids
 *
 * Returns: (transfer none) (nullable): the chart, %NULL for an unknown id
 */
AssayChartSpec *
assay_charts_corpus_get_chart (AssayChartsCorpus *corpus,
                               const char        *id)
{
  g_return_val_if_fail (corpus != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (g_str_equal (id, "over-time"))
    return corpus->over_time;
  if (g_str_equal (id, "totals"))
    return corpus->totals;
  if (g_str_equal (id, "benford"))
    return corpus->benford;
  if (g_str_equal (id, "verification"))
    return corpus->verification;
  if (g_str_equal (id, "near-duplicates"))
    return corpus->near_duplicates;
  return NULL;
}

/**
 * assay_charts_export_corpus:
 * @corpus: the corpus's charts (assay_charts_corpus_build())
 * @dir: an existing directory
 * @palette: (nullable): colours; NULL for the light palette
 * @written: (nullable) (element-type filename): gets the paths written
 * @error: return location for an error
 *
 * Writes corpus-over-time, corpus-totals, corpus-benford,
 * corpus-verification and corpus-near-duplicates, each as .svg and .png at
 * 800 × 480 (horizontal bars taller when there are many), atomically.
 * Charts without data are written with their empty text. Any thread.
 *
 * Returns: whether every file was written
 */
gboolean
assay_charts_export_corpus (AssayChartsCorpus       *corpus,
                            const char              *dir,
                            const AssayChartPalette *palette,
                            GPtrArray               *written,
                            GError                 **error)
{
  g_return_val_if_fail (corpus != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint c = 0; assay_charts_corpus_ids[c] != NULL; c++)
    {
      AssayChartSpec *spec = assay_charts_corpus_get_chart (corpus, assay_charts_corpus_ids[c]);
      guint height = 480;

      /* Horizontal bars get room for their labels, as a document's do. */
      if (assay_chart_spec_get_horizontal (spec) && assay_chart_spec_get_n_series (spec) > 0)
        {
          guint n = assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, 0));

          height = MAX (height, MIN (4000, 110 + 24 * n));
        }

      for (guint f = 0; f < 2; f++)
        {
          g_autofree char *file = g_strdup_printf ("corpus-%s.%s", assay_charts_corpus_ids[c],
                                                   f == 0 ? "svg" : "png");
          g_autofree char *path = g_build_filename (dir, file, NULL);

          if (!assay_chart_export (spec, palette, f == 0 ? ASSAY_CHART_FORMAT_SVG : ASSAY_CHART_FORMAT_PNG,
                                   800, height, path, error))
            return FALSE;
          if (written != NULL)
            g_ptr_array_add (written, g_steal_pointer (&path));
        }
    }
  return TRUE;
}
