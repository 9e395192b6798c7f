/* assay-pdf-reader.h — the read stage: text and metadata out of a PDF
 *
 * Three layers:
 *  - assay_pdf_read_range(): poppler in this process, one PopplerDocument
 *    for the call. Any thread; one call per thread at a time per document.
 *  - assay_pdf_read_range_isolated(): the same in a child process
 *    (assay-pdf-reader helper) under address-space, CPU and wall-time limits,
 *    so a hostile file can crash or exhaust only that child. Blocking: call
 *    it from a worker thread.
 *  - assay_pdf_read_async(): what the pipeline uses. Reads the first range,
 *    learns the page count, then fans the remaining page ranges out over the
 *    worker pool so a long manual uses every core, and merges the parts.
 */
#pragma once

#include <gio/gio.h>

#include "assay-pdf-text.h"
#include "assay-worker-pool.h"

G_BEGIN_DECLS

#define ASSAY_READ_ERROR (assay_read_error_quark ())

typedef enum
{
  ASSAY_READ_ERROR_NOT_FOUND,        /* no such file */
  ASSAY_READ_ERROR_UNREADABLE,       /* permission denied, I/O error */
  ASSAY_READ_ERROR_EMPTY,            /* zero bytes */
  ASSAY_READ_ERROR_NOT_PDF,          /* content is not a PDF */
  ASSAY_READ_ERROR_DAMAGED,          /* poppler could not open it */
  ASSAY_READ_ERROR_NEEDS_PASSWORD,   /* encrypted; no password or a wrong one */
  ASSAY_READ_ERROR_TOO_LARGE,        /* a limit was hit and nothing useful is left */
  ASSAY_READ_ERROR_TIMEOUT,          /* took longer than the time limit */
  ASSAY_READ_ERROR_OUT_OF_MEMORY,    /* the reader hit its memory limit */
  ASSAY_READ_ERROR_CRASHED,          /* the reader process died */
  ASSAY_READ_ERROR_NO_SUCH_PAGE,     /* rendering: the page is not in the document */
} AssayReadError;

typedef struct
{
  guint  max_pages;          /* pages read per document; 0: no limit */
  gsize  max_text_bytes;     /* text kept per document; more is cut, with a warning */
  guint  timeout_seconds;    /* wall time of one whole document read */
  gsize  max_memory_bytes;   /* address space of one reader process */
  guint  pages_per_part;     /* split documents longer than this across workers */
} AssayReadLimits;

/* Called on the main thread as parts finish. */
typedef void (*AssayReadProgress) (gpointer user_data,
                                   guint    pages_done,
                                   guint    n_pages);

GQuark        assay_read_error_quark          (void);
void          assay_read_limits_init_default  (AssayReadLimits        *limits);

AssayPdfText *assay_pdf_read_range            (const char             *path,
                                               const char             *password,
                                               guint                   first_page,
                                               guint                   end_page,
                                               const AssayReadLimits  *limits,
                                               GCancellable           *cancellable,
                                               GError                **error);
AssayPdfText *assay_pdf_read_range_isolated   (const char             *path,
                                               const char             *password,
                                               guint                   first_page,
                                               guint                   end_page,
                                               const AssayReadLimits  *limits,
                                               GCancellable           *cancellable,
                                               GError                **error);

void          assay_pdf_read_async            (AssayWorkerPool        *pool,
                                               const char             *path,
                                               const char             *password,
                                               const AssayReadLimits  *limits,
                                               int                     priority,
                                               AssayReadProgress       progress,
                                               gpointer                progress_data,
                                               GCancellable           *cancellable,
                                               GAsyncReadyCallback     callback,
                                               gpointer                user_data);
AssayPdfText *assay_pdf_read_finish           (GAsyncResult           *result,
                                               GError                **error);

G_END_DECLS
