/* assay-pdf-reader-private.h — shared between the read stage's files and
 * the assay-pdf-reader helper; not for the rest of the app.
 *
 * The "full" readers take an absolute deadline (g_get_monotonic_time()
 * microseconds, 0 for none) instead of limits->timeout_seconds, and report
 * where the text was cut instead of adding warnings: derived warnings (page
 * limit, pages without text, cut text) are added once, by whoever assembles
 * the final AssayPdfText, with _assay_pdf_text_add_derived_warnings().
 */
#pragma once

#include "assay-page-image.h"
#include "assay-pdf-reader.h"

G_BEGIN_DECLS

/* cut_page value when the text was not cut */
#define ASSAY_PDF_NOT_CUT G_MAXUINT

/* The environment variable naming a test-only misbehaviour of the helper:
 * "crash" (raise SIGSEGV before reading), "stall" (sleep up to 120 s before
 * reading), "garbage" (write a frame with an impossible length), "oom"
 * (allocate until the address-space limit stops it), "lying-image" (an
 * image whose sizes do not match its bytes), "huge-image" (an image frame
 * claiming more pixels than allowed), "lying-boxes" (digit boxes outside
 * the page's text). Ignored when unset. */
#define ASSAY_PDF_READER_TEST_HOOK_ENV "ASSAY_PDF_READER_TEST_HOOK"

/* Longest password handed to the helper; PDF passwords are at most 127 bytes. */
#define ASSAY_PDF_MAX_PASSWORD 4096

/* Either way of reading a range, with an absolute deadline. */
typedef AssayPdfText *(*AssayPdfRangeReader) (const char             *path,
                                              const char             *password,
                                              guint                   first_page,
                                              guint                   end_page,
                                              const AssayReadLimits  *limits,
                                              gint64                  deadline_us,
                                              GCancellable           *cancellable,
                                              guint                  *cut_page,
                                              GError                **error);

AssayPdfText *_assay_pdf_read_range_with       (AssayPdfRangeReader     reader,
                                                const char             *path,
                                                const char             *password,
                                                guint                   first_page,
                                                guint                   end_page,
                                                const AssayReadLimits  *limits,
                                                GCancellable           *cancellable,
                                                GError                **error);
AssayPdfText *_assay_pdf_read_range_full          (const char             *path,
                                                   const char             *password,
                                                   guint                   first_page,
                                                   guint                   end_page,
                                                   const AssayReadLimits  *limits,
                                                   gint64                  deadline_us,
                                                   GCancellable           *cancellable,
                                                   guint                  *cut_page,
                                                   GError                **error);
AssayPdfText *_assay_pdf_read_range_isolated_full (const char             *path,
                                                   const char             *password,
                                                   guint                   first_page,
                                                   guint                   end_page,
                                                   const AssayReadLimits  *limits,
                                                   gint64                  deadline_us,
                                                   GCancellable           *cancellable,
                                                   guint                  *cut_page,
                                                   GError                **error);
void          _assay_pdf_text_add_derived_warnings (AssayPdfText           *text,
                                                   const AssayReadLimits  *limits,
                                                   guint                   first_page,
                                                   guint                   cut_page);
void          _assay_pdf_text_cut_utf8            (char                   *text,
                                                   gsize                   max_bytes);
char         *_assay_pdf_text_sanitize            (const char             *data,
                                                   gsize                   len);
void          _assay_pdf_text_blank_controls      (char                   *text);
void          _assay_pdf_set_timeout_error        (GError                **error,
                                                   guint                   timeout_seconds);

/* Rendering one page: pixels at most, and the longest side (cairo's limit
 * is 32767). 16 Mi pixels is a page 3,000 px wide at A4's shape, 64 MiB. */
#define ASSAY_PDF_MAX_RENDER_PIXELS ((gsize) 16 * 1024 * 1024)
#define ASSAY_PDF_MAX_RENDER_SIDE   16384

AssayPageImage *_assay_pdf_render_page_full     (const char             *path,
                                                 const char             *password,
                                                 guint                   page_index,
                                                 guint                   width_px,
                                                 gsize                   max_pixels,
                                                 GError                **error);
AssayPageImage *_assay_pdf_render_page_isolated (const char             *path,
                                                 const char             *password,
                                                 guint                   page_index,
                                                 guint                   width_px,
                                                 const AssayReadLimits  *limits,
                                                 GCancellable           *cancellable,
                                                 GError                **error);

/* The helper's side of the protocol (see assay-pdf-reader-process.c). */
gboolean      _assay_pdf_reader_write_image       (int                     fd,
                                                   const AssayPageImage   *image);
gboolean      _assay_pdf_reader_write_lying_image (int                     fd,
                                                   gboolean                huge);
gboolean      _assay_pdf_reader_write_lying_boxes (int                     fd);
gboolean      _assay_pdf_reader_write_hello       (int                     fd);
gboolean      _assay_pdf_reader_write_result      (int                     fd,
                                                   const AssayPdfText     *text,
                                                   guint                   cut_page);
gboolean      _assay_pdf_reader_write_error       (int                     fd,
                                                   const GError           *error);
gboolean      _assay_pdf_reader_write_garbage     (int                     fd);

G_END_DECLS
