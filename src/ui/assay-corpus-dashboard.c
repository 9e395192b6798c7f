/* assay-corpus-dashboard.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Results are not kept in memory by the window's pipeline, so each
 * finished document's result is loaded once (parsed on the worker pool),
 * boiled down to an AssayChartsCorpusDoc (a few hundred bytes) and the
 * result let go — on the pool too: the main thread files the summary.
 * A refresh — from one timeout, never per notification — walks the pipeline's list for done documents, queues the loads of those
 * not summarised yet (MAX_LOADS in flight), and when the set of summaries
 * or the chosen figure changed, builds the charts on the worker pool from
 * a copy of the list of (immutable, shared) summaries. A build that ends
 * after a newer one was asked for starts that one; nothing is built while
 * the dashboard is not shown. The charts are laid out and drawn on the
 * pool as well (assay_chart_set_render_pool()).
 */
#define G_LOG_DOMAIN "assay-corpus-dashboard"

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "assay-chart-save.h"
#include "assay-charts-corpus.h"
#include "assay-corpus-dashboard.h"
#include "assay-spinner.h"
#include "assay-string-list.h"

#define MAX_LOADS 2
#define RENDER_PRIORITY -10     /* the builds and the charts' drawing, before the pipeline's jobs */
#define MAX_GROUPS_SHOWN 50     /* the chart and the export have them all */
#define MAX_MEMBERS_SHOWN 30

struct _AssayCorpusDashboard
{
  GtkWidget          parent_instance;

  AssayPipeline     *pipeline;
  GCancellable      *cancellable;
  gulong             items_changed_id;
  gulong             finished_id;

  GHashTable        *summaries;    /* sha256 → AssayChartsCorpusDoc */
  GHashTable        *loading;      /* sha256s loading, queued, or that failed to load */
  GQueue             pending;      /* AssayDocument refs to load */
  guint              n_loads;
  guint              refresh_source;

  GPtrArray         *built_docs;   /* the summaries of the charts shown, in list order */
  /* The charts draw on the pool, so for a moment after a build is applied a
   * chart may still show the one before: which build's documents an item
   * id indexes depends on the description the chart shows. */
  AssayChartSpec    *applied_specs[2][ASSAY_CORPUS_N_CHARTS];   /* this build's, the one before's */
  GPtrArray         *applied_docs[2];
  char              *built_label;
  gboolean           building;
  gboolean           build_again;
  AssayChartsCorpus *corpus;
  char              *label;        /* the chosen figure's key, or NULL: the one dated in most documents */
  gboolean           updating_labels;

  GtkStack          *stack;
  GtkDropDown       *label_dropdown;
  GtkStringList     *label_names;
  GtkInscription    *summary_label;
  AssaySpinner      *spinner;
  AssayChart        *over_time_chart;
  AssayChart        *totals_chart;
  AssayChart        *benford_chart;
  AssayChart        *verification_chart;
  AssayChart        *near_duplicates_chart;
  GtkFlowBox        *charts_box;
  GtkWidget         *groups_box;
  GtkInscription    *groups_summary;
  GtkListBox        *groups_list;
  char              *groups_key;   /* what the list shows (apply_groups()) */
  GPtrArray         *group_rows;   /* the list's expander rows, in order, kept across updates */
  GtkWidget         *more_groups_row;
  AssayCorpusDashboardTimings timings;
};

G_DEFINE_FINAL_TYPE (AssayCorpusDashboard, assay_corpus_dashboard, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PIPELINE,
  PROP_N_DOCUMENTS,
  PROP_LABEL,
  N_PROPS
};

enum {
  DOCUMENT_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_STATIC_ASSERT (ASSAY_CORPUS_N_CHARTS == ASSAY_CHARTS_CORPUS_N_CHARTS);

static void schedule_refresh (AssayCorpusDashboard *self);
static void start_build      (AssayCorpusDashboard *self,
                              GPtrArray            *docs);

/* Building the charts, on the worker pool. */

typedef struct
{
  GPtrArray *docs;
  char      *label;
  gint64     build_us;   /* set on the worker, read in built_cb */
} BuildJob;

static void
build_job_free (BuildJob *job)
{
  g_ptr_array_unref (job->docs);
  g_free (job->label);
  g_free (job);
}

static void
build_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BuildJob *job = task_data;
  gint64 start = g_get_monotonic_time ();
  AssayChartsCorpus *corpus;

  if (g_task_return_error_if_cancelled (task))
    return;
  corpus = assay_charts_corpus_build (job->docs, job->label);
  job->build_us = g_get_monotonic_time () - start;
  g_task_return_pointer (task, corpus, (GDestroyNotify) assay_charts_corpus_free);
}

