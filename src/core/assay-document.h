/* assay-document.h — one PDF on its way through the pipeline
 *
 * Main thread only. Every state change, progress step and timing is a
 * notifying property, so a list row or the CLI's progress line can bind to it.
 * Only the pipeline changes a document (assay-document-private.h); each
 * property is notified only when its value changes.
 *
 * Times ("started-at", "finished-at", "waiting-until") are g_get_monotonic_time()
 * microseconds, 0 when unset.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "assay-metrics.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_DOCUMENT_QUEUED,
  ASSAY_DOCUMENT_HASHING,
  ASSAY_DOCUMENT_READING,
  ASSAY_DOCUMENT_EXTRACTING,
  ASSAY_DOCUMENT_ANALYSING,
  ASSAY_DOCUMENT_DONE,
  ASSAY_DOCUMENT_FAILED,
  ASSAY_DOCUMENT_NEEDS_PASSWORD,
  ASSAY_DOCUMENT_CANCELLED,
  ASSAY_DOCUMENT_DUPLICATE,     /* same content as another document of the run */
} AssayDocumentState;

#define ASSAY_TYPE_DOCUMENT_STATE (assay_document_state_get_type ())
GType assay_document_state_get_type (void);

#define ASSAY_TYPE_DOCUMENT (assay_document_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocument, assay_document, ASSAY, DOCUMENT, GObject)

AssayDocument      *assay_document_new               (const char         *path,
                                                      guint               index);
const char         *assay_document_get_path          (AssayDocument      *self);
const char         *assay_document_get_name          (AssayDocument      *self);
guint               assay_document_get_index         (AssayDocument      *self);
const char         *assay_document_get_sha256        (AssayDocument      *self);
goffset             assay_document_get_size          (AssayDocument      *self);
AssayDocumentState  assay_document_get_state         (AssayDocument      *self);
gboolean            assay_document_is_finished       (AssayDocument      *self);
double              assay_document_get_progress      (AssayDocument      *self);
guint               assay_document_get_n_pages       (AssayDocument      *self);
gboolean            assay_document_get_cached        (AssayDocument      *self);
AssayStage          assay_document_get_error_stage   (AssayDocument      *self);
const char         *assay_document_get_error_message (AssayDocument      *self);
const char         *assay_document_get_status_text   (AssayDocument      *self);
gint64              assay_document_get_waiting_until (AssayDocument      *self);
gint64              assay_document_get_started_at    (AssayDocument      *self);
gint64              assay_document_get_finished_at   (AssayDocument      *self);
guint               assay_document_get_n_figures     (AssayDocument      *self);
guint               assay_document_get_n_verified    (AssayDocument      *self);
const char         *assay_document_get_title         (AssayDocument      *self);
gboolean            assay_document_get_timings       (AssayDocument      *self);
const char         *assay_document_get_template_key  (AssayDocument      *self);
const char         *assay_document_get_extractor_id  (AssayDocument      *self);
const char         *assay_document_get_worker        (AssayDocument      *self);
const char         *assay_document_get_duplicate_of  (AssayDocument      *self);
JsonNode           *assay_document_get_result        (AssayDocument      *self);
GBytes             *assay_document_get_result_text   (AssayDocument      *self);
double              assay_document_get_stage_ms      (AssayDocument      *self,
                                                      AssayStage          stage);
const char         *assay_document_state_to_string   (AssayDocumentState  state);

G_END_DECLS
