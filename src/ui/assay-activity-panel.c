/* assay-activity-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A one-second timer runs only while the panel is mapped. Each tick reads
 * the metrics (a snapshot per stage: a few counters and percentiles over a
 * bounded reservoir) and updates the labels that changed. Finished documents are remembered as they finish
 * ("document-finished": when, their pages, for the last ten minutes; their
 * stage times for the last ASSAY_ACTIVITY_PANEL_MAX_TIMELINE), so no tick
 * walks the document list.
 * The timeline lays each document's stage times end to end from its start:
 * waits between stages are not measured per document, so they are not
 * drawn.
 */
#define G_LOG_DOMAIN "assay-activity-panel"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-activity-panel.h"
#include "assay-cluster-worker-info.h"

#define N_COLUMNS      8
#define WINDOW_US      (60 * G_USEC_PER_SEC)        /* the rate shown: the last minute */
#define HISTORY_US     (600 * G_USEC_PER_SEC)       /* the history charted */
#define BIN_US         (10 * G_USEC_PER_SEC)

typedef struct
{
  char   *name;
  gint64  started_at;
  double  stage_ms[ASSAY_N_STAGES];
} Finished;

/* A document finished: when, and its pages. */
typedef struct
{
  gint64  time;
  guint   done;
  guint   pages;
} Sample;

struct _AssayActivityPanel
{
  GtkWidget       parent_instance;

  AssayPipeline  *pipeline;
  gulong          finished_id;
  GSettings      *settings;    /* the token prices; nullable */
  guint           timer;

  GArray         *samples;     /* Sample, oldest first, the last HISTORY_US */
  GPtrArray      *finished;    /* Finished, oldest first */
  gboolean        timeline_dirty;

  GtkLabel       *cells[ASSAY_N_STAGES][N_COLUMNS];
  GtkGrid        *stage_grid;
  GtkLabel       *throughput_label;
  GtkLabel       *totals_label;
  AssayChart     *throughput_chart;
  AssayChart     *timeline_chart;

  GListModel     *workers;     /* AssayClusterWorkerInfo; nullable */
  GtkWidget      *workers_box;
  GtkListBox     *workers_list;
};

G_DEFINE_FINAL_TYPE (AssayActivityPanel, assay_activity_panel, GTK_TYPE_WIDGET)

static const AssayStage shown_stages[] = {
  ASSAY_STAGE_HASH, ASSAY_STAGE_CACHE, ASSAY_STAGE_READ,
  ASSAY_STAGE_EXTRACT, ASSAY_STAGE_ANALYSE, ASSAY_STAGE_STORE,
};

static const char *
stage_title (AssayStage stage)
{
  switch (stage)
    {
    case ASSAY_STAGE_HASH:
      return C_("stage", "Hash");
    case ASSAY_STAGE_CACHE:
      return C_("stage", "Earlier results");
    case ASSAY_STAGE_READ:
      return C_("stage", "Read");
    case ASSAY_STAGE_EXTRACT:
      return C_("stage", "Extract");
    case ASSAY_STAGE_ANALYSE:
      return C_("stage", "Analyse");
    case ASSAY_STAGE_STORE:
      return C_("stage", "Store");
    case ASSAY_N_STAGES:
    default:
      return "";
    }
}

static void
finished_free (gpointer data)
{
  Finished *f = data;

  g_free (f->name);
  g_free (f);
}

static void
set_cell (GtkLabel   *label,
          const char *text)
{
  if (g_strcmp0 (gtk_label_get_label (label), text) != 0)
    gtk_label_set_label (label, text);
}

static char *
format_ms (double ms,
           guint  n_samples)
{
  if (n_samples == 0 || !isfinite (ms))
    return g_strdup ("—");
  if (ms >= 10000)
    return g_strdup_printf (_("%.0f s"), ms / 1000);
  if (ms >= 1000)
    return g_strdup_printf (_("%.1f s"), ms / 1000);
  return g_strdup_printf (_("%.0f ms"), ms);
}