static void activate_sha256 (AssayCorpusDashboard *self,
                             const char           *sha256);

static void
member_activated_cb (AdwActionRow         *row,
                     AssayCorpusDashboard *self)
{
  activate_sha256 (self, g_object_get_data (G_OBJECT (row), "assay-document-sha256"));
}

static GtkWidget *
member_row_new (AssayCorpusDashboard *self)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Select this document"));
  g_signal_connect_object (row, "activated", G_CALLBACK (member_activated_cb), self, 0);
  return row;
}

/* Shows document @id in a member row: libadwaita's setters do nothing for
 * the text a row has already, so a row that shows what it showed queues
 * no resize (each would lay the window out again). */
static void
update_member_row (AssayCorpusDashboard *self,
                   GtkWidget            *row,
                   guint                 id,
                   const char           *subtitle)
{
  AssayChartsCorpusDoc *doc = g_ptr_array_index (self->built_docs, id);
  const char *name = assay_charts_corpus_doc_get_name (doc);
  const char *sha256 = assay_charts_corpus_doc_get_sha256 (doc);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL ? name : "");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* By content, not position: a row outlives builds that move its document. */
  if (g_strcmp0 (g_object_get_data (G_OBJECT (row), "assay-document-sha256"), sha256) != 0)
    g_object_set_data_full (G_OBJECT (row), "assay-document-sha256", g_strdup (sha256), g_free);
}

/* The rows an expander holds, kept on it: AdwExpanderRow 1.2 has no way to
 * list them. The last may be "and N more". */
typedef struct
{
  GPtrArray *members;
  GtkWidget *more;
} GroupRows;

static void
group_rows_free (GroupRows *rows)
{
  g_ptr_array_unref (rows->members);
  g_free (rows);
}

static GtkWidget *
group_row_new (void)
{
  GtkWidget *expander = adw_expander_row_new ();
  GroupRows *rows = g_new0 (GroupRows, 1);

  rows->members = g_ptr_array_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
  g_object_set_data_full (G_OBJECT (expander), "assay-group-rows", rows, (GDestroyNotify) group_rows_free);
  return expander;
}

/* Sets an "and N more" row's text, making or removing the row. */
static void
set_more_row (GtkWidget   **row,
              const char   *text,
              GtkListBox   *list,
              GtkWidget    *expander)
{
  if (text == NULL)
    {
      if (*row != NULL)
        {
          if (expander != NULL)
            adw_expander_row_remove (ADW_EXPANDER_ROW (expander), *row);
          else
            gtk_list_box_remove (list, *row);
          *row = NULL;
        }
      return;
    }
  if (*row == NULL)
    {
      *row = adw_action_row_new ();
      if (expander != NULL)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), *row);
      else
        gtk_list_box_append (list, *row);
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (*row), text);
}

/* One group in its expander: the rows it has are shown something else
 * only where that changed; rows are added or removed only for a group that
 * grew or shrank. */
static void
update_group_row (AssayCorpusDashboard         *self,
                  GtkWidget                    *expander,
                  const AssayChartsCorpusGroup *group)
{
  GroupRows *rows = g_object_get_data (G_OBJECT (expander), "assay-group-rows");
  AssayChartsCorpusDoc *first = g_ptr_array_index (self->built_docs, group->representative);
  guint n_shown = 1 + MIN (group->n_members, MAX_MEMBERS_SHOWN);
  double low = 1, high = 0;
  g_autofree char *alike = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *more = NULL;

  for (guint m = 0; m < group->n_members; m++)
    {
      low = MIN (low, group->similarities[m]);
      high = MAX (high, group->similarities[m]);
    }
  alike = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u document alike", "%u documents alike",
                                        group->n_members + 1), group->n_members + 1);
  if (high - low < 0.005)
    /* Translators: "3 documents alike · 94 % similar" */
    subtitle = g_strdup_printf (_("%s · %.0f %% similar"), alike, 100 * high);
  else
    /* Translators: "3 documents alike · 91–96 % similar" */
    subtitle = g_strdup_printf (_("%s · %.0f–%.0f %% similar"), alike, 100 * low, 100 * high);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander),
                                 assay_charts_corpus_doc_get_name (first) != NULL
                                 ? assay_charts_corpus_doc_get_name (first) : "");
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);

  /* Members added after "and N more" would come below it: it goes first. */
  if (rows->members->len < n_shown)
    set_more_row (&rows->more, NULL, NULL, expander);
  while (rows->members->len > n_shown)
    {
      adw_expander_row_remove (ADW_EXPANDER_ROW (expander), g_ptr_array_index (rows->members, rows->members->len - 1));
      g_ptr_array_set_size (rows->members, rows->members->len - 1);
    }
  while (rows->members->len < n_shown)
    {
      GtkWidget *row = member_row_new (self);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
      g_ptr_array_add (rows->members, row);
    }

  update_member_row (self, g_ptr_array_index (rows->members, 0), group->representative,
                     _("First of the group"));
  for (guint m = 0; m + 1 < n_shown; m++)
    {
      /* Translators: a document's similarity to the first of its group */
      g_autofree char *similar = g_strdup_printf (_("%.0f %% like the first"),
                                                  100 * group->similarities[m]);

      update_member_row (self, g_ptr_array_index (rows->members, m + 1), group->members[m], similar);
    }

  if (group->n_members > MAX_MEMBERS_SHOWN)
    {
      guint n_more = group->n_members - MAX_MEMBERS_SHOWN;

      more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "and %u more document (see the chart)",
                                           "and %u more documents (see the chart)",
                                           n_more), n_more);
    }
  set_more_row (&rows->more, more, NULL, expander);
}

