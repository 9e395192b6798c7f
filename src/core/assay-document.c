/* assay-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The status text is made here, from the state and what the pipeline last
 * said about progress, so that every view of a document says the same
 * thing. While a rate limit holds, a one-second timer counts it down; only
 * waiting documents have one.
 */
#define G_LOG_DOMAIN "assay-document"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-document-private.h"

struct _AssayDocument
{
  GObject             parent_instance;

  char               *path;
  char               *name;
  guint               index;
  char               *sha256;
  goffset             size;
  AssayDocumentState  state;
  double              progress;
  guint               n_pages;
  guint               pages_read;
  guint64             tokens;
  gboolean            cached;
  AssayStage          error_stage;
  char               *error_message;
  char               *duplicate_of;
  char               *status_text;
  gint64              waiting_until;
  guint               waiting_source;
  gint64              started_at;
  gint64              finished_at;
  guint               n_figures;
  guint               n_verified;
  char               *title;
  char               *template_key;
  char               *extractor_id;
  char               *worker;        /* cluster mode: who holds it */
  JsonNode           *result;
  GBytes             *result_text;   /* compact JSON of result, when at hand */
  double              stage_ms[ASSAY_N_STAGES];
};

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char       **slot,
         const char  *value)
{
  if (g_strcmp0 (*slot, value) == 0)
    return FALSE;

  g_free (*slot);
  *slot = g_strdup (value);
  return TRUE;
}

G_DEFINE_ENUM_TYPE (AssayDocumentState, assay_document_state,
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_HASHING, "hashing"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_READING, "reading"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_EXTRACTING, "extracting"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_ANALYSING, "analysing"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_DONE, "done"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_NEEDS_PASSWORD, "needs-password"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_CANCELLED, "cancelled"),
  G_DEFINE_ENUM_VALUE (ASSAY_DOCUMENT_DUPLICATE, "duplicate"))

