/* assay-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-template"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-template.h"

/* Bounds on user templates: a template is a short hand-written file. */
#define MAX_TEMPLATE_FILE_BYTES  (1024 * 1024)
#define MAX_FIELDS               100
#define MAX_NAME_LENGTH          64
#define MAX_DESCRIPTION_LENGTH   2000

/* Bump when the schema sent to models changes shape: cached results made
 * with the old schema then stop matching. */
#define TEMPLATE_DEFINITION_VERSION "assay-template/1"

struct _AssayTemplate
{
  char   *name;
  char   *description;
  GArray *fields;       /* AssayTemplateField */
};

typedef struct
{
  const char     *name;
  AssayFieldType  type;
  const char     *description;
  gboolean        required;
} BuiltinField;

typedef struct
{
  const char         *name;
  const char         *description;
  const BuiltinField *fields;
  guint               n_fields;
} BuiltinTemplate;

/* Descriptions are written for the model, not translated: the prompt is
 * English whatever the user's language. */
static const BuiltinField general_fields[] = {
  { "author", ASSAY_FIELD_STRING,
    "The person or organisation that wrote or issued the document.", FALSE },
  { "date", ASSAY_FIELD_DATE,
    "The date the document was written, issued or published, as YYYY-MM-DD.", FALSE },
  { "summary", ASSAY_FIELD_STRING,
    "A summary of the document in at most three sentences.", FALSE },
};

static const BuiltinField invoice_fields[] = {
  { "invoice_number", ASSAY_FIELD_STRING,
    "The invoice number or identifier as printed.", TRUE },
  { "issue_date", ASSAY_FIELD_DATE,
    "The date the invoice was issued, as YYYY-MM-DD.", FALSE },
  { "due_date", ASSAY_FIELD_DATE,
    "The date payment is due, as YYYY-MM-DD.", FALSE },
  { "issuer", ASSAY_FIELD_STRING,
    "The name of the company or person who issued the invoice.", FALSE },
  { "recipient", ASSAY_FIELD_STRING,
    "The name of the company or person the invoice is addressed to.", FALSE },
  { "currency", ASSAY_FIELD_STRING,
    "The ISO 4217 currency code of the amounts, such as EUR or USD.", FALSE },
  { "subtotal", ASSAY_FIELD_MONEY,
    "The total before tax, as a number.", FALSE },
  { "tax", ASSAY_FIELD_MONEY,
    "The tax amount (VAT, sales tax), as a number.", FALSE },
  { "total", ASSAY_FIELD_MONEY,
    "The total amount due including tax, as a number.", TRUE },
};

static const BuiltinField financial_report_fields[] = {
  { "company", ASSAY_FIELD_STRING,
    "The name of the reporting company.", TRUE },
  { "period", ASSAY_FIELD_STRING,
    "The reporting period as written, such as FY2023 or Q3 2024.", FALSE },
  { "currency", ASSAY_FIELD_STRING,
    "The ISO 4217 currency code of the reported amounts.", FALSE },
  { "revenue", ASSAY_FIELD_MONEY,
    "Total revenue for the period, as a number with the stated scale applied.", FALSE },
  { "operating_income", ASSAY_FIELD_MONEY,
    "Operating income (EBIT) for the period, as a number with the scale applied.", FALSE },
  { "net_income", ASSAY_FIELD_MONEY,
    "Net income (profit or loss) for the period, as a number with the scale applied; "
    "negative for a loss.", FALSE },
  { "total_assets", ASSAY_FIELD_MONEY,
    "Total assets at the end of the period, as a number with the scale applied.", FALSE },
  { "total_liabilities", ASSAY_FIELD_MONEY,
    "Total liabilities at the end of the period, as a number with the scale applied.", FALSE },
  { "equity", ASSAY_FIELD_MONEY,
    "Total shareholders' equity at the end of the period, as a number with the scale "
    "applied.", FALSE },
  { "employees", ASSAY_FIELD_NUMBER,
    "The number of employees, as a number.", FALSE },
};

