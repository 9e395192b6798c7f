/* test-template.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "assay-template.h"

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static JsonObject *
object_at (JsonObject *object,
           const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return json_object_get_object_member (object, member);
}

/* The names of a JSON array of strings, joined with ",". */
static char *
join_array (JsonArray *array)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      if (i > 0)
        g_string_append_c (str, ',');
      g_string_append (str, json_array_get_string_element (array, i));
    }

  return g_string_free (str, FALSE);
}

/* "number" or "number|null" for a property's "type". */
static char *
type_of (JsonObject *property)
{
  JsonNode *type = json_object_get_member (property, "type");

  if (JSON_NODE_HOLDS_ARRAY (type))
    {
      JsonArray *array = json_node_get_array (type);
      GString *str = g_string_new (NULL);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (str, "%s%s", i ? "|" : "",
                                json_array_get_string_element (array, i));
      return g_string_free (str, FALSE);
    }

  return g_strdup (json_node_get_string (type));
}

static void
test_builtin_list (void)
{
  const char * const *names = assay_template_list_builtin ();

  g_assert_cmpuint (g_strv_length ((char **)names), ==, 4);
  g_assert_cmpstr (names[0], ==, "general");
  g_assert_cmpstr (names[1], ==, "invoice");
  g_assert_cmpstr (names[2], ==, "financial-report");
  g_assert_cmpstr (names[3], ==, "scientific-paper");

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(AssayTemplate) template = assay_template_lookup (names[i]);

      g_assert_nonnull (template);
      g_assert_cmpstr (assay_template_get_name (template), ==, names[i]);
      g_assert_cmpuint (strlen (assay_template_get_description (template)), >, 10);
      g_assert_cmpuint (assay_template_get_n_fields (template), >=, 3);

      for (guint j = 0; j < assay_template_get_n_fields (template); j++)
        {
          const AssayTemplateField *field = assay_template_get_field (template, j);

          g_assert_cmpuint (strlen (field->description), >, 5);
          g_assert_true (assay_template_find_field (template, field->name) == field);
        }
    }

  g_assert_null (assay_template_lookup ("nonexistent"));
  g_assert_null (assay_template_lookup (""));
  g_assert_null (assay_template_lookup ("Invoice"));
}

static void
test_builtin_invoice (void)
{
  static const struct { const char *name; AssayFieldType type; gboolean required; } expected[] = {
    { "invoice_number", ASSAY_FIELD_STRING, TRUE },
    { "issue_date", ASSAY_FIELD_DATE, FALSE },
    { "due_date", ASSAY_FIELD_DATE, FALSE },
    { "issuer", ASSAY_FIELD_STRING, FALSE },
    { "recipient", ASSAY_FIELD_STRING, FALSE },
    { "currency", ASSAY_FIELD_STRING, FALSE },
    { "subtotal", ASSAY_FIELD_MONEY, FALSE },
    { "tax", ASSAY_FIELD_MONEY, FALSE },
    { "total", ASSAY_FIELD_MONEY, TRUE },
  };
  g_autoptr(AssayTemplate) template = assay_template_lookup ("invoice");
  g_autoptr(AssayTemplate) other = assay_template_lookup ("invoice");

  g_assert_nonnull (template);
  g_assert_true (template != other);
  g_assert_cmpuint (assay_template_get_n_fields (template), ==, G_N_ELEMENTS (expected));

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const AssayTemplateField *field = assay_template_get_field (template, i);

      g_assert_cmpstr (field->name, ==, expected[i].name);
      g_assert_cmpint (field->type, ==, expected[i].type);
      g_assert_cmpint (field->required, ==, expected[i].required);
    }

  g_assert_null (assay_template_find_field (template, "revenue"));
}

