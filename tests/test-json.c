/* test-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Results are read and written with json-glib alone. These tests pin down
 * what the rest of Assay relies on in json-glib 1.6: the builder helpers'
 * nulls, doubles that read back bit for bit, the compact layout that a
 * cached hit splices, and defaults instead of criticals for missing or
 * mistyped members of a stored result.
 */
#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "assay-json.h"
#include "assay-result.h"

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

static void
test_builder_helpers (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  assay_json_builder_add_nullable_string (builder, "s", "caf\xc3\xa9 \"q\"\n");
  assay_json_builder_add_nullable_string (builder, "none", NULL);
  assay_json_builder_add_number (builder, "x", 0.1);
  assay_json_builder_add_number (builder, "one", 1.0);
  assay_json_builder_add_number (builder, "nan", NAN);
  assay_json_builder_add_number (builder, "inf", INFINITY);
  assay_json_builder_add_number (builder, "minus_inf", -INFINITY);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  /* JSON has no NaN or infinities: null, never json-glib's "nan"/"inf.0".
   * Integral doubles keep their ".0", so they read back as doubles. */
  g_assert_cmpstr (text, ==,
                   "{\"s\":\"caf\xc3\xa9 \\\"q\\\"\\n\",\"none\":null,\"x\":0.10000000000000001,"
                   "\"one\":1.0,\"nan\":null,\"inf\":null,\"minus_inf\":null}");

  {
    g_autoptr(JsonNode) back = parse (text);
    JsonObject *object = json_node_get_object (back);

    g_assert_true (json_node_equal (root, back));
    g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "one")), ==, G_TYPE_DOUBLE);
    g_assert_true (json_object_get_null_member (object, "nan"));
  }
}

/* Every double json-glib writes reads back to the same bits: results and
 * stored results keep their figures exactly. */
static void
test_doubles_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261201);
  static const double special[] = {
    0.0, -0.0, 1.0, -1.0, 0.1, 1e300, -1.5e-7, DBL_MAX, DBL_MIN, DBL_TRUE_MIN,
    1234500000.0, 0.30102999566398, 9007199254740993.0, 5e-324,
  };

  for (guint i = 0; i < G_N_ELEMENTS (special) + 20000; i++)
    {
      double value;
      g_autoptr(JsonNode) node = json_node_alloc ();
      g_autoptr(JsonNode) back = NULL;
      g_autofree char *text = NULL;
      double read;

      if (i < G_N_ELEMENTS (special))
        value = special[i];
      else
        {
          /* Random bit patterns, skipping NaN and infinities. */
          guint64 bits = (guint64) g_rand_int (rand) << 32 | g_rand_int (rand);

          memcpy (&value, &bits, sizeof value);
          if (!isfinite (value))
            continue;
        }

      json_node_init_double (node, value);
      text = json_to_string (node, FALSE);
      back = parse (text);
      g_assert_cmpint (json_node_get_value_type (back), ==, G_TYPE_DOUBLE);
      read = json_node_get_double (back);
      if (memcmp (&read, &value, sizeof value) != 0)
        g_error ("%.17g written as %s read back as %.17g", value, text, read);
    }
}

/* The compact text of a result starts the way the cached-hit splice
 * expects, so a stored result is spliced rather than parsed. */
static void
test_compact_layout_splices (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autoptr(GBytes) spliced = NULL;
  g_autoptr(JsonNode) back = NULL;
  JsonObject *source;
  char *text;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "result_version");
  json_builder_add_string_value (builder, ASSAY_RESULT_VERSION);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "done");
  json_builder_set_member_name (builder, "cached");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "source");
  json_builder_begin_object (builder);
  assay_json_builder_add_nullable_string (builder, "path", "/old/a \"b\".pdf");
  assay_json_builder_add_nullable_string (builder, "name", "a \"b\".pdf");
  json_builder_set_member_name (builder, "pages");
  json_builder_add_int_value (builder, 3);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  text = json_to_string (root, FALSE);
  stored = g_bytes_new_take (text, strlen (text));
  spliced = assay_result_mark_cached_text (stored, "/new/é.pdf");
  g_assert_nonnull (spliced);

  back = parse (g_bytes_get_data (spliced, NULL));
  g_assert_true (json_object_get_boolean_member (json_node_get_object (back), "cached"));
  source = json_object_get_object_member (json_node_get_object (back), "source");
  g_assert_cmpstr (json_object_get_string_member (source, "path"), ==, "/new/é.pdf");
  g_assert_cmpstr (json_object_get_string_member (source, "name"), ==, "é.pdf");
  g_assert_cmpint (json_object_get_int_member (source, "pages"), ==, 3);

  /* A tree in the same order as spliced says the same. */
  assay_result_mark_cached (root, "/new/é.pdf");
  g_assert_true (json_node_equal (root, back));
}

/* A stored result may be old or damaged: the _with_default getters give
 * the default for a missing member, with no critical (this test runs
 * with fatal criticals). */
static void
test_missing_members (void)
{
  g_autoptr(JsonNode) root = parse ("{\"a\":1,\"s\":\"x\",\"n\":null}");
  JsonObject *object = json_node_get_object (root);

  g_assert_cmpint (json_object_get_int_member_with_default (object, "missing", -7), ==, -7);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "missing", "d"), ==, "d");
  g_assert_cmpfloat (json_object_get_double_member_with_default (object, "missing", 2.5), ==, 2.5);
  g_assert_false (json_object_get_boolean_member_with_default (object, "missing", FALSE));
  g_assert_cmpint (json_object_get_int_member_with_default (object, "a", -7), ==, 1);
  g_assert_cmpstr (json_object_get_string_member_with_default (object, "s", NULL), ==, "x");
  g_assert_null (json_object_get_member (object, "missing"));
  g_assert_false (json_object_has_member (object, "missing"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/assay/json/builder-helpers", test_builder_helpers);
  g_test_add_func ("/assay/json/doubles-round-trip", test_doubles_round_trip);
  g_test_add_func ("/assay/json/compact-layout-splices", test_compact_layout_splices);
  g_test_add_func ("/assay/json/missing-members", test_missing_members);

  return g_test_run ();
}