/* The summaries are inscriptions, sized by lines and characters and not
 * by their text: a new text only redraws them (a GtkLabel's new text
 * would lay the window out again, once a second during a batch). */
static void
set_inscription_text (GtkInscription *inscription,
                      const char     *text)
{
  if (g_strcmp0 (gtk_inscription_get_text (inscription), text) != 0)
    gtk_inscription_set_text (inscription, text);
}

/* The groups as a list, each document a row that selects it; rebuilt only
 * when the groups changed (by document, not by position). */
static void
apply_groups (AssayCorpusDashboard *self)
{
  GArray *groups = self->corpus->groups;
  g_autoptr(GString) key = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint n_shown;

  for (guint g = 0; g < groups->len; g++)
    {
      const AssayChartsCorpusGroup *group = &g_array_index (groups, AssayChartsCorpusGroup, g);

      g_string_append_printf (key, "%p:", g_ptr_array_index (self->built_docs, group->representative));
      for (guint m = 0; m < group->n_members; m++)
        g_string_append_printf (key, "%p=%.3f,", g_ptr_array_index (self->built_docs, group->members[m]),
                                group->similarities[m]);
      g_string_append_c (key, ';');
    }
  gtk_widget_set_visible (self->groups_box, groups->len > 0);
  set_inscription_text (self->groups_summary, assay_chart_spec_get_subtitle (self->corpus->near_duplicates));
  if (self->groups_key != NULL && g_str_equal (self->groups_key, key->str))
    return;
  g_free (self->groups_key);
  self->groups_key = g_strdup (key->str);

  /* Updated in place, group by group: during a batch the groups change a
   * member at a time, and rebuilding the list made every row anew (each
   * widget a resize, from its template's children up to the window). */
  n_shown = MIN (groups->len, MAX_GROUPS_SHOWN);
  while (self->group_rows->len > n_shown)
    {
      gtk_list_box_remove (self->groups_list, g_ptr_array_index (self->group_rows, self->group_rows->len - 1));
      g_ptr_array_set_size (self->group_rows, self->group_rows->len - 1);
    }
  if (self->group_rows->len < n_shown)
    set_more_row (&self->more_groups_row, NULL, self->groups_list, NULL);
  for (guint g = 0; g < n_shown; g++)
    {
      const AssayChartsCorpusGroup *group = &g_array_index (groups, AssayChartsCorpusGroup, g);

      if (g == self->group_rows->len)
        {
          GtkWidget *expander = group_row_new ();

          gtk_list_box_append (self->groups_list, expander);
          g_ptr_array_add (self->group_rows, expander);
          update_group_row (self, expander, group);
          /* The user's choice is kept after this. */
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), groups->len <= 3);
        }
      else
        update_group_row (self, g_ptr_array_index (self->group_rows, g), group);
    }
  if (groups->len > MAX_GROUPS_SHOWN)
    {
      guint more = groups->len - MAX_GROUPS_SHOWN;

      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "and %u more group (see the chart)",
                                           "and %u more groups (see the chart)",
                                           more), more);
    }
  set_more_row (&self->more_groups_row, text, self->groups_list, NULL);
}

