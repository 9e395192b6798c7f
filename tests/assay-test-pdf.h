/* assay-test-pdf.h — real PDFs written by the tests with cairo
 *
 * Pages are given as text; "\n" breaks lines. The text is drawn with the
 * "Sans" font at 10 pt, one line after another from the top-left margin, so
 * poppler reads it back line by line.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *title;      /* PDF metadata, nullable */
  const char *author;
  const char *subject;
  const char *keywords;
  const char *creator;
  const char *create_date; /* ISO 8601, "2024-03-01T10:00:00" */
  gboolean    blank_pages_are_images; /* draw a grey box on pages whose text is NULL */
} AssayTestPdfMetadata;

gboolean  assay_test_pdf_write        (const char                  *path,
                                       const char * const          *pages,
                                       guint                        n_pages,
                                       const AssayTestPdfMetadata  *metadata,
                                       GError                     **error);
gboolean  assay_test_pdf_write_placed (const char                  *path,
                                       const char * const          *pages,
                                       guint                        n_pages,
                                       GError                     **error);
char     *assay_test_pdf_write_temp   (const char                  *dir,
                                       const char                  *basename,
                                       const char * const          *pages,
                                       guint                        n_pages);
gboolean  assay_test_pdf_encrypt      (const char                  *in_path,
                                       const char                  *out_path,
                                       const char                  *user_password,
                                       const char                  *owner_password,
                                       GError                     **error);
gboolean  assay_test_have_qpdf        (void);

G_END_DECLS
