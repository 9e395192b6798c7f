/* test-llm-answer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-llm-answer.h"

#define VALID_INVOICE \
  "{\"title\": \"Invoice 2024-017\", \"document_type\": \"invoice\", \"fields\": {" \
  "\"invoice_number\": \"2024-017\", \"issue_date\": \"2024-03-01\", \"due_date\": null, " \
  "\"issuer\": \"ACME GmbH\", \"recipient\": null, \"currency\": \"EUR\", " \
  "\"subtotal\": 1000, \"tax\": 190.5, \"total\": 1190.5}, \"figures\": [" \
  "{\"label\": \"Total due\", \"value\": 1190.5, \"raw\": \"1.190,50\", \"unit\": \"EUR\", " \
  "\"period\": null, \"page\": 2}]}"

static void
test_find_json (void)
{
  static const struct { const char *text; const char *expected; } cases[] = {
    { "{\"a\": 1}", "{\"a\": 1}" },
    { "Here is the data:\n{\"a\": {\"b\": [1, 2]}}\nHope this helps!", "{\"a\": {\"b\": [1, 2]}}" },
    { "```json\n{\"a\": \"x } y { z\"}\n```", "{\"a\": \"x } y { z\"}" },
    { "<think>Maybe {\"a\": 0}? No.</think>\n{\"a\": 2}", "{\"a\": 2}" },
    { "Use {curly braces} like {\"a\": 3}", "{\"a\": 3}" },
    { "{\"a\": \"escaped \\\" quote }\"}", "{\"a\": \"escaped \\\" quote }\"}" },
    { "{\"a\": 1, \"b\": [", NULL },
    { "no json here", NULL },
    { "[1, 2, 3]", NULL },
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *found = assay_llm_answer_find_json (cases[i].text);

      g_test_message ("case %u", i);
      g_assert_cmpstr (found, ==, cases[i].expected);
    }
}

static JsonNode *
validate (const char *text,
          const char *template_name,
          GPtrArray  *problems,
          GPtrArray  *warnings)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup (template_name);

  return assay_llm_answer_validate (text, template, 1, 3, problems, warnings);
}

static void
test_validate_valid (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object, *fields, *figure;

  /* Wrapped in prose and a code fence. */
  answer = validate ("Sure! Here you go:\n```json\n" VALID_INVOICE "\n```\n", "invoice",
                     problems, warnings);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_cmpuint (warnings->len, ==, 0);
  g_assert_nonnull (answer);

  object = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (object, "title"), ==, "Invoice 2024-017");
  g_assert_cmpstr (json_object_get_string_member (object, "document_type"), ==, "invoice");
  fields = json_object_get_object_member (object, "fields");
  g_assert_cmpuint (json_object_get_size (fields), ==, 9);
  g_assert_cmpfloat (json_object_get_double_member (fields, "subtotal"), ==, 1000.0);
  g_assert_cmpfloat (json_object_get_double_member (fields, "total"), ==, 1190.5);
  g_assert_true (json_object_get_null_member (fields, "due_date"));
  figure = json_array_get_object_element (json_object_get_array_member (object, "figures"), 0);
  g_assert_cmpint (json_object_get_int_member (figure, "page"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (figure, "raw"), ==, "1.190,50");
}

typedef struct
{
  const char *text;
  const char *fragment;   /* expected in one of the problems */
} BadAnswer;