static void
update_table (AssayActivityPanel *self)
{
  AssayMetrics *metrics = assay_pipeline_get_metrics (self->pipeline);
  guint64 prompt_tokens = 0, completion_tokens = 0, retries = 0;

  for (guint s = 0; s < G_N_ELEMENTS (shown_stages); s++)
    {
      AssayStage stage = shown_stages[s];
      AssayStageSnapshot snap;
      guint n = assay_metrics_get_n_samples (metrics, stage);
      char *text[N_COLUMNS];

      assay_metrics_snapshot (metrics, stage, &snap);
      text[0] = g_strdup_printf ("%u", snap.queued);
      text[1] = g_strdup_printf ("%u", snap.in_flight);
      text[2] = g_strdup_printf ("%" G_GUINT64_FORMAT, snap.done);
      text[3] = g_strdup_printf ("%" G_GUINT64_FORMAT, snap.failed);
      text[4] = g_strdup_printf ("%" G_GUINT64_FORMAT, snap.retries);
      text[5] = format_ms (snap.p50_ms, n);
      text[6] = format_ms (snap.p90_ms, n);
      text[7] = format_ms (snap.p99_ms, n);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          set_cell (self->cells[stage][c], text[c]);
          g_free (text[c]);
        }
      /* Tokens counted as a sum only (assay_metrics_add_tokens()) are input. */
      prompt_tokens += snap.tokens - MIN (snap.tokens, snap.completion_tokens);
      completion_tokens += snap.completion_tokens;
      retries += snap.retries;
    }

  {
    g_autofree char *totals = assay_activity_panel_format_totals (prompt_tokens, completion_tokens, retries,
                                                                  self->settings);

    set_cell (self->totals_label, totals);
  }
}

/* 1500000 → "1 500 000", thin no-break spaces between thousands (SI
 * style, as readable in any language). */
static char *
format_count (guint64 n)
{
  g_autofree char *digits = g_strdup_printf ("%" G_GUINT64_FORMAT, n);
  GString *out = g_string_new (NULL);
  gsize len = strlen (digits);

  for (gsize i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append (out, "\u202f");
      g_string_append_c (out, digits[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * assay_activity_panel_format_totals:
 * @settings: (nullable): where the prices are ("price-input",
 *   "price-output" per million tokens, "price-currency")
 *
 * "1 200 tokens in, 300 out · ≈ 0.01 USD · 2 retries"; the cost only when
 * the provider has a price (either price above 0).
 *
 * Returns: (transfer full): the totals line of the panel
 */
char *
assay_activity_panel_format_totals (guint64    prompt_tokens,
                                    guint64    completion_tokens,
                                    guint64    retries,
                                    GSettings *settings)
{
  double input_price = settings != NULL ? g_settings_get_double (settings, "price-input") : 0;
  double output_price = settings != NULL ? g_settings_get_double (settings, "price-output") : 0;
  g_autofree char *tokens = NULL;
  g_autofree char *retries_text = NULL;
  g_autofree char *in = format_count (prompt_tokens);
  g_autofree char *out = format_count (completion_tokens);

  /* Translators: tokens sent to the model, then tokens it wrote (numbers
   * with their thousands already apart: "1 500 000") */
  tokens = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s token in, %s out", "%s tokens in, %s out",
                                         (unsigned long) MIN (prompt_tokens, G_MAXULONG)),
                            in, out);
  retries_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%llu retry", "%llu retries",
                                               (unsigned long) MIN (retries, G_MAXULONG)),
                                  (unsigned long long) retries);

  if (input_price > 0 || output_price > 0)
    {
      g_autofree char *currency = g_settings_get_string (settings, "price-currency");
      double cost = (prompt_tokens * input_price + completion_tokens * output_price) / 1e6;
      g_autofree char *amount = NULL;
      g_autofree char *estimate = NULL;

      g_strstrip (currency);
      if (cost > 0 && cost < 0.01)
        /* Translators: an estimated cost under a cent; %s is the currency */
        estimate = g_strdup_printf (_("under 0.01 %s"), currency);
      else
        {
          amount = g_strdup_printf ("%.2f", cost);
          /* Translators: an estimated cost: the amount, then the currency */
          estimate = g_strdup_printf (_("≈ %s %s"), amount, currency);
        }
      /* Translators: tokens in and out · their estimated cost · requests retried */
      return g_strdup_printf (_("%s · %s · %s"), tokens, estimate, retries_text);
    }

  /* Translators: tokens in and out · requests retried */
  return g_strdup_printf (_("%s · %s"), tokens, retries_text);
}