static const BuiltinField scientific_paper_fields[] = {
  { "title", ASSAY_FIELD_STRING,
    "The title of the paper.", TRUE },
  { "authors", ASSAY_FIELD_LIST,
    "The authors' names, in the order given.", FALSE },
  { "year", ASSAY_FIELD_NUMBER,
    "The year of publication, as a number.", FALSE },
  { "doi", ASSAY_FIELD_STRING,
    "The DOI, such as 10.1000/xyz123, without a URL prefix.", FALSE },
  { "journal", ASSAY_FIELD_STRING,
    "The journal, conference or preprint server.", FALSE },
  { "abstract", ASSAY_FIELD_STRING,
    "The abstract, shortened to at most five sentences.", FALSE },
  { "sample_size", ASSAY_FIELD_NUMBER,
    "The number of subjects or samples in the study, as a number.", FALSE },
  { "keywords", ASSAY_FIELD_LIST,
    "The paper's keywords.", FALSE },
  { "main_finding", ASSAY_FIELD_STRING,
    "The main result in one sentence.", FALSE },
};

static const BuiltinTemplate builtin_templates[] = {
  { "general",
    "Any document: title, author, date, a summary and its key figures.",
    general_fields, G_N_ELEMENTS (general_fields) },
  { "invoice",
    "An invoice: number, dates, parties, currency and amounts.",
    invoice_fields, G_N_ELEMENTS (invoice_fields) },
  { "financial-report",
    "A company's annual or quarterly report: period, revenue, income, assets.",
    financial_report_fields, G_N_ELEMENTS (financial_report_fields) },
  { "scientific-paper",
    "A research paper: title, authors, year, DOI, journal, abstract, sample size.",
    scientific_paper_fields, G_N_ELEMENTS (scientific_paper_fields) },
};

static const char * const builtin_names[] = {
  "general",
  "invoice",
  "financial-report",
  "scientific-paper",
  NULL
};

G_DEFINE_QUARK (assay-template-error-quark, assay_template_error)

static void
template_field_clear (gpointer data)
{
  AssayTemplateField *field = data;

  g_clear_pointer (&field->name, g_free);
  g_clear_pointer (&field->description, g_free);
}

static AssayTemplate *
template_new (const char *name,
              const char *description)
{
  AssayTemplate *self = g_atomic_rc_box_new0 (AssayTemplate);

  self->name = g_strdup (name);
  self->description = g_strdup (description != NULL ? description : "");
  self->fields = g_array_new (FALSE, TRUE, sizeof (AssayTemplateField));
  g_array_set_clear_func (self->fields, template_field_clear);

  return self;
}

static void
template_add_field (AssayTemplate  *self,
                    const char     *name,
                    AssayFieldType  type,
                    const char     *description,
                    gboolean        required)
{
  AssayTemplateField field;

  field.name = g_strdup (name);
  field.type = type;
  field.description = g_strdup (description != NULL ? description : "");
  field.required = !!required;
  g_array_append_val (self->fields, field);
}

/**
 * assay_template_list_builtin:
 *
 * Returns: (transfer none) (array zero-terminated=1): the names of the
 * built-in templates, "general" first. Any thread.
 */
const char * const *
assay_template_list_builtin (void)
{
  return builtin_names;
}

/**
 * assay_template_lookup:
 * @name: a built-in template's name
 *
 * Returns: (transfer full) (nullable): a new reference to the built-in
 * template @name, or %NULL when there is none. Any thread.
 */
AssayTemplate *
assay_template_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (builtin_templates); i++)
    {
      const BuiltinTemplate *builtin = &builtin_templates[i];
      AssayTemplate *self;

      if (strcmp (builtin->name, name) != 0)
        continue;

      self = template_new (builtin->name, builtin->description);
      for (guint j = 0; j < builtin->n_fields; j++)
        template_add_field (self,
                            builtin->fields[j].name,
                            builtin->fields[j].type,
                            builtin->fields[j].description,
                            builtin->fields[j].required);
      return self;
    }

  return NULL;
}

AssayTemplate *
assay_template_ref (AssayTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
assay_template_clear (gpointer data)
{
  AssayTemplate *self = data;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->fields, g_array_unref);
}

void
assay_template_unref (AssayTemplate *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, assay_template_clear);
}

