/* assay-cli-progress.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-cli-progress"

#include "config.h"

#include <math.h>
#include <stdio.h>

#include <glib/gi18n.h>

#include "assay-cli-progress.h"

#define BAR_WIDTH 24
#define REDRAW_INTERVAL_MS 100

struct _AssayCliProgress
{
  AssayPipeline *pipeline;
  gboolean       enabled;
  gboolean       bar_shown;
  guint          timeout_id;
  gint64         started_us;
  guint          n_total;
  guint          n_finished;
};

static void
clear_bar (AssayCliProgress *self)
{
  if (self->bar_shown)
    {
      fputs ("\r\033[K", stderr);
      self->bar_shown = FALSE;
    }
}

/* The pipeline's list holds the documents not yet written out (a batch
 * forgets the others); finished ones count in full. */
static void
draw_bar (AssayCliProgress *self)
{
  GListModel *documents = assay_pipeline_get_documents (self->pipeline);
  guint n = g_list_model_get_n_items (documents);
  guint per_state[ASSAY_DOCUMENT_DUPLICATE + 1] = { 0 };
  double done = self->n_finished;
  double elapsed = (g_get_monotonic_time () - self->started_us) / (double) G_USEC_PER_SEC;
  char bar[BAR_WIDTH + 1];
  guint filled;
  gint64 now = g_get_monotonic_time ();
  gint64 wait_until = 0;
  guint n_waiting = 0;

  if (self->n_total == 0)
    return;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(AssayDocument) document = g_list_model_get_item (documents, i);

      per_state[assay_document_get_state (document)]++;
      if (!assay_document_is_finished (document))
        done += assay_document_get_progress (document);
      if (assay_document_get_waiting_until (document) > now)
        {
          n_waiting++;
          wait_until = MAX (wait_until, assay_document_get_waiting_until (document));
        }
    }

  filled = (guint) (MIN (done / self->n_total, 1.0) * BAR_WIDTH);
  for (guint i = 0; i < BAR_WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[BAR_WIDTH] = '\0';

  clear_bar (self);
  /* Translators: the progress line of a headless run: bar, documents
   * finished of all, then what is going on right now */
  fprintf (stderr, _("[%s] %u/%u · %u reading · %u extracting · %u analysing · %.0f s"),
           bar, self->n_finished, self->n_total,
           per_state[ASSAY_DOCUMENT_READING] + per_state[ASSAY_DOCUMENT_HASHING],
           per_state[ASSAY_DOCUMENT_EXTRACTING],
           per_state[ASSAY_DOCUMENT_ANALYSING],
           elapsed);
  if (n_waiting > 0)
    /* Translators: after the progress line: documents held back by the
     * model server's rate limit, and the seconds left */
    fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                  " · %u waiting %.0f s for the model server’s rate limit",
                                  " · %u waiting %.0f s for the model server’s rate limit",
                                  n_waiting),
             n_waiting, ceil ((wait_until - now) / (double) G_USEC_PER_SEC));
  fflush (stderr);
  self->bar_shown = TRUE;
}

static gboolean
redraw_cb (gpointer user_data)
{
  draw_bar (user_data);

  return G_SOURCE_CONTINUE;
}

/**
 * assay_cli_progress_new:
 * @enabled: draw on standard error (it is a terminal)
 */
AssayCliProgress *
assay_cli_progress_new (AssayPipeline *pipeline,
                        gboolean       enabled)
{
  AssayCliProgress *self = g_new0 (AssayCliProgress, 1);

  self->pipeline = g_object_ref (pipeline);
  self->enabled = enabled;
  self->started_us = g_get_monotonic_time ();

  /* Counting every document costs O(n) per redraw: with ten redraws a
   * second that stays far below the main-loop budget up to ~100k files. */
  if (enabled)
    self->timeout_id = g_timeout_add (REDRAW_INTERVAL_MS, redraw_cb, self);

  return self;
}

void
assay_cli_progress_free (AssayCliProgress *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  clear_bar (self);
  g_clear_object (&self->pipeline);
  g_free (self);
}

/**
 * assay_cli_progress_set_counts:
 * @n_total: documents in the run
 * @n_finished: of which finished
 */
void
assay_cli_progress_set_counts (AssayCliProgress *self,
                               guint             n_total,
                               guint             n_finished)
{
  self->n_total = n_total;
  self->n_finished = n_finished;
}

gboolean
assay_cli_progress_is_enabled (AssayCliProgress *self)
{
  return self->enabled;
}

void
assay_cli_progress_clear (AssayCliProgress *self)
{
  clear_bar (self);
}

/**
 * assay_cli_progress_note:
 *
 * Prints a line above the bar, when enabled.
 */
void
assay_cli_progress_note (AssayCliProgress *self,
                         const char       *format,
                         ...)
{
  va_list args;

  if (!self->enabled)
    return;

  clear_bar (self);
  va_start (args, format);
  vfprintf (stderr, format, args);
  va_end (args);
  fputc ('\n', stderr);
}

static guint
count_member (JsonObject *object,
              const char *path_a,
              const char *path_b)
{
  JsonObject *inner;

  if (object == NULL || !json_object_has_member (object, path_a))
    return 0;
  inner = json_object_get_object_member (object, path_a);
  if (inner == NULL)
    return 0;

  return (guint) json_object_get_int_member_with_default (inner, path_b, 0);
}

/**
 * assay_cli_progress_document:
 *
 * Prints the line of a finished document.
 */
void
assay_cli_progress_document (AssayCliProgress *self,
                             AssayDocument    *document)
{
  const char *name = assay_document_get_name (document);
  AssayDocumentState state = assay_document_get_state (document);

  if (!self->enabled)
    return;

  switch (state)
    {
    case ASSAY_DOCUMENT_DONE:
      {
        JsonNode *result = assay_document_get_result (document);
        JsonObject *object = result ? json_node_get_object (result) : NULL;
        JsonObject *analysis = NULL;
        guint n_figures = 0;

        if (object != NULL && json_object_has_member (object, "analysis"))
          analysis = json_object_get_object_member (object, "analysis");
        n_figures = count_member (analysis, "verification", "total");

        assay_cli_progress_note (self,
                                 /* Translators: a finished document: name, pages, figures
                                  * found, figures verified, and "(cached)" or nothing */
                                 _("✓ %s — %u pages, %u figures (%u verified)%s"),
                                 name,
                                 assay_document_get_n_pages (document),
                                 n_figures,
                                 count_member (analysis, "verification", "verified"),
                                 assay_document_get_cached (document) ? _(" (cached)") : "");
      }
      break;

    case ASSAY_DOCUMENT_DUPLICATE:
      assay_cli_progress_note (self, _("= %s — same content as %s, processed once"),
                               name, assay_document_get_duplicate_of (document));
      break;

    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
    case ASSAY_DOCUMENT_FAILED:
    case ASSAY_DOCUMENT_CANCELLED:
      assay_cli_progress_note (self, "✗ %s — %s", name,
                               assay_document_get_error_message (document));
      break;

    case ASSAY_DOCUMENT_QUEUED:
    case ASSAY_DOCUMENT_HASHING:
    case ASSAY_DOCUMENT_READING:
    case ASSAY_DOCUMENT_EXTRACTING:
    case ASSAY_DOCUMENT_ANALYSING:
    default:
      break;
    }
}
