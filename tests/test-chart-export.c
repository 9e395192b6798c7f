/* test-chart-export.c — SVG that parses and holds the marks, PNG of the size asked */
#include "config.h"

#include <math.h>
#include <string.h>

#include <cairo.h>
#include <glib/gstdio.h>

#include "assay-chart-export.h"
#include "assay-charts-corpus.h"
#include "assay-charts-document.h"
#include "assay-document-result.h"
#include "assay-charts-result.h"
#include "assay-test-fixture.h"

typedef struct
{
  const char *fill;      /* the colour whose paths to count */
  guint       n_paths;
  guint       n_subpaths;
  guint       n_elements;
} SvgScan;

static void
scan_start (GMarkupParseContext  *context,
            const char           *element,
            const char          **names,
            const char          **values,
            gpointer              user_data,
            GError              **error)
{
  SvgScan *scan = user_data;
  const char *style = NULL, *d = NULL, *fill = NULL;

  scan->n_elements++;
  if (!g_str_equal (element, "path"))
    return;
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "style"))
        style = values[i];
      else if (g_str_equal (names[i], "d"))
        d = values[i];
      else if (g_str_equal (names[i], "fill"))
        fill = values[i];
    }
  if (d == NULL)
    return;
  if ((style != NULL && strstr (style, scan->fill) != NULL) || (fill != NULL && strstr (fill, scan->fill) != NULL))
    {
      scan->n_paths++;
      for (const char *p = d; *p != '\0'; p++)
        if (*p == 'Z')
          scan->n_subpaths++;
    }
}

static SvgScan
parse_svg (const char *data,
           gsize       len,
           const char *fill)
{
  GMarkupParser parser = { scan_start, NULL, NULL, NULL, NULL };
  SvgScan scan = { fill, 0, 0, 0 };
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &scan, NULL);
  g_autoptr(GError) error = NULL;

  g_markup_parse_context_parse (context, data, len, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  return scan;
}

/* A palette whose first series colour is unmistakable in the SVG. */
static void
marked_palette (AssayChartPalette *palette)
{
  assay_chart_palette_init (palette, ASSAY_CHART_STYLE_LIGHT);
  assay_chart_color_parse (&palette->series[0], "#ff00ff");
}

#define MAGENTA "rgb(100%,0%,100%)"