/**
 * assay_activity_panel_set_settings:
 * @settings: (nullable): the application's settings, for the token prices
 *
 * The estimated cost follows the prices as they change.
 */
void
assay_activity_panel_set_settings (AssayActivityPanel *self,
                                   GSettings          *settings)
{
  g_return_if_fail (ASSAY_IS_ACTIVITY_PANEL (self));
  g_return_if_fail (settings == NULL || G_IS_SETTINGS (settings));

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->settings, settings);
  if (settings != NULL)
    {
      g_signal_connect_object (settings, "changed::price-input", G_CALLBACK (assay_activity_panel_refresh),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::price-output", G_CALLBACK (assay_activity_panel_refresh),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::price-currency", G_CALLBACK (assay_activity_panel_refresh),
                               self, G_CONNECT_SWAPPED);
    }
  assay_activity_panel_refresh (self);
}

/**
 * assay_activity_panel_get_totals:
 *
 * Returns: the totals line shown (tokens, cost, retries)
 */
const char *
assay_activity_panel_get_totals (AssayActivityPanel *self)
{
  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);

  return gtk_label_get_label (self->totals_label);
}

/* Documents per minute and pages per second over the last minute, and
 * documents per minute in 10-second bins over the last ten minutes, from
 * the times documents finished (whether or not the panel was shown). */
static void
update_throughput (AssayActivityPanel *self)
{
  gint64 now = g_get_monotonic_time ();
  guint64 docs = 0, pages = 0;
  g_autofree char *text = NULL;
  g_autoptr(AssayChartSpec) spec = NULL;
  gint64 first;
  guint n_bins;

  /* Forget what is older than the history shown. */
  while (self->samples->len > 0 &&
         now - g_array_index (self->samples, Sample, 0).time > HISTORY_US)
    g_array_remove_index (self->samples, 0);

  for (guint i = 0; i < self->samples->len; i++)
    {
      const Sample *s = &g_array_index (self->samples, Sample, i);

      if (now - s->time <= WINDOW_US)
        {
          docs += s->done;
          pages += s->pages;
        }
    }
  /* Translators: throughput over the last minute */
  text = g_strdup_printf (_("%.1f documents per minute · %.1f pages per second"),
                          (double) docs, pages / 60.0);
  set_cell (self->throughput_label, text);

  spec = assay_chart_spec_new (_("Throughput"));
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, _("Seconds ago"), "s", ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_Y, _("Documents per minute"), NULL,
                             ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_empty_text (spec, _("No document finished in the last ten minutes"));
  if (self->samples->len > 0)
    {
      g_autofree double *edges = NULL;
      g_autofree guint *counts = NULL;
      g_autoptr(AssayChartSeries) series = NULL;

      first = g_array_index (self->samples, Sample, 0).time;
      n_bins = (guint) MIN (HISTORY_US / BIN_US, (now - first) / BIN_US + 1);
      edges = g_new (double, n_bins + 1);
      counts = g_new0 (guint, n_bins);
      for (guint b = 0; b <= n_bins; b++)
        edges[b] = -((double) (n_bins - b) * BIN_US) / G_USEC_PER_SEC;
      for (guint i = 0; i < self->samples->len; i++)
        {
          const Sample *s = &g_array_index (self->samples, Sample, i);
          gint64 ago = now - s->time;
          gint64 bin = (gint64) n_bins - 1 - ago / BIN_US;

          if (bin >= 0 && bin < n_bins)
            counts[bin] += (guint) s->done * (G_USEC_PER_SEC * 60 / BIN_US);
        }
      series = assay_chart_series_new_histogram (_("Documents per minute"), edges, counts, n_bins);
      assay_chart_spec_add_series (spec, series);
    }
  assay_chart_set_spec (self->throughput_chart, spec);
}

