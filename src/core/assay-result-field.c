/* assay-result-field.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-result-field"

#include "config.h"

#include <math.h>

#include "assay-result-field.h"
#include "assay-result-private.h"

struct _AssayResultField
{
  GObject            parent_instance;

  char              *name;
  AssayFieldType     field_type;
  char              *value;
  double             number;
  char              *unit;
  AssayResultEvidence evidence;
};

G_DEFINE_FINAL_TYPE (AssayResultField, assay_result_field, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_FIELD_TYPE,
  PROP_VALUE,
  PROP_NUMBER,
  PROP_UNIT,
  PROP_EVIDENCE,
  N_PROPS = PROP_EVIDENCE + ASSAY_RESULT_EVIDENCE_N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
assay_result_field_finalize (GObject *object)
{
  AssayResultField *self = (AssayResultField *)object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->value, g_free);
  g_clear_pointer (&self->unit, g_free);
  _assay_result_evidence_clear (&self->evidence);

  G_OBJECT_CLASS (assay_result_field_parent_class)->finalize (object);
}

static void
assay_result_field_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AssayResultField *self = ASSAY_RESULT_FIELD (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_FIELD_TYPE:
      g_value_set_enum (value, self->field_type);
      break;

    case PROP_VALUE:
      g_value_set_string (value, self->value);
      break;

    case PROP_NUMBER:
      g_value_set_double (value, self->number);
      break;

    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;

    default:
      if (prop_id >= PROP_EVIDENCE && prop_id < N_PROPS)
        _assay_result_evidence_get_property (&self->evidence, prop_id - PROP_EVIDENCE, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_result_field_class_init (AssayResultFieldClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = assay_result_field_finalize;
  object_class->get_property = assay_result_field_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, flags);
  properties[PROP_FIELD_TYPE] =
    g_param_spec_enum ("field-type", NULL, NULL, ASSAY_TYPE_FIELD_TYPE,
                       ASSAY_FIELD_STRING, flags);
  properties[PROP_VALUE] =
    g_param_spec_string ("value", NULL, NULL, NULL, flags);
  /* NAN when the field is not a number (a read-only value is not
   * checked against the range; a NAN default would be refused) */
  properties[PROP_NUMBER] =
    g_param_spec_double ("number", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  _assay_result_evidence_install_properties (&properties[PROP_EVIDENCE]);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_result_field_init (AssayResultField *self)
{
  self->number = NAN;
}

/* @object: one element of "extraction.fields". Any thread. */
AssayResultField *
_assay_result_field_new_from_json (JsonObject *object)
{
  AssayResultField *self = g_object_new (ASSAY_TYPE_RESULT_FIELD, NULL);
  const char *type;

  self->name = g_strdup (_assay_result_json_string (object, "name"));
  if (self->name == NULL)
    self->name = g_strdup ("");
  type = _assay_result_json_string (object, "type");
  if (type == NULL || !assay_field_type_from_string (type, &self->field_type))
    self->field_type = ASSAY_FIELD_STRING;
  self->value = g_strdup (_assay_result_json_string (object, "value"));
  if (self->value == NULL)
    self->value = g_strdup ("");
  self->number = _assay_result_json_double (object, "number", NAN);
  self->unit = g_strdup (_assay_result_json_string (object, "unit"));
  _assay_result_evidence_read (&self->evidence, object);

  return self;
}

const char *
assay_result_field_get_name (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NULL);

  return self->name;
}

AssayFieldType
assay_result_field_get_field_type (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), ASSAY_FIELD_STRING);

  return self->field_type;
}

/* Returns: the textual value ("" when there was none) */
const char *
assay_result_field_get_value (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NULL);

  return self->value;
}

/* Returns: the number of a number or money field, NAN otherwise */
double
assay_result_field_get_number (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NAN);

  return self->number;
}

/* Returns: (nullable) */
const char *
assay_result_field_get_unit (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NULL);

  return self->unit;
}

/* Returns: the 1-based page the extractor gave, 0 when unknown */
guint
assay_result_field_get_page (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), 0);

  return self->evidence.page;
}

/* Returns: (nullable) */
const char *
assay_result_field_get_snippet (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NULL);

  return self->evidence.snippet;
}

AssayVerification
assay_result_field_get_verification (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), ASSAY_VERIFICATION_UNCHECKED);

  return self->evidence.verification;
}

/* Returns: the 1-based page where the value was found, 0 when none */
guint
assay_result_field_get_verified_page (AssayResultField *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), 0);

  return self->evidence.verified_page;
}

/**
 * assay_result_field_get_rects:
 * @n_rects: (out): how many
 *
 * Where the value's text is on the verified page, in PDF points with the
 * origin at the page's top-left corner.
 *
 * Returns: (transfer none) (array length=n_rects) (nullable): the
 *   rectangles, %NULL when they are not known
 */
const AssayRect *
assay_result_field_get_rects (AssayResultField *self,
                              guint            *n_rects)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIELD (self), NULL);
  g_return_val_if_fail (n_rects != NULL, NULL);

  *n_rects = self->evidence.n_rects;
  return self->evidence.rects;
}