static void
test_svg_has_marks (void)
{
  static const char * const labels[] = { "A", "B", "C", "D", "E" };
  static const double values[] = { 3, 1, 4, 1, 5 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Five bars");
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_bars (NULL, labels, values, 5);
  g_autoptr(GBytes) svg = NULL;
  g_autoptr(GError) error = NULL;
  AssayChartPalette palette;
  SvgScan scan;
  gsize len;
  const char *data;

  assay_chart_spec_add_series (spec, s);
  marked_palette (&palette);
  svg = assay_chart_export_bytes (spec, &palette, ASSAY_CHART_FORMAT_SVG, 500, 300, &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (svg, &len);
  g_assert_true (g_str_has_prefix (data, "<?xml"));
  scan = parse_svg (data, len, MAGENTA);
  g_assert_cmpuint (scan.n_paths, >=, 1);
  g_assert_cmpuint (scan.n_subpaths, ==, 5);   /* one closed sub-path per bar */
}

static void
test_png_size (void)
{
  double x[] = { 0, 1, 2, 3 };
  double y[] = { 1, 3, 2, 4 };
  g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Line");
  g_autoptr(AssayChartSeries) s = assay_chart_series_new_xy (ASSAY_CHART_KIND_LINE, NULL, x, y, 4);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("assay-chart-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "line.png", NULL);
  g_autofree char *pdf = g_build_filename (dir, "line.pdf", NULL);
  g_autofree char *contents = NULL;
  cairo_surface_t *surface;
  AssayChartFormat format;
  gsize len;

  g_assert_no_error (error);
  assay_chart_spec_add_series (spec, s);
  g_assert_true (assay_chart_format_from_path (path, &format));
  g_assert_cmpint (format, ==, ASSAY_CHART_FORMAT_PNG);
  g_assert_true (assay_chart_export (spec, NULL, format, 640, 360, path, &error));
  g_assert_no_error (error);
  surface = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 360);
  cairo_surface_destroy (surface);

  g_assert_true (assay_chart_export (spec, NULL, ASSAY_CHART_FORMAT_PDF, 640, 360, pdf, &error));
  g_assert_true (g_file_get_contents (pdf, &contents, &len, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  /* A size out of bounds is an error, not a crash. */
  g_assert_false (assay_chart_export (spec, NULL, format, 0, 360, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_unlink (path);
  g_unlink (pdf);
  g_rmdir (dir);
}

static void
test_document (void)
{
  static const char * const labels[] = { "Revenue", "Operating costs", "Net profit", "Employees" };
  static const double values[] = { 1.25e9, 9.8e8, 1.7e8, 5400 };
  static const char * const units[] = { "EUR", "EUR", "EUR", NULL };
  static const guint pages[] = { 3, 3, 7, 12 };
  static const double edges[] = { 1, 10, 100, 1000, 1e4, 1e5, 1e6 };
  static const guint counts[] = { 40, 90, 60, 30, 12, 4 };
  static const double observed[] = { 0.31, 0.17, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04 };
  double expected[9];
  guint page_numbers[12];
  AssayChartsDocument doc = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("assay-chart-doc-XXXXXX", &error);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  const char *keep = g_getenv ("ASSAY_CHART_EXPORT_DIR");
  AssayChartPalette palette;

  for (guint d = 0; d < 9; d++)
    expected[d] = log10 (1 + 1.0 / (d + 1));
  for (guint p = 0; p < 12; p++)
    page_numbers[p] = (p * 37) % 50 + 3;

  doc.name = "annual/report";   /* a slash must not make a directory */
  doc.title = "Annual report 2023";
  doc.n_figures = 4;
  doc.figure_labels = labels;
  doc.figure_values = values;
  doc.figure_units = units;
  doc.figure_pages = pages;
  doc.histogram_n_bins = 6;
  doc.histogram_edges = edges;
  doc.histogram_counts = counts;
  doc.histogram_log_scale = TRUE;
  doc.benford_observed = observed;
  doc.benford_expected = expected;
  doc.benford_n = 236;
  doc.benford_verdict = "acceptable";
  doc.n_pages = 12;
  doc.page_numbers = page_numbers;

  g_assert_no_error (error);

  /* A bar leads back to its figure (Employees, in another unit, has none),
   * a page bar to its page, a Benford bar to its digit. */
  {
    g_autoptr(AssayChartSpec) key = assay_charts_document_key_figures (&doc);
    g_autoptr(AssayChartSpec) per_page = assay_charts_document_numbers_per_page (&doc);
    g_autoptr(AssayChartSpec) benford = assay_charts_document_benford (&doc);
    AssayChartSeries *bars = assay_chart_spec_get_series (key, 0);

    g_assert_cmpuint (assay_chart_series_get_n_items (bars), ==, 3);
    g_assert_cmpuint (assay_chart_series_get_id (bars, 2), ==, 2);
    g_assert_cmpstr (assay_chart_series_get_label (bars, 2), ==, "Net profit");
    g_assert_cmpuint (assay_chart_series_get_id (assay_chart_spec_get_series (per_page, 0), 4), ==, 5);
    g_assert_cmpuint (assay_chart_series_get_id (assay_chart_spec_get_series (benford, 0), 0), ==, 1);
  }

  marked_palette (&palette);
  g_assert_true (assay_charts_export_document_full (&doc, dir, &palette, 0, 0, written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written->len, ==, 10);

  for (guint i = 0; i < written->len; i++)
    {
      const char *path = g_ptr_array_index (written, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_str_has_prefix (base, "annual_report-"));
      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      if (g_str_has_suffix (path, ".svg"))
        {
          SvgScan scan = parse_svg (contents, len, MAGENTA);

          /* Key figures: three bars in EUR (the employee count is another unit). */
          if (strstr (base, "key-figures") != NULL)
            g_assert_cmpuint (scan.n_subpaths, ==, 3);
          else if (strstr (base, "distribution") != NULL)
            g_assert_cmpuint (scan.n_subpaths, ==, 6);
          else if (strstr (base, "benford") != NULL)
            g_assert_cmpuint (scan.n_subpaths, ==, 9 + 1);   /* and the legend's swatch */
          else if (strstr (base, "figures-per-page") != NULL)
            g_assert_cmpuint (scan.n_subpaths, ==, 3);   /* pages 3, 7, 12 */
          else if (strstr (base, "numbers-per-page") != NULL)
            g_assert_cmpuint (scan.n_subpaths, ==, 12);
        }
      else
        {
          cairo_surface_t *surface = cairo_image_surface_create_from_png (path);

          g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 800);
          g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 480);
          cairo_surface_destroy (surface);
        }
    }

  /* For looking at: the light palette, kept where asked. */
  if (keep != NULL)
    {
      g_mkdir_with_parents (keep, 0755);
      doc.name = "annual-report";
      g_assert_true (assay_charts_export_document (&doc, keep, &error));
      g_assert_no_error (error);
    }

  for (guint i = 0; i < written->len; i++)
    g_unlink (g_ptr_array_index (written, i));
  g_rmdir (dir);
}

static void
test_document_empty (void)
{
  AssayChartsDocument doc = { .name = "empty" };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("assay-chart-empty-XXXXXX", &error);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (assay_charts_export_document_full (&doc, dir, NULL, 320, 200, written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written->len, ==, 10);
  for (guint i = 0; i < written->len; i++)
    g_unlink (g_ptr_array_index (written, i));
  g_rmdir (dir);
}

/* As on a real manual: the same label on two pages says which page each
 * bar is; pages without a single key figure give the empty text, not an
 * axis of zeros. */
static void
test_document_labels (void)
{
  static const char * const labels[] = { "Price", "Area", "Price", "Total" };
  static const double values[] = { 52, 830, 52, 7 };
  static const guint pages[] = { 39, 39, 40, 0 };
  guint page_numbers[3] = { 16, 5, 20 };
  AssayChartsDocument doc = { .name = "manual" };

  doc.n_figures = 4;
  doc.figure_labels = labels;
  doc.figure_values = values;
  doc.figure_pages = pages;
  doc.n_pages = 40;
  {
    g_autoptr(AssayChartSpec) key = assay_charts_document_key_figures (&doc);
    AssayChartSeries *bars = assay_chart_spec_get_series (key, 0);

    g_assert_cmpstr (assay_chart_series_get_label (bars, 0), ==, "Price (p. 39)");
    g_assert_cmpstr (assay_chart_series_get_label (bars, 1), ==, "Area");
    g_assert_cmpstr (assay_chart_series_get_label (bars, 2), ==, "Price (p. 40)");
    g_assert_cmpstr (assay_chart_series_get_label (bars, 3), ==, "Total");
  }

  doc.n_figures = 0;
  doc.n_pages = 3;
  doc.page_numbers = page_numbers;
  {
    g_autoptr(AssayChartSpec) figures = assay_charts_document_figures_per_page (&doc);
    g_autoptr(AssayChartSpec) numbers = assay_charts_document_numbers_per_page (&doc);

    g_assert_true (assay_chart_spec_is_empty (figures));
    g_assert_cmpstr (assay_chart_spec_get_empty_text (figures), ==, "No key figures on any page");
    g_assert_false (assay_chart_spec_is_empty (numbers));
    g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (numbers, 0)), ==, 3);
  }
}

/* From a headless run's JSON (docs/result-schema.md): the done document's
 * charts, none for a failed one, "-2" for a second document of the same name. */
static const char run_json[] =
  "{ \"result_version\": \"assay-result/1\", \"documents\": ["
  "  { \"result_version\": \"assay-result/1\", \"status\": \"done\","
  "    \"source\": { \"name\": \"report.pdf\", \"pages\": 3 },"
  "    \"extraction\": { \"title\": \"Q3 report\", \"figures\": ["
  "      { \"label\": \"Revenue\", \"value\": 1234500000, \"unit\": \"USD\", \"page\": 2 },"
  "      { \"label\": \"Costs\", \"value\": 800000000, \"unit\": \"USD\", \"page\": 3 },"
  "      { \"label\": \"Staff\", \"value\": 120, \"page\": 3 } ] },"
  "    \"analysis\": {"
  "      \"histogram\": { \"scale\": \"log\", \"edges\": [1, 10, 100, 1000], \"counts\": [12, 30, 14] },"
  "      \"benford\": { \"n\": 56, \"observed\": [0.3, 0.18, 0.12, 0.1, 0.08, 0.07, 0.06, 0.05, 0.04],"
  "                     \"expected\": [0.301, 0.176, 0.125, 0.097, 0.079, 0.067, 0.058, 0.051, 0.046],"
  "                     \"verdict\": \"close\" },"
  "      \"pages\": [ { \"page\": 1, \"numbers\": 4 }, { \"page\": 2, \"numbers\": 40 },"
  "                   { \"page\": 3, \"numbers\": 12 } ] } },"
  "  { \"result_version\": \"assay-result/1\", \"status\": \"failed\","
  "    \"source\": { \"name\": \"broken.pdf\" },"
  "    \"error\": { \"stage\": \"read\", \"message\": \"not a PDF\" } },"
  "  { \"result_version\": \"assay-result/1\", \"status\": \"done\","
  "    \"source\": { \"name\": \"report.pdf\" } } ] }";

static void
test_run_json (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("assay-chart-json-XXXXXX", &error);
  g_autoptr(GPtrArray) written = g_ptr_array_new_with_free_func (g_free);
  AssayChartPalette palette;
  guint n_report = 0, n_second = 0, n_corpus = 0;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, run_json, -1, &error));
  g_assert_no_error (error);
  marked_palette (&palette);
  g_assert_true (assay_charts_export_run_json (json_node_get_object (json_parser_get_root (parser)),
                                               dir, &palette, written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written->len, ==, 20 + 10);   /* two documents' charts, the corpus's */

  for (guint i = 0; i < written->len; i++)
    {
      const char *path = g_ptr_array_index (written, i);
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_null (strstr (base, "broken"));
      if (g_str_has_prefix (base, "corpus-"))
        n_corpus++;
      if (g_str_has_prefix (base, "report-2-"))
        n_second++;
      else if (g_str_has_prefix (base, "report-"))
        n_report++;
      if (g_str_equal (base, "report-key-figures.svg"))
        {
          g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
          g_assert_cmpuint (parse_svg (contents, len, MAGENTA).n_subpaths, ==, 2);   /* the USD two */
        }
      else if (g_str_equal (base, "report-numbers-per-page.svg"))
        {
          g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
          g_assert_cmpuint (parse_svg (contents, len, MAGENTA).n_subpaths, ==, 3);
        }
      g_unlink (path);
    }
  g_assert_cmpuint (n_report, ==, 10);
  g_assert_cmpuint (n_second, ==, 10);
  g_assert_cmpuint (n_corpus, ==, 10);
  g_rmdir (dir);
}

static guint
count_glyphs (const char *svg)
{
  guint n = 0;

  for (const char *p = svg; (p = strstr (p, "<use xlink:href=\"#glyph")) != NULL; p++)
    n++;
  return n;
}

/* 85 key figures (calrgb.pdf in pdf.js's corpus), a chart 2,000 px tall:
 * each bar carries its value, as a chart of ten does, not only the first
 * forty. Same labels, same glyphs but for the values. */
static void
test_many_bar_values (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double values[85];
  g_autofree char *dir = g_dir_make_tmp ("assay-chart-values-XXXXXX", NULL);
  g_autofree char *with_path = g_build_filename (dir, "with.svg", NULL);
  g_autofree char *without_path = g_build_filename (dir, "without.svg", NULL);
  g_autofree char *with = NULL, *without = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 85; i++)
    {
      g_ptr_array_add (labels, g_strdup ("A"));
      values[i] = 7;   /* one glyph a value */
    }
  g_ptr_array_add (labels, NULL);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(AssayChartSpec) spec = assay_chart_spec_new ("Key figures");
      g_autoptr(AssayChartSeries) s = assay_chart_series_new_bars (NULL, (const char * const *) labels->pdata, values, 85);

      assay_chart_spec_add_series (spec, s);
      assay_chart_spec_set_horizontal (spec, TRUE);
      /* Too short for values (bars under a line high), then tall enough. */
      g_assert_true (assay_chart_export (spec, NULL, ASSAY_CHART_FORMAT_SVG, 800, k == 0 ? 700 : 2150,
                                         k == 0 ? without_path : with_path, &error));
      g_assert_no_error (error);
    }
  g_assert_true (g_file_get_contents (with_path, &with, NULL, NULL));
  g_assert_true (g_file_get_contents (without_path, &without, NULL, NULL));
  g_assert_cmpuint (count_glyphs (with), >=, count_glyphs (without) + 85);
  g_unlink (with_path);
  g_unlink (without_path);
  g_rmdir (dir);
}

static AssayChartsCorpusDoc *
corpus_doc_from_json (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(AssayDocumentResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  result = assay_document_result_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);

  return assay_charts_corpus_doc_new_from_result (result);
}

/* Two reports, each with one dated figure: the one dated three times (a
 * series) is charted over time by default, not the single dot that comes
 * first by name (R-data's "Alabama" on a shelf of manuals). */
static void
test_corpus_default_figure (void)
{
  static const char *results[] = {
    "{ \"result_version\": \"assay-result/1\", \"status\": \"done\","
    "  \"source\": { \"name\": \"states.pdf\", \"sha256\": \"aa\", \"pages\": 1 },"
    "  \"extraction\": { \"figures\": ["
    "    { \"label\": \"Alabama\", \"value\": 13.2, \"period\": \"2007\", \"page\": 1 } ] } }",
    "{ \"result_version\": \"assay-result/1\", \"status\": \"done\","
    "  \"source\": { \"name\": \"report.pdf\", \"sha256\": \"bb\", \"pages\": 1 },"
    "  \"extraction\": { \"figures\": ["
    "    { \"label\": \"Revenue\", \"value\": 10, \"period\": \"2021\", \"page\": 1 },"
    "    { \"label\": \"Revenue\", \"value\": 12, \"period\": \"2022\", \"page\": 1 },"
    "    { \"label\": \"Revenue\", \"value\": 15, \"period\": \"2023\", \"page\": 1 } ] } }",
  };
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  g_autoptr(AssayChartsCorpus) corpus = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    g_ptr_array_add (docs, corpus_doc_from_json (results[i]));
  corpus = assay_charts_corpus_build (docs, NULL);
  g_assert_cmpstr (assay_chart_spec_get_title (assay_charts_corpus_get_chart (corpus, "over-time")), ==,
                   "Revenue over time");
  g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (
                      assay_charts_corpus_get_chart (corpus, "over-time"), 0)), ==, 3);
}

