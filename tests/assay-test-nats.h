/* assay-test-nats.h — a real nats-server with JetStream for the tests
 *
 * Started on a free loopback port with its store in a temporary folder,
 * stopped (and restarted on the same port and store) by its process id.
 * Every wait is bounded.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AssayTestNats AssayTestNats;

void            assay_test_die_with_parent (gpointer          user_data);
gboolean        assay_test_nats_available (void);
AssayTestNats  *assay_test_nats_start     (const char * const *extra_args);
void            assay_test_nats_stop      (AssayTestNats      *self);
void            assay_test_nats_restart   (AssayTestNats      *self);
void            assay_test_nats_free      (AssayTestNats      *self);
const char     *assay_test_nats_get_url   (AssayTestNats      *self);
guint           assay_test_nats_get_port  (AssayTestNats      *self);
guint           assay_test_free_port      (void);
gboolean        assay_test_file_contains  (const char         *path,
                                           const char         *needle);
guint           assay_test_file_count     (const char         *path,
                                           const char         *needle);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayTestNats, assay_test_nats_free)

G_END_DECLS
