/* assay-extraction.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-extraction"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "assay-extraction.h"
#include "assay-json.h"

/* Bounds on what from_json accepts, so a damaged cache file cannot make us
 * allocate without limit. */
#define MAX_ITEMS 100000

void
assay_figure_free (AssayFigure *figure)
{
  if (figure == NULL)
    return;

  g_free (figure->label);
  g_free (figure->raw);
  g_free (figure->unit);
  g_free (figure->period);
  g_free (figure->snippet);
  g_free (figure->rects);
  g_free (figure);
}

void
assay_field_free (AssayField *field)
{
  if (field == NULL)
    return;

  g_free (field->name);
  g_free (field->value);
  g_free (field->unit);
  g_free (field->snippet);
  g_free (field->rects);
  g_free (field);
}

/**
 * assay_extraction_new:
 * @method: "offline" or "llm"
 * @template_name: the template the extraction follows
 *
 * Any thread.
 *
 * Returns: (transfer full): an empty extraction with document type
 * "general", no usage (-1) and not fallen back
 */
AssayExtraction *
assay_extraction_new (const char *method,
                      const char *template_name)
{
  AssayExtraction *self;

  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (template_name != NULL, NULL);

  self = g_new0 (AssayExtraction, 1);
  self->method = g_strdup (method);
  self->template_name = g_strdup (template_name);
  self->document_type = g_strdup ("general");
  self->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_field_free);
  self->figures = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_figure_free);
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  self->prompt_tokens = -1;
  self->completion_tokens = -1;

  return self;
}

void
assay_extraction_free (AssayExtraction *self)
{
  if (self == NULL)
    return;

  g_free (self->method);
  g_free (self->provider);
  g_free (self->model);
  g_free (self->template_name);
  g_free (self->document_type);
  g_free (self->title);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_pointer (&self->figures, g_ptr_array_unref);
  g_clear_pointer (&self->warnings, g_ptr_array_unref);
  g_free (self);
}

/**
 * assay_extraction_add_figure:
 * @label: what the figure is ("Total revenue")
 * @value: normalised value: sign and scale applied
 * @raw: (nullable): the number as written
 * @page: 1-based page, 0 when unknown
 * @snippet: (nullable): the source line
 *
 * Adds an unchecked figure with no unit or period; set those on the returned
 * figure.
 *
 * Returns: (transfer none): the new figure, owned by @self
 */
AssayFigure *
assay_extraction_add_figure (AssayExtraction *self,
                             const char      *label,
                             double           value,
                             const char      *raw,
                             guint            page,
                             const char      *snippet)
{
  AssayFigure *figure;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (label != NULL, NULL);

  figure = g_new0 (AssayFigure, 1);
  figure->label = g_strdup (label);
  figure->value = value;
  figure->raw = g_strdup (raw);
  figure->page = page;
  figure->snippet = g_strdup (snippet);
  figure->verified = ASSAY_VERIFICATION_UNCHECKED;
  figure->verified_page = 0;
  g_ptr_array_add (self->figures, figure);

  return figure;
}

static double
parse_normalised_number (const char *value)
{
  char *end = NULL;
  double d;

  if (value == NULL || *value == '\0')
    return NAN;

  d = g_ascii_strtod (value, &end);
  if (end == value || *end != '\0' || !isfinite (d))
    return NAN;

  return d;
}

/**
 * assay_extraction_add_field:
 * @name: the template field name
 * @value: (nullable): the textual value; for NUMBER and MONEY a normalised
 *   number in C notation ("1234.5"), which also sets `number`
 * @page: 1-based page, 0 when unknown
 * @snippet: (nullable): the source line
 *
 * Returns: (transfer none): the new field, owned by @self. `number` is NAN
 * unless @type is NUMBER or MONEY and @value is a plain number.
 */
AssayField *
assay_extraction_add_field (AssayExtraction *self,
                            const char      *name,
                            AssayFieldType   type,
                            const char      *value,
                            guint            page,
                            const char      *snippet)
{
  AssayField *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  field = g_new0 (AssayField, 1);
  field->name = g_strdup (name);
  field->type = type;
  field->value = g_strdup (value);
  if (type == ASSAY_FIELD_NUMBER || type == ASSAY_FIELD_MONEY)
    field->number = parse_normalised_number (value);
  else
    field->number = NAN;
  field->page = page;
  field->snippet = g_strdup (snippet);
  field->verified = ASSAY_VERIFICATION_UNCHECKED;
  field->verified_page = 0;
  g_ptr_array_add (self->fields, field);

  return field;
}

