/* assay-cluster-spool.h — where a worker keeps the PDFs it reads
 *
 * The reader helper takes a path, so a worker writes each PDF it takes
 * into a file of its own and removes it once read. A worker killed
 * meanwhile (SIGKILL, out of memory) cannot: its files are named by its
 * process id, in a folder of the user's own per host (homes may be shared
 * between machines), and a worker that starts there removes those whose
 * process is gone, and its own id's (a container's restarted worker gets
 * the same id). Any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *assay_cluster_spool_dup_dir (void);
gboolean  assay_cluster_spool_prepare (const char  *dir,
                                       guint       *n_removed,
                                       GError     **error);
int       assay_cluster_spool_open    (const char  *dir,
                                       char       **path,
                                       GError     **error);

G_END_DECLS
