/* test-corpus.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "assay-corpus.h"
#include "assay-test-fixture.h"

static void
add_json (AssayCorpus *corpus,
          const char  *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  assay_corpus_add_result (corpus, node);
}

static JsonObject *
array_object (JsonObject *object,
              const char *array,
              guint       index)
{
  JsonArray *a = json_object_get_array_member (object, array);

  g_assert_nonnull (a);
  g_assert_cmpuint (index, <, json_array_get_length (a));
  return json_array_get_object_element (a, index);
}

static void
assert_units (JsonObject  *label,
              const char **expected)
{
  JsonArray *units = json_object_get_array_member (label, "units");
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (json_array_get_length (units), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (json_array_get_string_element (units, i), ==, expected[i]);
}

static gboolean
append_text (const char  *text,
             gsize        length,
             gpointer     user_data,
             GError     **error)
{
  g_string_append_len (user_data, text, length);
  return TRUE;
}

static gboolean
fail_after_some (const char  *text,
                 gsize        length,
                 gpointer     user_data,
                 GError     **error)
{
  guint *calls = user_data;

  if (++*calls < 3)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "full");
  return FALSE;
}

/* The streamed text is the tree's text, byte for byte; a failing write
 * stops it at once with its error. */
static void
assert_write_matches (AssayCorpus *corpus,
                      double       threshold)
{
  g_autoptr(JsonNode) root = assay_corpus_to_json (corpus, threshold);
  g_autofree char *expected = json_to_string (root, FALSE);
  g_autoptr(GString) written = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint calls = 0;

  g_assert_true (assay_corpus_write (corpus, threshold, append_text, written, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (written->str, ==, expected);

  g_assert_false (assay_corpus_write (corpus, threshold, fail_after_some, &calls, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_cmpuint (calls, ==, 3);
}

static void
test_corpus_aggregate (void)
{
  g_autoptr(AssayCorpus) corpus = assay_corpus_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *sig_a = assay_test_signature_for_words (0, 200, 0);
  g_autofree char *sig_b = assay_test_signature_for_words (0, 200, 5);
  g_autofree char *sig_f = assay_test_signature_for_words (5000, 200, 0);
  g_autofree char *doc_a = NULL;
  g_autofree char *doc_b = NULL;
  g_autofree char *doc_f = NULL;
  g_autoptr(JsonNode) not_object = json_node_new (JSON_NODE_ARRAY);
  const char *usd[] = { "USD", NULL };
  const char *eur_usd[] = { "EUR", "USD", NULL };
  const char *none[] = { NULL };
  JsonObject *object, *item;
  JsonArray *array;

  doc_a = g_strdup_printf (
    "{ \"status\": \"done\","
    "  \"source\": { \"path\": \"/r/a.pdf\", \"sha256\": \"aaa\" },"
    "  \"extraction\": { \"figures\": ["
    "    { \"label\": \"Total revenue\", \"value\": 100, \"unit\": \"USD\","
    "      \"period\": \"2023\", \"verified\": \"verified\" },"
    "    { \"label\": \"  total  Revenue: \", \"value\": 50.0, \"unit\": \"USD\","
    "      \"period\": \"2022\", \"verified\": \"unverified\" },"
    "    { \"label\": \"Net income\", \"value\": 10, \"unit\": \"EUR\","
    "      \"period\": \"2023\", \"verified\": \"verified\" },"
    "    { \"label\": \"Net income\", \"value\": 5, \"unit\": null,"
    "      \"period\": null, \"verified\": \"unchecked\" } ] },"
    "  \"analysis\": { \"signature\": \"%s\" } }", sig_a);
  doc_b = g_strdup_printf (
    "{ \"status\": \"done\","
    "  \"source\": { \"path\": \"/r/b.pdf\", \"sha256\": \"bbb\" },"
    "  \"extraction\": { \"figures\": ["
    "    { \"label\": \"TOTAL REVENUE . . .\", \"value\": 200, \"unit\": \"USD\","
    "      \"period\": \"2023\", \"verified\": \"verified\" },"
    "    { \"label\": \"Net\\tincome\", \"value\": -20, \"unit\": \"USD\","
    "      \"period\": \" 2023 \", \"verified\": \"verified\" },"
    "    { \"label\": \"Employees\", \"value\": 1200 },"
    "    { \"label\": \"Broken\", \"value\": \"abc\" },"
    "    \"not an object\" ] },"
    "  \"analysis\": { \"signature\": \"%s\" } }", sig_b);
  doc_f = g_strdup_printf (
    "{ \"status\": \"done\","
    "  \"source\": { \"path\": \"/r/f.pdf\", \"sha256\": \"fff\" },"
    "  \"extraction\": { \"figures\": [] },"
    "  \"analysis\": { \"signature\": \"%s\" } }", sig_f);

  add_json (corpus, doc_a);
  add_json (corpus, doc_b);
  /* Not done: ignored, figures and all. */
  add_json (corpus,
            "{ \"status\": \"failed\", \"source\": { \"path\": \"/r/c.pdf\" },"
            "  \"extraction\": { \"figures\": [ { \"label\": \"Total revenue\","
            "    \"value\": 1e9 } ] } }");
  /* Done, with nothing but a path; members of the wrong type are absent. */
  add_json (corpus,
            "{ \"status\": \"done\", \"source\": { \"path\": \"/r/d.pdf\", \"sha256\": 12 },"
            "  \"extraction\": { \"figures\": {} }, \"analysis\": [] }");
  add_json (corpus,
            "{ \"status\": \"done\", \"source\": { \"path\": \"/r/e.pdf\", \"sha256\": \"eee\" },"
            "  \"extraction\": { \"figures\": [ { \"label\": \"Subtotal:\", \"value\": 7,"
            "    \"verified\": \"verified\" } ] },"
            "  \"analysis\": { \"signature\": \"garbage\" } }");
  add_json (corpus, doc_f);
  assay_corpus_add_result (corpus, not_object);

  g_assert_cmpuint (assay_corpus_get_n_documents (corpus), ==, 5);

  root = assay_corpus_to_json (corpus, 0.5);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "documents"), ==, 5);

  /* by_label: count desc, then label. */
  array = json_object_get_array_member (object, "by_label");
  g_assert_cmpuint (json_array_get_length (array), ==, 4);

  item = array_object (object, "by_label", 0);
  g_assert_cmpstr (json_object_get_string_member (item, "label"), ==, "net income");
  g_assert_cmpint (json_object_get_int_member (item, "count"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (item, "sum"), ==, -5.0);
  g_assert_cmpfloat (json_object_get_double_member (item, "min"), ==, -20.0);
  g_assert_cmpfloat (json_object_get_double_member (item, "max"), ==, 10.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "mean"), -5.0 / 3, 1e-12);
  g_assert_cmpint (json_object_get_int_member (item, "documents"), ==, 2);
  assert_units (item, eur_usd);

  item = array_object (object, "by_label", 1);
  g_assert_cmpstr (json_object_get_string_member (item, "label"), ==, "total revenue");
  g_assert_cmpint (json_object_get_int_member (item, "count"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (item, "sum"), ==, 350.0);
  g_assert_cmpfloat (json_object_get_double_member (item, "min"), ==, 50.0);
  g_assert_cmpfloat (json_object_get_double_member (item, "max"), ==, 200.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "mean"), 350.0 / 3, 1e-12);
  g_assert_cmpint (json_object_get_int_member (item, "documents"), ==, 2);
  assert_units (item, usd);

  item = array_object (object, "by_label", 2);
  g_assert_cmpstr (json_object_get_string_member (item, "label"), ==, "employees");
  g_assert_cmpfloat (json_object_get_double_member (item, "sum"), ==, 1200.0);
  g_assert_cmpint (json_object_get_int_member (item, "documents"), ==, 1);
  assert_units (item, none);

  item = array_object (object, "by_label", 3);
  g_assert_cmpstr (json_object_get_string_member (item, "label"), ==, "subtotal");

  /* by_period: "2023" four times over two documents, "2022" once. */
  array = json_object_get_array_member (object, "by_period");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  item = array_object (object, "by_period", 0);
  g_assert_cmpstr (json_object_get_string_member (item, "period"), ==, "2023");
  g_assert_cmpint (json_object_get_int_member (item, "count"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (item, "sum"), ==, 290.0);
  g_assert_cmpint (json_object_get_int_member (item, "documents"), ==, 2);
  item = array_object (object, "by_period", 1);
  g_assert_cmpstr (json_object_get_string_member (item, "period"), ==, "2022");
  g_assert_cmpint (json_object_get_int_member (item, "count"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (item, "sum"), ==, 50.0);

  /* by_document, in the order added; total = Σ figures labelled "…total…". */
  array = json_object_get_array_member (object, "by_document");
  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  item = array_object (object, "by_document", 0);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "/r/a.pdf");
  g_assert_cmpstr (json_object_get_string_member (item, "sha256"), ==, "aaa");
  g_assert_cmpint (json_object_get_int_member (item, "figures"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (item, "verified"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (item, "total"), ==, 150.0);
  item = array_object (object, "by_document", 1);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "/r/b.pdf");
  /* "Broken" counts as a figure but has no number; the string is no figure. */
  g_assert_cmpint (json_object_get_int_member (item, "figures"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (item, "verified"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (item, "total"), ==, 200.0);
  item = array_object (object, "by_document", 2);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "/r/d.pdf");
  g_assert_true (json_object_get_null_member (item, "sha256"));
  g_assert_cmpint (json_object_get_int_member (item, "figures"), ==, 0);
  g_assert_true (json_object_get_null_member (item, "total"));
  item = array_object (object, "by_document", 3);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "/r/e.pdf");
  g_assert_cmpint (json_object_get_int_member (item, "verified"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (item, "total"), ==, 7.0);

  /* a and b share 191 of 201 shingles (J = 0.95); f shares nothing: one
   * group, a (added first) its representative, b its one other member. */
  array = json_object_get_array_member (object, "near_duplicate_groups");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = array_object (object, "near_duplicate_groups", 0);
  g_assert_cmpstr (json_object_get_string_member (item, "representative"), ==, "/r/a.pdf");
  g_assert_cmpint (json_object_get_int_member (item, "documents"), ==, 2);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (item, "members")), ==, 1);
  item = array_object (item, "members", 0);
  g_assert_cmpstr (json_object_get_string_member (item, "path"), ==, "/r/b.pdf");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (item, "similarity"),
                                  191.0 / 201, 0.1);

  assert_write_matches (corpus, 0.5);
}

/* A thousand look-alikes (one template, a word changed in each) make one
 * group listing each document once: the corpus view grows with the
 * documents, not with the half million pairs. */
static void
test_corpus_look_alike (void)
{
  g_autoptr(AssayCorpus) corpus = assay_corpus_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonObject *object, *group;
  JsonArray *groups, *members;
  const guint n = 1000;

  /* Added last first, at their positions: listed by position. */
  for (guint i = n; i-- > 0;)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *signature = NULL;
      g_autofree char *json = NULL;
      g_autoptr(JsonNode) node = NULL;
      AssayMinhash sig;

      for (guint w = 0; w < 200; w++)
        g_string_append_printf (text, "w%u ", w);
      g_string_append_printf (text, "document %u", i);
      assay_minhash_init (&sig);
      assay_minhash_add_text (&sig, text->str, text->len);
      signature = assay_minhash_to_string (&sig);
      json = g_strdup_printf ("{ \"status\": \"done\", \"source\": { \"path\": \"/r/%04u.pdf\" },"
                              "  \"analysis\": { \"signature\": \"%s\" } }", i, signature);
      node = json_from_string (json, NULL);
      assay_corpus_add_result_at (corpus, 10 * i, node);
    }

  root = assay_corpus_to_json (corpus, 0.75);
  object = json_node_get_object (root);
  groups = json_object_get_array_member (object, "near_duplicate_groups");
  g_assert_cmpuint (json_array_get_length (groups), ==, 1);
  group = json_array_get_object_element (groups, 0);
  g_assert_cmpstr (json_object_get_string_member (group, "representative"), ==, "/r/0000.pdf");
  g_assert_cmpint (json_object_get_int_member (group, "documents"), ==, n);
  members = json_object_get_array_member (group, "members");
  g_assert_cmpuint (json_array_get_length (members), ==, n - 1);
  for (guint i = 0; i < n - 1; i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);
      g_autofree char *expected = g_strdup_printf ("/r/%04u.pdf", i + 1);

      /* In the order added, each once, each like the representative. */
      g_assert_cmpstr (json_object_get_string_member (member, "path"), ==, expected);
      g_assert_true (g_hash_table_add (seen, g_strdup (expected)));
      g_assert_cmpfloat (json_object_get_double_member (member, "similarity"), >=, 0.75);
    }
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (object, "by_document"), 0), "path"), ==, "/r/0000.pdf");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (object, "by_document"), n - 1), "path"), ==, "/r/0999.pdf");

  assert_write_matches (corpus, 0.75);
}

static void
test_corpus_empty (void)
{
  g_autoptr(AssayCorpus) corpus = assay_corpus_new ();
  g_autoptr(JsonNode) root = assay_corpus_to_json (corpus, 0.8);
  g_autofree char *json = json_to_string (root, FALSE);

  g_assert_cmpuint (assay_corpus_get_n_documents (corpus), ==, 0);
  g_assert_cmpstr (json, ==,
                   "{\"documents\":0,\"by_label\":[],\"by_period\":[],"
                   "\"by_document\":[],\"near_duplicate_groups\":[]}");
  assert_write_matches (corpus, 0.8);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/corpus/aggregate", test_corpus_aggregate);
  g_test_add_func ("/assay/corpus/look-alike", test_corpus_look_alike);
  g_test_add_func ("/assay/corpus/empty", test_corpus_empty);

  return g_test_run ();
}