/**
 * assay_extraction_format_number:
 * @value: a finite number
 *
 * Formats @value in C notation with the fewest decimals that read back as
 * the same double, without an exponent for ordinary magnitudes: 1234.5 gives
 * "1234.5", 1.2e9 gives "1200000000". Any thread.
 *
 * Returns: (transfer full): the text
 */
char *
assay_extraction_format_number (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 32];

  if (!isfinite (value))
    return g_strdup ("");

  if (value == 0)
    return g_strdup ("0");

  if (fabs (value) < 1e15 && fabs (value) >= 1e-6)
    {
      for (int decimals = 0; decimals <= 12; decimals++)
        {
          char fmt[16];

          /* g_ascii_formatd wants the precision inside the format, and
           * unlike printf it ignores the locale's decimal mark. */
          g_snprintf (fmt, sizeof fmt, "%%.%df", decimals);
          g_ascii_formatd (buf, sizeof buf, fmt, value);
          if (g_ascii_strtod (buf, NULL) == value)
            return g_strdup (buf);
        }
    }

  return g_strdup (g_ascii_dtostr (buf, sizeof buf, value));
}

/**
 * assay_extraction_add_number_field:
 * @type: NUMBER or MONEY
 * @number: the normalised value
 * @unit: (nullable): ISO currency for MONEY
 *
 * Adds a numeric field whose textual value is @number formatted by
 * assay_extraction_format_number().
 *
 * Returns: (transfer none): the new field, owned by @self
 */
AssayField *
assay_extraction_add_number_field (AssayExtraction *self,
                                   const char      *name,
                                   AssayFieldType   type,
                                   double           number,
                                   const char      *unit,
                                   guint            page,
                                   const char      *snippet)
{
  g_autofree char *text = NULL;
  AssayField *field;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (type == ASSAY_FIELD_NUMBER || type == ASSAY_FIELD_MONEY, NULL);

  text = isfinite (number) ? assay_extraction_format_number (number) : NULL;
  field = assay_extraction_add_field (self, name, type, text, page, snippet);
  field->number = number;
  field->unit = g_strdup (unit);

  return field;
}

/**
 * assay_extraction_get_field:
 *
 * Returns: (transfer none) (nullable): the first field called @name
 */
AssayField *
assay_extraction_get_field (AssayExtraction *self,
                            const char      *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      AssayField *field = g_ptr_array_index (self->fields, i);

      if (g_strcmp0 (field->name, name) == 0)
        return field;
    }

  return NULL;
}

/**
 * assay_extraction_add_warning:
 * @format: a printf format for a person-readable, translated message
 */
void
assay_extraction_add_warning (AssayExtraction *self,
                              const char      *format,
                              ...)
{
  va_list args;

  g_return_if_fail (self != NULL);
  g_return_if_fail (format != NULL);

  va_start (args, format);
  g_ptr_array_add (self->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

static const char * const verification_names[] = {
  [ASSAY_VERIFICATION_UNCHECKED] = "unchecked",
  [ASSAY_VERIFICATION_VERIFIED] = "verified",
  [ASSAY_VERIFICATION_UNVERIFIED] = "unverified",
};

static const char * const field_type_names[] = {
  [ASSAY_FIELD_STRING] = "string",
  [ASSAY_FIELD_NUMBER] = "number",
  [ASSAY_FIELD_MONEY] = "money",
  [ASSAY_FIELD_DATE] = "date",
  [ASSAY_FIELD_LIST] = "list",
};

/* The index of @str in @names, the schema's names of an enum's values. */
static gboolean
find_name (const char * const *names,
           guint               n_names,
           const char         *str,
           guint              *index)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < n_names; i++)
    {
      if (strcmp (str, names[i]) == 0)
        {
          *index = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * assay_verification_to_string:
 *
 * Returns: "unchecked", "verified" or "unverified" as in the result schema
 */
const char *
assay_verification_to_string (AssayVerification verification)
{
  g_return_val_if_fail ((guint) verification < G_N_ELEMENTS (verification_names), "unchecked");

  return verification_names[verification];
}

/**
 * assay_verification_from_string:
 * @out: (out): the verification
 *
 * Returns: %TRUE when @str is one of the schema's names
 */
gboolean
assay_verification_from_string (const char        *str,
                                AssayVerification *out)
{
  guint index;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!find_name (verification_names, G_N_ELEMENTS (verification_names), str, &index))
    return FALSE;

  *out = (AssayVerification) index;
  return TRUE;
}

/**
 * assay_field_type_to_string:
 *
 * Returns: "string", "number", "money", "date" or "list"
 */
const char *
assay_field_type_to_string (AssayFieldType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (field_type_names), "string");

  return field_type_names[type];
}

/**
 * assay_field_type_from_string:
 * @out: (out): the type
 *
 * Returns: %TRUE when @str is one of the schema's type names
 */
gboolean
assay_field_type_from_string (const char     *str,
                              AssayFieldType *out)
{
  guint index;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!find_name (field_type_names, G_N_ELEMENTS (field_type_names), str, &index))
    return FALSE;

  *out = (AssayFieldType) index;
  return TRUE;
}