static void
apply_corpus (AssayCorpusDashboard *self)
{
  AssayChartsCorpus *corpus = self->corpus;
  g_autofree char *summary = NULL;
  g_autofree char *documents = NULL;
  g_autofree char *figures = NULL;

  gtk_stack_set_visible_child_name (self->stack, corpus->n_documents > 0 ? "charts" : "empty");

  assay_chart_set_spec (self->over_time_chart, corpus->over_time);
  assay_chart_set_spec (self->totals_chart, corpus->totals);
  assay_chart_set_spec (self->benford_chart, corpus->benford);
  assay_chart_set_spec (self->verification_chart, corpus->verification);
  assay_chart_set_spec (self->near_duplicates_chart, corpus->near_duplicates);
  apply_groups (self);

  /* The figures found, most documents first; the chosen one stays chosen. */
  self->updating_labels = TRUE;
  /* In place: the drop-down's popover, open or not, makes list items only
   * for the names that are new. */
  assay_string_list_update (self->label_names,
                            corpus->label_keys != NULL ? (const char * const *) corpus->label_names : NULL);
  for (guint i = 0; corpus->label_keys != NULL && corpus->label_keys[i] != NULL; i++)
    if (g_strcmp0 (corpus->label_keys[i], corpus->label) == 0)
      gtk_drop_down_set_selected (self->label_dropdown, i);
  gtk_widget_set_sensitive (GTK_WIDGET (self->label_dropdown),
                            corpus->label_keys != NULL && corpus->label_keys[0] != NULL);
  self->updating_labels = FALSE;

  documents = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u document", "%u documents",
                                            corpus->n_documents), corpus->n_documents);
  figures = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u key figure", "%u key figures",
                                          corpus->n_figures), corpus->n_figures);
  if (corpus->n_checked > 0)
    /* Translators: documents · key figures · the share of numbers verified */
    summary = g_strdup_printf (_("%s · %s · %.0f %% verified"), documents, figures,
                               100.0 * corpus->n_verified / corpus->n_checked);
  else
    summary = g_strdup_printf (_("%s · %s"), documents, figures);
  set_inscription_text (self->summary_label, summary);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DOCUMENTS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

static void
clear_applied (AssayCorpusDashboard *self)
{
  for (guint g = 0; g < 2; g++)
    {
      for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
        g_clear_pointer (&self->applied_specs[g][kind], assay_chart_spec_unref);
      g_clear_pointer (&self->applied_docs[g], g_ptr_array_unref);
    }
}

/* The descriptions the charts were given by this build, and the one before's. */
static void
record_applied (AssayCorpusDashboard *self)
{
  for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
    {
      g_clear_pointer (&self->applied_specs[1][kind], assay_chart_spec_unref);
      self->applied_specs[1][kind] = self->applied_specs[0][kind];
      self->applied_specs[0][kind] =
        assay_chart_spec_ref (assay_chart_get_spec (assay_corpus_dashboard_get_chart (self, kind)));
    }
  g_clear_pointer (&self->applied_docs[1], g_ptr_array_unref);
  self->applied_docs[1] = self->applied_docs[0];
  self->applied_docs[0] = g_ptr_array_ref (self->built_docs);
}

static void
built_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AssayCorpusDashboard) self = user_data;
  g_autoptr(GError) error = NULL;
  AssayChartsCorpus *corpus;
  BuildJob *job = g_task_get_task_data (G_TASK (result));

  gint64 start = g_get_monotonic_time (), elapsed;

  corpus = g_task_propagate_pointer (G_TASK (result), &error);
  if (corpus == NULL)
    return;   /* cancelled: the dashboard is going */

  self->timings.n_builds++;
  self->timings.build_last_us = job->build_us;
  self->timings.build_max_us = MAX (self->timings.build_max_us, job->build_us);
  self->building = FALSE;
  g_clear_pointer (&self->corpus, assay_charts_corpus_free);
  self->corpus = corpus;
  g_clear_pointer (&self->built_docs, g_ptr_array_unref);
  self->built_docs = g_ptr_array_ref (job->docs);
  g_free (self->built_label);
  self->built_label = g_strdup (job->label);
  apply_corpus (self);
  record_applied (self);
  elapsed = g_get_monotonic_time () - start;
  self->timings.n_applies++;
  self->timings.apply_total_us += elapsed;
  self->timings.apply_max_us = MAX (self->timings.apply_max_us, elapsed);

  if (self->build_again)
    {
      self->build_again = FALSE;
      schedule_refresh (self);
    }
}

static void
start_build (AssayCorpusDashboard *self,
             GPtrArray            *docs)
{
  g_autoptr(GTask) task = NULL;
  BuildJob *job;

  if (self->building)
    {
      self->build_again = TRUE;
      return;
    }

  self->building = TRUE;
  job = g_new0 (BuildJob, 1);
  job->docs = g_ptr_array_ref (docs);
  job->label = g_strdup (self->label);
  /* No source object: the last reference may go on the worker. */
  task = g_task_new (NULL, self->cancellable, built_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_build);
  g_task_set_task_data (task, job, (GDestroyNotify) build_job_free);
  assay_worker_pool_run (_assay_pipeline_get_pool (self->pipeline), task, RENDER_PRIORITY, build_thread);
}