static void
update_timeline (AssayActivityPanel *self)
{
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new (_("Stages of the documents finished last"));
  g_autoptr(GArray) start = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) end = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) row_labels = g_ptr_array_new ();
  gint64 origin = G_MAXINT64;

  if (!self->timeline_dirty)
    return;
  self->timeline_dirty = FALSE;

  assay_chart_spec_set_axis (spec, ASSAY_CHART_AXIS_X, _("Seconds from the first start shown"), "s",
                             ASSAY_CHART_SCALE_LINEAR);
  assay_chart_spec_set_empty_text (spec, _("No document finished yet"));
  assay_chart_spec_set_subtitle (spec, _("Each stage’s time, end to end from the document’s start"));
  assay_chart_spec_set_show_legend (spec, TRUE);

  for (guint i = 0; i < self->finished->len; i++)
    origin = MIN (origin, ((Finished *) g_ptr_array_index (self->finished, i))->started_at);

  for (guint i = 0; i < self->finished->len; i++)
    {
      Finished *f = g_ptr_array_index (self->finished, i);
      double t = (f->started_at - origin) / (double) G_USEC_PER_SEC;

      g_ptr_array_add (row_labels, f->name);
      for (guint s = 0; s < ASSAY_N_STAGES; s++)
        {
          double seconds = f->stage_ms[s] / 1000;

          if (f->stage_ms[s] < 0)
            continue;
          g_array_append_val (start, t);
          t += seconds;
          g_array_append_val (end, t);
          g_array_append_val (rows, i);
          g_ptr_array_add (labels, (gpointer) stage_title (s));
        }
    }
  g_ptr_array_add (labels, NULL);
  g_ptr_array_add (row_labels, NULL);

  if (start->len > 0)
    {
      g_autoptr(AssayChartSeries) series =
        assay_chart_series_new_spans (_("Stages"), (const double *) (gpointer) start->data,
                                      (const double *) (gpointer) end->data,
                                      (const guint *) (gpointer) rows->data,
                                      (const char * const *) labels->pdata, start->len,
                                      (const char * const *) row_labels->pdata, self->finished->len);

      assay_chart_spec_add_series (spec, series);
    }
  gtk_widget_set_size_request (GTK_WIDGET (self->timeline_chart), -1,
                               MAX (240, 120 + 20 * (int) self->finished->len));
  assay_chart_set_spec (self->timeline_chart, spec);
}

/**
 * assay_activity_panel_refresh:
 *
 * Reads the metrics now (the timer does it once a second while shown).
 */
void
assay_activity_panel_refresh (AssayActivityPanel *self)
{
  g_return_if_fail (ASSAY_IS_ACTIVITY_PANEL (self));

  if (self->pipeline == NULL)
    return;
  update_table (self);
  update_throughput (self);
  update_timeline (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  assay_activity_panel_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
document_finished_cb (AssayActivityPanel *self,
                      AssayDocument      *document)
{
  Finished *f;

  if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE)
    return;

  {
    Sample sample = { g_get_monotonic_time (), 1, assay_document_get_n_pages (document) };

    g_array_append_val (self->samples, sample);
  }

  f = g_new0 (Finished, 1);
  f->name = g_strdup (assay_document_get_name (document));
  f->started_at = assay_document_get_started_at (document);
  for (guint s = 0; s < ASSAY_N_STAGES; s++)
    f->stage_ms[s] = assay_document_get_stage_ms (document, s);
  if (self->finished->len >= ASSAY_ACTIVITY_PANEL_MAX_TIMELINE)
    g_ptr_array_remove_index (self->finished, 0);
  g_ptr_array_add (self->finished, f);
  self->timeline_dirty = TRUE;
}

/**
 * assay_activity_panel_set_pipeline:
 * @pipeline: (nullable): the pipeline to watch
 */
void
assay_activity_panel_set_pipeline (AssayActivityPanel *self,
                                   AssayPipeline      *pipeline)
{
  g_return_if_fail (ASSAY_IS_ACTIVITY_PANEL (self));
  g_return_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline));

  if (pipeline == self->pipeline)
    return;

  if (self->pipeline != NULL)
    g_clear_signal_handler (&self->finished_id, self->pipeline);
  g_set_object (&self->pipeline, pipeline);
  g_array_set_size (self->samples, 0);
  g_ptr_array_set_size (self->finished, 0);
  self->timeline_dirty = TRUE;
  if (pipeline != NULL)
    self->finished_id = g_signal_connect_object (pipeline, "document-finished",
                                                 G_CALLBACK (document_finished_cb), self,
                                                 G_CONNECT_SWAPPED);
}

