/* assay-result-field.h — one template field of a document's result
 *
 * An immutable object made from the result JSON (docs/result-schema.md),
 * with read-only properties the window binds to. Built on any thread, then
 * handed to the main thread.
 */
#pragma once

#include <glib-object.h>

#include "assay-result-types.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_RESULT_FIELD (assay_result_field_get_type ())
G_DECLARE_FINAL_TYPE (AssayResultField, assay_result_field, ASSAY, RESULT_FIELD, GObject)

const char        *assay_result_field_get_name          (AssayResultField *self);
AssayFieldType     assay_result_field_get_field_type    (AssayResultField *self);
const char        *assay_result_field_get_value         (AssayResultField *self);
double             assay_result_field_get_number        (AssayResultField *self);
const char        *assay_result_field_get_unit          (AssayResultField *self);
guint              assay_result_field_get_page          (AssayResultField *self);
const char        *assay_result_field_get_snippet       (AssayResultField *self);
AssayVerification  assay_result_field_get_verification  (AssayResultField *self);
guint              assay_result_field_get_verified_page (AssayResultField *self);
const AssayRect   *assay_result_field_get_rects         (AssayResultField *self,
                                                         guint            *n_rects);

G_END_DECLS
