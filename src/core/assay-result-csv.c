/* assay-result-csv.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Moved here from src/cli/assay-cli-output.c so that the window's export
 * writes exactly the rows of the headless run.
 */
#define G_LOG_DOMAIN "assay-result-csv"

#include "config.h"

#include <string.h>

#include "assay-result-csv.h"

/**
 * assay_result_csv_escape:
 *
 * Returns: (transfer full): @field quoted as RFC 4180 asks when it holds
 *   a comma, quote or line break
 */
char *
assay_result_csv_escape (const char *field)
{
  GString *out;

  if (field == NULL)
    return g_strdup ("");

  if (strpbrk (field, ",\"\r\n") == NULL)
    return g_strdup (field);

  out = g_string_new ("\"");
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');

  return g_string_free (out, FALSE);
}

static void
append_csv_field (GString    *row,
                  const char *value,
                  gboolean    last)
{
  g_autofree char *escaped = assay_result_csv_escape (value);

  g_string_append (row, escaped);
  g_string_append_c (row, last ? '\n' : ',');
}

static char *
format_number (JsonObject *object,
               const char *member)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  JsonNode *node;

  if (!json_object_has_member (object, member))
    return g_strdup ("");

  node = json_object_get_member (object, member);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.15g", json_node_get_double (node)));

  return g_strdup ("");
}

/**
 * assay_result_append_csv:
 * @rows: where the rows go
 * @result: one document's result
 *
 * Appends a row per key figure of @result (none when it has none).
 */
void
assay_result_append_csv (GString  *rows,
                         JsonNode *result)
{
  JsonObject *object;
  JsonObject *source = NULL;
  JsonObject *extraction = NULL;
  JsonArray *figures = NULL;
  const char *path = NULL;
  const char *sha256 = NULL;

  g_return_if_fail (rows != NULL);
  g_return_if_fail (result != NULL);

  if (!JSON_NODE_HOLDS_OBJECT (result))
    return;
  object = json_node_get_object (result);
  if (json_object_has_member (object, "source"))
    source = json_object_get_object_member (object, "source");
  if (source != NULL)
    {
      path = json_object_get_string_member_with_default (source, "path", NULL);
      sha256 = json_object_get_string_member_with_default (source, "sha256", NULL);
    }
  if (json_object_has_member (object, "extraction"))
    extraction = json_object_get_object_member (object, "extraction");
  if (extraction != NULL && json_object_has_member (extraction, "figures"))
    figures = json_object_get_array_member (extraction, "figures");

  for (guint i = 0; figures != NULL && i < json_array_get_length (figures); i++)
    {
      JsonObject *figure = json_array_get_object_element (figures, i);
      g_autofree char *value = NULL;
      g_autofree char *page = NULL;

      if (figure == NULL)
        continue;

      value = format_number (figure, "value");
      page = format_number (figure, "page");

      append_csv_field (rows, path, FALSE);
      append_csv_field (rows, sha256, FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "label", NULL), FALSE);
      append_csv_field (rows, value, FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "raw", NULL), FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "unit", NULL), FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "period", NULL), FALSE);
      append_csv_field (rows, page, FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "verified", NULL), FALSE);
      append_csv_field (rows, json_object_get_string_member_with_default (figure, "snippet", NULL), TRUE);
    }

}
