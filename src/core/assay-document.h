/* assay-document.h — one PDF on its way through the pipeline
 *
 * Main thread only. Every state change, progress step and timing is a
 * notifying property, so a list row or the CLI's progress line can bind to it.
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
void                assay_document_set_sha256        (AssayDocument      *self,
                                                      const char         *sha256);
goffset             assay_document_get_size          (AssayDocument      *self);
void                assay_document_set_size          (AssayDocument      *self,
                                                      goffset             size);
AssayDocumentState  assay_document_get_state         (AssayDocument      *self);
void                assay_document_set_state         (AssayDocument      *self,
                                                      AssayDocumentState  state);
gboolean            assay_document_is_finished       (AssayDocument      *self);
double              assay_document_get_progress      (AssayDocument      *self);
void                assay_document_set_progress      (AssayDocument      *self,
                                                      double              progress);
gint64              assay_document_get_waiting_until (AssayDocument      *self);
void                assay_document_set_waiting_until (AssayDocument      *self,
                                                      gint64              until_monotonic_us);
guint               assay_document_get_n_pages       (AssayDocument      *self);
void                assay_document_set_n_pages       (AssayDocument      *self,
                                                      guint               n_pages);
gboolean            assay_document_get_cached        (AssayDocument      *self);
void                assay_document_set_cached        (AssayDocument      *self,
                                                      gboolean            cached);
AssayStage          assay_document_get_error_stage   (AssayDocument      *self);
const char         *assay_document_get_error_message (AssayDocument      *self);
void                assay_document_fail              (AssayDocument      *self,
                                                      AssayDocumentState  state,
                                                      AssayStage          stage,
                                                      const char         *message);
const char         *assay_document_get_duplicate_of  (AssayDocument      *self);
void                assay_document_set_duplicate_of  (AssayDocument      *self,
                                                      const char         *original_path);
JsonNode           *assay_document_get_result        (AssayDocument      *self);
void                assay_document_set_result        (AssayDocument      *self,
                                                      JsonNode           *result);
GBytes             *assay_document_get_result_text   (AssayDocument      *self);
void                assay_document_set_result_text   (AssayDocument      *self,
                                                      GBytes             *text);
double              assay_document_get_stage_ms      (AssayDocument      *self,
                                                      AssayStage          stage);
void                assay_document_set_stage_ms      (AssayDocument      *self,
                                                      AssayStage          stage,
                                                      double              ms);
const char         *assay_document_state_to_string   (AssayDocumentState  state);

G_END_DECLS