G_DEFINE_FINAL_TYPE (AssayDocument, assay_document, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_NAME,
  PROP_INDEX,
  PROP_SHA256,
  PROP_SIZE,
  PROP_STATE,
  PROP_PROGRESS,
  PROP_N_PAGES,
  PROP_CACHED,
  PROP_ERROR_STAGE,
  PROP_ERROR_MESSAGE,
  PROP_STATUS_TEXT,
  PROP_WAITING_UNTIL,
  PROP_STARTED_AT,
  PROP_FINISHED_AT,
  PROP_N_FIGURES,
  PROP_N_VERIFIED,
  PROP_TITLE,
  PROP_TEMPLATE_KEY,
  PROP_EXTRACTOR_ID,
  PROP_RESULT,
  PROP_TIMINGS,
  PROP_WORKER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_status (AssayDocument *self);

static void
stop_waiting_timer (AssayDocument *self)
{
  g_clear_handle_id (&self->waiting_source, g_source_remove);
}

static void
assay_document_dispose (GObject *object)
{
  AssayDocument *self = (AssayDocument *)object;

  stop_waiting_timer (self);

  G_OBJECT_CLASS (assay_document_parent_class)->dispose (object);
}

static void
assay_document_finalize (GObject *object)
{
  AssayDocument *self = (AssayDocument *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->error_message, g_free);
  g_clear_pointer (&self->status_text, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->template_key, g_free);
  g_clear_pointer (&self->extractor_id, g_free);
  g_clear_pointer (&self->worker, g_free);
  g_clear_pointer (&self->result, json_node_unref);
  g_clear_pointer (&self->result_text, g_bytes_unref);
  g_clear_pointer (&self->duplicate_of, g_free);

  G_OBJECT_CLASS (assay_document_parent_class)->finalize (object);
}

static void
assay_document_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AssayDocument *self = ASSAY_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;

    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;

    case PROP_SIZE:
      g_value_set_int64 (value, self->size);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;

    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;

    case PROP_CACHED:
      g_value_set_boolean (value, self->cached);
      break;

    case PROP_ERROR_STAGE:
      g_value_set_string (value, self->error_message != NULL
                                 ? assay_stage_to_string (self->error_stage) : NULL);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_STATUS_TEXT:
      g_value_set_string (value, self->status_text);
      break;

    case PROP_WAITING_UNTIL:
      g_value_set_int64 (value, self->waiting_until);
      break;

    case PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;

    case PROP_FINISHED_AT:
      g_value_set_int64 (value, self->finished_at);
      break;

    case PROP_N_FIGURES:
      g_value_set_uint (value, self->n_figures);
      break;

    case PROP_N_VERIFIED:
      g_value_set_uint (value, self->n_verified);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_TEMPLATE_KEY:
      g_value_set_string (value, self->template_key);
      break;

    case PROP_EXTRACTOR_ID:
      g_value_set_string (value, self->extractor_id);
      break;

    case PROP_RESULT:
      g_value_set_boxed (value, self->result);
      break;

    case PROP_TIMINGS:
      g_value_set_boolean (value, assay_document_get_timings (self));
      break;

    case PROP_WORKER:
      g_value_set_string (value, self->worker);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  AssayDocument *self = ASSAY_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      self->name = g_path_get_basename (self->path);
      break;

    case PROP_INDEX:
      self->index = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_constructed (GObject *object)
{
  AssayDocument *self = (AssayDocument *)object;

  G_OBJECT_CLASS (assay_document_parent_class)->constructed (object);

  update_status (self);
}

#define READ_ONLY (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)

static void
assay_document_class_init (AssayDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = assay_document_dispose;
  object_class->finalize = assay_document_finalize;
  object_class->constructed = assay_document_constructed;
  object_class->get_property = assay_document_get_property;
  object_class->set_property = assay_document_set_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SHA256] =
    g_param_spec_string ("sha256", NULL, NULL, NULL, READ_ONLY);
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, -1, G_MAXINT64, 0, READ_ONLY);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       ASSAY_TYPE_DOCUMENT_STATE, ASSAY_DOCUMENT_QUEUED, READ_ONLY);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0, READ_ONLY);
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0, READ_ONLY);
  properties[PROP_CACHED] =
    g_param_spec_boolean ("cached", NULL, NULL, FALSE, READ_ONLY);
  /**
   * AssayDocument:error-stage:
   *
   * The stage that failed ("hash", "read", "extract", "analyse", "store",
   * "cache"), %NULL unless failed, needing a password or cancelled.
   */
  properties[PROP_ERROR_STAGE] =
    g_param_spec_string ("error-stage", NULL, NULL, NULL, READ_ONLY);
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL, READ_ONLY);
  /**
   * AssayDocument:status-text:
   *
   * One translated line saying where the document is: "Reading page 3 of
   * 20", "Waiting 12 s for the model server's rate limit", the failure.
   */
  properties[PROP_STATUS_TEXT] =
    g_param_spec_string ("status-text", NULL, NULL, NULL, READ_ONLY);
  properties[PROP_WAITING_UNTIL] =
    g_param_spec_int64 ("waiting-until", NULL, NULL, 0, G_MAXINT64, 0, READ_ONLY);
  properties[PROP_STARTED_AT] =
    g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0, READ_ONLY);
  properties[PROP_FINISHED_AT] =
    g_param_spec_int64 ("finished-at", NULL, NULL, 0, G_MAXINT64, 0, READ_ONLY);
  properties[PROP_N_FIGURES] =
    g_param_spec_uint ("n-figures", NULL, NULL, 0, G_MAXUINT, 0, READ_ONLY);
  properties[PROP_N_VERIFIED] =
    g_param_spec_uint ("n-verified", NULL, NULL, 0, G_MAXUINT, 0, READ_ONLY);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, READ_ONLY);
  /**
   * AssayDocument:template-key:
   *
   * The template's cache key the document was (or is being) processed
   * with: with #AssayDocument:sha256 and #AssayDocument:extractor-id, its
   * key in the store (assay_store_dup_key()).
   */
  properties[PROP_TEMPLATE_KEY] =
    g_param_spec_string ("template-key", NULL, NULL, NULL, READ_ONLY);
  /**
   * AssayDocument:extractor-id:
   *
   * The extractor id as used in store keys (analysis version included).
   */
  properties[PROP_EXTRACTOR_ID] =
    g_param_spec_string ("extractor-id", NULL, NULL, NULL, READ_ONLY);
  properties[PROP_RESULT] =
    g_param_spec_boxed ("result", NULL, NULL, JSON_TYPE_NODE, READ_ONLY);
  /**
   * AssayDocument:timings:
   *
   * %TRUE once any stage has a timing; notified whenever one changes.
   * Read them with assay_document_get_stage_ms().
   */
  properties[PROP_TIMINGS] =
    g_param_spec_boolean ("timings", NULL, NULL, FALSE, READ_ONLY);
  /**
   * AssayDocument:worker:
   *
   * In cluster mode, the name of the worker holding the document (reading,
   * extracting or analysing it); %NULL when none does, and always %NULL
   * for a document processed on this machine.
   */
  properties[PROP_WORKER] =
    g_param_spec_string ("worker", NULL, NULL, NULL, READ_ONLY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_document_init (AssayDocument *self)
{
  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    self->stage_ms[i] = -1;
}

/**
 * assay_document_new:
 * @index: position in the order the user gave the files
 *
 * Returns: (transfer full): a queued document
 */
AssayDocument *
assay_document_new (const char *path,
                    guint       index)
{
  g_return_val_if_fail (path != NULL, NULL);

  return g_object_new (ASSAY_TYPE_DOCUMENT,
                       "path", path,
                       "index", index,
                       NULL);
}

/**
 * _assay_document_new_restored:
 * @state: a finished state (done, failed…)
 *
 * A document of a previous session, as it finished then: nothing is
 * notified (nobody holds it yet) and no time is set.
 *
 * Returns: (transfer full): the document
 */
AssayDocument *
_assay_document_new_restored (const char         *path,
                              guint               index,
                              const char         *sha256,
                              AssayDocumentState  state,
                              const char         *template_key,
                              const char         *extractor_id)
{
  AssayDocument *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = assay_document_new (path, index);
  self->sha256 = g_strdup (sha256);
  self->state = state;
  self->template_key = g_strdup (template_key);
  self->extractor_id = g_strdup (extractor_id);
  if (state == ASSAY_DOCUMENT_DONE)
    self->progress = 1.0;
  update_status (self);

  return self;
}

/**
 * _assay_document_restore:
 *
 * The rest of what a restored document shows, set before anyone holds it
 * (nothing is notified).
 */
void
_assay_document_restore (AssayDocument *self,
                         guint          n_pages,
                         goffset        size,
                         guint          n_figures,
                         guint          n_verified,
                         const char    *title,
                         gboolean       cached,
                         AssayStage     error_stage,
                         const char    *error_message,
                         const char    *duplicate_of)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  self->n_pages = n_pages;
  self->size = size;
  self->n_figures = n_figures;
  self->n_verified = n_verified;
  set_str (&self->title, title);
  self->cached = !!cached;
  self->error_stage = error_stage;
  set_str (&self->error_message, error_message);
  set_str (&self->duplicate_of, duplicate_of);
  update_status (self);
}