const char *
assay_template_get_name (AssayTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

const char *
assay_template_get_description (AssayTemplate *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->description;
}

guint
assay_template_get_n_fields (AssayTemplate *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->fields->len;
}

/**
 * assay_template_get_field:
 *
 * Returns: (transfer none): field @index, in the template's order
 */
const AssayTemplateField *
assay_template_get_field (AssayTemplate *self,
                          guint          index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->fields->len, NULL);

  return &g_array_index (self->fields, AssayTemplateField, index);
}

/**
 * assay_template_find_field:
 *
 * Returns: (transfer none) (nullable): the field called @name, or %NULL
 */
const AssayTemplateField *
assay_template_find_field (AssayTemplate *self,
                           const char    *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->fields->len; i++)
    {
      const AssayTemplateField *field = &g_array_index (self->fields, AssayTemplateField, i);

      if (strcmp (field->name, name) == 0)
        return field;
    }

  return NULL;
}

/* User templates. */

static gboolean
field_type_parse (const char     *str,
                  AssayFieldType *out)
{
  static const struct { const char *name; AssayFieldType type; } types[] = {
    { "string", ASSAY_FIELD_STRING },
    { "number", ASSAY_FIELD_NUMBER },
    { "money", ASSAY_FIELD_MONEY },
    { "date", ASSAY_FIELD_DATE },
    { "list", ASSAY_FIELD_LIST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (strcmp (types[i].name, str) == 0)
        {
          *out = types[i].type;
          return TRUE;
        }
    }

  return FALSE;
}

static const char *
field_type_name (AssayFieldType type)
{
  switch (type)
    {
    case ASSAY_FIELD_STRING: return "string";
    case ASSAY_FIELD_NUMBER: return "number";
    case ASSAY_FIELD_MONEY: return "money";
    case ASSAY_FIELD_DATE: return "date";
    case ASSAY_FIELD_LIST: return "list";
    default: break;
    }

  g_return_val_if_reached ("string");
}

/* Template names: letters, digits, '-', '_' and '.', not starting with '.'. */
static gboolean
template_name_is_valid (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_NAME_LENGTH || name[0] == '.' || name[0] == '-')
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '.')
        return FALSE;
    }

  return TRUE;
}

/* Field names: [a-z0-9_]+, starting with a letter. */
static gboolean
field_name_is_valid (const char *name)
{
  gsize len = strlen (name);

  if (len == 0 || len > MAX_NAME_LENGTH || !(name[0] >= 'a' && name[0] <= 'z'))
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      char c = name[i];

      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_')
        return FALSE;
    }

  return TRUE;
}