/* ------------------------------------------------------------------------ */
/* The workers of a cluster: a row each, bound to its AssayClusterWorkerInfo */

#define N_WORKER_COLUMNS 6

static const AssayStage worker_stages[] = {
  ASSAY_STAGE_READ, ASSAY_STAGE_EXTRACT, ASSAY_STAGE_ANALYSE,
};

typedef struct
{
  GtkLabel *details;
  GtkLabel *status;
  GtkLabel *cells[G_N_ELEMENTS (worker_stages)][N_WORKER_COLUMNS];
} WorkerRow;

static const char *
role_title (const char *role)
{
  if (g_strcmp0 (role, "extract") == 0)
    /* Translators: a worker's role: it reads and extracts */
    return C_("worker role", "reads and extracts");
  if (g_strcmp0 (role, "analyse") == 0)
    /* Translators: a worker's role */
    return C_("worker role", "analyses");
  if (g_strcmp0 (role, "all") == 0)
    /* Translators: a worker's role */
    return C_("worker role", "every stage");
  return role != NULL ? role : "—";
}

static char *
format_clock (gint64 real_us)
{
  g_autoptr(GDateTime) time = NULL;

  if (real_us <= 0)
    return g_strdup ("—");
  time = g_date_time_new_from_unix_local (real_us / G_USEC_PER_SEC);
  return time != NULL ? g_date_time_format (time, "%X") : g_strdup ("—");
}

static void
worker_row_update (GtkWidget              *box,
                   AssayClusterWorkerInfo *info)
{
  WorkerRow *row = g_object_get_data (G_OBJECT (box), "assay-worker-row");
  const char *host = assay_cluster_worker_info_get_host (info);
  guint in_flight = assay_cluster_worker_info_get_in_flight (info);
  guint slots = assay_cluster_worker_info_get_slots (info);
  g_autofree char *jobs = NULL;
  g_autofree char *details = NULL;
  g_autofree char *clock = format_clock (assay_cluster_worker_info_get_last_seen (info));
  g_autofree char *status = NULL;
  gboolean gone = assay_cluster_worker_info_get_gone (info);

  /* Translators: jobs under way on a worker, of the jobs it takes at once per stage */
  jobs = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u job in flight (%u at once per stage)",
                                       "%u jobs in flight (%u at once per stage)", in_flight),
                          in_flight, slots);
  /* Translators: a worker's host · its role · jobs in flight · done and failed */
  details = g_strdup_printf (_("on %s · %s · %s · %llu done, %llu failed"),
                             host != NULL ? host : _("an unknown host"),
                             role_title (assay_cluster_worker_info_get_role (info)), jobs,
                             (unsigned long long) assay_cluster_worker_info_get_done (info),
                             (unsigned long long) assay_cluster_worker_info_get_failed (info));
  set_cell (row->details, details);

  if (gone)
    /* Translators: a worker not heard from for a while; %s is a time of day */
    status = g_strdup_printf (_("Gone · last seen %s"), clock);
  else
    /* Translators: %s is a time of day */
    status = g_strdup_printf (_("Last seen %s"), clock);
  set_cell (row->status, status);
  if (gone)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row->status), "error");
      gtk_widget_add_css_class (box, "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row->status), "error");
      gtk_widget_remove_css_class (box, "dim-label");
    }

  for (guint s = 0; s < G_N_ELEMENTS (worker_stages); s++)
    {
      AssayStageSnapshot snap;
      gboolean have = assay_cluster_worker_info_get_stage (info, worker_stages[s], &snap);
      char *text[N_WORKER_COLUMNS];

      text[0] = g_strdup_printf ("%u", snap.in_flight);
      text[1] = g_strdup_printf ("%" G_GUINT64_FORMAT, snap.done);
      text[2] = g_strdup_printf ("%" G_GUINT64_FORMAT, snap.failed);
      text[3] = format_ms (snap.p50_ms, have ? 1 : 0);
      text[4] = format_ms (snap.p90_ms, have ? 1 : 0);
      text[5] = format_ms (snap.p99_ms, have ? 1 : 0);
      for (guint c = 0; c < N_WORKER_COLUMNS; c++)
        {
          set_cell (row->cells[s][c], text[c]);
          g_free (text[c]);
        }
    }
}