/* ------------------------------------------------------------------------ */
/* Status text                                                               */

static gboolean
waiting_tick (gpointer user_data)
{
  AssayDocument *self = user_data;

  if (self->waiting_until <= g_get_monotonic_time ())
    {
      self->waiting_source = 0;
      update_status (self);
      return G_SOURCE_REMOVE;
    }

  update_status (self);
  return G_SOURCE_CONTINUE;
}

static char *
make_status (AssayDocument *self)
{
  gint64 now;

  switch (self->state)
    {
    case ASSAY_DOCUMENT_QUEUED:
      return g_strdup (_("Queued"));

    case ASSAY_DOCUMENT_HASHING:
      return g_strdup (_("Checking the file"));

    case ASSAY_DOCUMENT_READING:
      if (self->n_pages > 0)
        /* Translators: reading page 3 of a 20-page document */
        return g_strdup_printf (_("Reading page %u of %u"),
                                MIN (self->pages_read + 1, self->n_pages), self->n_pages);
      return g_strdup (_("Reading"));

    case ASSAY_DOCUMENT_EXTRACTING:
      now = g_get_monotonic_time ();
      if (self->waiting_until > now)
        {
          guint seconds = (guint) ((self->waiting_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

          /* Translators: %u is seconds; the server asked us to slow down */
          return g_strdup_printf (_("Waiting %u s for the model server's rate limit"), seconds);
        }
      if (self->tokens > 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Extracting: %u token so far",
                                             "Extracting: %u tokens so far",
                                             (gulong) MIN (self->tokens, G_MAXUINT)),
                                (guint) MIN (self->tokens, G_MAXUINT));
      return g_strdup (_("Extracting"));

    case ASSAY_DOCUMENT_ANALYSING:
      return g_strdup (_("Analysing"));

    case ASSAY_DOCUMENT_DONE:
      return g_strdup (self->cached ? _("Done (result kept from before)") : _("Done"));

    case ASSAY_DOCUMENT_DUPLICATE:
      if (self->duplicate_of != NULL)
        {
          g_autofree char *original = g_path_get_basename (self->duplicate_of);
          /* Translators: %s is the name of the file with the same content */
          return g_strdup_printf (_("Same content as %s"), original);
        }
      return g_strdup (_("Same content as another document"));

    case ASSAY_DOCUMENT_NEEDS_PASSWORD:
      return g_strdup (self->error_message != NULL ? self->error_message : _("Needs a password"));

    case ASSAY_DOCUMENT_CANCELLED:
      return g_strdup (self->error_message != NULL ? self->error_message : _("Cancelled"));

    case ASSAY_DOCUMENT_FAILED:
    default:
      return g_strdup (self->error_message != NULL ? self->error_message : _("Failed"));
    }
}

static void
update_status (AssayDocument *self)
{
  g_autofree char *text = make_status (self);

  if (g_strcmp0 (text, self->status_text) != 0)
    {
      g_free (self->status_text);
      self->status_text = g_steal_pointer (&text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS_TEXT]);
    }
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */

const char *
assay_document_get_path (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->path;
}

const char *
assay_document_get_name (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->name;
}

guint
assay_document_get_index (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->index;
}

const char *
assay_document_get_sha256 (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->sha256;
}

goffset
assay_document_get_size (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->size;
}

AssayDocumentState
assay_document_get_state (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), ASSAY_DOCUMENT_QUEUED);

  return self->state;
}

