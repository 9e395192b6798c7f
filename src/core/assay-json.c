/* assay-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two JsonBuilder helpers. JSON is read and written with json-glib
 * (JsonParser, JsonGenerator) everywhere: a cached run stays quick by not
 * parsing what it only copies (see assay-store.c), not with a parser of
 * its own.
 */
#define G_LOG_DOMAIN "assay-json"

#include "config.h"

#include <math.h>

#include "assay-json.h"

/**
 * assay_json_builder_add_nullable_string:
 * @value: (nullable): written as null when %NULL
 *
 * Adds the member @name with @value to the object being built.
 */
void
assay_json_builder_add_nullable_string (JsonBuilder *builder,
                                        const char  *name,
                                        const char  *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * assay_json_builder_add_number:
 *
 * Adds the member @name with @value, or null when @value is NaN or infinite
 * (JSON has no such numbers).
 */
void
assay_json_builder_add_number (JsonBuilder *builder,
                               const char  *name,
                               double       value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
