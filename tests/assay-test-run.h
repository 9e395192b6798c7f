/* assay-test-run.h — running the built `assay` as a user would, from a test
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  int   status;   /* exit status */
  char *out;      /* standard output */
  char *err;      /* standard error */
} AssayTestOutcome;

void                 assay_test_outcome_clear  (AssayTestOutcome   *outcome);
const char          *assay_test_binary         (void);
GSubprocessLauncher *assay_test_launcher_new   (GSubprocessFlags    flags);
void                 assay_test_run            (GSubprocessLauncher *launcher,
                                                const char * const *args,
                                                guint               limit_seconds,
                                                AssayTestOutcome   *outcome);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AssayTestOutcome, assay_test_outcome_clear)

G_END_DECLS
