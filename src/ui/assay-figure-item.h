/* assay-figure-item.h — a row of the key-figures table, kept across results
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "assay-result-figure.h"

G_BEGIN_DECLS

#define ASSAY_TYPE_FIGURE_ITEM (assay_figure_item_get_type ())
G_DECLARE_FINAL_TYPE (AssayFigureItem, assay_figure_item, ASSAY, FIGURE_ITEM, GObject)

AssayFigureItem   *assay_figure_item_new        (AssayResultFigure *figure);
AssayResultFigure *assay_figure_item_get_figure (AssayFigureItem   *self);
void               assay_figure_item_set_figure (AssayFigureItem   *self,
                                                 AssayResultFigure *figure);

G_END_DECLS