static gboolean
set_invalid (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
set_invalid (GError     **error,
             const char  *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error_literal (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID, message);

  return FALSE;
}

/* Reads an optional string member; FALSE with @error when it is there but
 * not a string. */
static gboolean
get_optional_string (JsonObject  *object,
                     const char  *member,
                     const char  *where,
                     const char **out,
                     GError     **error)
{
  JsonNode *node;

  *out = NULL;

  if (!json_object_has_member (object, member))
    return TRUE;

  node = json_object_get_member (object, member);
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    /* Translators: the first %s is a place such as "the template" or
     * "field 3", the second a JSON member name */
    return set_invalid (error, _("In %s, “%s” must be a string."), where, member);

  *out = json_node_get_string (node);

  return TRUE;
}

static gboolean
parse_field (AssayTemplate  *self,
             JsonNode       *node,
             guint           position,
             GError        **error)
{
  static const char * const known_members[] = { "name", "type", "description", "required", NULL };
  g_autofree char *where = NULL;
  JsonObject *object;
  const char *name = NULL;
  const char *type_str = NULL;
  const char *description = NULL;
  AssayFieldType type;
  gboolean required = FALSE;
  g_autoptr(GList) members = NULL;

  /* Translators: a place in a template file, used in other messages */
  where = g_strdup_printf (_("field %u of the template"), position);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_invalid (error,
                        _("Field %u of the template is not an object. Write each field as "
                          "{\"name\": …, \"type\": …, \"description\": …}."),
                        position);

  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known_members, l->data))
        return set_invalid (error,
                            _("Field %u of the template has an unknown member “%s”. "
                              "Known members are name, type, description and required."),
                            position, (const char *)l->data);
    }

  if (!get_optional_string (object, "name", where, &name, error) ||
      !get_optional_string (object, "type", where, &type_str, error) ||
      !get_optional_string (object, "description", where, &description, error))
    return FALSE;

  if (name == NULL)
    return set_invalid (error, _("Field %u of the template has no “name”."), position);

  if (!field_name_is_valid (name))
    return set_invalid (error,
                        _("Field %u of the template has the name “%s”. Field names use "
                          "lower-case letters, digits and “_”, start with a letter and "
                          "are at most %d characters long."),
                        position, name, MAX_NAME_LENGTH);

  if (assay_template_find_field (self, name) != NULL)
    return set_invalid (error, _("The template has two fields called “%s”."), name);

  if (type_str == NULL)
    type = ASSAY_FIELD_STRING;
  else if (!field_type_parse (type_str, &type))
    return set_invalid (error,
                        _("Field “%s” of the template has the unknown type “%s”. Use string, "
                          "number, money, date or list."),
                        name, type_str);

  if (description != NULL && strlen (description) > MAX_DESCRIPTION_LENGTH)
    return set_invalid (error,
                        _("The description of field “%s” is longer than %d characters."),
                        name, MAX_DESCRIPTION_LENGTH);

  if (json_object_has_member (object, "required"))
    {
      JsonNode *req = json_object_get_member (object, "required");

      if (!JSON_NODE_HOLDS_VALUE (req) || json_node_get_value_type (req) != G_TYPE_BOOLEAN)
        return set_invalid (error,
                            _("In field “%s” of the template, “required” must be true or "
                              "false."),
                            name);
      required = json_node_get_boolean (req);
    }

  template_add_field (self, name, type, description, required);

  return TRUE;
}

/**
 * assay_template_new_from_json:
 * @node: (transfer none): a template object:
 *   `{"name": "...", "description": "...", "fields": [{"name", "type",
 *   "description", "required"}]}`
 *
 * Validates the definition and says what is wrong in words a person can act
 * on. Any thread.
 *
 * Returns: (transfer full): a new template, or %NULL with @error set in
 * %ASSAY_TEMPLATE_ERROR
 */
AssayTemplate *
assay_template_new_from_json (JsonNode  *node,
                              GError   **error)
{
  static const char * const known_members[] = { "name", "description", "fields", NULL };
  g_autoptr(AssayTemplate) self = NULL;
  g_autoptr(GList) members = NULL;
  JsonObject *object;
  JsonNode *fields_node;
  JsonArray *fields;
  const char *name = NULL;
  const char *description = NULL;
  const char *where = _("the template");

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_invalid (error,
                   _("A template must be a JSON object with “name”, “description” and "
                     "“fields”."));
      return NULL;
    }

  object = json_node_get_object (node);

  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known_members, l->data))
        {
          set_invalid (error,
                       _("The template has an unknown member “%s”. Known members are name, "
                         "description and fields."),
                       (const char *)l->data);
          return NULL;
        }
    }

  if (!get_optional_string (object, "name", where, &name, error) ||
      !get_optional_string (object, "description", where, &description, error))
    return NULL;

  if (name == NULL)
    {
      set_invalid (error, _("The template has no “name”."));
      return NULL;
    }

  if (!template_name_is_valid (name))
    {
      set_invalid (error,
                   _("The template name “%s” is not valid. Use letters, digits, “-”, “_” "
                     "and “.”, at most %d characters, starting with a letter or digit."),
                   name, MAX_NAME_LENGTH);
      return NULL;
    }

  if (description != NULL && strlen (description) > MAX_DESCRIPTION_LENGTH)
    {
      set_invalid (error, _("The template’s description is longer than %d characters."),
                   MAX_DESCRIPTION_LENGTH);
      return NULL;
    }

  if (!json_object_has_member (object, "fields"))
    {
      set_invalid (error, _("The template “%s” has no “fields” list."), name);
      return NULL;
    }

  fields_node = json_object_get_member (object, "fields");
  if (!JSON_NODE_HOLDS_ARRAY (fields_node))
    {
      set_invalid (error, _("In the template “%s”, “fields” must be a list ([…])."), name);
      return NULL;
    }

  fields = json_node_get_array (fields_node);
  if (json_array_get_length (fields) == 0)
    {
      set_invalid (error, _("The template “%s” has no fields. Add at least one."), name);
      return NULL;
    }

  if (json_array_get_length (fields) > MAX_FIELDS)
    {
      set_invalid (error, _("The template “%s” has %u fields; at most %d are allowed."),
                   name, json_array_get_length (fields), MAX_FIELDS);
      return NULL;
    }

  self = template_new (name, description);

  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      if (!parse_field (self, json_array_get_element (fields, i), i + 1, error))
        return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * assay_template_new_from_file:
 * @path: a JSON file in the format of assay_template_new_from_json()
 *
 * Blocking I/O on a small file. Any thread.
 *
 * Returns: (transfer full): a new template, or %NULL with @error set; the
 * message names the file
 */