static void
test_builtin_others (void)
{
  g_autoptr(AssayTemplate) general = assay_template_lookup ("general");
  g_autoptr(AssayTemplate) report = assay_template_lookup ("financial-report");
  g_autoptr(AssayTemplate) paper = assay_template_lookup ("scientific-paper");

  /* Title and document type are top-level members, not fields. */
  g_assert_null (assay_template_find_field (general, "title"));
  g_assert_null (assay_template_find_field (general, "document_type"));
  g_assert_cmpint (assay_template_find_field (general, "author")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (general, "date")->type, ==, ASSAY_FIELD_DATE);
  g_assert_cmpint (assay_template_find_field (general, "summary")->type, ==, ASSAY_FIELD_STRING);

  g_assert_cmpint (assay_template_find_field (report, "company")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (report, "period")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (report, "currency")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (report, "revenue")->type, ==, ASSAY_FIELD_MONEY);
  g_assert_cmpint (assay_template_find_field (report, "net_income")->type, ==, ASSAY_FIELD_MONEY);
  g_assert_cmpint (assay_template_find_field (report, "total_assets")->type, ==, ASSAY_FIELD_MONEY);

  g_assert_cmpint (assay_template_find_field (paper, "title")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (paper, "authors")->type, ==, ASSAY_FIELD_LIST);
  g_assert_cmpint (assay_template_find_field (paper, "year")->type, ==, ASSAY_FIELD_NUMBER);
  g_assert_cmpint (assay_template_find_field (paper, "doi")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (paper, "journal")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (paper, "abstract")->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpint (assay_template_find_field (paper, "sample_size")->type, ==, ASSAY_FIELD_NUMBER);
}

static void
test_schema_invoice (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("invoice");
  g_autoptr(JsonNode) schema = assay_template_to_json_schema (template);
  g_autoptr(GRegex) date_regex = NULL;
  g_autofree char *top_required = NULL;
  g_autofree char *field_required = NULL;
  g_autofree char *figure_required = NULL;
  g_autofree char *t = NULL;
  JsonObject *root, *props, *fields, *field_props, *figures, *items, *item_props, *prop;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (schema));
  root = json_node_get_object (schema);
  g_assert_cmpstr (json_object_get_string_member (root, "type"), ==, "object");
  g_assert_false (json_object_get_boolean_member (root, "additionalProperties"));
  top_required = join_array (json_object_get_array_member (root, "required"));
  g_assert_cmpstr (top_required, ==, "title,document_type,fields,figures");

  props = object_at (root, "properties");
  g_assert_cmpuint (json_object_get_size (props), ==, 4);

  t = type_of (object_at (props, "title"));
  g_assert_cmpstr (t, ==, "string|null");
  g_clear_pointer (&t, g_free);

  prop = object_at (props, "document_type");
  t = join_array (json_object_get_array_member (prop, "enum"));
  g_assert_cmpstr (t, ==, "invoice,financial-report,scientific-paper,general");
  g_clear_pointer (&t, g_free);

  fields = object_at (props, "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "type"), ==, "object");
  g_assert_false (json_object_get_boolean_member (fields, "additionalProperties"));
  field_required = join_array (json_object_get_array_member (fields, "required"));
  g_assert_cmpstr (field_required, ==,
                   "invoice_number,issue_date,due_date,issuer,recipient,currency,"
                   "subtotal,tax,total");

  field_props = object_at (fields, "properties");
  g_assert_cmpuint (json_object_get_size (field_props), ==, 9);

  /* Required fields are not nullable; optional ones are. */
  t = type_of (object_at (field_props, "invoice_number"));
  g_assert_cmpstr (t, ==, "string");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (field_props, "total"));
  g_assert_cmpstr (t, ==, "number");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (field_props, "tax"));
  g_assert_cmpstr (t, ==, "number|null");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (field_props, "issuer"));
  g_assert_cmpstr (t, ==, "string|null");
  g_clear_pointer (&t, g_free);

  prop = object_at (field_props, "issue_date");
  t = type_of (prop);
  g_assert_cmpstr (t, ==, "string|null");
  g_clear_pointer (&t, g_free);
  g_assert_cmpstr (json_object_get_string_member (prop, "pattern"), ==,
                   ASSAY_TEMPLATE_DATE_PATTERN);
  g_assert_nonnull (strstr (json_object_get_string_member (prop, "description"), "YYYY-MM-DD"));

  date_regex = g_regex_new (json_object_get_string_member (prop, "pattern"), 0, 0, NULL);
  g_assert_nonnull (date_regex);
  g_assert_true (g_regex_match (date_regex, "2024-03-01", 0, NULL));
  g_assert_true (g_regex_match (date_regex, "2024", 0, NULL));
  g_assert_false (g_regex_match (date_regex, "03/01/2024", 0, NULL));
  g_assert_false (g_regex_match (date_regex, "2024-03-01T10:00", 0, NULL));

  figures = object_at (props, "figures");
  g_assert_cmpstr (json_object_get_string_member (figures, "type"), ==, "array");
  items = object_at (figures, "items");
  g_assert_false (json_object_get_boolean_member (items, "additionalProperties"));
  figure_required = join_array (json_object_get_array_member (items, "required"));
  g_assert_cmpstr (figure_required, ==, "label,value,raw,unit,period,page");
  item_props = object_at (items, "properties");
  g_assert_cmpuint (json_object_get_size (item_props), ==, 6);

  t = type_of (object_at (item_props, "value"));
  g_assert_cmpstr (t, ==, "number");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (item_props, "page"));
  g_assert_cmpstr (t, ==, "integer");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (item_props, "raw"));
  g_assert_cmpstr (t, ==, "string");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (item_props, "unit"));
  g_assert_cmpstr (t, ==, "string|null");
  g_clear_pointer (&t, g_free);
  t = type_of (object_at (item_props, "label"));
  g_assert_cmpstr (t, ==, "string");
  g_clear_pointer (&t, g_free);
}

