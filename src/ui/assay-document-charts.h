/* assay-document-charts.h — the charts of one document's result
 *
 * Key figures as bars, the distribution of the document's numbers, its
 * first digits against Benford's law with the verdict, and the key figures
 * on each page, each drawn by AssayChart in the theme's colours, each with
 * a menu to save it as PNG or SVG. A key-figure bar emits
 * "figure-activated" with the position of its figure in the result's
 * figures model; a page bar emits "page-activated".
 *
 * Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

#include "assay-chart.h"
#include "assay-document-result.h"

G_BEGIN_DECLS

typedef enum
{
  ASSAY_DOCUMENT_CHART_KEY_FIGURES,
  ASSAY_DOCUMENT_CHART_DISTRIBUTION,
  ASSAY_DOCUMENT_CHART_BENFORD,
  ASSAY_DOCUMENT_CHART_FIGURES_PER_PAGE,
  ASSAY_DOCUMENT_N_CHARTS
} AssayDocumentChartKind;

#define ASSAY_TYPE_DOCUMENT_CHARTS (assay_document_charts_get_type ())
G_DECLARE_FINAL_TYPE (AssayDocumentCharts, assay_document_charts, ASSAY, DOCUMENT_CHARTS, GtkWidget)

GtkWidget           *assay_document_charts_new        (void);
void                 assay_document_charts_set_result (AssayDocumentCharts    *self,
                                                       AssayDocumentResult    *result);
AssayDocumentResult *assay_document_charts_get_result (AssayDocumentCharts    *self);
AssayChart          *assay_document_charts_get_chart  (AssayDocumentCharts    *self,
                                                       AssayDocumentChartKind  kind);

G_END_DECLS
