/* test-extraction.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <gio/gio.h>

#include "assay-extraction.h"

static char *
to_json_string (const AssayExtraction *extraction)
{
  g_autoptr(JsonNode) node = assay_extraction_to_json (extraction);
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

static AssayExtraction *
from_json_string (const char  *text,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_data (parser, text, -1, error))
    return NULL;

  return assay_extraction_from_json (json_parser_get_root (parser), error);
}

static AssayExtraction *
build_invoice (void)
{
  AssayExtraction *extraction = assay_extraction_new ("offline", "invoice");
  AssayField *field;
  AssayFigure *figure;

  g_free (extraction->document_type);
  extraction->document_type = g_strdup ("invoice");
  extraction->title = g_strdup ("Invoice 2024-017");

  field = assay_extraction_add_field (extraction, "invoice_number", ASSAY_FIELD_STRING,
                                      "2024-017", 1, "Invoice no. 2024-017");
  g_assert_true (isnan (field->number));

  field = assay_extraction_add_field (extraction, "total", ASSAY_FIELD_MONEY,
                                      "1234.5", 1, "Total due  1.234,50 €");
  field->unit = g_strdup ("EUR");
  field->verified = ASSAY_VERIFICATION_VERIFIED;
  field->verified_page = 1;

  figure = assay_extraction_add_figure (extraction, "Total revenue", 1234500000,
                                        "1,234.5", 4, "Total revenue ...... 1,234.5");
  figure->unit = g_strdup ("USD");
  figure->period = g_strdup ("2023");
  figure->verified = ASSAY_VERIFICATION_VERIFIED;
  figure->verified_page = 4;

  return extraction;
}

static void
test_new_defaults (void)
{
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("llm", "general");

  g_assert_cmpstr (extraction->method, ==, "llm");
  g_assert_cmpstr (extraction->template_name, ==, "general");
  g_assert_cmpstr (extraction->document_type, ==, "general");
  g_assert_null (extraction->title);
  g_assert_null (extraction->provider);
  g_assert_cmpuint (extraction->fields->len, ==, 0);
  g_assert_cmpuint (extraction->figures->len, ==, 0);
  g_assert_cmpint (extraction->prompt_tokens, ==, -1);
  g_assert_cmpint (extraction->completion_tokens, ==, -1);
  g_assert_false (extraction->fell_back);
}

static void
test_fields (void)
{
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("offline", "general");
  AssayField *field;

  field = assay_extraction_add_field (extraction, "total", ASSAY_FIELD_MONEY, "1234.5", 2, NULL);
  g_assert_cmpfloat (field->number, ==, 1234.5);
  g_assert_cmpuint (field->page, ==, 2);
  g_assert_cmpint (field->verified, ==, ASSAY_VERIFICATION_UNCHECKED);

  field = assay_extraction_add_field (extraction, "count", ASSAY_FIELD_NUMBER, "12 apples", 0, NULL);
  g_assert_true (isnan (field->number));

  field = assay_extraction_add_field (extraction, "when", ASSAY_FIELD_DATE, "2024", 0, NULL);
  g_assert_true (isnan (field->number));

  field = assay_extraction_add_number_field (extraction, "tax", ASSAY_FIELD_MONEY, 190.0,
                                             "EUR", 1, "VAT 19% 190.00");
  g_assert_cmpstr (field->value, ==, "190");
  g_assert_cmpfloat (field->number, ==, 190.0);
  g_assert_cmpstr (field->unit, ==, "EUR");

  g_assert_true (assay_extraction_get_field (extraction, "total") ==
                 g_ptr_array_index (extraction->fields, 0));
  g_assert_true (assay_extraction_get_field (extraction, "tax") == field);
  g_assert_null (assay_extraction_get_field (extraction, "missing"));

  assay_extraction_add_warning (extraction, "only %d of %d kept", 500, 612);
  g_assert_cmpuint (extraction->warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (extraction->warnings, 0), ==, "only 500 of 612 kept");
}

static void
test_format_number (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 1234.5, "1234.5" },
    { 1.2e9, "1200000000" },
    { 0.1, "0.1" },
    { -1234, "-1234" },
    { 12.345, "12.345" },
    { -0.0, "0" },
    { 1e20, "1e+20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = assay_extraction_format_number (cases[i].value);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_strings (void)
{
  AssayVerification v;
  AssayFieldType t;

  g_assert_cmpstr (assay_verification_to_string (ASSAY_VERIFICATION_UNCHECKED), ==, "unchecked");
  g_assert_cmpstr (assay_verification_to_string (ASSAY_VERIFICATION_VERIFIED), ==, "verified");
  g_assert_cmpstr (assay_verification_to_string (ASSAY_VERIFICATION_UNVERIFIED), ==, "unverified");
  g_assert_true (assay_verification_from_string ("unverified", &v));
  g_assert_cmpint (v, ==, ASSAY_VERIFICATION_UNVERIFIED);
  g_assert_false (assay_verification_from_string ("Verified", &v));
  g_assert_false (assay_verification_from_string (NULL, &v));

  g_assert_cmpstr (assay_field_type_to_string (ASSAY_FIELD_STRING), ==, "string");
  g_assert_cmpstr (assay_field_type_to_string (ASSAY_FIELD_NUMBER), ==, "number");
  g_assert_cmpstr (assay_field_type_to_string (ASSAY_FIELD_MONEY), ==, "money");
  g_assert_cmpstr (assay_field_type_to_string (ASSAY_FIELD_DATE), ==, "date");
  g_assert_cmpstr (assay_field_type_to_string (ASSAY_FIELD_LIST), ==, "list");
  for (guint i = ASSAY_FIELD_STRING; i <= ASSAY_FIELD_LIST; i++)
    {
      g_assert_true (assay_field_type_from_string (assay_field_type_to_string (i), &t));
      g_assert_cmpint (t, ==, i);
    }
  g_assert_false (assay_field_type_from_string ("currency", &t));
}

static void
test_to_json_exact (void)
{
  g_autoptr(AssayExtraction) extraction = build_invoice ();
  g_autofree char *json = NULL;

  json = to_json_string (extraction);
  g_assert_cmpstr (json, ==,
    "{\"method\":\"offline\",\"provider\":null,\"model\":null,\"template\":\"invoice\","
    "\"document_type\":\"invoice\",\"title\":\"Invoice 2024-017\","
    "\"fields\":["
    "{\"name\":\"invoice_number\",\"type\":\"string\",\"value\":\"2024-017\",\"page\":1,"
    "\"snippet\":\"Invoice no. 2024-017\",\"verified\":\"unchecked\",\"verified_page\":0},"
    "{\"name\":\"total\",\"type\":\"money\",\"value\":\"1234.5\",\"number\":1234.5,"
    "\"unit\":\"EUR\",\"page\":1,\"snippet\":\"Total due  1.234,50 €\","
    "\"verified\":\"verified\",\"verified_page\":1}],"
    "\"figures\":["
    "{\"label\":\"Total revenue\",\"value\":1234500000.0,\"raw\":\"1,234.5\",\"unit\":\"USD\","
    "\"period\":\"2023\",\"page\":4,\"snippet\":\"Total revenue ...... 1,234.5\","
    "\"verified\":\"verified\",\"verified_page\":4}],"
    "\"warnings\":[],"
    "\"usage\":{\"prompt_tokens\":-1,\"completion_tokens\":-1},"
    "\"fell_back\":false}");
}

static void
test_to_json_non_finite (void)
{
  g_autoptr(AssayExtraction) extraction = assay_extraction_new ("llm", "general");
  g_autoptr(AssayExtraction) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  AssayField *field;
  AssayFigure *figure;

  /* A money field whose value is no number, and a figure gone to infinity:
   * the JSON must stay parseable. */
  field = assay_extraction_add_field (extraction, "total", ASSAY_FIELD_MONEY, "n/a", 0, NULL);
  g_assert_true (isnan (field->number));
  assay_extraction_add_figure (extraction, "Ratio", INFINITY, "∞", 0, NULL);

  json = to_json_string (extraction);
  g_assert_null (strstr (json, "\"number\""));
  g_assert_nonnull (strstr (json, "\"value\":null"));
  g_assert_null (strstr (json, "nan"));
  g_assert_null (strstr (json, "inf"));

  back = from_json_string (json, &error);
  g_assert_no_error (error);
  field = g_ptr_array_index (back->fields, 0);
  g_assert_cmpstr (field->value, ==, "n/a");
  g_assert_true (isnan (field->number));
  figure = g_ptr_array_index (back->figures, 0);
  g_assert_true (isnan (figure->value));
}

