/* test-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * json-glib's parser is the reference: on every valid document both must
 * build the same tree. Inputs are copied into buffers of exactly their
 * length, without a NUL, so that AddressSanitizer sees any read past the end.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "assay-json.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

typedef struct
{
  guint out_of_range_ints;   /* json-glib wraps them; we give a double */
} Differences;

/* Types, int vs double, bit-exact doubles (so -0.0 != 0.0), member order,
 * values, and parent links. @known, when not NULL, forgives and counts the
 * one documented difference from json-glib (@a being json-glib's tree). */
static gboolean
nodes_equal (JsonNode    *a,
             JsonNode    *b,
             Differences *known)
{
  if (json_node_get_node_type (a) != json_node_get_node_type (b))
    return FALSE;

  switch (json_node_get_node_type (a))
    {
    case JSON_NODE_NULL:
      return TRUE;

    case JSON_NODE_VALUE:
      if (known != NULL &&
          json_node_get_value_type (a) == G_TYPE_INT64 &&
          json_node_get_value_type (b) == G_TYPE_DOUBLE &&
          fabs (json_node_get_double (b)) >= 9223372036854775808.0)
        {
          known->out_of_range_ints++;
          return TRUE;
        }
      if (json_node_get_value_type (a) != json_node_get_value_type (b))
        return FALSE;
      switch (json_node_get_value_type (a))
        {
        case G_TYPE_INT64:
          return json_node_get_int (a) == json_node_get_int (b);
        case G_TYPE_DOUBLE:
          {
            double da = json_node_get_double (a);
            double db = json_node_get_double (b);

            return memcmp (&da, &db, sizeof da) == 0;
          }
        case G_TYPE_BOOLEAN:
          return json_node_get_boolean (a) == json_node_get_boolean (b);
        case G_TYPE_STRING:
          return g_strcmp0 (json_node_get_string (a), json_node_get_string (b)) == 0;
        default:
          g_assert_not_reached ();
        }

    case JSON_NODE_ARRAY:
      {
        JsonArray *aa = json_node_get_array (a);
        JsonArray *ab = json_node_get_array (b);

        if (json_array_get_length (aa) != json_array_get_length (ab))
          return FALSE;
        for (guint i = 0; i < json_array_get_length (aa); i++)
          {
            JsonNode *ea = json_array_get_element (aa, i);
            JsonNode *eb = json_array_get_element (ab, i);

            if (json_node_get_parent (ea) != a || json_node_get_parent (eb) != b ||
                !nodes_equal (ea, eb, known))
              return FALSE;
          }
        return TRUE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter ia, ib;
        const char *na, *nb;
        JsonNode *ma, *mb;

        if (json_object_get_size (json_node_get_object (a)) !=
            json_object_get_size (json_node_get_object (b)))
          return FALSE;
        json_object_iter_init_ordered (&ia, json_node_get_object (a));
        json_object_iter_init_ordered (&ib, json_node_get_object (b));
        while (json_object_iter_next_ordered (&ia, &na, &ma))
          {
            g_assert_true (json_object_iter_next_ordered (&ib, &nb, &mb));
            if (strcmp (na, nb) != 0 ||
                json_node_get_parent (ma) != a || json_node_get_parent (mb) != b ||
                !nodes_equal (ma, mb, known))
              return FALSE;
          }
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }
}

/* Parses an exact-size copy, so that nothing after @length is readable. */
static JsonNode *
parse_exact (const char  *data,
             gsize        length,
             GError     **error)
{
  g_autofree char *copy = g_memdup2 (data, length);

  return assay_json_parse (copy, length, error);
}

static JsonNode *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = parse_exact (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_false (json_node_is_immutable (node));

  return node;
}

/* json-glib's tree, or NULL when it refuses @text. */
static JsonNode *
parse_reference (const char *text,
                 gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, (gssize) length, NULL))
    return NULL;
  root = json_parser_get_root (parser);

  return root != NULL ? json_node_ref (root) : NULL;
}

static void
assert_nodes_equal (JsonNode   *expected,
                    JsonNode   *got,
                    const char *context)
{
  if (!nodes_equal (expected, got, NULL))
    {
      g_autofree char *a = json_to_string (expected, FALSE);
      g_autofree char *b = json_to_string (got, FALSE);

      g_error ("%s: trees differ:\n  expected %s\n  got      %s", context, a, b);
    }
}

