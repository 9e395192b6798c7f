/* assay-cluster-inbox.h — items from libnats' threads, handed over on a main context
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _AssayClusterInbox AssayClusterInbox;

/* Called on the inbox's context for each item, in the order pushed; the
 * inbox frees the item after. */
typedef void (*AssayClusterInboxFunc) (gpointer owner,
                                       gpointer item);

AssayClusterInbox *assay_cluster_inbox_new   (GMainContext          *context,
                                              GObject               *owner,
                                              int                    priority,
                                              const char            *source_name,
                                              AssayClusterInboxFunc  func,
                                              GDestroyNotify         item_free);
AssayClusterInbox *assay_cluster_inbox_ref   (AssayClusterInbox     *self);
void               assay_cluster_inbox_unref (gpointer               self);
void               assay_cluster_inbox_push  (AssayClusterInbox     *self,
                                              gpointer               item);
void               assay_cluster_inbox_flush (AssayClusterInbox     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayClusterInbox, assay_cluster_inbox_unref)

G_END_DECLS