/* Loading results. */

typedef struct
{
  AssayCorpusDashboard *self;
  char                 *sha256;
} Load;

static void start_loads (AssayCorpusDashboard *self);

static void
load_free (Load *load)
{
  g_object_unref (load->self);
  g_free (load->sha256);
  g_free (load);
}

/* On the pool: the loaded result boiled down, and let go there. The result
 * is the dashboard's own (nothing else holds it; it keeps no JSON of the
 * document's), made on a worker too. */
static void
summarise_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AssayDocumentResult *result = task_data;
  AssayChartsCorpusDoc *doc = assay_charts_corpus_doc_new_from_result (result);

  g_task_set_task_data (task, NULL, NULL);   /* the result freed here, not on the main thread */
  g_task_return_pointer (task, doc, (GDestroyNotify) assay_charts_corpus_doc_unref);
}

static void
summarised_cb (GObject      *object,
               GAsyncResult *async_result,
               gpointer      user_data)
{
  Load *load = user_data;
  AssayCorpusDashboard *self = load->self;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  AssayChartsCorpusDoc *doc;

  doc = g_task_propagate_pointer (G_TASK (async_result), &error);
  if (doc == NULL)
    {
      load_free (load);   /* cancelled: the pipeline is going */
      return;
    }

  self->n_loads--;
  g_hash_table_insert (self->summaries, g_strdup (load->sha256), doc);
  g_hash_table_remove (self->loading, load->sha256);
  self->timings.n_summaries++;
  self->timings.summary_max_us = MAX (self->timings.summary_max_us, g_get_monotonic_time () - start);
  start_loads (self);
  schedule_refresh (self);
  load_free (load);
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *async_result,
           gpointer      user_data)
{
  Load *load = user_data;
  AssayCorpusDashboard *self = load->self;
  AssayDocumentResult *result;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;

  result = assay_pipeline_load_result_finish (ASSAY_PIPELINE (object), async_result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      load_free (load);
      return;
    }

  if (result == NULL)
    {
      /* Left in "loading": not asked again in this session. */
      g_debug ("The dashboard could not load a result: %s", error->message);
      self->n_loads--;
      start_loads (self);
      schedule_refresh (self);
      load_free (load);
      return;
    }

  /* Summarised and freed on the pool (the load still counts in n_loads):
   * the main thread only files the summary. No source object: the task may
   * end on a worker. */
  task = g_task_new (NULL, self->cancellable, summarised_cb, load);
  g_task_set_source_tag (task, loaded_cb);
  g_task_set_task_data (task, result, g_object_unref);
  assay_worker_pool_run (_assay_pipeline_get_pool (self->pipeline), task, RENDER_PRIORITY, summarise_thread);
}

static void
start_loads (AssayCorpusDashboard *self)
{
  while (self->n_loads < MAX_LOADS && !g_queue_is_empty (&self->pending))
    {
      g_autoptr(AssayDocument) document = g_queue_pop_head (&self->pending);
      Load *load;

      if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE)
        {
          g_hash_table_remove (self->loading, assay_document_get_sha256 (document));
          continue;
        }

      load = g_new0 (Load, 1);
      load->self = g_object_ref (self);
      load->sha256 = g_strdup (assay_document_get_sha256 (document));
      self->n_loads++;
      assay_pipeline_load_result_async (self->pipeline, document, self->cancellable, loaded_cb, load);
    }

  /* Always there, drawn or not: loads come and go many times a second in
   * a batch, and a change of visibility (or a GtkSpinner's turning) would
   * lay the window out again. */
  assay_spinner_set_spinning (self->spinner, self->n_loads > 0);
}

static gboolean
same_docs (GPtrArray *a,
           GPtrArray *b)
{
  if (a == NULL || b == NULL || a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (a->pdata[i] != b->pdata[i])
      return FALSE;
  return TRUE;
}

/* One walk over the list: what is done, what still needs loading. */
static void
refresh (AssayCorpusDashboard *self)
{
  GListModel *documents;
  g_autoptr(GPtrArray) docs = NULL;
  guint n;

  if (self->pipeline == NULL)
    return;

  documents = assay_pipeline_get_documents (self->pipeline);
  n = g_list_model_get_n_items (documents);
  docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);
      const char *sha256 = assay_document_get_sha256 (document);
      AssayChartsCorpusDoc *summary;

      if (assay_document_get_state (document) != ASSAY_DOCUMENT_DONE || sha256 == NULL)
        continue;
      summary = g_hash_table_lookup (self->summaries, sha256);
      if (summary != NULL)
        g_ptr_array_add (docs, assay_charts_corpus_doc_ref (summary));
      else if (!g_hash_table_contains (self->loading, sha256))
        {
          g_hash_table_add (self->loading, g_strdup (sha256));
          g_queue_push_tail (&self->pending, g_steal_pointer (&document));
        }
    }
  start_loads (self);

  if (self->corpus == NULL || !same_docs (docs, self->built_docs) ||
      g_strcmp0 (self->label, self->built_label) != 0)
    start_build (self, docs);
}