static void
test_validate_problems (void)
{
  static const BadAnswer cases[] = {
    { "I could not find anything.", "contains no JSON object" },
    { "{\"title\": \"x\", \"fields\": {", "incomplete or invalid JSON" },
    /* a required field missing */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": 5}, \"figures\": []}",
      "fields.total is missing" },
    /* a number written as text */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": \"1,234.50\"}, "
      "\"figures\": []}",
      "fields.total must be a JSON number" },
    /* a date in another format */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": \"03/01/2024\", \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": []}",
      "fields.issue_date must be a date written YYYY-MM-DD" },
    /* a date that does not exist */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": \"2023-02-29\", \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": []}",
      "fields.issue_date must be a date" },
    /* a required field left null */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": null, "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": []}",
      "fields.invoice_number is required" },
    /* an extra top-level member is no problem; an unknown document type is */
    { "{\"title\": null, \"document_type\": \"memo\", \"notes\": 1, \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": []}",
      "\"document_type\" must be one of" },
    { "{\"title\": null, \"document_type\": \"memo\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": []}",
      "\"document_type\" must be one of" },
    /* figures: missing page, string value, not an array */
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": ["
      "{\"label\": \"x\", \"value\": 1, \"raw\": \"1\", \"unit\": null, \"period\": null}]}",
      "figures[0].page is missing" },
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": ["
      "{\"label\": \"x\", \"value\": \"1\", \"raw\": \"1\", \"unit\": null, \"period\": null, \"page\": 1}]}",
      "figures[0].value must be a JSON number" },
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": ["
      "{\"label\": \"x\", \"value\": 1, \"raw\": \"1\", \"unit\": null, \"period\": null, \"page\": 1.5}]}",
      "figures[0].page must be the page number" },
    { "{\"title\": null, \"document_type\": \"invoice\", \"fields\": {\"invoice_number\": \"1\", "
      "\"issue_date\": null, \"due_date\": null, \"issuer\": null, \"recipient\": null, "
      "\"currency\": null, \"subtotal\": null, \"tax\": null, \"total\": 1}, \"figures\": {}}",
      "\"figures\" must be an array" },
    { "{\"title\": 5, \"document_type\": \"invoice\", \"fields\": [], \"figures\": []}",
      "\"fields\" must be an object" },
    /* what the template needs cannot be read */
    { "{\"document_type\": \"invoice\", \"fields\": {}, \"figures\": []}",
      "fields.invoice_number is missing" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) answer = validate (cases[i].text, "invoice", problems, NULL);
      gboolean found = FALSE;

      g_test_message ("case %u", i);
      g_assert_null (answer);
      g_assert_cmpuint (problems->len, >=, 1);
      for (guint k = 0; k < problems->len; k++)
        found |= strstr (g_ptr_array_index (problems, k), cases[i].fragment) != NULL;
      if (!found)
        g_error ("case %u: no problem mentions “%s”; first is “%s”", i, cases[i].fragment,
                 (const char *) g_ptr_array_index (problems, 0));
    }
}

static void
test_validate_fixups (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object, *figure;

  /* document_type spelt loosely is accepted; a figure on a page outside
   * the part read keeps page 0 and a warning, not a repair round. */
  answer = validate ("{\"title\": \"\", \"document_type\": \"Financial_Report\", \"fields\": {"
                     "\"author\": null, \"date\": \"2024\", \"summary\": \"s\"}, \"figures\": ["
                     "{\"label\": \"Revenue\", \"value\": -1234000, \"raw\": \"(1,234)\", "
                     "\"unit\": \"\", \"period\": \"2023\", \"page\": 9}]}",
                     "general", problems, warnings);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_nonnull (answer);
  object = json_node_get_object (answer);
  g_assert_cmpstr (json_object_get_string_member (object, "document_type"), ==, "financial-report");
  /* An empty title is no title. */
  g_assert_true (json_object_get_null_member (object, "title"));
  figure = json_array_get_object_element (json_object_get_array_member (object, "figures"), 0);
  g_assert_cmpint (json_object_get_int_member (figure, "page"), ==, 0);
  g_assert_true (json_object_get_null_member (figure, "unit"));
  g_assert_cmpfloat (json_object_get_double_member (figure, "value"), ==, -1234000.0);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "Revenue"));
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "page 9"));
}

/* What a person would keep: members the template does not name are left
 * out with one warning, never a repair round or a failure; fields put at
 * the top level are read as fields; optional ones may be missing. */
static void
test_validate_extra_members (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) answer = NULL;
  JsonObject *object, *fields, *figure;
  const char *warning;

  answer = validate ("{\"title\": \"T\", \"document_type\": \"invoice\", \"notes\": \"n\", "
                     "\"confidence\": 0.9, \"fields\": {\"invoice_number\": \"7\", \"total\": 5, "
                     "\"vat_id\": \"DE1\"}, \"figures\": [{\"label\": \"Total\", \"value\": 5, "
                     "\"raw\": \"5\", \"page\": 1, \"bbox\": [1, 2]}]}",
                     "invoice", problems, warnings);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_nonnull (answer);
  object = json_node_get_object (answer);
  g_assert_false (json_object_has_member (object, "notes"));
  g_assert_false (json_object_has_member (object, "confidence"));
  fields = json_object_get_object_member (object, "fields");
  g_assert_false (json_object_has_member (fields, "vat_id"));
  g_assert_cmpstr (json_object_get_string_member (fields, "invoice_number"), ==, "7");
  g_assert_true (json_object_get_null_member (fields, "tax"));
  figure = json_array_get_object_element (json_object_get_array_member (object, "figures"), 0);
  g_assert_false (json_object_has_member (figure, "bbox"));
  g_assert_true (json_object_get_null_member (figure, "unit"));
  g_assert_cmpuint (warnings->len, ==, 1);
  warning = g_ptr_array_index (warnings, 0);
  g_assert_nonnull (strstr (warning, "notes"));
  g_assert_nonnull (strstr (warning, "confidence"));
  g_assert_nonnull (strstr (warning, "fields.vat_id"));
  g_assert_nonnull (strstr (warning, "figures[].bbox"));
  g_assert_nonnull (strstr (warning, "left out"));
  g_clear_pointer (&answer, json_node_unref);

  /* The case: the general template's fields at the top level,
   * next to an empty "fields", no title. They are read as the fields. */
  g_ptr_array_set_size (warnings, 0);
  answer = validate ("{\"author\": \"Ana\", \"date\": \"2024-03-01\", \"summary\": \"S.\", "
                     "\"document_type\": \"general\", \"figures\": []}",
                     "general", problems, warnings);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_nonnull (answer);
  object = json_node_get_object (answer);
  g_assert_true (json_object_get_null_member (object, "title"));
  fields = json_object_get_object_member (object, "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "author"), ==, "Ana");
  g_assert_cmpstr (json_object_get_string_member (fields, "date"), ==, "2024-03-01");
  g_assert_cmpuint (warnings->len, ==, 0);
  g_clear_pointer (&answer, json_node_unref);

  /* Both: the top-level copies are extra and left out. */
  answer = validate ("{\"title\": null, \"document_type\": \"general\", \"author\": \"X\", "
                     "\"fields\": {\"author\": \"Ana\", \"date\": null, \"summary\": null}, "
                     "\"figures\": []}",
                     "general", problems, warnings);
  g_assert_nonnull (answer);
  fields = json_object_get_object_member (json_node_get_object (answer), "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "author"), ==, "Ana");
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (warnings, 0), "(author)"));
}