static GtkWidget *
create_worker_row (gpointer item,
                   gpointer user_data)
{
  AssayClusterWorkerInfo *info = item;
  const char *headings[N_WORKER_COLUMNS] = {
    C_("activity column", "In flight"), C_("activity column", "Done"),
    C_("activity column", "Failed"), C_("activity column", "p50"),
    C_("activity column", "p90"), C_("activity column", "p99"),
  };
  WorkerRow *row = g_new0 (WorkerRow, 1);
  GtkWidget *box, *header, *name, *grid;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_name (box, assay_cluster_worker_info_get_name (info));

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  name = gtk_label_new (assay_cluster_worker_info_get_name (info));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (header), name);
  row->details = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->details, 0);
  gtk_label_set_wrap (row->details, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (row->details), "dim-label");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (row->details));
  row->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (row->status, 1);
  gtk_widget_set_hexpand (GTK_WIDGET (row->status), TRUE);
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (row->status));
  gtk_box_append (GTK_BOX (box), header);

  grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (grid), 4);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 18);
  gtk_widget_set_halign (grid, GTK_ALIGN_START);
  for (guint c = 0; c < N_WORKER_COLUMNS; c++)
    {
      GtkWidget *heading = gtk_label_new (headings[c]);

      gtk_label_set_xalign (GTK_LABEL (heading), 1);
      gtk_widget_add_css_class (heading, "caption-heading");
      gtk_grid_attach (GTK_GRID (grid), heading, c + 1, 0, 1, 1);
    }
  for (guint s = 0; s < G_N_ELEMENTS (worker_stages); s++)
    {
      GtkWidget *title = gtk_label_new (stage_title (worker_stages[s]));

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_grid_attach (GTK_GRID (grid), title, 0, s + 1, 1, 1);
      for (guint c = 0; c < N_WORKER_COLUMNS; c++)
        {
          GtkWidget *cell = gtk_label_new ("—");

          gtk_label_set_xalign (GTK_LABEL (cell), 1);
          gtk_label_set_width_chars (GTK_LABEL (cell), 6);
          gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (GTK_GRID (grid), cell, c + 1, s + 1, 1, 1);
          row->cells[s][c] = GTK_LABEL (cell);
        }
    }
  gtk_box_append (GTK_BOX (box), grid);

  g_object_set_data_full (G_OBJECT (box), "assay-worker-row", row, g_free);
  worker_row_update (box, info);
  g_signal_connect_object (info, "changed", G_CALLBACK (worker_row_update), box, G_CONNECT_SWAPPED);

  return box;
}

static void
workers_changed_cb (AssayActivityPanel *self)
{
  gtk_widget_set_visible (self->workers_box, self->workers != NULL);
}

/**
 * assay_activity_panel_set_workers:
 * @workers: (nullable): a GListModel of AssayClusterWorkerInfo (the
 *   cluster's workers, assay_cluster_submitter_get_workers()); %NULL when
 *   processing locally
 *
 * Shows a row per worker, bound to its figures as they change: name,
 * host, role, jobs in flight, done and failed per stage with their
 * latencies, when it was last heard from, and whether it is gone. The
 * section is hidden without @workers.
 */