/* ----------------------------------------------------------------- to JSON */

/* "rects": [[x, y, width, height], …] to a hundredth of a point; absent
 * when not known. */
static void
add_rects_json (JsonBuilder     *builder,
                const AssayRect *rects,
                guint            n_rects)
{
  if (n_rects == 0)
    return;

  json_builder_set_member_name (builder, "rects");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_rects; i++)
    {
      const double v[4] = { rects[i].x, rects[i].y, rects[i].width, rects[i].height };

      json_builder_begin_array (builder);
      for (guint j = 0; j < 4; j++)
        json_builder_add_double_value (builder, round (v[j] * 100.0) / 100.0);
      json_builder_end_array (builder);
    }
  json_builder_end_array (builder);
}

static void
add_field_json (JsonBuilder      *builder,
                const AssayField *field)
{
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, field->name);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, assay_field_type_to_string (field->type));
  assay_json_builder_add_nullable_string (builder, "value", field->value);

  /* Non-numeric fields carry NAN: JSON has no spelling for it. */
  if ((field->type == ASSAY_FIELD_NUMBER || field->type == ASSAY_FIELD_MONEY) &&
      isfinite (field->number))
    {
      json_builder_set_member_name (builder, "number");
      json_builder_add_double_value (builder, field->number);
    }

  if (field->unit != NULL)
    {
      json_builder_set_member_name (builder, "unit");
      json_builder_add_string_value (builder, field->unit);
    }

  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, field->page);
  assay_json_builder_add_nullable_string (builder, "snippet", field->snippet);
  json_builder_set_member_name (builder, "verified");
  json_builder_add_string_value (builder, assay_verification_to_string (field->verified));
  json_builder_set_member_name (builder, "verified_page");
  json_builder_add_int_value (builder, field->verified_page);
  add_rects_json (builder, field->rects, field->n_rects);

  json_builder_end_object (builder);
}

static void
add_figure_json (JsonBuilder       *builder,
                 const AssayFigure *figure)
{
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, figure->label);
  json_builder_set_member_name (builder, "value");
  if (isfinite (figure->value))
    json_builder_add_double_value (builder, figure->value);
  else
    json_builder_add_null_value (builder);
  assay_json_builder_add_nullable_string (builder, "raw", figure->raw);
  assay_json_builder_add_nullable_string (builder, "unit", figure->unit);
  assay_json_builder_add_nullable_string (builder, "period", figure->period);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, figure->page);
  assay_json_builder_add_nullable_string (builder, "snippet", figure->snippet);
  json_builder_set_member_name (builder, "verified");
  json_builder_add_string_value (builder, assay_verification_to_string (figure->verified));
  json_builder_set_member_name (builder, "verified_page");
  json_builder_add_int_value (builder, figure->verified_page);
  add_rects_json (builder, figure->rects, figure->n_rects);

  json_builder_end_object (builder);
}

/**
 * assay_extraction_to_json:
 *
 * The "extraction" object of docs/result-schema.md. A figure whose value is
 * not finite gets `"value": null`; non-numeric fields have no "number".
 * Any thread.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
assay_extraction_to_json (const AssayExtraction *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  assay_json_builder_add_nullable_string (builder, "method", self->method);
  assay_json_builder_add_nullable_string (builder, "provider", self->provider);
  assay_json_builder_add_nullable_string (builder, "model", self->model);
  assay_json_builder_add_nullable_string (builder, "template", self->template_name);
  assay_json_builder_add_nullable_string (builder, "document_type", self->document_type);
  assay_json_builder_add_nullable_string (builder, "title", self->title);

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->fields->len; i++)
    add_field_json (builder, g_ptr_array_index (self->fields, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "figures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->figures->len; i++)
    add_figure_json (builder, g_ptr_array_index (self->figures, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->warnings, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "usage");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "prompt_tokens");
  json_builder_add_int_value (builder, self->prompt_tokens);
  json_builder_set_member_name (builder, "completion_tokens");
  json_builder_add_int_value (builder, self->completion_tokens);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "fell_back");
  json_builder_add_boolean_value (builder, self->fell_back);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* --------------------------------------------------------------- from JSON */