/* ------------------------------------------------------------------------ */
/* Reading                                                                   */

static const char *valid_documents[] = {
  "null", "true", "false", "0", "-0", "1", "-1", "42", "-17",
  "9223372036854775807", "-9223372036854775808",
  "0.5", "-0.0", "1.0", "1e2", "1E2", "1e+2", "1e-2", "-1.5e-7", "123.456e10",
  "0.1", "3.141592653589793", "1.7976931348623157e308", "5e-324", "2.2250738585072014e-308",
  "40.200000000000003", "4260935.4000000004", "12345678901234567890e-5",
  "0.30102999566398120", "1e-400",
  "\"\"", "\"abc\"", "\"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80\"",
  "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"", "\"\\u0041\\u00e9\\u20ac\\uD83D\\uDE00\\uffff\"",
  "[]", "{}", "[[]]", "[{}]", "{\"\":0}", "[1,2,3]", "[1, 2.5, \"x\", null, true, false]",
  " \t\r\n[ 1 , { \"a\" : [ ] } ] \n",
  "{\"b\":1,\"a\":2,\"c\":{\"z\":[1,{\"y\":null}],\"x\":\"w\"}}",
  "{\"a\":1,\"b\":2,\"a\":3}",
  "{\"a\":{\"x\":1},\"a\":[2]}",
  "\xef\xbb\xbf{\"bom\":true}",
  "[[[[[[[[[[[[[[[[[[[[\"deep\"]]]]]]]]]]]]]]]]]]]]",
  "{\"result_version\":\"assay-result/1\",\"status\":\"done\",\"cached\":false,"
  "\"source\":{\"path\":\"/tmp/a b/report.pdf\",\"size\":14167,\"pages\":3,\"title\":null},"
  "\"figures\":[{\"label\":\"Revenue\",\"value\":40.2,\"raw\":\"40.2\",\"page\":1},"
  "{\"label\":\"Total\",\"value\":1234500000.0,\"raw\":\"1,234.5\",\"page\":4}],"
  "\"timings\":{\"hash_ms\":1.2,\"read_ms\":40.1},\"warnings\":[\"page 3 has no text layer (scanned?)\"]}",
};

static void
test_parse_matches_json_glib (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid_documents); i++)
    {
      const char *text = valid_documents[i];
      g_autoptr(JsonNode) ours = parse_ok (text);
      g_autoptr(JsonNode) reference = parse_reference (text, strlen (text));

      g_assert_nonnull (reference);
      assert_nodes_equal (reference, ours, text);
    }
}

static void
test_parse_types (void)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;
  double zero;

#define CHECK_INT(text, expected) G_STMT_START {                         \
    g_autoptr(JsonNode) n = parse_ok (text);                             \
    g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_INT64);    \
    g_assert_cmpint (json_node_get_int (n), ==, expected);               \
  } G_STMT_END