/* Documents of the same period are dots on one point in time, and the
 * line goes through each period's median (not up and down between them);
 * a median of several leads to no one document, a dot to its own. */
static void
test_corpus_over_time_median (void)
{
  static const struct { const char *name; double value; const char *period; } figures[] = {
    { "a.pdf", 10, "2021" }, { "b.pdf", 90, "2021" }, { "c.pdf", 20, "2021" }, { "d.pdf", 30, "2022" },
  };
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  g_autoptr(AssayChartsCorpus) corpus = NULL;
  AssayChartSpec *spec;
  AssayChartSeries *line, *dots;

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{ \"result_version\": \"assay-result/1\", \"status\": \"done\","
        "  \"source\": { \"name\": \"%s\", \"sha256\": \"%02u\", \"pages\": 1 },"
        "  \"extraction\": { \"figures\": ["
        "    { \"label\": \"Revenue\", \"value\": %g, \"period\": \"%s\", \"page\": 1 } ] } }",
        figures[i].name, i, figures[i].value, figures[i].period);

      g_ptr_array_add (docs, corpus_doc_from_json (json));
    }
  corpus = assay_charts_corpus_build (docs, NULL);
  spec = assay_charts_corpus_get_chart (corpus, "over-time");
  g_assert_cmpuint (assay_chart_spec_get_n_series (spec), ==, 2);
  line = assay_chart_spec_get_series (spec, 0);
  dots = assay_chart_spec_get_series (spec, 1);

  g_assert_cmpuint (assay_chart_series_get_n_items (line), ==, 2);
  g_assert_cmpfloat (assay_chart_series_get_y (line)[0], ==, 20);
  g_assert_cmpfloat (assay_chart_series_get_y (line)[1], ==, 30);
  g_assert_cmpuint (assay_chart_series_get_id (line, 0), ==, G_MAXUINT);
  g_assert_cmpuint (assay_chart_series_get_id (line, 1), ==, 3);
  g_assert_cmpstr (assay_chart_series_get_note (line, 0), ==, "Median of 3 documents · 2021");

  g_assert_cmpuint (assay_chart_series_get_n_items (dots), ==, 4);
  g_assert_nonnull (strstr (assay_chart_spec_get_subtitle (spec), "median"));

  /* One period only: dots, no line. */
  g_ptr_array_remove_index (docs, 3);
  g_clear_pointer (&corpus, assay_charts_corpus_free);
  corpus = assay_charts_corpus_build (docs, NULL);
  spec = assay_charts_corpus_get_chart (corpus, "over-time");
  g_assert_cmpuint (assay_chart_spec_get_n_series (spec), ==, 1);
  g_assert_cmpint (assay_chart_series_get_kind (assay_chart_spec_get_series (spec, 0)), ==,
                   ASSAY_CHART_KIND_SCATTER);
  g_assert_cmpuint (assay_chart_series_get_n_items (assay_chart_spec_get_series (spec, 0)), ==, 3);
}