void
assay_activity_panel_set_workers (AssayActivityPanel *self,
                                  GListModel         *workers)
{
  g_return_if_fail (ASSAY_IS_ACTIVITY_PANEL (self));
  g_return_if_fail (workers == NULL || G_IS_LIST_MODEL (workers));

  if (workers == self->workers)
    return;
  g_set_object (&self->workers, workers);
  gtk_list_box_bind_model (self->workers_list, workers, workers != NULL ? create_worker_row : NULL,
                           NULL, NULL);
  workers_changed_cb (self);
}

/**
 * assay_activity_panel_get_workers:
 *
 * Returns: (transfer none) (nullable): the workers shown
 */
GListModel *
assay_activity_panel_get_workers (AssayActivityPanel *self)
{
  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);

  return self->workers;
}

static GtkWidget *
find_worker_box (AssayActivityPanel *self,
                 const char         *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->workers_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box;

      if (!GTK_IS_LIST_BOX_ROW (row))
        continue;
      box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));
      if (box != NULL && g_strcmp0 (gtk_widget_get_name (box), name) == 0)
        return box;
    }

  return NULL;
}

/**
 * assay_activity_panel_get_worker_text:
 * @name: a worker's name
 * @column: 0 its details (host, role, jobs in flight, done, failed); 1
 *   its status ("Last seen …", "Gone · last seen …")
 *
 * Returns: (nullable): the text shown in the row of the worker called
 *   @name, or %NULL when there is no such row
 */
const char *
assay_activity_panel_get_worker_text (AssayActivityPanel *self,
                                      const char         *name,
                                      guint               column)
{
  GtkWidget *box;
  WorkerRow *row;

  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);
  g_return_val_if_fail (name != NULL && column < 2, NULL);

  box = find_worker_box (self, name);
  if (box == NULL)
    return NULL;
  row = g_object_get_data (G_OBJECT (box), "assay-worker-row");

  return gtk_label_get_label (column == 0 ? row->details : row->status);
}

/**
 * assay_activity_panel_get_worker_cell:
 * @stage: ASSAY_STAGE_READ, _EXTRACT or _ANALYSE
 * @column: 0 in flight, 1 done, 2 failed, 3 p50, 4 p90, 5 p99
 *
 * Returns: (nullable): the text shown in that cell of the worker called
 *   @name, or %NULL when there is no such row
 */
const char *
assay_activity_panel_get_worker_cell (AssayActivityPanel *self,
                                      const char         *name,
                                      AssayStage          stage,
                                      guint               column)
{
  GtkWidget *box;
  WorkerRow *row;

  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);
  g_return_val_if_fail (name != NULL && column < N_WORKER_COLUMNS, NULL);

  box = find_worker_box (self, name);
  if (box == NULL)
    return NULL;
  row = g_object_get_data (G_OBJECT (box), "assay-worker-row");
  for (guint s = 0; s < G_N_ELEMENTS (worker_stages); s++)
    if (worker_stages[s] == stage)
      return gtk_label_get_label (row->cells[s][column]);

  return NULL;
}

/* ------------------------------------------------------------------------ */

/**
 * assay_activity_panel_get_timeline:
 *
 * Returns: (transfer none): the stages' timeline chart
 */
AssayChart *
assay_activity_panel_get_timeline (AssayActivityPanel *self)
{
  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);

  return self->timeline_chart;
}

/**
 * assay_activity_panel_get_throughput:
 *
 * Returns: (transfer none): the throughput chart
 */
AssayChart *
assay_activity_panel_get_throughput (AssayActivityPanel *self)
{
  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);

  return self->throughput_chart;
}

/**
 * assay_activity_panel_get_cell:
 * @column: 0 queued, 1 in flight, 2 done, 3 failed, 4 retries, 5 p50,
 *   6 p90, 7 p99
 *
 * Returns: (transfer none): the text shown in that cell
 */
const char *
assay_activity_panel_get_cell (AssayActivityPanel *self,
                               AssayStage          stage,
                               guint               column)
{
  g_return_val_if_fail (ASSAY_IS_ACTIVITY_PANEL (self), NULL);
  g_return_val_if_fail (stage < ASSAY_N_STAGES && column < N_COLUMNS, NULL);

  return gtk_label_get_label (self->cells[stage][column]);
}