static gboolean
set_invalid (GError    **error,
             const char *path,
             const char *expected)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               /* Translators: the first %s is a member such as
                * "figures[2].page", the second what it should be, such as
                * "a whole number" */
               _("The extraction data is damaged: “%s” should be %s. "
                 "Extract the document again to replace it."),
               path, expected);
  return FALSE;
}

static gboolean
node_is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

static gboolean
node_is_value_of (JsonNode *node,
                  GType     type)
{
  return node != NULL &&
         JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == type;
}

/* A string member. @required: absent is an error; @nullable: null allowed.
 * An absent optional member leaves *out NULL. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char  *prefix,
             gboolean     required,
             gboolean     nullable,
             char       **out,
             GError     **error)
{
  g_autofree char *path = g_strconcat (prefix, member, NULL);
  JsonNode *node;

  *out = NULL;

  if (!json_object_has_member (object, member))
    return required ? set_invalid (error, path, _("present")) : TRUE;

  node = json_object_get_member (object, member);
  if (nullable && node_is_null (node))
    return TRUE;

  if (!node_is_value_of (node, G_TYPE_STRING))
    return set_invalid (error, path, nullable ? _("a string or null") : _("a string"));

  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
read_int (JsonObject  *object,
          const char  *member,
          const char  *prefix,
          gint64       min,
          gint64       max,
          gint64       fallback,
          gint64      *out,
          GError     **error)
{
  g_autofree char *path = g_strconcat (prefix, member, NULL);
  JsonNode *node;
  gint64 v;

  *out = fallback;

  if (!json_object_has_member (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (node_is_value_of (node, G_TYPE_INT64))
    v = json_node_get_int (node);
  else if (node_is_value_of (node, G_TYPE_DOUBLE) &&
           json_node_get_double (node) == floor (json_node_get_double (node)) &&
           fabs (json_node_get_double (node)) < 9e15)
    v = (gint64) json_node_get_double (node);
  else
    return set_invalid (error, path, _("a whole number"));

  if (v < min || v > max)
    return set_invalid (error, path, _("a whole number in range"));

  *out = v;
  return TRUE;
}

/* A number member; null gives NAN when @nullable. */
static gboolean
read_number (JsonObject  *object,
             const char  *member,
             const char  *prefix,
             gboolean     required,
             gboolean     nullable,
             double      *out,
             GError     **error)
{
  g_autofree char *path = g_strconcat (prefix, member, NULL);
  JsonNode *node;

  *out = NAN;

  if (!json_object_has_member (object, member))
    return required ? set_invalid (error, path, _("present")) : TRUE;

  node = json_object_get_member (object, member);
  if (nullable && node_is_null (node))
    return TRUE;

  if (node_is_value_of (node, G_TYPE_INT64))
    *out = (double) json_node_get_int (node);
  else if (node_is_value_of (node, G_TYPE_DOUBLE) && isfinite (json_node_get_double (node)))
    *out = json_node_get_double (node);
  else
    return set_invalid (error, path, _("a number"));

  return TRUE;
}

static gboolean
read_verification (JsonObject        *object,
                   const char        *prefix,
                   AssayVerification *out,
                   GError           **error)
{
  g_autofree char *str = NULL;

  *out = ASSAY_VERIFICATION_UNCHECKED;

  if (!read_string (object, "verified", prefix, FALSE, FALSE, &str, error))
    return FALSE;

  if (str != NULL && !assay_verification_from_string (str, out))
    {
      g_autofree char *path = g_strconcat (prefix, "verified", NULL);
      return set_invalid (error, path, _("“verified”, “unverified” or “unchecked”"));
    }

  return TRUE;
}

/* "rects" is optional and only a drawing aid: entries that are not four
 * finite numbers, with no negative size, are skipped, not refused. */