/* A near-duplicate's bar holds the whole percent its tooltip and the
 * dashboard's groups list show ("%.0f %%"), not a value with a decimal
 * the two others round away. */
static void
test_corpus_near_duplicate_percent (void)
{
  g_autoptr(GPtrArray) docs = g_ptr_array_new_with_free_func ((GDestroyNotify) assay_charts_corpus_doc_unref);
  g_autoptr(AssayChartsCorpus) corpus = NULL;
  AssayChartSpec *spec;
  AssayChartSeries *series;
  guint found = 0;

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *sig = assay_test_signature_for_words (0, 200, i * 7);
      g_autofree char *json = g_strdup_printf (
        "{ \"result_version\": \"assay-result/1\", \"status\": \"done\","
        "  \"source\": { \"name\": \"r%u.pdf\", \"sha256\": \"%02u\", \"pages\": 1 },"
        "  \"analysis\": { \"signature\": \"%s\" } }", i, i, sig);

      g_ptr_array_add (docs, corpus_doc_from_json (json));
    }
  corpus = assay_charts_corpus_build (docs, NULL);
  spec = assay_charts_corpus_get_chart (corpus, "near-duplicates");
  g_assert_nonnull (spec);
  series = assay_chart_spec_get_series (spec, 0);
  for (guint i = 0; i < assay_chart_series_get_n_items (series); i++)
    {
      double value = assay_chart_series_get_y (series)[i];
      g_autofree char *shown = g_strdup_printf ("%.0f %% like", value);

      g_assert_cmpfloat (value, ==, nearbyint (value));
      g_assert_true (g_str_has_prefix (assay_chart_series_get_note (series, i), shown));
      found++;
    }
  g_assert_cmpuint (found, >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/assay/chart-export/svg-has-marks", test_svg_has_marks);
  g_test_add_func ("/assay/chart-export/png-size", test_png_size);
  g_test_add_func ("/assay/chart-export/document", test_document);
  g_test_add_func ("/assay/chart-export/document-empty", test_document_empty);
  g_test_add_func ("/assay/chart-export/document-labels", test_document_labels);
  g_test_add_func ("/assay/chart-export/run-json", test_run_json);
  g_test_add_func ("/assay/chart-export/corpus-default-figure", test_corpus_default_figure);
  g_test_add_func ("/assay/chart-export/many-bar-values", test_many_bar_values);
  g_test_add_func ("/assay/chart-export/corpus-over-time-median", test_corpus_over_time_median);
  g_test_add_func ("/assay/chart-export/corpus-near-duplicate-percent", test_corpus_near_duplicate_percent);

  return g_test_run ();
}