/**
 * assay_document_is_finished:
 *
 * Returns: %TRUE in a state the pipeline will not move out of by itself
 */
gboolean
assay_document_is_finished (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), FALSE);

  return self->state >= ASSAY_DOCUMENT_DONE;
}

double
assay_document_get_progress (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0.0);

  return self->progress;
}

guint
assay_document_get_n_pages (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->n_pages;
}

gboolean
assay_document_get_cached (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), FALSE);

  return self->cached;
}

/**
 * assay_document_get_error_stage:
 *
 * Returns: the stage that failed; meaningful only when
 *   assay_document_get_error_message() is not %NULL. (The
 *   #AssayDocument:error-stage property gives its name, or %NULL.)
 */
AssayStage
assay_document_get_error_stage (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), ASSAY_STAGE_READ);

  return self->error_stage;
}

const char *
assay_document_get_error_message (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->error_message;
}

/**
 * assay_document_get_status_text:
 *
 * Returns: (transfer none): a translated line for a list row
 */
const char *
assay_document_get_status_text (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->status_text;
}

/**
 * assay_document_get_waiting_until:
 *
 * Returns: while the model server's rate limit holds the document back,
 *   the monotonic time (µs) it may go on; 0 otherwise
 */
gint64
assay_document_get_waiting_until (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->waiting_until;
}