static void
read_rects (JsonObject  *object,
            AssayRect  **rects,
            guint       *n_rects)
{
  JsonNode *node = json_object_get_member (object, "rects");
  JsonArray *array;
  guint len;

  *rects = NULL;
  *n_rects = 0;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  array = json_node_get_array (node);
  len = MIN (json_array_get_length (array), ASSAY_MAX_RECTS);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonArray *quad;
      double v[4];
      gboolean ok = TRUE;

      if (!JSON_NODE_HOLDS_ARRAY (element) ||
          json_array_get_length (quad = json_node_get_array (element)) != 4)
        continue;
      for (guint j = 0; j < 4 && ok; j++)
        {
          JsonNode *n = json_array_get_element (quad, j);

          ok = (node_is_value_of (n, G_TYPE_DOUBLE) || node_is_value_of (n, G_TYPE_INT64)) &&
               isfinite (v[j] = json_node_get_double (n));
        }
      if (!ok || v[2] < 0 || v[3] < 0)
        continue;

      if (*rects == NULL)
        *rects = g_new0 (AssayRect, len);
      (*rects)[(*n_rects)++] = (AssayRect) { v[0], v[1], v[2], v[3] };
    }
}

static AssayField *
field_from_json (JsonNode    *node,
                 guint        index,
                 GError     **error)
{
  g_autofree char *prefix = g_strdup_printf ("fields[%u].", index);
  g_autofree char *type_name = NULL;
  g_autoptr(GPtrArray) holder = NULL;
  AssayField *field;
  JsonObject *object;
  gint64 page, verified_page;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *path = g_strdup_printf ("fields[%u]", index);
      set_invalid (error, path, _("an object"));
      return NULL;
    }

  object = json_node_get_object (node);

  /* The array owns the half-built field until it is complete. */
  holder = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_field_free);
  field = g_new0 (AssayField, 1);
  field->number = NAN;
  g_ptr_array_add (holder, field);

  if (!read_string (object, "name", prefix, TRUE, FALSE, &field->name, error) ||
      !read_string (object, "type", prefix, TRUE, FALSE, &type_name, error))
    return NULL;

  if (!assay_field_type_from_string (type_name, &field->type))
    {
      g_autofree char *path = g_strconcat (prefix, "type", NULL);
      set_invalid (error, path, _("one of “string”, “number”, “money”, “date”, “list”"));
      return NULL;
    }

  if (!read_string (object, "value", prefix, FALSE, TRUE, &field->value, error) ||
      !read_number (object, "number", prefix, FALSE, TRUE, &field->number, error) ||
      !read_string (object, "unit", prefix, FALSE, TRUE, &field->unit, error) ||
      !read_int (object, "page", prefix, 0, G_MAXUINT, 0, &page, error) ||
      !read_string (object, "snippet", prefix, FALSE, TRUE, &field->snippet, error) ||
      !read_verification (object, prefix, &field->verified, error) ||
      !read_int (object, "verified_page", prefix, 0, G_MAXUINT, 0, &verified_page, error))
    return NULL;

  if (field->type != ASSAY_FIELD_NUMBER && field->type != ASSAY_FIELD_MONEY)
    field->number = NAN;
  else if (!isfinite (field->number))
    field->number = parse_normalised_number (field->value);

  field->page = (guint) page;
  field->verified_page = (guint) verified_page;
  read_rects (object, &field->rects, &field->n_rects);

  return g_ptr_array_steal_index (holder, 0);
}

static AssayFigure *
figure_from_json (JsonNode    *node,
                  guint        index,
                  GError     **error)
{
  g_autofree char *prefix = g_strdup_printf ("figures[%u].", index);
  g_autoptr(GPtrArray) holder = NULL;
  AssayFigure *figure;
  JsonObject *object;
  gint64 page, verified_page;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *path = g_strdup_printf ("figures[%u]", index);
      set_invalid (error, path, _("an object"));
      return NULL;
    }

  object = json_node_get_object (node);

  holder = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_figure_free);
  figure = g_new0 (AssayFigure, 1);
  g_ptr_array_add (holder, figure);

  if (!read_string (object, "label", prefix, TRUE, FALSE, &figure->label, error) ||
      !read_number (object, "value", prefix, TRUE, TRUE, &figure->value, error) ||
      !read_string (object, "raw", prefix, FALSE, TRUE, &figure->raw, error) ||
      !read_string (object, "unit", prefix, FALSE, TRUE, &figure->unit, error) ||
      !read_string (object, "period", prefix, FALSE, TRUE, &figure->period, error) ||
      !read_int (object, "page", prefix, 0, G_MAXUINT, 0, &page, error) ||
      !read_string (object, "snippet", prefix, FALSE, TRUE, &figure->snippet, error) ||
      !read_verification (object, prefix, &figure->verified, error) ||
      !read_int (object, "verified_page", prefix, 0, G_MAXUINT, 0, &verified_page, error))
    return NULL;

  figure->page = (guint) page;
  figure->verified_page = (guint) verified_page;
  read_rects (object, &figure->rects, &figure->n_rects);

  return g_ptr_array_steal_index (holder, 0);
}

