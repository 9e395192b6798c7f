/* assay-cluster-objects.h — the JetStream object store, on plain JetStream
 *
 * libnats 3.4 has no object store API, so this writes the layout that
 * `nats object` and the Go, Python and Rust clients use: stream
 * `OBJ_<bucket>`, chunks of 128 KiB on `$O.<bucket>.C.<nuid>`, and the
 * object's metadata (name, size, chunks, SHA-256 digest) as JSON on
 * `$O.<bucket>.M.<base64url of the name>`, rolled up to its last value.
 * Any client can read what this writes, and the other way round.
 *
 * Every call blocks on the network (bounded by JetStream's request
 * timeout): call from a thread that may block. Any such thread.
 */
#pragma once

#include <gio/gio.h>

#include "assay-cluster-connection.h"

G_BEGIN_DECLS

/* An object's bytes go in chunks of this size (the last one shorter). */
#define ASSAY_CLUSTER_OBJECT_CHUNK_SIZE (128 * 1024)
/* JetStream's "wrong last sequence" (libnats 3.4 has no name for it):
 * a message said to be new found its subject taken. */
#define ASSAY_CLUSTER_JS_WRONG_LAST_SEQUENCE 10071

/* Where an object's bytes are, as its metadata says: what a reader told
 * it needs no lookup of the metadata (assay_cluster_objects_get_stream_full()). */
typedef struct
{
  gint64  size;
  gint64  n_chunks;
  char   *nuid;      /* the chunks' subject is $O.<bucket>.C.<nuid> */
  char   *digest;    /* "SHA-256=<base64url>", nullable */
} AssayClusterObjectInfo;

void      assay_cluster_object_info_clear     (AssayClusterObjectInfo  *info);

gboolean  assay_cluster_objects_ensure_bucket (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               gint64                   max_bytes,
                                               GError                 **error);
gboolean  assay_cluster_objects_get_info      (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               const char              *name,
                                               AssayClusterObjectInfo  *info,
                                               GError                 **error);
GHashTable *assay_cluster_objects_dup_names   (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               guint                    max_names,
                                               GError                 **error);
gboolean  assay_cluster_objects_put_stream_full (AssayClusterConnection       *connection,
                                                 const char                   *bucket,
                                                 const char                   *name,
                                                 GInputStream                 *stream,
                                                 gint64                        max_bytes,
                                                 const AssayClusterObjectInfo *replacing,
                                                 AssayClusterObjectInfo       *stored,
                                                 GCancellable                 *cancellable,
                                                 GError                      **error);
gboolean  assay_cluster_objects_new_messages    (const char                   *bucket,
                                                 const char                   *name,
                                                 GBytes                       *bytes,
                                                 natsMsg                     **chunk,
                                                 natsMsg                     **meta,
                                                 AssayClusterObjectInfo       *stored,
                                                 GError                      **error);
void      assay_cluster_objects_purge_chunks    (jsCtx                        *js,
                                                 const char                   *bucket,
                                                 const char                   *nuid);
gboolean  assay_cluster_objects_get_stream_full (AssayClusterConnection       *connection,
                                                 const char                   *bucket,
                                                 const char                   *name,
                                                 const AssayClusterObjectInfo *hint,
                                                 GOutputStream                *stream,
                                                 gint64                        max_bytes,
                                                 GCancellable                 *cancellable,
                                                 GError                      **error);
gboolean  assay_cluster_objects_put_stream    (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               const char              *name,
                                               GInputStream            *stream,
                                               gint64                   max_bytes,
                                               GCancellable            *cancellable,
                                               GError                 **error);
gboolean  assay_cluster_objects_get_stream    (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               const char              *name,
                                               GOutputStream           *stream,
                                               gint64                   max_bytes,
                                               GCancellable            *cancellable,
                                               GError                 **error);
GBytes   *assay_cluster_objects_get_bytes     (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               const char              *name,
                                               gint64                   max_bytes,
                                               GCancellable            *cancellable,
                                               GError                 **error);
gboolean  assay_cluster_objects_delete        (AssayClusterConnection  *connection,
                                               const char              *bucket,
                                               const char              *name,
                                               GError                 **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AssayClusterObjectInfo, assay_cluster_object_info_clear)

G_END_DECLS
