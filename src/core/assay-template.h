/* assay-template.h — what to extract from a kind of document
 *
 * Built-in templates (general, invoice, financial-report, scientific-paper)
 * and user templates from a JSON file. A template becomes a JSON schema for
 * structured model output and is used to validate answers.
 * Immutable after construction; share by reference from any thread.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "assay-extraction.h"

G_BEGIN_DECLS

typedef struct
{
  char            *name;          /* "invoice_number" — [a-z0-9_]+ */
  AssayFieldType   type;
  char            *description;   /* for the model and the UI */
  gboolean         required;
} AssayTemplateField;

typedef struct _AssayTemplate AssayTemplate;

#define ASSAY_TEMPLATE_ERROR (assay_template_error_quark ())

typedef enum
{
  ASSAY_TEMPLATE_ERROR_NOT_FOUND,   /* the file does not exist or cannot be read */
  ASSAY_TEMPLATE_ERROR_INVALID,     /* not JSON, or not a valid template */
} AssayTemplateError;

/* The document types a model may answer in "document_type". */
#define ASSAY_TEMPLATE_DOCUMENT_TYPES "invoice", "financial-report", "scientific-paper", "general"

/* Dates in answers: ISO 8601, a whole date or, when that is all the
 * document gives, a year or year and month. */
#define ASSAY_TEMPLATE_DATE_PATTERN "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"

GQuark                    assay_template_error_quark     (void);

AssayTemplate            *assay_template_lookup          (const char     *name);
const char * const       *assay_template_list_builtin    (void);
AssayTemplate            *assay_template_new_from_file   (const char     *path,
                                                          GError        **error);
AssayTemplate            *assay_template_new_from_json   (JsonNode       *node,
                                                          GError        **error);
AssayTemplate            *assay_template_ref             (AssayTemplate  *self);
void                      assay_template_unref           (AssayTemplate  *self);
const char               *assay_template_get_name        (AssayTemplate  *self);
const char               *assay_template_get_description (AssayTemplate  *self);
guint                     assay_template_get_n_fields    (AssayTemplate  *self);
const AssayTemplateField *assay_template_get_field       (AssayTemplate  *self,
                                                          guint           index);
const AssayTemplateField *assay_template_find_field      (AssayTemplate  *self,
                                                          const char     *name);
JsonNode                 *assay_template_to_json_schema  (AssayTemplate  *self);
char                     *assay_template_get_cache_key   (AssayTemplate  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayTemplate, assay_template_unref)

G_END_DECLS