/**
 * assay_document_get_started_at:
 *
 * Returns: the monotonic time (µs) its processing began, 0 before
 */
gint64
assay_document_get_started_at (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->started_at;
}

/**
 * assay_document_get_finished_at:
 *
 * Returns: the monotonic time (µs) it reached a final state, 0 before (and
 *   for a document restored from a previous session)
 */
gint64
assay_document_get_finished_at (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->finished_at;
}

/**
 * assay_document_get_n_figures:
 *
 * Returns: the key figures extracted, once done (0 before)
 */
guint
assay_document_get_n_figures (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->n_figures;
}

/**
 * assay_document_get_n_verified:
 *
 * Returns: how many of the key figures were found on their page, once done
 */
guint
assay_document_get_n_verified (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->n_verified;
}

/**
 * assay_document_get_title:
 *
 * Returns: (nullable): the extracted title, else the PDF's own, once done
 */
const char *
assay_document_get_title (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->title;
}

/**
 * assay_document_get_timings:
 *
 * Returns: %TRUE once any stage has a timing
 */
gboolean
assay_document_get_timings (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), FALSE);

  for (guint i = 0; i < ASSAY_N_STAGES; i++)
    if (self->stage_ms[i] >= 0)
      return TRUE;

  return FALSE;
}

/**
 * assay_document_get_template_key:
 *
 * Returns: (nullable): see #AssayDocument:template-key
 */
const char *
assay_document_get_template_key (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->template_key;
}

/**
 * assay_document_get_extractor_id:
 *
 * Returns: (nullable): see #AssayDocument:extractor-id
 */
const char *
assay_document_get_extractor_id (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->extractor_id;
}

/**
 * assay_document_get_worker:
 *
 * Returns: (transfer none) (nullable): the cluster worker holding the
 *   document, or %NULL
 */
const char *
assay_document_get_worker (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->worker;
}

/**
 * assay_document_get_duplicate_of:
 *
 * Returns: (transfer none) (nullable): the path of the document with the
 *   same content that is processed in this one's place
 */
const char *
assay_document_get_duplicate_of (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->duplicate_of;
}

/**
 * assay_document_get_result:
 *
 * Returns: (transfer none) (nullable): the result JSON (see
 *   docs/result-schema.md); never changed once set, so safe to read from
 *   any thread. %NULL once the pipeline dropped it after storing it
 *   (assay_pipeline_set_keep_results()).
 */
JsonNode *
assay_document_get_result (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->result;
}

/**
 * assay_document_get_result_text:
 *
 * Returns: (transfer none) (nullable): the result as compact JSON, when the
 *   pipeline had it as text anyway (read from or written to the store), so
 *   that a writer need not serialise it again
 */
GBytes *
assay_document_get_result_text (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->result_text;
}

/**
 * assay_document_get_stage_ms:
 *
 * Returns: the wall time the stage took, or -1 when it has not run
 */
double
assay_document_get_stage_ms (AssayDocument *self,
                             AssayStage     stage)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), -1);
  g_return_val_if_fail (stage < ASSAY_N_STAGES, -1);

  return self->stage_ms[stage];
}

const char *
assay_document_state_to_string (AssayDocumentState state)
{
  GEnumClass *klass = g_type_class_ref (ASSAY_TYPE_DOCUMENT_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);

  return value != NULL ? value->value_nick : "unknown";
}

/* ------------------------------------------------------------------------ */
/* Setters, for the pipeline                                                 */

void
_assay_document_set_sha256 (AssayDocument *self,
                            const char    *sha256)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (set_str (&self->sha256, sha256))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHA256]);
}

void
_assay_document_set_size (AssayDocument *self,
                          goffset        size)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->size != size)
    {
      self->size = size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
    }
}

static void
set_int64 (AssayDocument *self,
           gint64        *slot,
           gint64         value,
           guint          prop)
{
  if (*slot != value)
    {
      *slot = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
    }
}

static void
set_uint (AssayDocument *self,
          guint         *slot,
          guint          value,
          guint          prop)
{
  if (*slot != value)
    {
      *slot = value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
    }
}