static void
test_repair_prompt (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *prompt = NULL;

  g_ptr_array_add (problems, g_strdup ("fields.tax is missing."));
  g_ptr_array_add (problems, g_strdup ("figures[0].page is missing."));
  prompt = assay_llm_answer_build_repair_prompt (problems);

  g_assert_true (g_str_has_prefix (prompt, "Your answer does not match the required JSON schema:\n"
                                           "- fields.tax is missing.\n"
                                           "- figures[0].page is missing.\n"));
  g_assert_nonnull (strstr (prompt, "only the corrected JSON object"));
}

static void
test_problem_cap (void)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) text = g_string_new ("{\"title\": null, \"document_type\": \"invoice\", "
                                          "\"fields\": {}, \"figures\": [");
  g_autoptr(JsonNode) answer = NULL;

  for (guint i = 0; i < 50; i++)
    g_string_append_printf (text, "%s{\"label\": 1}", i ? ", " : "");
  g_string_append (text, "]}");

  answer = validate (text->str, "invoice", problems, NULL);
  g_assert_null (answer);
  g_assert_cmpuint (problems->len, ==, ASSAY_LLM_ANSWER_MAX_PROBLEMS);
}

static JsonNode *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

static void
test_merge_and_convert (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("scientific-paper");
  g_autoptr(GPtrArray) answers = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(AssayExtraction) extraction = NULL;
  AssayField *field;
  AssayFigure *figure;

  g_ptr_array_add (answers, parse (
    "{\"title\": null, \"document_type\": \"general\", \"fields\": {\"title\": \"On Things\", "
    "\"authors\": [\"Ana\", \"Ben\"], \"year\": 2023, \"doi\": null, \"journal\": null, "
    "\"abstract\": null, \"sample_size\": null, \"keywords\": null, \"main_finding\": null}, "
    "\"figures\": [{\"label\": \"n\", \"value\": 120, \"raw\": \"120\", \"unit\": null, "
    "\"period\": null, \"page\": 1}]}"));
  g_ptr_array_add (answers, parse (
    "{\"title\": \"On Things\", \"document_type\": \"scientific-paper\", \"fields\": {\"title\": "
    "\"Other\", \"authors\": [\"Ben\", \"Cy\"], \"year\": 2024, \"doi\": \"10.1/x\", "
    "\"journal\": null, \"abstract\": null, \"sample_size\": 120, \"keywords\": null, "
    "\"main_finding\": null}, \"figures\": [{\"label\": \"n\", \"value\": 120, \"raw\": \"120\", "
    "\"unit\": null, \"period\": null, \"page\": 1}, {\"label\": \"p\", \"value\": 0.03, "
    "\"raw\": \"0.03\", \"unit\": \"%\", \"period\": \"2023\", \"page\": 4}]}"));

  merged = assay_llm_answer_merge (answers, template);
  extraction = assay_llm_answer_to_extraction (merged, template);

  g_assert_cmpstr (extraction->method, ==, "llm");
  g_assert_cmpstr (extraction->template_name, ==, "scientific-paper");
  g_assert_cmpstr (extraction->title, ==, "On Things");
  g_assert_cmpstr (extraction->document_type, ==, "scientific-paper");

  /* First non-null wins; lists are the union; nulls are left out. */
  g_assert_cmpuint (extraction->fields->len, ==, 5);
  field = assay_extraction_get_field (extraction, "title");
  g_assert_cmpstr (field->value, ==, "On Things");
  field = assay_extraction_get_field (extraction, "authors");
  g_assert_cmpint (field->type, ==, ASSAY_FIELD_LIST);
  g_assert_cmpstr (field->value, ==, "Ana; Ben; Cy");
  field = assay_extraction_get_field (extraction, "year");
  g_assert_cmpfloat (field->number, ==, 2023.0);
  g_assert_cmpstr (field->value, ==, "2023");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "doi")->value, ==, "10.1/x");
  g_assert_cmpfloat (assay_extraction_get_field (extraction, "sample_size")->number, ==, 120.0);
  g_assert_null (assay_extraction_get_field (extraction, "journal"));

  /* The duplicate figure is dropped; pages are kept. */
  g_assert_cmpuint (extraction->figures->len, ==, 2);
  figure = g_ptr_array_index (extraction->figures, 0);
  g_assert_cmpstr (figure->label, ==, "n");
  g_assert_cmpuint (figure->page, ==, 1);
  g_assert_null (figure->unit);
  figure = g_ptr_array_index (extraction->figures, 1);
  g_assert_cmpstr (figure->label, ==, "p");
  g_assert_cmpfloat (figure->value, ==, 0.03);
  g_assert_cmpstr (figure->raw, ==, "0.03");
  g_assert_cmpstr (figure->unit, ==, "%");
  g_assert_cmpstr (figure->period, ==, "2023");
  g_assert_cmpuint (figure->page, ==, 4);
  g_assert_cmpint (figure->verified, ==, ASSAY_VERIFICATION_UNCHECKED);
}