static gboolean
refresh_cb (gpointer user_data)
{
  AssayCorpusDashboard *self = user_data;

  self->refresh_source = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      gint64 start = g_get_monotonic_time (), elapsed;

      refresh (self);
      elapsed = g_get_monotonic_time () - start;
      self->timings.n_refreshes++;
      self->timings.refresh_total_us += elapsed;
      self->timings.refresh_max_us = MAX (self->timings.refresh_max_us, elapsed);
    }
  return G_SOURCE_REMOVE;
}

/* However many documents finish, at most one refresh per period. */
static void
schedule_refresh (AssayCorpusDashboard *self)
{
  if (self->refresh_source != 0 || self->pipeline == NULL)
    return;
  self->refresh_source = g_timeout_add (self->corpus == NULL ? 0 : ASSAY_CORPUS_DASHBOARD_REFRESH_MS,
                                        refresh_cb, self);
  g_source_set_static_name (g_main_context_find_source_by_id (NULL, self->refresh_source),
                            "[assay] corpus dashboard refresh");
}

static void
label_selected_cb (AssayCorpusDashboard *self)
{
  guint selected = gtk_drop_down_get_selected (self->label_dropdown);

  if (self->updating_labels || self->corpus == NULL || self->corpus->label_keys == NULL ||
      selected >= g_strv_length (self->corpus->label_keys))
    return;
  assay_corpus_dashboard_set_label (self, self->corpus->label_keys[selected]);
}

/* The document of that content: "document-activated". */
static void
activate_sha256 (AssayCorpusDashboard *self,
                 const char           *sha256)
{
  GListModel *documents;

  if (self->pipeline == NULL)
    return;

  documents = assay_pipeline_get_documents (self->pipeline);
  for (guint i = 0; sha256 != NULL && i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);

      if (g_strcmp0 (assay_document_get_sha256 (document), sha256) == 0)
        {
          g_signal_emit (self, signals[DOCUMENT_ACTIVATED], 0, document);
          return;
        }
    }
}

static void
chart_activated_cb (AssayCorpusDashboard *self,
                    guint                 series,
                    guint                 index,
                    AssayChart           *chart)
{
  AssayChartSpec *shown = assay_chart_get_shown_spec (chart);
  GPtrArray *docs = NULL;
  guint id;

  if (chart == self->benford_chart)
    return;

  /* The item is one of the picture shown: of this build, or for a moment
   * of the one before; an older picture's item is not guessed at. */
  for (guint g = 0; g < 2 && docs == NULL; g++)
    for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
      if (self->applied_specs[g][kind] == shown && assay_corpus_dashboard_get_chart (self, kind) == chart)
        docs = self->applied_docs[g];
  id = assay_chart_get_item_id (chart, series, index);
  if (docs != NULL && id < docs->len)
    activate_sha256 (self, assay_charts_corpus_doc_get_sha256 (g_ptr_array_index (docs, id)));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AssayCorpusDashboard *self = ASSAY_CORPUS_DASHBOARD (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  AssayChartFormat format = g_str_equal (action_name, "dashboard.save-svg") ? ASSAY_CHART_FORMAT_SVG
                                                                            : ASSAY_CHART_FORMAT_PNG;

  for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
    if (g_str_equal (id, assay_charts_corpus_ids[kind]))
      {
        g_autofree char *stem = g_strdup_printf ("corpus-%s", id);

        assay_chart_save_with_dialog (assay_corpus_dashboard_get_chart (self, kind), format, NULL, stem);
        return;
      }
}

/**
 * assay_corpus_dashboard_set_pipeline:
 * @pipeline: (nullable): the session's pipeline
 */
void
assay_corpus_dashboard_set_pipeline (AssayCorpusDashboard *self,
                                     AssayPipeline        *pipeline)
{
  g_return_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self));
  g_return_if_fail (pipeline == NULL || ASSAY_IS_PIPELINE (pipeline));

  if (pipeline == self->pipeline)
    return;

  if (self->pipeline != NULL)
    {
      g_clear_signal_handler (&self->items_changed_id, assay_pipeline_get_documents (self->pipeline));
      g_clear_signal_handler (&self->finished_id, self->pipeline);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_queue_clear_full (&self->pending, g_object_unref);
  g_hash_table_remove_all (self->summaries);
  g_hash_table_remove_all (self->loading);
  self->n_loads = 0;
  self->building = self->build_again = FALSE;
  g_clear_pointer (&self->built_docs, g_ptr_array_unref);
  clear_applied (self);
  g_clear_pointer (&self->corpus, assay_charts_corpus_free);
  g_clear_pointer (&self->groups_key, g_free);   /* its documents are gone */
  g_clear_handle_id (&self->refresh_source, g_source_remove);

  g_set_object (&self->pipeline, pipeline);
  /* The charts update live: laid out and drawn on the pool, where the
   * charts are built (before the pipeline's own jobs), never in a frame. */
  for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
    assay_chart_set_render_pool (assay_corpus_dashboard_get_chart (self, kind),
                                 pipeline != NULL ? _assay_pipeline_get_pool (pipeline)
                                                  : assay_worker_pool_get_default (),
                                 pipeline != NULL ? RENDER_PRIORITY : G_PRIORITY_DEFAULT);
  if (pipeline != NULL)
    {
      self->items_changed_id =
        g_signal_connect_object (assay_pipeline_get_documents (pipeline), "items-changed",
                                 G_CALLBACK (schedule_refresh), self, G_CONNECT_SWAPPED);
      self->finished_id =
        g_signal_connect_object (pipeline, "document-finished",
                                 G_CALLBACK (schedule_refresh), self, G_CONNECT_SWAPPED);
      schedule_refresh (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PIPELINE]);
}

