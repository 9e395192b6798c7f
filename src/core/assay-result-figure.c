/* assay-result-figure.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-result-figure"

#include "config.h"

#include <math.h>

#include "assay-result-figure.h"
#include "assay-result-private.h"

struct _AssayResultFigure
{
  GObject            parent_instance;

  char              *label;
  double             value;
  char              *raw;
  char              *unit;
  char              *period;
  AssayResultEvidence evidence;
};

G_DEFINE_FINAL_TYPE (AssayResultFigure, assay_result_figure, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LABEL,
  PROP_VALUE,
  PROP_RAW,
  PROP_UNIT,
  PROP_PERIOD,
  PROP_EVIDENCE,
  N_PROPS = PROP_EVIDENCE + ASSAY_RESULT_EVIDENCE_N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
assay_result_figure_finalize (GObject *object)
{
  AssayResultFigure *self = (AssayResultFigure *)object;

  g_clear_pointer (&self->label, g_free);
  g_clear_pointer (&self->raw, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->period, g_free);
  _assay_result_evidence_clear (&self->evidence);

  G_OBJECT_CLASS (assay_result_figure_parent_class)->finalize (object);
}

static void
assay_result_figure_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AssayResultFigure *self = ASSAY_RESULT_FIGURE (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;

    case PROP_RAW:
      g_value_set_string (value, self->raw);
      break;

    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;

    case PROP_PERIOD:
      g_value_set_string (value, self->period);
      break;

    default:
      if (prop_id >= PROP_EVIDENCE && prop_id < N_PROPS)
        _assay_result_evidence_get_property (&self->evidence, prop_id - PROP_EVIDENCE, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_result_figure_class_init (AssayResultFigureClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = assay_result_figure_finalize;
  object_class->get_property = assay_result_figure_get_property;

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL, flags);
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
  properties[PROP_RAW] =
    g_param_spec_string ("raw", NULL, NULL, NULL, flags);
  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL, NULL, flags);
  properties[PROP_PERIOD] =
    g_param_spec_string ("period", NULL, NULL, NULL, flags);
  _assay_result_evidence_install_properties (&properties[PROP_EVIDENCE]);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_result_figure_init (AssayResultFigure *self)
{
}

/* @object: one element of "extraction.figures". Any thread. */
AssayResultFigure *
_assay_result_figure_new_from_json (JsonObject *object)
{
  AssayResultFigure *self = g_object_new (ASSAY_TYPE_RESULT_FIGURE, NULL);

  self->label = g_strdup (_assay_result_json_string (object, "label"));
  if (self->label == NULL)
    self->label = g_strdup ("");
  /* "value": null is a figure whose value was not finite */
  self->value = _assay_result_json_double (object, "value", NAN);
  self->raw = g_strdup (_assay_result_json_string (object, "raw"));
  if (self->raw == NULL)
    self->raw = g_strdup ("");
  self->unit = g_strdup (_assay_result_json_string (object, "unit"));
  self->period = g_strdup (_assay_result_json_string (object, "period"));
  _assay_result_evidence_read (&self->evidence, object);

  return self;
}

const char *
assay_result_figure_get_label (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);

  return self->label;
}

/* Returns: the normalised value, NAN when the result had none */
double
assay_result_figure_get_value (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NAN);

  return self->value;
}

/* Returns: the value as written in the document */
const char *
assay_result_figure_get_raw (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);

  return self->raw;
}

/* Returns: (nullable) */
const char *
assay_result_figure_get_unit (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);

  return self->unit;
}

/* Returns: (nullable) */
const char *
assay_result_figure_get_period (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);

  return self->period;
}

/* Returns: the 1-based page the extractor gave, 0 when unknown */
guint
assay_result_figure_get_page (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), 0);

  return self->evidence.page;
}

/* Returns: (nullable) */
const char *
assay_result_figure_get_snippet (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);

  return self->evidence.snippet;
}

AssayVerification
assay_result_figure_get_verification (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), ASSAY_VERIFICATION_UNCHECKED);

  return self->evidence.verification;
}

/* Returns: the 1-based page where the value was found, 0 when none */
guint
assay_result_figure_get_verified_page (AssayResultFigure *self)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), 0);

  return self->evidence.verified_page;
}

/**
 * assay_result_figure_get_rects:
 * @n_rects: (out): how many
 *
 * Where the value's text is on the verified page, in PDF points with the
 * origin at the page's top-left corner.
 *
 * Returns: (transfer none) (array length=n_rects) (nullable): the
 *   rectangles, %NULL when they are not known
 */
const AssayRect *
assay_result_figure_get_rects (AssayResultFigure *self,
                               guint             *n_rects)
{
  g_return_val_if_fail (ASSAY_IS_RESULT_FIGURE (self), NULL);
  g_return_val_if_fail (n_rects != NULL, NULL);

  *n_rects = self->evidence.n_rects;
  return self->evidence.rects;
}