static JsonArray *
get_array (JsonObject  *object,
           const char  *member,
           gboolean     required,
           GError     **error)
{
  JsonNode *node;
  JsonArray *array;

  if (!json_object_has_member (object, member))
    {
      if (required)
        set_invalid (error, member, _("present"));
      return NULL;
    }

  node = json_object_get_member (object, member);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_invalid (error, member, _("an array"));
      return NULL;
    }

  array = json_node_get_array (node);
  if (json_array_get_length (array) > MAX_ITEMS)
    {
      set_invalid (error, member, _("a list of reasonable length"));
      return NULL;
    }

  return array;
}

/**
 * assay_extraction_from_json:
 * @node: an "extraction" object as written by assay_extraction_to_json()
 *
 * Reads an extraction back, checking the type of every member. "method",
 * "template", "fields" and "figures" are required; other members may be
 * absent (they take their defaults) and unknown members are ignored, so that
 * adding members to the format stays compatible. Any thread.
 *
 * Returns: (transfer full): the extraction, or %NULL with
 * %G_IO_ERROR_INVALID_DATA set, naming the offending member
 */
AssayExtraction *
assay_extraction_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(AssayExtraction) self = NULL;
  g_autofree char *method = NULL;
  g_autofree char *template_name = NULL;
  g_autofree char *document_type = NULL;
  JsonObject *object;
  JsonArray *array;
  gboolean fell_back = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error, "extraction", _("an object"));
      return NULL;
    }

  object = json_node_get_object (node);

  if (!read_string (object, "method", "", TRUE, FALSE, &method, error) ||
      !read_string (object, "template", "", TRUE, FALSE, &template_name, error))
    return NULL;

  self = assay_extraction_new (method, template_name);

  if (!read_string (object, "provider", "", FALSE, TRUE, &self->provider, error) ||
      !read_string (object, "model", "", FALSE, TRUE, &self->model, error) ||
      !read_string (object, "document_type", "", FALSE, TRUE, &document_type, error) ||
      !read_string (object, "title", "", FALSE, TRUE, &self->title, error))
    return NULL;

  if (document_type != NULL)
    {
      g_free (self->document_type);
      self->document_type = g_steal_pointer (&document_type);
    }

  if (!(array = get_array (object, "fields", TRUE, error)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AssayField *field = field_from_json (json_array_get_element (array, i), i, error);

      if (field == NULL)
        return NULL;
      g_ptr_array_add (self->fields, field);
    }

  if (!(array = get_array (object, "figures", TRUE, error)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      AssayFigure *figure = figure_from_json (json_array_get_element (array, i), i, error);

      if (figure == NULL)
        return NULL;
      g_ptr_array_add (self->figures, figure);
    }

  if (json_object_has_member (object, "warnings"))
    {
      if (!(array = get_array (object, "warnings", FALSE, error)))
        return NULL;
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (!node_is_value_of (element, G_TYPE_STRING))
            {
              g_autofree char *path = g_strdup_printf ("warnings[%u]", i);
              set_invalid (error, path, _("a string"));
              return NULL;
            }
          g_ptr_array_add (self->warnings, g_strdup (json_node_get_string (element)));
        }
    }

  if (json_object_has_member (object, "usage"))
    {
      JsonNode *usage = json_object_get_member (object, "usage");

      if (!JSON_NODE_HOLDS_OBJECT (usage))
        {
          set_invalid (error, "usage", _("an object"));
          return NULL;
        }

      if (!read_int (json_node_get_object (usage), "prompt_tokens", "usage.",
                     -1, G_MAXINT64, -1, &self->prompt_tokens, error) ||
          !read_int (json_node_get_object (usage), "completion_tokens", "usage.",
                     -1, G_MAXINT64, -1, &self->completion_tokens, error))
        return NULL;
    }

  if (json_object_has_member (object, "fell_back"))
    {
      JsonNode *member = json_object_get_member (object, "fell_back");

      if (!node_is_value_of (member, G_TYPE_BOOLEAN))
        {
          set_invalid (error, "fell_back", _("true or false"));
          return NULL;
        }
      fell_back = json_node_get_boolean (member);
    }
  self->fell_back = fell_back;

  return g_steal_pointer (&self);
}