AssayTemplate *
assay_template_new_from_file (const char  *path,
                              GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  AssayTemplate *self;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_NOT_FOUND,
                   _("Could not read the template file “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }

  if (length > MAX_TEMPLATE_FILE_BYTES)
    {
      g_set_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID,
                   _("The template file “%s” is larger than 1 MiB; a template is a short "
                     "JSON file."),
                   display);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, contents, length, &local_error))
    {
      g_set_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID,
                   _("The template file “%s” is not valid JSON: %s"),
                   display, local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID,
                   _("The template file “%s” is empty."), display);
      return NULL;
    }

  self = assay_template_new_from_json (json_parser_get_root (parser), &local_error);
  if (self == NULL)
    {
      g_set_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID,
                   /* Translators: the first %s is a file name, the second what is wrong */
                   _("The template file “%s” is not valid: %s"),
                   display, local_error->message);
      return NULL;
    }

  return self;
}

/* JSON schema. */

static JsonNode *
type_node (const char *type,
           gboolean    nullable)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!nullable)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_string (node, type);
      return node;
    }

  json_builder_begin_array (builder);
  json_builder_add_string_value (builder, type);
  json_builder_add_string_value (builder, "null");
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

static void
add_field_schema (JsonBuilder              *builder,
                  const AssayTemplateField *field)
{
  gboolean nullable = !field->required;

  json_builder_set_member_name (builder, field->name);
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "type");
  switch (field->type)
    {
    case ASSAY_FIELD_NUMBER:
    case ASSAY_FIELD_MONEY:
      json_builder_add_value (builder, type_node ("number", nullable));
      break;

    case ASSAY_FIELD_LIST:
      json_builder_add_value (builder, type_node ("array", nullable));
      json_builder_set_member_name (builder, "items");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "string");
      json_builder_end_object (builder);
      break;

    case ASSAY_FIELD_DATE:
      json_builder_add_value (builder, type_node ("string", nullable));
      json_builder_set_member_name (builder, "pattern");
      json_builder_add_string_value (builder, ASSAY_TEMPLATE_DATE_PATTERN);
      break;

    case ASSAY_FIELD_STRING:
    default:
      json_builder_add_value (builder, type_node ("string", nullable));
      break;
    }

  if (field->description != NULL && field->description[0] != '\0')
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, field->description);
    }

  json_builder_end_object (builder);
}

static void
add_simple_property (JsonBuilder *builder,
                     const char  *name,
                     const char  *type,
                     gboolean     nullable,
                     const char  *description)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_value (builder, type_node (type, nullable));
  if (description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
    }
  json_builder_end_object (builder);
}

/**
 * assay_template_to_json_schema:
 *
 * The JSON Schema of a model's answer for this template, usable as OpenAI
 * `response_format` json_schema (strict: every property required, no
 * additional properties; optional values are nullable) and as Ollama's
 * `format`:
 *
 * |[
 * { "type": "object",
 *   "properties": {
 *     "title": {"type": ["string", "null"]},
 *     "document_type": {"type": "string", "enum": [...]},
 *     "fields": {"type": "object", "properties": {...}, "required": [...],
 *                "additionalProperties": false},
 *     "figures": {"type": "array", "items": {label, value, raw, unit, period, page}}
 *   },
 *   "required": ["title", "document_type", "fields", "figures"],
 *   "additionalProperties": false }
 * ]|
 *
 * Template fields: string → string, number and money → number, date →
 * string with a YYYY[-MM[-DD]] pattern, list → array of strings. A field
 * marked required is not nullable. Any thread.
 *
 * Returns: (transfer full): a new JSON object node
 */