#define CHECK_DOUBLE(text, expected) G_STMT_START {                      \
    g_autoptr(JsonNode) n = parse_ok (text);                             \
    g_assert_cmpint (json_node_get_value_type (n), ==, G_TYPE_DOUBLE);   \
    g_assert_cmpfloat (json_node_get_double (n), ==, expected);          \
  } G_STMT_END

  CHECK_INT ("0", 0);
  CHECK_INT ("-0", 0);
  CHECK_INT ("1234500000", 1234500000);
  CHECK_INT ("9223372036854775807", G_MAXINT64);
  CHECK_INT ("-9223372036854775808", G_MININT64);
  /* Beyond gint64: a double, where json-glib 1.6 wraps around. */
  CHECK_DOUBLE ("9223372036854775808", 9223372036854775808.0);
  CHECK_DOUBLE ("-9223372036854775809", -9223372036854775808.0);
  CHECK_DOUBLE ("100000000000000000000000", 1e23);
  CHECK_DOUBLE ("1.0", 1.0);
  CHECK_DOUBLE ("1e2", 100.0);
  CHECK_DOUBLE ("2.5E-3", 0.0025);
  CHECK_DOUBLE ("0.1", 0.1);
  CHECK_DOUBLE ("1e-400", 0.0);
  CHECK_DOUBLE ("4.9406564584124654e-324", 5e-324);
  CHECK_DOUBLE ("1234567890123456789.5", 1234567890123456789.5);

  node = parse_ok ("-0.0");
  zero = json_node_get_double (node);
  g_assert_true (zero == 0.0 && signbit (zero));
  g_clear_pointer (&node, json_node_unref);

  /* A repeated name keeps its first place and takes the last value. */
  node = parse_ok (" {\"a\":1,\"b\":2,\"a\":3} ");
  object = json_node_get_object (node);
  g_assert_cmpuint (json_object_get_size (object), ==, 2);
  json_object_iter_init_ordered (&iter, object);
  g_assert_true (json_object_iter_next_ordered (&iter, &name, &member));
  g_assert_cmpstr (name, ==, "a");
  g_assert_cmpint (json_node_get_int (member), ==, 3);
  g_assert_true (json_object_iter_next_ordered (&iter, &name, &member));
  g_assert_cmpstr (name, ==, "b");
  g_assert_cmpint (json_node_get_int (member), ==, 2);
  g_assert_false (json_object_iter_next_ordered (&iter, &name, &member));
  g_assert_null (json_node_get_parent (node));
  g_clear_pointer (&node, json_node_unref);

  /* The byte order mark is skipped. */
  node = parse_ok ("\xef\xbb\xbf[true]");
  g_assert_true (json_array_get_boolean_element (json_node_get_array (node), 0));

#undef CHECK_INT
#undef CHECK_DOUBLE
}