static void
test_money_unit (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("invoice");
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) answer = assay_llm_answer_validate (VALID_INVOICE, template, 1, 2, problems, NULL);
  g_autoptr(AssayExtraction) extraction = assay_llm_answer_to_extraction (answer, template);
  AssayField *total = assay_extraction_get_field (extraction, "total");

  g_assert_nonnull (total);
  g_assert_cmpint (total->type, ==, ASSAY_FIELD_MONEY);
  g_assert_cmpfloat (total->number, ==, 1190.5);
  g_assert_cmpstr (total->unit, ==, "EUR");
  g_assert_cmpstr (assay_extraction_get_field (extraction, "issue_date")->value, ==, "2024-03-01");
  g_assert_null (assay_extraction_get_field (extraction, "due_date"));
  g_assert_cmpuint (extraction->fields->len, ==, 7);
}

/* Random edits of a valid answer: each either validates or says what is
 * wrong; nothing crashes, nothing takes long. */
static void
test_fuzz (void)
{
  g_autoptr(AssayTemplate) template = assay_template_lookup ("invoice");
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  static const char alphabet[] = "{}[]\":,0123456789.-e nulltruefalse\\";
  guint valid = 0;

  for (guint i = 0; i < 3000; i++)
    {
      g_autoptr(GString) text = g_string_new (VALID_INVOICE);
      g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(JsonNode) answer = NULL;
      guint n = g_rand_int_range (rand, 1, 4);

      for (guint m = 0; m < n; m++)
        {
          guint pos = g_rand_int_range (rand, 0, text->len);
          char c = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];

          if (g_rand_boolean (rand))
            text->str[pos] = c;
          else
            g_string_erase (text, pos, 1);
        }

      answer = assay_llm_answer_validate (text->str, template, 1, 2, problems, warnings);
      g_assert_true ((answer == NULL) == (problems->len > 0));
      g_assert_cmpuint (problems->len, <=, ASSAY_LLM_ANSWER_MAX_PROBLEMS);
      if (answer != NULL)
        {
          g_autoptr(AssayExtraction) extraction = assay_llm_answer_to_extraction (answer, template);

          g_assert_nonnull (extraction);
          valid++;
        }
    }

  /* Some edits land in harmless places (inside a string), most do not. */
  g_assert_cmpuint (valid, >, 0);
  g_assert_cmpuint (valid, <, 3000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/llm-answer/find-json", test_find_json);
  g_test_add_func ("/assay/llm-answer/validate-valid", test_validate_valid);
  g_test_add_func ("/assay/llm-answer/validate-problems", test_validate_problems);
  g_test_add_func ("/assay/llm-answer/validate-fixups", test_validate_fixups);
  g_test_add_func ("/assay/llm-answer/validate-extra-members", test_validate_extra_members);
  g_test_add_func ("/assay/llm-answer/repair-prompt", test_repair_prompt);
  g_test_add_func ("/assay/llm-answer/problem-cap", test_problem_cap);
  g_test_add_func ("/assay/llm-answer/merge-and-convert", test_merge_and_convert);
  g_test_add_func ("/assay/llm-answer/money-unit", test_money_unit);
  g_test_add_func ("/assay/llm-answer/fuzz", test_fuzz);

  return g_test_run ();
}
