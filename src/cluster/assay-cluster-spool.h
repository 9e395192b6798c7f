/* assay-cluster-spool.h — where a worker keeps the PDFs it reads
 *
 * The reader helper takes a path, so a worker writes each PDF it takes
 * into a file of its own and removes it once read. A worker killed
 * meanwhile (SIGKILL, out of memory) cannot: its files are named by its
 * process id, in a folder of the user's own, and the next worker that
 * starts there removes those whose process is gone. Any thread.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char  *assay_cluster_spool_dup_dir (void);
int    assay_cluster_spool_open    (const char  *dir,
                                    char       **path,
                                    GError     **error);
guint  assay_cluster_spool_sweep   (const char  *dir);

G_END_DECLS