static void
test_parse_strings (void)
{
  static const struct {
    const char *json;
    const char *expected;
  } cases[] = {
    { "\"\"", "" },
    { "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
    { "\"\\u0041\\u00e9\\u00E9\"", "A\xc3\xa9\xc3\xa9" },
    { "\"\\u20ac\"", "\xe2\x82\xac" },
    { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80" },
    { "\"\\uDBFF\\uDFFF\"", "\xf4\x8f\xbf\xbf" },
    { "\"\\u0001\\u001f\"", "\x01\x1f" },
    { "\"caf\xc3\xa9 \xe2\x80\x94 \xf4\x8f\xbf\xbf\"", "caf\xc3\xa9 \xe2\x80\x94 \xf4\x8f\xbf\xbf" },
    { "\"\x7f\"", "\x7f" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = parse_ok (cases[i].json);

      g_assert_cmpstr (json_node_get_string (node), ==, cases[i].expected);
    }
}

static void
test_parse_invalid (void)
{
  static const struct {
    const char *json;
    gsize       offset;
  } cases[] = {
    { "", 0 }, { "   ", 3 }, { "\xef\xbb\xbf", 3 },
    /* truncated */
    { "[", 1 }, { "[1", 2 }, { "[1,", 3 }, { "{", 1 }, { "{\"a\"", 4 }, { "{\"a\":", 5 },
    { "{\"a\":1", 6 }, { "\"abc", 4 }, { "\"\\", 1 }, { "\"\\u12", 1 }, { "tru", 0 }, { "-", 1 },
    /* trailing data */
    { "1 2", 2 }, { "[1] x", 4 }, { "{}}", 2 }, { "[1][2]", 3 }, { "nullx", 4 }, { "123abc", 3 },
    /* structure */
    { "[1,]", 3 }, { "{\"a\":1,}", 7 }, { "[,1]", 1 }, { "[1 2]", 3 }, { "{\"a\" 1}", 5 },
    { "{a:1}", 1 }, { "{1:1}", 1 }, { "{\"a\":1 \"b\":2}", 7 }, { "]", 0 }, { ":", 0 },
    /* numbers */
    { "01", 0 }, { "-01", 0 }, { "+1", 0 }, { ".5", 0 }, { "1.", 2 }, { "1.e5", 2 },
    { "1e", 2 }, { "1e+", 3 }, { "-a", 1 }, { "0x10", 1 }, { "1e400", 0 }, { "-1e400", 0 },
    { "NaN", 0 }, { "Infinity", 0 }, { "-Infinity", 1 },
    /* bare words and other syntaxes json-glib takes */
    { "True", 0 }, { "nul", 0 }, { "undefined", 0 }, { "'a'", 0 }, { "var a = 1;", 0 },
    { "[1]//c", 3 }, { "/*c*/1", 0 },
    /* escapes */
    { "\"\\x\"", 1 }, { "\"\\'\"", 1 }, { "\"\\0\"", 1 }, { "\"\\u00g0\"", 1 }, { "\"\\U0041\"", 1 },
    { "\"\\u0000\"", 1 },
    /* lone surrogates */
    { "\"\\ud800\"", 1 }, { "\"\\udc00\"", 1 }, { "\"\\ud800x\"", 1 }, { "\"\\ud800\\u0041\"", 1 },
    { "\"\\ud800\\ud800\"", 1 }, { "\"\\ude00\\ud83d\"", 1 },
    /* control characters and bad UTF-8 */
    { "\"\t\"", 1 }, { "\"a\nb\"", 2 }, { "\"\x1f\"", 1 }, { "\"\xff\"", 1 }, { "\"\xc3\"", 1 },
    { "\"\xc0\xaf\"", 1 }, { "\"\xe0\x80\xaf\"", 1 }, { "\"\xed\xa0\x80\"", 1 },
    { "\"\xf4\x90\x80\x80\"", 1 }, { "\"\xf8\x88\x80\x80\x80\"", 1 }, { "\xc3\xa9", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse_exact (cases[i].json, strlen (cases[i].json), &error);
      g_autofree char *where = g_strdup_printf ("at byte %" G_GSIZE_FORMAT ":", cases[i].offset);

      if (node != NULL || error == NULL)
        g_error ("accepted “%s”", cases[i].json);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (strstr (error->message, where) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", cases[i].json, error->message, where);
    }

  /* An embedded NUL ends nothing: it is a bad byte like any other. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (parse_exact ("[1]\0", 4, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  }
}

/* Only @length bytes count, whatever follows them. */
static void
test_parse_length (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = parse_exact ("12345", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_node_get_int (node), ==, 12);
  g_clear_pointer (&node, json_node_unref);

  node = parse_exact ("[1]garbage", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 1);
  g_clear_pointer (&node, json_node_unref);

  node = parse_exact ("1.5e10", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_node_get_double (node), ==, 1.5);
  g_clear_pointer (&node, json_node_unref);

  node = parse_exact ("12345678901234567890123456789.5", 29, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (json_node_get_double (node), ==, 12345678901234567890123456789.0);
  g_clear_pointer (&node, json_node_unref);

  g_assert_null (parse_exact ("\"abc\"", 4, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_null (parse_exact ("true", 3, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_assert_null (assay_json_parse (NULL, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
test_parse_depth (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GString *text = g_string_new (NULL);
  JsonNode *inner;
  guint depth = 0;

  /* Exactly the limit reads; one more does not. */
  for (guint i = 0; i < ASSAY_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < ASSAY_JSON_MAX_DEPTH; i++)
    g_string_append_c (text, ']');
  node = parse_exact (text->str, text->len, &error);
  g_assert_no_error (error);
  for (inner = node; JSON_NODE_HOLDS_ARRAY (inner) && json_array_get_length (json_node_get_array (inner)) > 0;
       inner = json_array_get_element (json_node_get_array (inner), 0))
    depth++;
  g_assert_cmpuint (depth, ==, ASSAY_JSON_MAX_DEPTH - 1);

  g_string_prepend_c (text, '[');
  g_string_append_c (text, ']');
  g_assert_null (parse_exact (text->str, text->len, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* Far deeper: an error, not a stack overflow. */
  g_string_truncate (text, 0);
  for (guint i = 0; i < 10000; i++)
    g_string_append_c (text, '[');
  g_assert_null (parse_exact (text->str, text->len, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  g_string_truncate (text, 0);
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "{\"a\":");
  g_assert_null (parse_exact (text->str, text->len, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);

  g_string_free (text, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

static void
assert_writes (JsonNode   *node,
               const char *expected)
{
  g_autofree char *text = NULL;
  gsize length = 0;

  text = assay_json_to_string (node, &length);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (length, ==, strlen (expected));
}

static void
test_write_basic (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "z");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "a");
  json_builder_begin_array (builder);
  json_builder_add_int_value (builder, -42);
  json_builder_add_double_value (builder, 2.5);
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_add_null_value (builder);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "m");
  json_builder_add_string_value (builder, "caf\xc3\xa9");
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  assert_writes (root, "{\"z\":1,\"a\":[-42,2.5,true,false,null,{},[]],\"m\":\"caf\xc3\xa9\"}");
}

static void
test_write_numbers (void)
{
  static const struct {
    double      value;
    const char *expected;
  } doubles[] = {
    { 0.0, "0.0" }, { -0.0, "-0.0" }, { 1.0, "1.0" }, { -2.0, "-2.0" }, { 0.1, "0.1" },
    { -0.05, "-0.05" }, { 40.2, "40.2" }, { 4260935.4, "4260935.4" }, { 1234500000.0, "1234500000.0" },
    { 1e-4, "0.0001" }, { 1e-7, "1e-07" }, { -1.5e-7, "-1.5e-07" }, { 9007199254740991.0, "9007199254740991.0" },
    { 1e300, "1e+300" }, { 1e22, "1e+22" }, { 5e-324, "4.94065645841247e-324" },
    { 1.0 / 3.0, "0.3333333333333333" }, { 2.0 / 3.0, "0.6666666666666666" },
    { 0.30102999566398120, "0.3010299956639812" }, { DBL_MAX, "1.7976931348623157e+308" },
    { NAN, "null" }, { INFINITY, "null" }, { -INFINITY, "null" },
  };
  static const struct {
    gint64      value;
    const char *expected;
  } ints[] = {
    { 0, "0" }, { 7, "7" }, { -1, "-1" }, { 1234500000, "1234500000" },
    { G_MAXINT64, "9223372036854775807" }, { G_MININT64, "-9223372036854775808" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), doubles[i].value);

      assert_writes (node, doubles[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_int (json_node_alloc (), ints[i].value);

      assert_writes (node, ints[i].expected);
    }
}

/* Every finite double reads back as itself, and as a double. */
static void
test_write_doubles_round_trip (void)
{
  static const double fixed[] = {
    0.1, 0.2, 0.3, 1e300, -1e300, -0.0, 0.0, 5e-324, -5e-324, 2.2250738585072014e-308,
    1234500000.0, DBL_MAX, -DBL_MAX, DBL_MIN, 9007199254740993.0, 123456789012345678.0,
    1.0 / 3.0, M_PI, M_E, 1e15 + 0.3, 0.1 + 0.2, 100.0 / 7.0, 1e-5, 123e-20,
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240607);

  for (guint i = 0; i < G_N_ELEMENTS (fixed) + 5000; i++)
    {
      double value;
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonNode) back = NULL;
      g_autofree char *text = NULL;
      double got;

      if (i < G_N_ELEMENTS (fixed))
        value = fixed[i];
      else if (i % 2 == 0)
        {
          /* Any bit pattern that is a finite double. */
          guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

          memcpy (&value, &bits, sizeof value);
          if (!isfinite (value))
            continue;
        }
      else
        /* Short decimals, the common case in results. */
        value = (double) g_rand_int_range (rand, -1000000, 1000000) /
                pow (10, g_rand_int_range (rand, 0, 8));

      node = json_node_init_double (json_node_alloc (), value);
      text = assay_json_to_string (node, NULL);
      g_assert_nonnull (strpbrk (text, ".e"));
      back = parse_ok (text);
      g_assert_cmpint (json_node_get_value_type (back), ==, G_TYPE_DOUBLE);
      got = json_node_get_double (back);
      if (memcmp (&got, &value, sizeof got) != 0)
        g_error ("%.17g written as %s reads back as %.17g", value, text, got);
      /* "-1.2345678901234567e-308" is the longest %.17g gives. */
      g_assert_cmpuint (strlen (text), <=, 24);
    }
}

static void
test_write_strings (void)
{
  static const struct {
    const char *value;
    const char *expected;
  } cases[] = {
    { "", "\"\"" },
    { "plain", "\"plain\"" },
    { "a\"b\\c/d", "\"a\\\"b\\\\c/d\"" },
    { "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
    { "\x01\x1f\x7f", "\"\\u0001\\u001f\x7f\"" },
    { "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x98\x80\"" },
    /* Not UTF-8: each bad byte becomes U+FFFD, so the output still reads. */
    { "a\xff" "b", "\"a\xef\xbf\xbd" "b\"" },
    { "\xc3", "\"\xef\xbf\xbd\"" },
    { "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), cases[i].value);
      g_autoptr(JsonNode) back = NULL;
      g_autofree char *text = assay_json_to_string (node, NULL);

      g_assert_cmpstr (text, ==, cases[i].expected);
      back = parse_ok (text);
      g_assert_true (g_utf8_validate (json_node_get_string (back), -1, NULL));
    }

  /* Member names are escaped the same way. */
  {
    g_autoptr(JsonNode) node = parse_ok ("{\"a\\\"\\n\":1}");

    assert_writes (node, "{\"a\\\"\\n\":1}");
  }
}

static void
test_write_empty_nodes (void)
{
  g_autoptr(JsonNode) value = json_node_new (JSON_NODE_VALUE);
  g_autoptr(JsonNode) null = json_node_new (JSON_NODE_NULL);
  g_autoptr(JsonNode) object = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) array = json_node_new (JSON_NODE_ARRAY);

  assert_writes (value, "null");
  assert_writes (null, "null");
  assert_writes (object, "{}");
  assert_writes (array, "[]");
}

/* Compact canonical text (shortest doubles, no spaces) comes back byte for
 * byte; any document comes back as an equal tree, from ours and from
 * json-glib's parse alike. */
static void
test_round_trip (void)
{
  static const char canonical[] =
    "{\"result_version\":\"assay-result/1\",\"status\":\"done\",\"cached\":false,"
    "\"source\":{\"path\":\"/tmp/\xc3\xa9t\xc3\xa9/report \\\"q3\\\".pdf\",\"size\":14167,"
    "\"title\":null,\"created\":\"2024-03-01T10:00:00Z\"},"
    "\"extraction\":{\"fields\":[{\"name\":\"total\",\"value\":\"1234.5\",\"number\":1234.5,"
    "\"unit\":\"EUR\",\"page\":1,\"snippet\":\"Total due\\t1.234,50 \xe2\x82\xac\"}],"
    "\"figures\":[{\"value\":1234500000.0,\"ratio\":0.30102999566398,\"tiny\":-1.5e-07,"
    "\"huge\":1e+300,\"neg\":-0.0}]},\"timings\":{\"hash_ms\":1.2},\"warnings\":[]}";

  {
    g_autoptr(JsonNode) node = parse_ok (canonical);

    assert_writes (node, canonical);
  }

  for (guint i = 0; i < G_N_ELEMENTS (valid_documents); i++)
    {
      const char *text = valid_documents[i];
      g_autoptr(JsonNode) ours = parse_ok (text);
      g_autoptr(JsonNode) reference = parse_reference (text, strlen (text));
      g_autofree char *ours_text = assay_json_to_string (ours, NULL);
      g_autofree char *reference_text = assay_json_to_string (reference, NULL);
      g_autoptr(JsonNode) ours_back = parse_ok (ours_text);
      g_autoptr(JsonNode) reference_back = parse_ok (reference_text);

      assert_nodes_equal (ours, ours_back, ours_text);
      assert_nodes_equal (reference, reference_back, reference_text);
    }
}

/* ------------------------------------------------------------------------ */
/* Randomised: mutated documents                                             */

#define N_FUZZ_CASES 20000

static const char *fuzz_snippets[] = {
  "{", "}", "[", "]", "\"", ",", ":", "\\", "\\u", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000",
  "-", "0", "00", "1e999", "1e-999", "99999999999999999999", "-9223372036854775809", ".", "e", "E+",
  "true", "null", "\xc3\xa9", "\xed\xa0\x80", "\xef\xbb\xbf", "\xff", "\t", "\n", "\x01", " ",
};

static void
mutate (GString *text,
        GRand   *rand)
{
  guint pos = (guint) g_rand_int_range (rand, 0, (gint32) text->len + 1);
  /* Drawn once: MIN() evaluates its arguments twice. */
  guint n = (guint) g_rand_int_range (rand, 1, 24);

  switch (g_rand_int_range (rand, 0, 6))
    {
    case 0:   /* replace a byte */
      if (pos < text->len)
        text->str[pos] = g_rand_boolean (rand)
          ? (char) g_rand_int_range (rand, 0, 256)
          : "{}[]\",:\\0123456789-+.eEtrufalsn \t"[g_rand_int_range (rand, 0, 33)];
      break;
    case 1:   /* delete bytes */
      if (pos < text->len)
        g_string_erase (text, pos, MIN (text->len - pos, n % 3 + 1));
      break;
    case 2:   /* insert a snippet */
      g_string_insert (text, pos, fuzz_snippets[g_rand_int_range (rand, 0, G_N_ELEMENTS (fuzz_snippets))]);
      break;
    case 3:   /* duplicate a slice */
      if (pos < text->len)
        {
          g_autofree char *slice = NULL;

          n = MIN (text->len - pos, n);
          slice = g_strndup (text->str + pos, n);
          g_string_insert (text, g_rand_int_range (rand, 0, (gint32) text->len + 1), slice);
        }
      break;
    case 4:   /* truncate */
      g_string_truncate (text, pos);
      break;
    default:  /* insert a random byte */
      g_string_insert_c (text, pos, (char) g_rand_int_range (rand, 0, 256));
    }
}

static void
test_fuzz (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (0x4a534f4e);
  Differences known = { 0 };
  guint accepted = 0;

  for (guint i = 0; i < N_FUZZ_CASES; i++)
    {
      const char *seed = valid_documents[g_rand_int_range (rand, 0, G_N_ELEMENTS (valid_documents))];
      g_autoptr(GString) text = g_string_new (seed);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) ours = NULL;
      g_autoptr(JsonNode) reference = NULL;
      g_autoptr(JsonNode) back = NULL;
      g_autofree char *written = NULL;
      guint n_mutations = (guint) g_rand_int_range (rand, 1, 5);

      for (guint m = 0; m < n_mutations; m++)
        mutate (text, rand);

      ours = parse_exact (text->str, text->len, &error);
      if (ours == NULL)
        {
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          continue;
        }
      g_assert_no_error (error);
      accepted++;

      /* json-glib only sees what we accept: on some invalid input (two
       * top-level arrays) it leaks, which would fail the ASan run. We are
       * the stricter one, so it must accept it too. */
      reference = parse_reference (text->str, text->len);
      if (reference == NULL)
        g_error ("json-glib refuses what we accept: “%s”", g_strescape (text->str, NULL));
      if (!nodes_equal (reference, ours, &known))
        g_error ("trees differ for “%s”", g_strescape (text->str, NULL));

      written = assay_json_to_string (ours, NULL);
      back = parse_ok (written);
      assert_nodes_equal (ours, back, written);
    }

  g_test_message ("%u of %u mutated documents valid; %u integers beyond gint64 (json-glib wraps them)",
                  accepted, N_FUZZ_CASES, known.out_of_range_ints);
  /* Enough of both kinds for the comparison to mean something. */
  g_assert_cmpuint (accepted, >, N_FUZZ_CASES / 20);
  g_assert_cmpuint (accepted, <, N_FUZZ_CASES);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/json/parse/matches-json-glib", test_parse_matches_json_glib);
  g_test_add_func ("/assay/json/parse/types", test_parse_types);
  g_test_add_func ("/assay/json/parse/strings", test_parse_strings);
  g_test_add_func ("/assay/json/parse/invalid", test_parse_invalid);
  g_test_add_func ("/assay/json/parse/length", test_parse_length);
  g_test_add_func ("/assay/json/parse/depth", test_parse_depth);
  g_test_add_func ("/assay/json/write/basic", test_write_basic);
  g_test_add_func ("/assay/json/write/numbers", test_write_numbers);
  g_test_add_func ("/assay/json/write/doubles-round-trip", test_write_doubles_round_trip);
  g_test_add_func ("/assay/json/write/strings", test_write_strings);
  g_test_add_func ("/assay/json/write/empty-nodes", test_write_empty_nodes);
  g_test_add_func ("/assay/json/round-trip", test_round_trip);
  g_test_add_func ("/assay/json/fuzz", test_fuzz);

  return g_test_run ();
}
