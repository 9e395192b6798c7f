/* assay-document.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-document"

#include "config.h"

#include "assay-document.h"

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
  gint64              waiting_until;
  guint               n_pages;
  gboolean            cached;
  AssayStage          error_stage;
  char               *error_message;
  char               *duplicate_of;
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
  PROP_WAITING_UNTIL,
  PROP_N_PAGES,
  PROP_CACHED,
  PROP_ERROR_MESSAGE,
  PROP_RESULT,
  PROP_TIMINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
assay_document_finalize (GObject *object)
{
  AssayDocument *self = (AssayDocument *)object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->sha256, g_free);
  g_clear_pointer (&self->error_message, g_free);
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

    case PROP_WAITING_UNTIL:
      g_value_set_int64 (value, self->waiting_until);
      break;

    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;

    case PROP_CACHED:
      g_value_set_boolean (value, self->cached);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_RESULT:
      g_value_set_boxed (value, self->result);
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
assay_document_class_init (AssayDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = assay_document_finalize;
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
    g_param_spec_string ("sha256", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SIZE] =
    g_param_spec_int64 ("size", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       ASSAY_TYPE_DOCUMENT_STATE, ASSAY_DOCUMENT_QUEUED,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Until when (g_get_monotonic_time()) the document waits for the model
   * server's rate limit; 0 when it does not wait. */
  properties[PROP_WAITING_UNTIL] =
    g_param_spec_int64 ("waiting-until", NULL, NULL, 0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CACHED] =
    g_param_spec_boolean ("cached", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RESULT] =
    g_param_spec_boxed ("result", NULL, NULL, JSON_TYPE_NODE,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Notified when any stage timing changes; read them with get_stage_ms(). */
  properties[PROP_TIMINGS] =
    g_param_spec_boolean ("timings", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

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

void
assay_document_set_sha256 (AssayDocument *self,
                           const char    *sha256)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (set_str (&self->sha256, sha256))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHA256]);
}

goffset
assay_document_get_size (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->size;
}

void
assay_document_set_size (AssayDocument *self,
                         goffset        size)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->size != size)
    {
      self->size = size;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIZE]);
    }
}

AssayDocumentState
assay_document_get_state (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), ASSAY_DOCUMENT_QUEUED);

  return self->state;
}

/**
 * assay_document_set_state:
 *
 * Moving back to %ASSAY_DOCUMENT_QUEUED (a retry) clears the error, the
 * result, the progress and the timings.
 */
void
assay_document_set_state (AssayDocument      *self,
                          AssayDocumentState  state)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->state == state)
    return;

  g_object_freeze_notify (G_OBJECT (self));

  self->state = state;

  if (state == ASSAY_DOCUMENT_QUEUED)
    {
      if (set_str (&self->error_message, NULL))
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
      assay_document_set_result (self, NULL);
      assay_document_set_progress (self, 0.0);
      assay_document_set_cached (self, FALSE);
      for (guint i = 0; i < ASSAY_N_STAGES; i++)
        self->stage_ms[i] = -1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMINGS]);
    }
  else if (state == ASSAY_DOCUMENT_DONE)
    assay_document_set_progress (self, 1.0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
  g_object_thaw_notify (G_OBJECT (self));
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

void
assay_document_set_progress (AssayDocument *self,
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

/**
 * assay_document_get_waiting_until:
 *
 * Returns: the g_get_monotonic_time() until which the document waits for
 * the model server's rate limit, or 0 when it does not wait
 */
gint64
assay_document_get_waiting_until (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->waiting_until;
}

/**
 * assay_document_set_waiting_until:
 * @until_monotonic_us: g_get_monotonic_time() the wait ends, or 0
 *
 * Main thread; notifies "waiting-until" when it changes.
 */
void
assay_document_set_waiting_until (AssayDocument *self,
                                  gint64         until_monotonic_us)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  until_monotonic_us = MAX (until_monotonic_us, 0);
  if (self->waiting_until != until_monotonic_us)
    {
      self->waiting_until = until_monotonic_us;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WAITING_UNTIL]);
    }
}

guint
assay_document_get_n_pages (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), 0);

  return self->n_pages;
}

void
assay_document_set_n_pages (AssayDocument *self,
                            guint          n_pages)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (self->n_pages != n_pages)
    {
      self->n_pages = n_pages;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PAGES]);
    }
}

gboolean
assay_document_get_cached (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), FALSE);

  return self->cached;
}

void
assay_document_set_cached (AssayDocument *self,
                           gboolean       cached)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  cached = !!cached;
  if (self->cached != cached)
    {
      self->cached = cached;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CACHED]);
    }
}

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
 * assay_document_fail:
 * @state: %ASSAY_DOCUMENT_FAILED, %ASSAY_DOCUMENT_NEEDS_PASSWORD or
 *   %ASSAY_DOCUMENT_CANCELLED
 * @message: person-readable, already translated
 */
void
assay_document_fail (AssayDocument      *self,
                     AssayDocumentState  state,
                     AssayStage          stage,
                     const char         *message)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (state == ASSAY_DOCUMENT_FAILED ||
                    state == ASSAY_DOCUMENT_NEEDS_PASSWORD ||
                    state == ASSAY_DOCUMENT_CANCELLED);

  g_object_freeze_notify (G_OBJECT (self));
  self->error_stage = stage;
  if (set_str (&self->error_message, message))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
  assay_document_set_state (self, state);
  g_object_thaw_notify (G_OBJECT (self));
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
 * assay_document_set_duplicate_of:
 * @original_path: the path of the document processed in this one's place
 *
 * Marks @self a duplicate. A path rather than the document: the original may
 * be gone from the list by the time (a batch forgets finished documents).
 */
void
assay_document_set_duplicate_of (AssayDocument *self,
                                 const char    *original_path)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (original_path != NULL);

  set_str (&self->duplicate_of, original_path);
  assay_document_set_state (self, ASSAY_DOCUMENT_DUPLICATE);
}

/**
 * assay_document_get_result:
 *
 * Returns: (transfer none) (nullable): the result JSON (see
 *   docs/result-schema.md); never changed once set, so safe to read from
 *   any thread
 */
JsonNode *
assay_document_get_result (AssayDocument *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT (self), NULL);

  return self->result;
}

/**
 * assay_document_set_result:
 * @result: (transfer none) (nullable): from here on nobody changes it, so
 *   any thread may read it. (Not json_node_seal()ed: that walks the whole
 *   tree on the main thread, a cost a cached batch of thousands notices.)
 */
void
assay_document_set_result (AssayDocument *self,
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
 * assay_document_set_result_text:
 * @text: (nullable) (transfer none): the current result, serialised
 *
 * Cleared whenever the result changes.
 */
void
assay_document_set_result_text (AssayDocument *self,
                                GBytes        *text)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));

  if (text != NULL)
    g_bytes_ref (text);
  g_clear_pointer (&self->result_text, g_bytes_unref);
  self->result_text = text;
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

void
assay_document_set_stage_ms (AssayDocument *self,
                             AssayStage     stage,
                             double         ms)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT (self));
  g_return_if_fail (stage < ASSAY_N_STAGES);

  self->stage_ms[stage] = ms;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMINGS]);
}

const char *
assay_document_state_to_string (AssayDocumentState state)
{
  GEnumClass *klass = g_type_class_ref (ASSAY_TYPE_DOCUMENT_STATE);
  GEnumValue *value = g_enum_get_value (klass, state);

  g_type_class_unref (klass);

  return value != NULL ? value->value_nick : "unknown";
}