JsonNode *
assay_template_to_json_schema (AssayTemplate *self)
{
  static const char * const document_types[] = { ASSAY_TEMPLATE_DOCUMENT_TYPES };
  static const char * const figure_members[] = { "label", "value", "raw", "unit", "period", "page" };
  static const char * const top_members[] = { "title", "document_type", "fields", "figures" };
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "object");

  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);

  add_simple_property (builder, "title", "string", TRUE,
                       "The document's title as printed, or null.");

  json_builder_set_member_name (builder, "document_type");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "string");
  json_builder_set_member_name (builder, "enum");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (document_types); i++)
    json_builder_add_string_value (builder, document_types[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, "What kind of document this is.");
  json_builder_end_object (builder);

  /* fields */
  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "object");
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->fields->len; i++)
    add_field_schema (builder, &g_array_index (self->fields, AssayTemplateField, i));
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "required");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->fields->len; i++)
    json_builder_add_string_value (builder,
                                   g_array_index (self->fields, AssayTemplateField, i).name);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "additionalProperties");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  /* figures */
  json_builder_set_member_name (builder, "figures");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "array");
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder,
                                 "The document's key figures: important numbers with "
                                 "their labels, each with the page it is printed on.");
  json_builder_set_member_name (builder, "items");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "object");
  json_builder_set_member_name (builder, "properties");
  json_builder_begin_object (builder);
  add_simple_property (builder, "label", "string", FALSE,
                       "What the number is, such as \"Total revenue\".");
  add_simple_property (builder, "value", "number", FALSE,
                       "The number with sign and stated scale (thousands, millions) "
                       "applied.");
  add_simple_property (builder, "raw", "string", FALSE,
                       "The number exactly as printed on the page.");
  add_simple_property (builder, "unit", "string", TRUE,
                       "ISO 4217 currency code, \"%\", or another unit; null if none.");
  add_simple_property (builder, "period", "string", TRUE,
                       "The period the number refers to, such as \"2023\"; null if none.");
  add_simple_property (builder, "page", "integer", FALSE,
                       "The page number (from the === Page N === markers) the number is "
                       "printed on.");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "required");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (figure_members); i++)
    json_builder_add_string_value (builder, figure_members[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "additionalProperties");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_end_object (builder); /* properties */

  json_builder_set_member_name (builder, "required");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (top_members); i++)
    json_builder_add_string_value (builder, top_members[i]);
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "additionalProperties");
  json_builder_add_boolean_value (builder, FALSE);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * assay_template_get_cache_key:
 *
 * The template's identity for the result cache: its name, then a short hash
 * of its whole definition (name, description, every field's name, type,
 * description and required flag). Editing a user template changes the key,
 * so results cached with the old definition are not reused. Any thread.
 *
 * Returns: (transfer full): such as "invoice-3f2a9c01b7de"
 */
char *
assay_template_get_cache_key (AssayTemplate *self)
{
  g_autoptr(GChecksum) checksum = NULL;
  char hash[13];

  g_return_val_if_fail (self != NULL, NULL);

  checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* Each string is followed by its NUL so "ab"+"c" and "a"+"bc" differ. */
#define FEED(str) g_checksum_update (checksum, (const guchar *)(str), strlen (str) + 1)
  FEED (TEMPLATE_DEFINITION_VERSION);
  FEED (self->name);
  FEED (self->description);
  for (guint i = 0; i < self->fields->len; i++)
    {
      const AssayTemplateField *field = &g_array_index (self->fields, AssayTemplateField, i);

      FEED (field->name);
      FEED (field_type_name (field->type));
      FEED (field->description);
      FEED (field->required ? "required" : "optional");
    }
#undef FEED

  g_strlcpy (hash, g_checksum_get_string (checksum), sizeof hash);

  return g_strdup_printf ("%s-%s", self->name, hash);
}
