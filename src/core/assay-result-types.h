/* assay-result-types.h — small types shared by the result objects
 *
 * The enum GTypes wrap
 * the extraction's enums so that result objects can expose them as
 * properties. Any thread.
 */
#pragma once

#include <glib-object.h>

#include "assay-extraction.h"

G_BEGIN_DECLS

/* AssayRect (PDF points, top-left origin of the page) comes from
 * assay-extraction.h. */

#define ASSAY_TYPE_VERIFICATION (assay_verification_get_type ())
#define ASSAY_TYPE_FIELD_TYPE   (assay_field_type_get_type ())

GType assay_verification_get_type (void);
GType assay_field_type_get_type   (void);

G_END_DECLS