static void
test_schema_list_field (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("scientific-paper");
  g_autoptr(JsonNode) schema = assay_template_to_json_schema (template);
  g_autofree char *t = NULL;
  JsonObject *fields, *authors;

  fields = object_at (object_at (object_at (json_node_get_object (schema), "properties"),
                                 "fields"),
                      "properties");
  authors = object_at (fields, "authors");
  t = type_of (authors);
  g_assert_cmpstr (t, ==, "array|null");
  g_assert_cmpstr (json_object_get_string_member (object_at (authors, "items"), "type"), ==,
                   "string");
  g_clear_pointer (&t, g_free);

  t = type_of (object_at (fields, "title"));
  g_assert_cmpstr (t, ==, "string");
}

static void
test_user_template (void)
{
  g_autoptr(JsonNode) node = parse (
    "{\"name\": \"lease\", \"description\": \"A rental contract\", \"fields\": ["
    "  {\"name\": \"landlord\", \"type\": \"string\", \"description\": \"Who rents out\","
    "   \"required\": true},"
    "  {\"name\": \"monthly_rent\", \"type\": \"money\"},"
    "  {\"name\": \"start\", \"type\": \"date\", \"required\": false},"
    "  {\"name\": \"rooms\"}"
    "]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTemplate) template = assay_template_new_from_json (node, &error);
  g_autoptr(JsonNode) schema = NULL;
  g_autofree char *t = NULL;
  const AssayTemplateField *field;
  JsonObject *fields;

  g_assert_no_error (error);
  g_assert_nonnull (template);
  g_assert_cmpstr (assay_template_get_name (template), ==, "lease");
  g_assert_cmpstr (assay_template_get_description (template), ==, "A rental contract");
  g_assert_cmpuint (assay_template_get_n_fields (template), ==, 4);

  field = assay_template_get_field (template, 0);
  g_assert_cmpstr (field->name, ==, "landlord");
  g_assert_cmpint (field->type, ==, ASSAY_FIELD_STRING);
  g_assert_cmpstr (field->description, ==, "Who rents out");
  g_assert_true (field->required);

  field = assay_template_get_field (template, 1);
  g_assert_cmpint (field->type, ==, ASSAY_FIELD_MONEY);
  g_assert_cmpstr (field->description, ==, "");
  g_assert_false (field->required);

  g_assert_cmpint (assay_template_get_field (template, 2)->type, ==, ASSAY_FIELD_DATE);
  /* No type: a string. */
  g_assert_cmpint (assay_template_get_field (template, 3)->type, ==, ASSAY_FIELD_STRING);

  schema = assay_template_to_json_schema (template);
  fields = object_at (object_at (object_at (json_node_get_object (schema), "properties"),
                                 "fields"),
                      "properties");
  g_assert_cmpuint (json_object_get_size (fields), ==, 4);
  t = type_of (object_at (fields, "monthly_rent"));
  g_assert_cmpstr (t, ==, "number|null");
  g_assert_false (json_object_has_member (object_at (fields, "monthly_rent"), "description"));
}

typedef struct
{
  const char *json;
  const char *expected_fragment;   /* in the message */
} BadCase;

static void
test_user_template_invalid (void)
{
  static const BadCase cases[] = {
    { "[1, 2]", "must be a JSON object" },
    { "{\"fields\": [{\"name\": \"a\"}]}", "has no “name”" },
    { "{\"name\": 3, \"fields\": [{\"name\": \"a\"}]}", "“name” must be a string" },
    { "{\"name\": \"bad name\", \"fields\": [{\"name\": \"a\"}]}", "“bad name” is not valid" },
    { "{\"name\": \"x\"}", "has no “fields” list" },
    { "{\"name\": \"x\", \"fields\": {}}", "must be a list" },
    { "{\"name\": \"x\", \"fields\": []}", "has no fields" },
    { "{\"name\": \"x\", \"fieldz\": []}", "unknown member “fieldz”" },
    { "{\"name\": \"x\", \"fields\": [\"a\"]}", "Field 1 of the template is not an object" },
    { "{\"name\": \"x\", \"fields\": [{\"type\": \"string\"}]}", "Field 1 of the template has no “name”" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\"}, {\"name\": \"Total Due\"}]}",
      "Field 2 of the template has the name “Total Due”" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"1st\"}]}", "start with a letter" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}",
      "two fields called “a”" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\", \"type\": \"currency\"}]}",
      "unknown type “currency”" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\", \"requried\": true}]}",
      "unknown member “requried”" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\", \"required\": \"yes\"}]}",
      "“required” must be true or false" },
    { "{\"name\": \"x\", \"fields\": [{\"name\": \"a\", \"type\": 1}]}", "“type” must be a string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autoptr(AssayTemplate) template = assay_template_new_from_json (node, &error);

      g_test_message ("case %u: %s", i, cases[i].json);
      g_assert_null (template);
      g_assert_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID);
      if (strstr (error->message, cases[i].expected_fragment) == NULL)
        g_error ("case %u: message “%s” lacks “%s”", i, error->message,
                 cases[i].expected_fragment);
    }
}

