/* assay-result-csv.h — key figures of results as CSV rows
 *
 * One row per key figure of a result (docs/result-schema.md), the columns
 * of ASSAY_RESULT_CSV_HEADER, quoted as RFC 4180 asks; what
 * `assay --headless --format csv` and the window's export write. Pure
 * functions: any thread.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define ASSAY_RESULT_CSV_HEADER "path,sha256,label,value,raw,unit,period,page,verified,snippet\n"

char *assay_result_csv_escape (const char *field);
void  assay_result_append_csv (GString    *rows,
                               JsonNode   *result);

G_END_DECLS