/**
 * assay_corpus_dashboard_get_chart:
 *
 * Returns: (transfer none): the chart
 */
AssayChart *
assay_corpus_dashboard_get_chart (AssayCorpusDashboard *self,
                                  AssayCorpusChartKind  kind)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), NULL);

  switch (kind)
    {
    case ASSAY_CORPUS_CHART_OVER_TIME:
      return self->over_time_chart;
    case ASSAY_CORPUS_CHART_TOTALS:
      return self->totals_chart;
    case ASSAY_CORPUS_CHART_BENFORD:
      return self->benford_chart;
    case ASSAY_CORPUS_CHART_VERIFICATION:
      return self->verification_chart;
    case ASSAY_CORPUS_CHART_NEAR_DUPLICATES:
      return self->near_duplicates_chart;
    case ASSAY_CORPUS_N_CHARTS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * assay_corpus_dashboard_get_n_documents:
 *
 * Returns: how many documents the charts shown are over
 */
guint
assay_corpus_dashboard_get_n_documents (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), 0);

  return self->corpus != NULL ? self->corpus->n_documents : 0;
}

/**
 * assay_corpus_dashboard_get_n_groups:
 *
 * Returns: how many groups of near-duplicates the charts shown have
 */
guint
assay_corpus_dashboard_get_n_groups (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), 0);

  return self->corpus != NULL ? self->corpus->groups->len : 0;
}

void
_assay_corpus_dashboard_get_timings (AssayCorpusDashboard        *self,
                                     AssayCorpusDashboardTimings *timings)
{
  g_return_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self));

  *timings = self->timings;
}

GtkListBox *
_assay_corpus_dashboard_get_groups_list (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), NULL);

  return self->groups_list;
}

GtkFlowBox *
_assay_corpus_dashboard_get_charts_box (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), NULL);

  return self->charts_box;
}

/**
 * assay_corpus_dashboard_get_label:
 *
 * Returns: (nullable): the (normalised) label of the figure charted over time
 */
const char *
assay_corpus_dashboard_get_label (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), NULL);

  return self->corpus != NULL ? self->corpus->label : self->label;
}

/**
 * assay_corpus_dashboard_get_labels:
 *
 * Returns: (transfer none) (nullable): the labels found, normalised, most
 *   documents first
 */
const char * const *
assay_corpus_dashboard_get_labels (AssayCorpusDashboard *self)
{
  g_return_val_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self), NULL);

  return self->corpus != NULL ? (const char * const *) self->corpus->label_keys : NULL;
}

/**
 * assay_corpus_dashboard_set_label:
 * @label: (nullable): a label as assay_corpus_dashboard_get_labels() gives
 *   them; %NULL for the one dated in most documents
 *
 * Charts that figure over time (rebuilt off the main thread).
 */