static void
test_user_template_too_many_fields (void)
{
  GString *json = g_string_new ("{\"name\": \"big\", \"fields\": [");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AssayTemplate) template = NULL;
  g_autofree char *str = NULL;

  for (guint i = 0; i < 101; i++)
    g_string_append_printf (json, "%s{\"name\": \"f%u\"}", i ? "," : "", i);
  g_string_append (json, "]}");
  str = g_string_free (json, FALSE);

  node = parse (str);
  template = assay_template_new_from_json (node, &error);
  g_assert_null (template);
  g_assert_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "101 fields; at most 100"));
}

static void
test_user_template_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("assay-template-XXXXXX", NULL);
  g_autofree char *good = g_build_filename (dir, "good.json", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *invalid = g_build_filename (dir, "invalid.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(AssayTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (good,
                                      "{\"name\": \"memo\", \"fields\": "
                                      "[{\"name\": \"sender\", \"type\": \"string\"}]}",
                                      -1, NULL));
  g_assert_true (g_file_set_contents (broken, "{\"name\": \"memo\", ", -1, NULL));
  g_assert_true (g_file_set_contents (invalid, "{\"name\": \"memo\", \"fields\": []}", -1, NULL));

  template = assay_template_new_from_file (good, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assay_template_get_name (template), ==, "memo");
  g_assert_cmpstr (assay_template_get_field (template, 0)->name, ==, "sender");
  g_clear_pointer (&template, assay_template_unref);

  template = assay_template_new_from_file (broken, &error);
  g_assert_null (template);
  g_assert_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "broken.json"));
  g_assert_nonnull (strstr (error->message, "not valid JSON"));
  g_clear_error (&error);

  template = assay_template_new_from_file (invalid, &error);
  g_assert_null (template);
  g_assert_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "invalid.json"));
  g_assert_nonnull (strstr (error->message, "has no fields"));
  g_clear_error (&error);

  template = assay_template_new_from_file (missing, &error);
  g_assert_null (template);
  g_assert_error (error, ASSAY_TEMPLATE_ERROR, ASSAY_TEMPLATE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.json"));
  g_clear_error (&error);

  g_assert_cmpint (g_remove (good), ==, 0);
  g_assert_cmpint (g_remove (broken), ==, 0);
  g_assert_cmpint (g_remove (invalid), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static AssayTemplate *
template_from_string (const char *json)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  AssayTemplate *template = assay_template_new_from_json (node, &error);

  g_assert_no_error (error);
  return template;
}

static void
assert_key_shape (const char *key,
                  const char *name)
{
  gsize prefix = strlen (name);

  g_assert_true (g_str_has_prefix (key, name));
  g_assert_cmpint (key[prefix], ==, '-');
  g_assert_cmpuint (strlen (key + prefix + 1), ==, 12);
  for (const char *p = key + prefix + 1; *p; p++)
    g_assert_true (g_ascii_isxdigit (*p));
}

static void
test_cache_key (void)
{
  static const char *base =
    "{\"name\": \"memo\", \"description\": \"d\", \"fields\": "
    "[{\"name\": \"sender\", \"type\": \"string\"}]}";
  g_autoptr(AssayTemplate) a = template_from_string (base);
  g_autoptr(AssayTemplate) b = template_from_string (base);
  g_autoptr(AssayTemplate) desc = template_from_string (
    "{\"name\": \"memo\", \"description\": \"e\", \"fields\": "
    "[{\"name\": \"sender\", \"type\": \"string\"}]}");
  g_autoptr(AssayTemplate) type = template_from_string (
    "{\"name\": \"memo\", \"description\": \"d\", \"fields\": "
    "[{\"name\": \"sender\", \"type\": \"list\"}]}");
  g_autoptr(AssayTemplate) req = template_from_string (
    "{\"name\": \"memo\", \"description\": \"d\", \"fields\": "
    "[{\"name\": \"sender\", \"type\": \"string\", \"required\": true}]}");
  g_autoptr(AssayTemplate) field_desc = template_from_string (
    "{\"name\": \"memo\", \"description\": \"d\", \"fields\": "
    "[{\"name\": \"sender\", \"type\": \"string\", \"description\": \"x\"}]}");
  g_autoptr(AssayTemplate) invoice1 = assay_template_lookup ("invoice");
  g_autoptr(AssayTemplate) invoice2 = assay_template_lookup ("invoice");
  g_autoptr(AssayTemplate) general = assay_template_lookup ("general");
  g_autofree char *ka = assay_template_get_cache_key (a);
  g_autofree char *kb = assay_template_get_cache_key (b);
  g_autofree char *kdesc = assay_template_get_cache_key (desc);
  g_autofree char *ktype = assay_template_get_cache_key (type);
  g_autofree char *kreq = assay_template_get_cache_key (req);
  g_autofree char *kfield_desc = assay_template_get_cache_key (field_desc);
  g_autofree char *ki1 = assay_template_get_cache_key (invoice1);
  g_autofree char *ki2 = assay_template_get_cache_key (invoice2);
  g_autofree char *kg = assay_template_get_cache_key (general);

  assert_key_shape (ka, "memo");
  assert_key_shape (ki1, "invoice");
  assert_key_shape (kg, "general");

  /* Same definition, same key; any edit, a new key. */
  g_assert_cmpstr (ka, ==, kb);
  g_assert_cmpstr (ki1, ==, ki2);
  g_assert_cmpstr (ka, !=, kdesc);
  g_assert_cmpstr (ka, !=, ktype);
  g_assert_cmpstr (ka, !=, kreq);
  g_assert_cmpstr (ka, !=, kfield_desc);
  g_assert_cmpstr (kdesc, !=, ktype);
}

static void
test_ref_counting (void)
{
  AssayTemplate *template = assay_template_lookup ("general");
  AssayTemplate *ref = assay_template_ref (template);

  g_assert_true (ref == template);
  assay_template_unref (template);
  /* Still alive through the second reference. */
  g_assert_cmpstr (assay_template_get_name (ref), ==, "general");
  assay_template_unref (ref);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/template/builtin-list", test_builtin_list);
  g_test_add_func ("/assay/template/builtin-invoice", test_builtin_invoice);
  g_test_add_func ("/assay/template/builtin-others", test_builtin_others);
  g_test_add_func ("/assay/template/schema-invoice", test_schema_invoice);
  g_test_add_func ("/assay/template/schema-list-field", test_schema_list_field);
  g_test_add_func ("/assay/template/user", test_user_template);
  g_test_add_func ("/assay/template/user-invalid", test_user_template_invalid);
  g_test_add_func ("/assay/template/user-too-many-fields", test_user_template_too_many_fields);
  g_test_add_func ("/assay/template/user-file", test_user_template_file);
  g_test_add_func ("/assay/template/cache-key", test_cache_key);
  g_test_add_func ("/assay/template/ref-counting", test_ref_counting);

  return g_test_run ();
}
