/* assay-test-fixture.h — what the tests' fixtures share: temporary
 * folders, an offline pipeline, bounded waits, a two-page report
 */
#pragma once

#include <gio/gio.h>

#include "assay-pipeline.h"
#include "assay-store.h"
#include "assay-template.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

typedef gboolean (*AssayTestCondition) (gpointer data);

/* Two pages of an annual report with a handful of figures. */
extern const char * const assay_test_report_pages[2];

char          *assay_test_tmp_dir_new            (const char      *name_template);
char          *assay_test_signature_for_words    (guint            first,
                                                  guint            n,
                                                  guint            changed);
void           assay_test_remove_tree            (const char      *path);
AssayPipeline *assay_test_offline_pipeline_new   (AssayWorkerPool *pool,
                                                  AssayTemplate   *template_,
                                                  AssayStore      *store);
gboolean       assay_test_pipeline_wait_idle     (AssayPipeline   *pipeline,
                                                  gint64           limit_us);
AssayDocument *assay_test_pipeline_add_path      (AssayPipeline   *pipeline,
                                                  const char      *path);
void           assay_test_wait_until             (AssayTestCondition done,
                                                  gpointer           data,
                                                  guint              limit_s,
                                                  const char        *what);

G_END_DECLS
