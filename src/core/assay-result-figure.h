/* assay-result-figure.h — one key figure of a document's result
 *
 * An immutable object made from the result JSON (docs/result-schema.md),
 * with read-only properties the window binds to. Built on any thread, then
 * handed to the main thread.
 */
#pragma once

#include <glib-object.h>

#include "assay-result-types.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_RESULT_FIGURE (assay_result_figure_get_type ())
G_DECLARE_FINAL_TYPE (AssayResultFigure, assay_result_figure, ASSAY, RESULT_FIGURE, GObject)

const char        *assay_result_figure_get_label         (AssayResultFigure *self);
double             assay_result_figure_get_value         (AssayResultFigure *self);
const char        *assay_result_figure_get_raw           (AssayResultFigure *self);
const char        *assay_result_figure_get_unit          (AssayResultFigure *self);
const char        *assay_result_figure_get_period        (AssayResultFigure *self);
guint              assay_result_figure_get_page          (AssayResultFigure *self);
const char        *assay_result_figure_get_snippet       (AssayResultFigure *self);
AssayVerification  assay_result_figure_get_verification  (AssayResultFigure *self);
guint              assay_result_figure_get_verified_page (AssayResultFigure *self);
const AssayRect   *assay_result_figure_get_rects         (AssayResultFigure *self,
                                                          guint             *n_rects);

G_END_DECLS
