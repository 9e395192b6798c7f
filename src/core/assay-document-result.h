/* assay-document-result.h — one document's result as objects
 *
 * What the window shows of a result (docs/result-schema.md): read-only
 * properties, and the fields and key figures as list models of
 * AssayResultField and AssayResultFigure, so nothing outside the core picks
 * JSON apart. Made from the JSON on any thread (it is immutable), used on
 * the main thread.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "assay-minhash.h"
#include "assay-result-field.h"
#include "assay-result-figure.h"
#include "assay-result-types.h"

G_BEGIN_DECLS

/* NAN for the members the result has as null */
typedef struct
{
  guint  count;
  double sum;
  double mean;
  double median;
  double q1;
  double q3;
  double stddev;
  double min;
  double max;
} AssayResultStats;

typedef struct
{
  double  value;
  char   *raw;    /* nullable */
  guint   page;   /* 1-based, 0 when unknown */
} AssayResultOutlier;

#define ASSAY_TYPE_DOCUMENT_RESULT (assay_document_result_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocumentResult, assay_document_result, ASSAY, DOCUMENT_RESULT, GObject)

AssayDocumentResult      *assay_document_result_new_from_json      (JsonNode             *document,
                                                                     GError              **error);
const char               *assay_document_result_get_status          (AssayDocumentResult  *self);
const char               *assay_document_result_get_error_message   (AssayDocumentResult  *self);
const char               *assay_document_result_get_path            (AssayDocumentResult  *self);
const char               *assay_document_result_get_name            (AssayDocumentResult  *self);
const char               *assay_document_result_get_sha256          (AssayDocumentResult  *self);
guint                     assay_document_result_get_n_pages         (AssayDocumentResult  *self);
const char               *assay_document_result_get_title           (AssayDocumentResult  *self);
const char               *assay_document_result_get_document_type   (AssayDocumentResult  *self);
const char               *assay_document_result_get_method          (AssayDocumentResult  *self);
const char               *assay_document_result_get_provider        (AssayDocumentResult  *self);
const char               *assay_document_result_get_model           (AssayDocumentResult  *self);
const char               *assay_document_result_get_template        (AssayDocumentResult  *self);
gboolean                  assay_document_result_get_fell_back       (AssayDocumentResult  *self);
gint64                    assay_document_result_get_prompt_tokens   (AssayDocumentResult  *self);
gint64                    assay_document_result_get_completion_tokens (AssayDocumentResult *self);
gboolean                  assay_document_result_get_cached          (AssayDocumentResult  *self);
const char               *assay_document_result_get_benford_verdict (AssayDocumentResult  *self);
GListModel               *assay_document_result_get_fields          (AssayDocumentResult  *self);
GListModel               *assay_document_result_get_figures         (AssayDocumentResult  *self);
const char * const       *assay_document_result_get_warnings        (AssayDocumentResult  *self);
const AssayResultStats   *assay_document_result_get_stats           (AssayDocumentResult  *self);
gboolean                  assay_document_result_get_benford         (AssayDocumentResult  *self,
                                                                     guint                 counts[9],
                                                                     double                observed[9],
                                                                     double                expected[9],
                                                                     guint                *n);
gboolean                  assay_document_result_get_signature       (AssayDocumentResult  *self,
                                                                     AssayMinhash         *signature);
const double             *assay_document_result_get_histogram       (AssayDocumentResult  *self,
                                                                     const guint         **counts,
                                                                     guint                *n_bins,
                                                                     gboolean             *log_scale);
const AssayResultOutlier *assay_document_result_get_outliers        (AssayDocumentResult  *self,
                                                                     guint                *n_listed,
                                                                     guint                *n_total);
void                      assay_document_result_get_verification    (AssayDocumentResult  *self,
                                                                     guint                *total,
                                                                     guint                *verified,
                                                                     guint                *unverified,
                                                                     guint                *wrong_page);
const guint              *assay_document_result_get_page_numbers    (AssayDocumentResult  *self,
                                                                     guint                *n_pages);

G_END_DECLS