/**
 * _assay_document_set_state:
 *
 * Moving back to %ASSAY_DOCUMENT_QUEUED (a retry) clears the error, the
 * result and its summary, the progress, the times and the timings.
 * Leaving the queue sets #AssayDocument:started-at, reaching a final
 * state #AssayDocument:finished-at.
 */
void
_assay_document_set_state (AssayDocument      *self,
                           AssayDocumentState  state)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->state == state)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  self->state = state;

  if (state == ASSAY_DOCUMENT_QUEUED)
    {
      gboolean had_timings = assay_document_get_timings (self);

      if (set_str (&self->error_message, NULL))
        {
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_STAGE]);
        }
      _assay_document_set_result (self, NULL);
      _assay_document_set_progress (self, 0.0);
      _assay_document_set_cached (self, FALSE);
      _assay_document_set_summary (self, 0, 0, NULL);
      _assay_document_set_waiting_until (self, 0);
      self->pages_read = 0;
      self->tokens = 0;
      set_int64 (self, &self->started_at, 0, PROP_STARTED_AT);
      set_int64 (self, &self->finished_at, 0, PROP_FINISHED_AT);
      for (guint i = 0; i < ASSAY_N_STAGES; i++)
        self->stage_ms[i] = -1;
      if (had_timings)
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMINGS]);
    }
  else if (state >= ASSAY_DOCUMENT_DONE)
    {
      _assay_document_set_waiting_until (self, 0);
      set_int64 (self, &self->finished_at, g_get_monotonic_time (), PROP_FINISHED_AT);
      if (state == ASSAY_DOCUMENT_DONE)
        _assay_document_set_progress (self, 1.0);
    }
  else
    {
      if (self->started_at == 0)
        set_int64 (self, &self->started_at, g_get_monotonic_time (), PROP_STARTED_AT);
      if (state != ASSAY_DOCUMENT_EXTRACTING)
        _assay_document_set_waiting_until (self, 0);
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  update_status (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_assay_document_set_progress (AssayDocument *self,
                              double         progress)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  progress = CLAMP (progress, 0.0, 1.0);
  if (self->progress != progress)
    {
      self->progress = progress;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

void
_assay_document_set_n_pages (AssayDocument *self,
                             guint          n_pages)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->n_pages != n_pages)
    {
      self->n_pages = n_pages;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
      update_status (self);
    }
}

/**
 * _assay_document_set_pages_read:
 *
 * Says how far reading got, for the status text.
 */
void
_assay_document_set_pages_read (AssayDocument *self,
                                guint          pages_read,
                                guint          n_pages)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  g_object_freeze_notify (G_OBJECT (self));
  self->pages_read = pages_read;
  _assay_document_set_n_pages (self, n_pages);
  update_status (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * _assay_document_set_tokens:
 *
 * The model's output tokens so far, for the status text.
 */
void
_assay_document_set_tokens (AssayDocument *self,
                            guint64        tokens)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->tokens != tokens)
    {
      self->tokens = tokens;
      update_status (self);
    }
}

void
_assay_document_set_cached (AssayDocument *self,
                            gboolean       cached)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  cached = !!cached;
  if (self->cached != cached)
    {
      self->cached = cached;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED]);
      update_status (self);
    }
}

/**
 * _assay_document_fail:
 * @state: %ASSAY_DOCUMENT_FAILED, %ASSAY_DOCUMENT_NEEDS_PASSWORD or
 *   %ASSAY_DOCUMENT_CANCELLED
 * @message: person-readable, already translated
 */
