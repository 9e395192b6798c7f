/* assay-result-private.h — shared by the result object classes only
 *
 * Tolerant getters over a result's JSON: an absent member, a null or one of
 * the wrong type gives the fallback, never a critical, so results written by
 * older versions (or damaged ones) still load. Any thread.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "assay-result-field.h"
#include "assay-result-figure.h"

G_BEGIN_DECLS

const char        *_assay_result_json_string  (JsonObject  *object,
                                               const char  *member);
double             _assay_result_json_double  (JsonObject  *object,
                                               const char  *member,
                                               double       fallback);
gint64             _assay_result_json_int     (JsonObject  *object,
                                               const char  *member,
                                               gint64       fallback);
guint              _assay_result_json_uint    (JsonObject  *object,
                                               const char  *member);
gboolean           _assay_result_json_boolean (JsonObject  *object,
                                               const char  *member,
                                               gboolean     fallback);
JsonObject        *_assay_result_json_object  (JsonObject  *object,
                                               const char  *member);
JsonArray         *_assay_result_json_array   (JsonObject  *object,
                                               const char  *member);
double             _assay_result_json_element_double (JsonArray *array,
                                                      guint      index,
                                                      double     fallback);
AssayVerification  _assay_result_json_verification (JsonObject *object);
AssayRect         *_assay_result_json_rects   (JsonObject  *object,
                                               guint       *n_rects);

/* What a field and a figure both say of where their value stands: the
 * page and snippet the extractor gave, whether verification found it, on
 * which page and where ("page", "snippet", "verified", "verified_page",
 * "rects" in docs/result-schema.md). Embedded in both classes. */
typedef struct
{
  guint              page;
  char              *snippet;
  AssayVerification  verification;
  guint              verified_page;
  AssayRect         *rects;
  guint              n_rects;
} AssayResultEvidence;

/* The evidence's read-only properties, in this order; each class lists
 * them last, from its PROP_EVIDENCE on. */
enum
{
  ASSAY_RESULT_EVIDENCE_PROP_PAGE,
  ASSAY_RESULT_EVIDENCE_PROP_SNIPPET,
  ASSAY_RESULT_EVIDENCE_PROP_VERIFICATION,
  ASSAY_RESULT_EVIDENCE_PROP_VERIFIED_PAGE,
  ASSAY_RESULT_EVIDENCE_N_PROPS
};

void               _assay_result_evidence_read  (AssayResultEvidence       *evidence,
                                                 JsonObject                *object);
void               _assay_result_evidence_clear (AssayResultEvidence       *evidence);
void               _assay_result_evidence_install_properties (GParamSpec  **properties);
void               _assay_result_evidence_get_property       (const AssayResultEvidence *evidence,
                                                              guint                      index,
                                                              GValue                    *value);

AssayResultFigure *_assay_result_figure_new_from_json (JsonObject *object);
AssayResultField  *_assay_result_field_new_from_json  (JsonObject *object);

G_END_DECLS