static void
assay_activity_panel_map (GtkWidget *widget)
{
  AssayActivityPanel *self = ASSAY_ACTIVITY_PANEL (widget);

  GTK_WIDGET_CLASS (assay_activity_panel_parent_class)->map (widget);
  assay_activity_panel_refresh (self);
  if (self->timer == 0)
    {
      self->timer = g_timeout_add_seconds (1, tick_cb, self);
      g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->timer),
                                "[assay] activity panel");
    }
}

static void
assay_activity_panel_unmap (GtkWidget *widget)
{
  AssayActivityPanel *self = ASSAY_ACTIVITY_PANEL (widget);

  g_clear_handle_id (&self->timer, g_source_remove);
  GTK_WIDGET_CLASS (assay_activity_panel_parent_class)->unmap (widget);
}

static void
assay_activity_panel_dispose (GObject *object)
{
  AssayActivityPanel *self = ASSAY_ACTIVITY_PANEL (object);
  GtkWidget *child;

  g_clear_handle_id (&self->timer, g_source_remove);
  assay_activity_panel_set_pipeline (self, NULL);
  if (self->workers_list != NULL)
    assay_activity_panel_set_workers (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_ACTIVITY_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (assay_activity_panel_parent_class)->dispose (object);
}

static void
assay_activity_panel_finalize (GObject *object)
{
  AssayActivityPanel *self = ASSAY_ACTIVITY_PANEL (object);

  g_clear_pointer (&self->samples, g_array_unref);
  g_clear_pointer (&self->finished, g_ptr_array_unref);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (assay_activity_panel_parent_class)->finalize (object);
}

static void
assay_activity_panel_class_init (AssayActivityPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_activity_panel_dispose;
  object_class->finalize = assay_activity_panel_finalize;
  widget_class->map = assay_activity_panel_map;
  widget_class->unmap = assay_activity_panel_unmap;

  g_type_ensure (ASSAY_TYPE_CHART);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "assayactivitypanel");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-activity-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, stage_grid);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, throughput_label);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, totals_label);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, throughput_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, timeline_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, workers_box);
  gtk_widget_class_bind_template_child (widget_class, AssayActivityPanel, workers_list);
}

static void
assay_activity_panel_init (AssayActivityPanel *self)
{
  const char *headings[N_COLUMNS] = {
    C_("activity column", "Queued"), C_("activity column", "In flight"),
    C_("activity column", "Done"), C_("activity column", "Failed"),
    C_("activity column", "Retries"), C_("activity column", "p50"),
    C_("activity column", "p90"), C_("activity column", "p99"),
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  self->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  self->finished = g_ptr_array_new_with_free_func (finished_free);

  for (guint c = 0; c < N_COLUMNS; c++)
    {
      GtkWidget *heading = gtk_label_new (headings[c]);

      gtk_label_set_xalign (GTK_LABEL (heading), 1);
      gtk_widget_add_css_class (heading, "heading");
      gtk_grid_attach (self->stage_grid, heading, c + 1, 0, 1, 1);
    }
  for (guint s = 0; s < G_N_ELEMENTS (shown_stages); s++)
    {
      AssayStage stage = shown_stages[s];
      GtkWidget *title = gtk_label_new (stage_title (stage));

      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_grid_attach (self->stage_grid, title, 0, s + 1, 1, 1);
      for (guint c = 0; c < N_COLUMNS; c++)
        {
          GtkWidget *cell = gtk_label_new ("—");

          gtk_label_set_xalign (GTK_LABEL (cell), 1);
          gtk_label_set_width_chars (GTK_LABEL (cell), 6);
          gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (self->stage_grid, cell, c + 1, s + 1, 1, 1);
          self->cells[stage][c] = GTK_LABEL (cell);
        }
    }
}

/**
 * assay_activity_panel_new:
 *
 * Returns: (transfer floating): a panel watching no pipeline yet
 */
GtkWidget *
assay_activity_panel_new (void)
{
  return g_object_new (ASSAY_TYPE_ACTIVITY_PANEL, NULL);
}