void
assay_corpus_dashboard_set_label (AssayCorpusDashboard *self,
                                  const char           *label)
{
  g_return_if_fail (ASSAY_IS_CORPUS_DASHBOARD (self));

  if (g_strcmp0 (label, self->label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  if (self->built_docs != NULL && self->pipeline != NULL)
    start_build (self, self->built_docs);
}

static void
assay_corpus_dashboard_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (assay_corpus_dashboard_parent_class)->map (widget);
  schedule_refresh (ASSAY_CORPUS_DASHBOARD (widget));
}

static void
assay_corpus_dashboard_dispose (GObject *object)
{
  AssayCorpusDashboard *self = ASSAY_CORPUS_DASHBOARD (object);
  GtkWidget *child;

  assay_corpus_dashboard_set_pipeline (self, NULL);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->refresh_source, g_source_remove);
  /* The list's: not references. */
  g_clear_pointer (&self->group_rows, g_ptr_array_unref);
  self->more_groups_row = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), ASSAY_TYPE_CORPUS_DASHBOARD);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (assay_corpus_dashboard_parent_class)->dispose (object);
}

static void
assay_corpus_dashboard_finalize (GObject *object)
{
  AssayCorpusDashboard *self = ASSAY_CORPUS_DASHBOARD (object);

  g_clear_pointer (&self->summaries, g_hash_table_unref);
  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_pointer (&self->built_docs, g_ptr_array_unref);
  clear_applied (self);
  g_clear_pointer (&self->corpus, assay_charts_corpus_free);
  g_free (self->built_label);
  g_free (self->label);
  g_free (self->groups_key);

  G_OBJECT_CLASS (assay_corpus_dashboard_parent_class)->finalize (object);
}

static void
assay_corpus_dashboard_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  AssayCorpusDashboard *self = ASSAY_CORPUS_DASHBOARD (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      g_value_set_object (value, self->pipeline);
      break;
    case PROP_N_DOCUMENTS:
      g_value_set_uint (value, assay_corpus_dashboard_get_n_documents (self));
      break;
    case PROP_LABEL:
      g_value_set_string (value, assay_corpus_dashboard_get_label (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_corpus_dashboard_set_property (GObject      *object,
                                     guint         prop_id,
                                     const GValue *value,
                                     GParamSpec   *pspec)
{
  AssayCorpusDashboard *self = ASSAY_CORPUS_DASHBOARD (object);

  switch (prop_id)
    {
    case PROP_PIPELINE:
      assay_corpus_dashboard_set_pipeline (self, g_value_get_object (value));
      break;
    case PROP_LABEL:
      assay_corpus_dashboard_set_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_corpus_dashboard_class_init (AssayCorpusDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = assay_corpus_dashboard_dispose;
  object_class->finalize = assay_corpus_dashboard_finalize;
  object_class->get_property = assay_corpus_dashboard_get_property;
  object_class->set_property = assay_corpus_dashboard_set_property;
  widget_class->map = assay_corpus_dashboard_map;

  properties[PROP_PIPELINE] =
    g_param_spec_object ("pipeline", NULL, NULL, ASSAY_TYPE_PIPELINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DOCUMENTS] =
    g_param_spec_uint ("n-documents", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AssayCorpusDashboard::document-activated:
   * @document: the document of the point or bar clicked
   */
  signals[DOCUMENT_ACTIVATED] =
    g_signal_new ("document-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, ASSAY_TYPE_DOCUMENT);

  g_type_ensure (ASSAY_TYPE_CHART);
  g_type_ensure (ASSAY_TYPE_SPINNER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "assaycorpusdashboard");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/assayapp/Assay/ui/assay-corpus-dashboard.ui");
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, stack);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, label_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, label_names);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, summary_label);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, spinner);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, over_time_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, totals_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, benford_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, verification_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, near_duplicates_chart);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, charts_box);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, groups_box);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, groups_summary);
  gtk_widget_class_bind_template_child (widget_class, AssayCorpusDashboard, groups_list);
  gtk_widget_class_bind_template_callback (widget_class, label_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, chart_activated_cb);

  gtk_widget_class_install_action (widget_class, "dashboard.save-png", "s", save_action);
  gtk_widget_class_install_action (widget_class, "dashboard.save-svg", "s", save_action);
}

static void
assay_corpus_dashboard_init (AssayCorpusDashboard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint kind = 0; kind < ASSAY_CORPUS_N_CHARTS; kind++)
    assay_chart_set_render_pool (assay_corpus_dashboard_get_chart (self, kind),
                                 assay_worker_pool_get_default (), G_PRIORITY_DEFAULT);

  /* The box only lays the cards out: focus goes to the charts, not to
   * its children around them. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->charts_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);

  self->summaries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) assay_charts_corpus_doc_unref);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->pending);
  self->group_rows = g_ptr_array_new ();
  self->cancellable = g_cancellable_new ();
}

/**
 * assay_corpus_dashboard_new:
 *
 * Returns: (transfer floating): a dashboard of no pipeline yet
 */
GtkWidget *
assay_corpus_dashboard_new (void)
{
  return g_object_new (ASSAY_TYPE_CORPUS_DASHBOARD, NULL);
}
