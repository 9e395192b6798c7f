/* assay-verify.h — checking extracted figures against the PDF text
 *
 * A figure is verified when a number equal to it (after normalising notation,
 * sign and scale, within the precision it was written with) appears on its
 * page. When the page is unknown, or the figure is not on the page given, the
 * other pages are searched and `verified_page` says where it was found.
 * Pure functions: safe on any thread.
 */
#pragma once

#include <glib.h>

#include "assay-extraction.h"
#include "assay-pdf-text.h"

G_BEGIN_DECLS

typedef struct
{
  guint total;        /* figures and numeric fields checked */
  guint verified;
  guint unverified;
  guint wrong_page;   /* verified, but on another page than the one given */
} AssayVerifySummary;

typedef struct _AssayPageNumbers AssayPageNumbers;

AssayPageNumbers *assay_page_numbers_new    (const AssayPdfText  *text);
void              assay_page_numbers_free   (AssayPageNumbers    *self);
void              assay_verify_extraction   (AssayExtraction     *extraction,
                                             AssayPageNumbers    *numbers,
                                             AssayVerifySummary  *summary);
gboolean          assay_verify_value_on_page (AssayPageNumbers   *numbers,
                                              guint               page,
                                              double              value,
                                              const char         *raw);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayPageNumbers, assay_page_numbers_free)

G_END_DECLS