static void
test_round_trip (void)
{
  g_autoptr(AssayExtraction) extraction = build_invoice ();
  g_autoptr(AssayExtraction) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  AssayField *field;
  AssayFigure *figure;

  g_free (extraction->method);
  extraction->method = g_strdup ("llm");
  extraction->provider = g_strdup ("ollama");
  extraction->model = g_strdup ("llama3.1");
  extraction->prompt_tokens = 1200;
  extraction->completion_tokens = 345;
  extraction->fell_back = TRUE;
  assay_extraction_add_warning (extraction, "%s", "the model left out “due_date”");
  figure = assay_extraction_add_figure (extraction, "Net loss", -0.1, "(0.1)", 0, NULL);
  figure->verified = ASSAY_VERIFICATION_UNVERIFIED;
  assay_extraction_add_field (extraction, "authors", ASSAY_FIELD_LIST, "Ana; Ben", 0, NULL);

  json = to_json_string (extraction);
  back = from_json_string (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);

  g_assert_cmpstr (back->method, ==, "llm");
  g_assert_cmpstr (back->provider, ==, "ollama");
  g_assert_cmpstr (back->model, ==, "llama3.1");
  g_assert_cmpstr (back->template_name, ==, "invoice");
  g_assert_cmpstr (back->document_type, ==, "invoice");
  g_assert_cmpstr (back->title, ==, "Invoice 2024-017");
  g_assert_cmpint (back->prompt_tokens, ==, 1200);
  g_assert_cmpint (back->completion_tokens, ==, 345);
  g_assert_true (back->fell_back);
  g_assert_cmpuint (back->warnings->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (back->warnings, 0), ==, "the model left out “due_date”");

  g_assert_cmpuint (back->fields->len, ==, 3);
  field = g_ptr_array_index (back->fields, 1);
  g_assert_cmpstr (field->name, ==, "total");
  g_assert_cmpint (field->type, ==, ASSAY_FIELD_MONEY);
  g_assert_cmpstr (field->value, ==, "1234.5");
  g_assert_cmpfloat (field->number, ==, 1234.5);
  g_assert_cmpstr (field->unit, ==, "EUR");
  g_assert_cmpuint (field->page, ==, 1);
  g_assert_cmpstr (field->snippet, ==, "Total due  1.234,50 €");
  g_assert_cmpint (field->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (field->verified_page, ==, 1);
  field = g_ptr_array_index (back->fields, 0);
  g_assert_true (isnan (field->number));
  g_assert_null (field->unit);
  field = g_ptr_array_index (back->fields, 2);
  g_assert_cmpint (field->type, ==, ASSAY_FIELD_LIST);
  g_assert_null (field->snippet);

  g_assert_cmpuint (back->figures->len, ==, 2);
  figure = g_ptr_array_index (back->figures, 0);
  g_assert_cmpstr (figure->label, ==, "Total revenue");
  g_assert_cmpfloat (figure->value, ==, 1234500000.0);
  g_assert_cmpstr (figure->raw, ==, "1,234.5");
  g_assert_cmpstr (figure->unit, ==, "USD");
  g_assert_cmpstr (figure->period, ==, "2023");
  g_assert_cmpuint (figure->page, ==, 4);
  g_assert_cmpint (figure->verified, ==, ASSAY_VERIFICATION_VERIFIED);
  g_assert_cmpuint (figure->verified_page, ==, 4);
  figure = g_ptr_array_index (back->figures, 1);
  g_assert_cmpfloat (figure->value, ==, -0.1);
  g_assert_null (figure->unit);
  g_assert_null (figure->period);
  g_assert_cmpint (figure->verified, ==, ASSAY_VERIFICATION_UNVERIFIED);

  /* Writing it again gives the same text. */
  json2 = to_json_string (back);
  g_assert_cmpstr (json, ==, json2);
}

static void
test_from_json_minimal (void)
{
  g_autoptr(AssayExtraction) extraction = NULL;
  g_autoptr(GError) error = NULL;

  /* Optional members may be absent; unknown ones are ignored. */
  extraction = from_json_string ("{\"method\":\"offline\",\"template\":\"general\","
                                 "\"fields\":[],\"figures\":[{\"label\":\"Revenue\","
                                 "\"value\":12}],\"future_member\":[1,2]}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (extraction->document_type, ==, "general");
  g_assert_cmpint (extraction->prompt_tokens, ==, -1);
  g_assert_cmpuint (extraction->figures->len, ==, 1);
  g_assert_cmpfloat (((AssayFigure *) g_ptr_array_index (extraction->figures, 0))->value, ==, 12);
  g_assert_cmpint (((AssayFigure *) g_ptr_array_index (extraction->figures, 0))->verified, ==,
                   ASSAY_VERIFICATION_UNCHECKED);
}

static void
test_from_json_invalid (void)
{
  static const struct { const char *json; const char *path; } cases[] = {
    { "[1, 2]", "“extraction”" },
    { "{\"template\":\"general\",\"fields\":[],\"figures\":[]}", "“method”" },
    { "{\"method\":3,\"template\":\"general\",\"fields\":[],\"figures\":[]}", "“method”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":{},\"figures\":[]}",
      "“fields”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":[]}", "“figures”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":[],"
      "\"figures\":[{\"label\":\"A\",\"value\":1},{\"label\":\"B\",\"value\":\"12\"}]}",
      "“figures[1].value”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":[],"
      "\"figures\":[{\"label\":\"A\",\"value\":1,\"page\":-2}]}", "“figures[0].page”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":[],"
      "\"figures\":[{\"label\":\"A\",\"value\":1,\"page\":1.5}]}", "“figures[0].page”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"fields\":[],"
      "\"figures\":[{\"label\":\"A\",\"value\":1,\"verified\":\"yes\"}]}",
      "“figures[0].verified”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],"
      "\"fields\":[{\"name\":\"x\",\"type\":\"currency\"}]}", "“fields[0].type”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],"
      "\"fields\":[{\"name\":\"x\",\"type\":\"money\",\"number\":\"1\"}]}",
      "“fields[0].number”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],"
      "\"fields\":[\"x\"]}", "“fields[0]”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],\"fields\":[],"
      "\"warnings\":[1]}", "“warnings[0]”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],\"fields\":[],"
      "\"usage\":{\"prompt_tokens\":\"many\"}}", "“usage.prompt_tokens”" },
    { "{\"method\":\"offline\",\"template\":\"general\",\"figures\":[],\"fields\":[],"
      "\"fell_back\":0}", "“fell_back”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(AssayExtraction) extraction = NULL;
      g_autoptr(GError) error = NULL;

      extraction = from_json_string (cases[i].json, &error);
      g_assert_null (extraction);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].path) == NULL)
        g_error ("case %u: “%s” does not name %s", i, error->message, cases[i].path);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/extraction/new-defaults", test_new_defaults);
  g_test_add_func ("/assay/extraction/fields", test_fields);
  g_test_add_func ("/assay/extraction/format-number", test_format_number);
  g_test_add_func ("/assay/extraction/strings", test_strings);
  g_test_add_func ("/assay/extraction/to-json-exact", test_to_json_exact);
  g_test_add_func ("/assay/extraction/to-json-non-finite", test_to_json_non_finite);
  g_test_add_func ("/assay/extraction/round-trip", test_round_trip);
  g_test_add_func ("/assay/extraction/from-json-minimal", test_from_json_minimal);
  g_test_add_func ("/assay/extraction/from-json-invalid", test_from_json_invalid);

  return g_test_run ();
}
