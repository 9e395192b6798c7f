/* assay-paced-list-model.h — a list model that shows new items a few at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define ASSAY_TYPE_PACED_LIST_MODEL (assay_paced_list_model_get_type ())
G_DECLARE_FINAL_TYPE (AssayPacedListModel, assay_paced_list_model, ASSAY, PACED_LIST_MODEL, GObject)

AssayPacedListModel *assay_paced_list_model_new        (GListModel          *source,
                                                        guint                step_size,
                                                        guint                paced_limit);
guint                assay_paced_list_model_get_n_pending (AssayPacedListModel *self);
void                 assay_paced_list_model_set_paused (AssayPacedListModel *self,
                                                        gboolean             paused);
gboolean             assay_paced_list_model_get_paused (AssayPacedListModel *self);
void                 assay_paced_list_model_show_all   (AssayPacedListModel *self);

G_END_DECLS
