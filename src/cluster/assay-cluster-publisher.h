/* assay-cluster-publisher.h — many JetStream publishes, one wait
 *
 * Each message added goes out at once, without waiting for the server's
 * acknowledgement; assay_cluster_publisher_wait() then waits for those of
 * every message added since the last wait, and each message's outcome
 * lands in the AssayClusterPublished its caller gave with it. A batch of
 * documents' uploads and jobs costs the client and the server a few
 * wake-ups instead of a round trip each. libnats' asynchronous publishing
 * on a JetStream context of the publisher's own, so a wait covers its
 * messages only.
 *
 * One thread at a time adds and waits (the acknowledgements come on
 * libnats' thread, under the publisher's lock).
 */
#pragma once

#include <glib.h>

#include "assay-cluster-connection.h"

G_BEGIN_DECLS

/* A message's outcome: stored, refused, or neither (not sent, or no
 * answer in time: then it may have been stored all the same, and @error
 * is ASSAY_CLUSTER_ERROR_UNREACHABLE). */
typedef struct
{
  gboolean   stored;      /* acknowledged: the server has it */
  gboolean   duplicate;   /* … and had a message of its id already */
  gboolean   refused;     /* the server answered that it did not take it */
  jsErrCode  js_error;    /* … and JetStream's error code, or 0 */
  GError    *error;       /* not stored: why */
} AssayClusterPublished;

typedef struct _AssayClusterPublisher AssayClusterPublisher;

AssayClusterPublisher *assay_cluster_publisher_new   (AssayClusterConnection  *connection,
                                                      GError                 **error);
void                   assay_cluster_publisher_free  (AssayClusterPublisher   *self);
void                   assay_cluster_publisher_add   (AssayClusterPublisher   *self,
                                                      natsMsg                 *msg,
                                                      const char              *msg_id,
                                                      const char              *what,
                                                      AssayClusterPublished   *published);
void                   assay_cluster_publisher_wait  (AssayClusterPublisher   *self);

void                   assay_cluster_published_clear (AssayClusterPublished   *published);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayClusterPublisher, assay_cluster_publisher_free)

G_END_DECLS