void
_assay_document_fail (AssayDocument      *self,
                      AssayDocumentState  state,
                      AssayStage          stage,
                      const char         *message)
{
  gboolean stage_changed;

  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (state == ASSAY_DOCUMENT_FAILED ||
                    state == ASSAY_DOCUMENT_NEEDS_PASSWORD ||
                    state == ASSAY_DOCUMENT_CANCELLED);

  g_object_freeze_notify (G_OBJECT (self));
  stage_changed = self->error_stage != stage || self->error_message == NULL;
  self->error_stage = stage;
  if (set_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  if (stage_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_STAGE]);
  _assay_document_set_state (self, state);
  update_status (self);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * _assay_document_set_duplicate_of:
 * @original_path: the path of the document processed in this one's place
 *
 * Marks @self a duplicate. A path rather than the document: the original may
 * be gone from the list by the time (a batch forgets finished documents).
 */
void
_assay_document_set_duplicate_of (AssayDocument *self,
                                  const char    *original_path)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (original_path != NULL);

  set_str (&self->duplicate_of, original_path);
  _assay_document_set_state (self, ASSAY_DOCUMENT_DUPLICATE);
}

/**
 * _assay_document_set_result:
 * @result: (transfer none) (nullable): from here on nobody changes it, so
 *   any thread may read it. (Not json_node_seal()ed: that walks the whole
 *   tree on the main thread, a cost a cached batch of thousands notices.)
 *
 * Also drops the result text. The summary properties stay: the pipeline
 * sets them with _assay_document_set_summary().
 */
void
_assay_document_set_result (AssayDocument *self,
                            JsonNode      *result)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->result == result)
    return;

  if (result != NULL)
    json_node_ref (result);
  g_clear_pointer (&self->result, json_node_unref);
  g_clear_pointer (&self->result_text, g_bytes_unref);
  self->result = result;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

/**
 * _assay_document_set_result_text:
 * @text: (nullable) (transfer none): the current result, serialised
 *
 * Cleared whenever the result changes.
 */
void
_assay_document_set_result_text (AssayDocument *self,
                                 GBytes        *text)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (text != NULL)
    g_bytes_ref (text);
  g_clear_pointer (&self->result_text, g_bytes_unref);
  self->result_text = text;
}

void
_assay_document_set_stage_ms (AssayDocument *self,
                              AssayStage     stage,
                              double         ms)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (stage < ASSAY_N_STAGES);

  if (self->stage_ms[stage] != ms)
    {
      self->stage_ms[stage] = ms;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMINGS]);
    }
}

/**
 * _assay_document_set_waiting_until:
 * @until_us: monotonic µs, or 0 when the wait is over
 */
void
_assay_document_set_waiting_until (AssayDocument *self,
                                   gint64         until_us)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  until_us = MAX (until_us, 0);
  if (self->waiting_until == until_us)
    return;

  self->waiting_until = until_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_UNTIL]);

  if (until_us > g_get_monotonic_time ())
    {
      if (self->waiting_source == 0)
        {
          self->waiting_source = g_timeout_add (1000, waiting_tick, self);
          g_source_set_name_by_id (self->waiting_source, "[assay] rate-limit countdown");
        }
    }
  else
    stop_waiting_timer (self);

  update_status (self);
}

/**
 * _assay_document_set_summary:
 * @title: (nullable)
 *
 * What a list row shows of a done document's result, which stays when
 * the result itself is dropped.
 */
void
_assay_document_set_summary (AssayDocument *self,
                             guint          n_figures,
                             guint          n_verified,
                             const char    *title)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  g_object_freeze_notify (G_OBJECT (self));
  set_uint (self, &self->n_figures, n_figures, PROP_N_FIGURES);
  set_uint (self, &self->n_verified, n_verified, PROP_N_VERIFIED);
  if (set_str (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * _assay_document_set_processed_with:
 *
 * The template key and extractor id the document's result is (to be)
 * stored under.
 */
void
_assay_document_set_processed_with (AssayDocument *self,
                                    const char    *template_key,
                                    const char    *extractor_id)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (set_str (&self->template_key, template_key))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEMPLATE_KEY]);
  if (set_str (&self->extractor_id, extractor_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXTRACTOR_ID]);
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * _assay_document_set_worker:
 * @worker: (nullable): the cluster worker now holding the document
 *
 * Main thread.
 */
void
_assay_document_set_worker (AssayDocument *self,
                            const char    *worker)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (set_str (&self->worker, worker))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WORKER]);
}
