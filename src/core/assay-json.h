/* assay-json.h — a fast strict JSON reader and compact writer on json-glib's types
 *
 * json-glib's own parser reads about 24 MB/s and dominated a cached run, which
 * parses every stored result. These two functions build and read the same
 * JsonNode/JsonObject/JsonArray trees, so the rest of the code is unchanged.
 *
 * The reader accepts RFC 8259 JSON only (json-glib also takes comments, hex,
 * single quotes, "var x = ..."); the writer's output always reads back to an
 * equal tree, doubles included. Both are reentrant: any thread, any number of
 * trees at once (one tree per thread at a time, as with json-glib).
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Arrays and objects nested deeper than this are refused, so hostile input
 * cannot exhaust the stack. Assay's results nest about 5 deep. */
#define ASSAY_JSON_MAX_DEPTH 512

JsonNode *assay_json_parse     (const char  *data,
                                gsize        length,
                                GError     **error);
char     *assay_json_to_string (JsonNode    *node,
                                gsize       *length);

void      assay_json_builder_add_nullable_string (JsonBuilder *builder,
                                                  const char  *name,
                                                  const char  *value);
void      assay_json_builder_add_number          (JsonBuilder *builder,
                                                  const char  *name,
                                                  double       value);

G_END_DECLS
