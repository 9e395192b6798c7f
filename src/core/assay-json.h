/* assay-json.h — JsonBuilder helpers for the result format
 *
 * Results are read and written with json-glib alone; these two helpers say
 * "null" the way the result format does (docs/result-schema.md).
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void      assay_json_builder_add_nullable_string (JsonBuilder *builder,
                                                  const char  *name,
                                                  const char  *value);
void      assay_json_builder_add_number          (JsonBuilder *builder,
                                                  const char  *name,
                                                  double       value);

G_END_DECLS
