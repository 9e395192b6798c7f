/* assay-document-result.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-document-result"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-document-result.h"
#include "assay-result-private.h"

/* At most this many rectangles are kept per figure or field: a hostile or
 * damaged result cannot make the window draw millions of them. */
#define MAX_RECTS ASSAY_MAX_RECTS

enum {
  PROP_0,
  /* strings first: they index self->strings */
  PROP_STATUS,
  PROP_ERROR_MESSAGE,
  PROP_PATH,
  PROP_NAME,
  PROP_SHA256,
  PROP_TITLE,
  PROP_DOCUMENT_TYPE,
  PROP_METHOD,
  PROP_PROVIDER,
  PROP_MODEL,
  PROP_TEMPLATE,
  PROP_BENFORD_VERDICT,
  N_STRING_PROPS,
  PROP_N_PAGES = N_STRING_PROPS,
  PROP_FELL_BACK,
  PROP_PROMPT_TOKENS,
  PROP_COMPLETION_TOKENS,
  PROP_CACHED,
  N_PROPS
};

#define STRING(self, prop) ((self)->strings[(prop) - 1])

struct _AssayDocumentResult
{
  GObject             parent_instance;

  char               *strings[N_STRING_PROPS - 1];
  guint               n_pages;
  gboolean            fell_back;
  gint64              prompt_tokens;
  gint64              completion_tokens;
  gboolean            cached;

  GListStore         *fields;
  GListStore         *figures;
  GStrv               warnings;
  AssayResultStats    stats;

  gboolean            has_benford;
  guint               benford_n;
  guint               benford_counts[9];
  double              benford_observed[9];
  double              benford_expected[9];

  double             *histogram_edges;
  guint              *histogram_counts;
  guint               histogram_n_bins;
  gboolean            histogram_log;

  AssayResultOutlier *outliers;
  guint               n_outliers;
  guint               n_outliers_total;

  guint               verification[4];   /* total, verified, unverified, wrong page */

  gboolean            has_signature;
  AssayMinhash        signature;

  guint              *page_numbers;
  guint               n_page_numbers;
};

G_DEFINE_FINAL_TYPE (AssayDocumentResult, assay_document_result, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------- tolerant getters */

static JsonNode *
get_value_node (JsonObject *object,
                const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  return node;
}

static gboolean
node_get_double (JsonNode *node,
                 double   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (type == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return FALSE;

  return TRUE;
}

/* Returns: (nullable): a string member; NULL when absent, null or not a string */
const char *
_assay_result_json_string (JsonObject *object,
                           const char *member)
{
  JsonNode *node = get_value_node (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

double
_assay_result_json_double (JsonObject *object,
                           const char *member,
                           double      fallback)
{
  double value;

  if (!node_get_double (get_value_node (object, member), &value))
    return fallback;

  return value;
}

gint64
_assay_result_json_int (JsonObject *object,
                        const char *member,
                        gint64      fallback)
{
  JsonNode *node = get_value_node (object, member);
  double value;

  if (node != NULL && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);

  /* a whole number written as 12.0 */
  if (node_get_double (node, &value) && isfinite (value) &&
      value >= (double) G_MININT64 && value <= (double) G_MAXINT64)
    return (gint64) value;

  return fallback;
}

/* Returns: a count or 1-based page; 0 when absent or out of range */
guint
_assay_result_json_uint (JsonObject *object,
                         const char *member)
{
  gint64 value = _assay_result_json_int (object, member, 0);

  return value > 0 && value <= G_MAXUINT ? (guint) value : 0;
}

gboolean
_assay_result_json_boolean (JsonObject *object,
                            const char *member,
                            gboolean    fallback)
{
  JsonNode *node = get_value_node (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (node);
}

JsonObject *
_assay_result_json_object (JsonObject *object,
                           const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

JsonArray *
_assay_result_json_array (JsonObject *object,
                          const char *member)
{
  JsonNode *node;

  if (object == NULL || !json_object_has_member (object, member))
    return NULL;

  node = json_object_get_member (object, member);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

double
_assay_result_json_element_double (JsonArray *array,
                                   guint      index,
                                   double     fallback)
{
  double value;

  if (array == NULL || index >= json_array_get_length (array) ||
      !node_get_double (json_array_get_element (array, index), &value))
    return fallback;

  return value;
}

AssayVerification
_assay_result_json_verification (JsonObject *object)
{
  const char *str = _assay_result_json_string (object, "verified");
  AssayVerification verification;

  /* Results before verification wrote a boolean. */
  if (str == NULL)
    return _assay_result_json_boolean (object, "verified", FALSE)
           ? ASSAY_VERIFICATION_VERIFIED : ASSAY_VERIFICATION_UNCHECKED;

  if (!assay_verification_from_string (str, &verification))
    return ASSAY_VERIFICATION_UNCHECKED;

  return verification;
}

/* "rects": [[x, y, width, height], …]; malformed entries are skipped.
 * Returns: (transfer full) (nullable): NULL when there are none */
AssayRect *
_assay_result_json_rects (JsonObject *object,
                          guint      *n_rects)
{
  JsonArray *array = _assay_result_json_array (object, "rects");
  g_autofree AssayRect *rects = NULL;
  guint n = 0;
  guint len;

  *n_rects = 0;
  if (array == NULL || (len = json_array_get_length (array)) == 0)
    return NULL;

  len = MIN (len, MAX_RECTS);
  rects = g_new0 (AssayRect, len);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonArray *quad;
      double v[4];
      gboolean ok = TRUE;

      if (element == NULL || !JSON_NODE_HOLDS_ARRAY (element))
        continue;
      quad = json_node_get_array (element);
      if (json_array_get_length (quad) != 4)
        continue;
      for (guint j = 0; j < 4 && ok; j++)
        {
          v[j] = _assay_result_json_element_double (quad, j, NAN);
          ok = isfinite (v[j]);
        }
      if (!ok || v[2] < 0 || v[3] < 0)
        continue;

      rects[n++] = (AssayRect) { v[0], v[1], v[2], v[3] };
    }

  if (n == 0)
    return NULL;

  *n_rects = n;
  return g_steal_pointer (&rects);
}

/* --------------------------------------------------------------- evidence */

/* @object: one element of "extraction.fields" or "extraction.figures" */
void
_assay_result_evidence_read (AssayResultEvidence *evidence,
                             JsonObject          *object)
{
  evidence->page = _assay_result_json_uint (object, "page");
  evidence->snippet = g_strdup (_assay_result_json_string (object, "snippet"));
  evidence->verification = _assay_result_json_verification (object);
  evidence->verified_page = _assay_result_json_uint (object, "verified_page");
  evidence->rects = _assay_result_json_rects (object, &evidence->n_rects);
}

void
_assay_result_evidence_clear (AssayResultEvidence *evidence)
{
  g_clear_pointer (&evidence->snippet, g_free);
  g_clear_pointer (&evidence->rects, g_free);
  evidence->n_rects = 0;
}

/* @properties: where the ASSAY_RESULT_EVIDENCE_N_PROPS specs go */
void
_assay_result_evidence_install_properties (GParamSpec **properties)
{
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  properties[ASSAY_RESULT_EVIDENCE_PROP_PAGE] =
    g_param_spec_uint ("page", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[ASSAY_RESULT_EVIDENCE_PROP_SNIPPET] =
    g_param_spec_string ("snippet", NULL, NULL, NULL, flags);
  properties[ASSAY_RESULT_EVIDENCE_PROP_VERIFICATION] =
    g_param_spec_enum ("verification", NULL, NULL, ASSAY_TYPE_VERIFICATION,
                       ASSAY_VERIFICATION_UNCHECKED, flags);
  properties[ASSAY_RESULT_EVIDENCE_PROP_VERIFIED_PAGE] =
    g_param_spec_uint ("verified-page", NULL, NULL, 0, G_MAXUINT, 0, flags);
}

/* @index: one of ASSAY_RESULT_EVIDENCE_PROP_* */
void
_assay_result_evidence_get_property (const AssayResultEvidence *evidence,
                                     guint                      index,
                                     GValue                    *value)
{
  switch (index)
    {
    case ASSAY_RESULT_EVIDENCE_PROP_PAGE:
      g_value_set_uint (value, evidence->page);
      break;

    case ASSAY_RESULT_EVIDENCE_PROP_SNIPPET:
      g_value_set_string (value, evidence->snippet);
      break;

    case ASSAY_RESULT_EVIDENCE_PROP_VERIFICATION:
      g_value_set_enum (value, evidence->verification);
      break;

    case ASSAY_RESULT_EVIDENCE_PROP_VERIFIED_PAGE:
      g_value_set_uint (value, evidence->verified_page);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* ---------------------------------------------------------------- object */

static void
assay_document_result_finalize (GObject *object)
{
  AssayDocumentResult *self = (AssayDocumentResult *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->strings); i++)
    g_clear_pointer (&self->strings[i], g_free);
  g_clear_object (&self->fields);
  g_clear_object (&self->figures);
  g_clear_pointer (&self->warnings, g_strfreev);
  g_clear_pointer (&self->histogram_edges, g_free);
  g_clear_pointer (&self->histogram_counts, g_free);
  for (guint i = 0; i < self->n_outliers; i++)
    g_free (self->outliers[i].raw);
  g_clear_pointer (&self->outliers, g_free);
  g_clear_pointer (&self->page_numbers, g_free);

  G_OBJECT_CLASS (assay_document_result_parent_class)->finalize (object);
}

static void
assay_document_result_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  AssayDocumentResult *self = ASSAY_DOCUMENT_RESULT (object);

  if (prop_id > PROP_0 && prop_id < N_STRING_PROPS)
    {
      g_value_set_string (value, STRING (self, prop_id));
      return;
    }

  switch (prop_id)
    {
    case PROP_N_PAGES:
      g_value_set_uint (value, self->n_pages);
      break;

    case PROP_FELL_BACK:
      g_value_set_boolean (value, self->fell_back);
      break;

    case PROP_PROMPT_TOKENS:
      g_value_set_int64 (value, self->prompt_tokens);
      break;

    case PROP_COMPLETION_TOKENS:
      g_value_set_int64 (value, self->completion_tokens);
      break;

    case PROP_CACHED:
      g_value_set_boolean (value, self->cached);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_document_result_class_init (AssayDocumentResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;
  static const char * const string_names[N_STRING_PROPS] = {
    [PROP_STATUS] = "status",
    [PROP_ERROR_MESSAGE] = "error-message",
    [PROP_PATH] = "path",
    [PROP_NAME] = "name",
    [PROP_SHA256] = "sha256",
    [PROP_TITLE] = "title",
    [PROP_DOCUMENT_TYPE] = "document-type",
    [PROP_METHOD] = "method",
    [PROP_PROVIDER] = "provider",
    [PROP_MODEL] = "model",
    [PROP_TEMPLATE] = "template",
    [PROP_BENFORD_VERDICT] = "benford-verdict",
  };

  object_class->finalize = assay_document_result_finalize;
  object_class->get_property = assay_document_result_get_property;

  for (guint i = PROP_0 + 1; i < N_STRING_PROPS; i++)
    properties[i] = g_param_spec_string (string_names[i], NULL, NULL, NULL, flags);

  properties[PROP_N_PAGES] =
    g_param_spec_uint ("n-pages", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_FELL_BACK] =
    g_param_spec_boolean ("fell-back", NULL, NULL, FALSE, flags);
  properties[PROP_PROMPT_TOKENS] =
    g_param_spec_int64 ("prompt-tokens", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_COMPLETION_TOKENS] =
    g_param_spec_int64 ("completion-tokens", NULL, NULL, -1, G_MAXINT64, -1, flags);
  properties[PROP_CACHED] =
    g_param_spec_boolean ("cached", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_document_result_init (AssayDocumentResult *self)
{
  self->fields = g_list_store_new (ASSAY_TYPE_RESULT_FIELD);
  self->figures = g_list_store_new (ASSAY_TYPE_RESULT_FIGURE);
  self->prompt_tokens = -1;
  self->completion_tokens = -1;
  self->stats = (AssayResultStats) { 0, 0, NAN, NAN, NAN, NAN, NAN, NAN, NAN };
}

/* ---------------------------------------------------------------- parsing */

static void
set_string (AssayDocumentResult *self,
            guint                prop,
            const char          *value)
{
  g_free (STRING (self, prop));
  STRING (self, prop) = g_strdup (value);
}

static void
add_warnings (GPtrArray  *warnings,
              JsonObject *object)
{
  JsonArray *array = _assay_result_json_array (object, "warnings");

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (warnings, g_strdup (json_node_get_string (node)));
    }
}

static void
read_extraction (AssayDocumentResult *self,
                 JsonObject          *extraction)
{
  JsonObject *usage = _assay_result_json_object (extraction, "usage");
  JsonArray *array;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  set_string (self, PROP_METHOD, _assay_result_json_string (extraction, "method"));
  set_string (self, PROP_PROVIDER, _assay_result_json_string (extraction, "provider"));
  set_string (self, PROP_MODEL, _assay_result_json_string (extraction, "model"));
  set_string (self, PROP_TEMPLATE, _assay_result_json_string (extraction, "template"));
  set_string (self, PROP_DOCUMENT_TYPE, _assay_result_json_string (extraction, "document_type"));
  if (_assay_result_json_string (extraction, "title") != NULL)
    set_string (self, PROP_TITLE, _assay_result_json_string (extraction, "title"));
  self->fell_back = _assay_result_json_boolean (extraction, "fell_back", FALSE);
  self->prompt_tokens = MAX (-1, _assay_result_json_int (usage, "prompt_tokens", -1));
  self->completion_tokens = MAX (-1, _assay_result_json_int (usage, "completion_tokens", -1));

  array = _assay_result_json_array (extraction, "fields");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (items, _assay_result_field_new_from_json (json_node_get_object (node)));
    }
  g_list_store_splice (self->fields, 0, 0, items->pdata, items->len);
  g_ptr_array_set_size (items, 0);

  array = _assay_result_json_array (extraction, "figures");
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (items, _assay_result_figure_new_from_json (json_node_get_object (node)));
    }
  g_list_store_splice (self->figures, 0, 0, items->pdata, items->len);
}

static void
read_stats (AssayDocumentResult *self,
            JsonObject          *stats)
{
  if (stats == NULL)
    return;

  self->stats.count = _assay_result_json_uint (stats, "count");
  self->stats.sum = _assay_result_json_double (stats, "sum", self->stats.count == 0 ? 0 : NAN);
  self->stats.mean = _assay_result_json_double (stats, "mean", NAN);
  self->stats.median = _assay_result_json_double (stats, "median", NAN);
  self->stats.q1 = _assay_result_json_double (stats, "q1", NAN);
  self->stats.q3 = _assay_result_json_double (stats, "q3", NAN);
  self->stats.stddev = _assay_result_json_double (stats, "stddev", NAN);
  self->stats.min = _assay_result_json_double (stats, "min", NAN);
  self->stats.max = _assay_result_json_double (stats, "max", NAN);
}

static void
read_benford (AssayDocumentResult *self,
              JsonObject          *benford)
{
  JsonArray *counts = _assay_result_json_array (benford, "counts");
  JsonArray *observed = _assay_result_json_array (benford, "observed");
  JsonArray *expected = _assay_result_json_array (benford, "expected");

  set_string (self, PROP_BENFORD_VERDICT, _assay_result_json_string (benford, "verdict"));

  if (counts == NULL || json_array_get_length (counts) != 9 ||
      observed == NULL || json_array_get_length (observed) != 9 ||
      expected == NULL || json_array_get_length (expected) != 9)
    return;

  for (guint d = 0; d < 9; d++)
    {
      double count = _assay_result_json_element_double (counts, d, 0);

      self->benford_counts[d] = count > 0 && count <= G_MAXUINT ? (guint) count : 0;
      self->benford_observed[d] = _assay_result_json_element_double (observed, d, 0);
      self->benford_expected[d] = _assay_result_json_element_double (expected, d, 0);
    }
  self->benford_n = _assay_result_json_uint (benford, "n");
  self->has_benford = TRUE;
}

static void
read_histogram (AssayDocumentResult *self,
                JsonObject          *histogram)
{
  JsonArray *edges = _assay_result_json_array (histogram, "edges");
  JsonArray *counts = _assay_result_json_array (histogram, "counts");
  guint n_bins;

  self->histogram_log = g_strcmp0 (_assay_result_json_string (histogram, "scale"), "log") == 0;

  if (edges == NULL || counts == NULL)
    return;
  n_bins = json_array_get_length (counts);
  if (n_bins == 0 || json_array_get_length (edges) != n_bins + 1)
    return;

  self->histogram_n_bins = n_bins;
  self->histogram_edges = g_new (double, n_bins + 1);
  self->histogram_counts = g_new (guint, n_bins);
  for (guint i = 0; i <= n_bins; i++)
    self->histogram_edges[i] = _assay_result_json_element_double (edges, i, NAN);
  for (guint i = 0; i < n_bins; i++)
    {
      double count = _assay_result_json_element_double (counts, i, 0);

      self->histogram_counts[i] = count > 0 && count <= G_MAXUINT ? (guint) count : 0;
    }
}

static void
read_outliers (AssayDocumentResult *self,
               JsonObject          *outliers)
{
  JsonArray *values = _assay_result_json_array (outliers, "values");
  guint len = values != NULL ? json_array_get_length (values) : 0;

  if (len > 0)
    self->outliers = g_new0 (AssayResultOutlier, len);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (values, i);
      JsonObject *outlier;
      AssayResultOutlier *out;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      outlier = json_node_get_object (node);
      out = &self->outliers[self->n_outliers++];
      out->value = _assay_result_json_double (outlier, "value", NAN);
      out->raw = g_strdup (_assay_result_json_string (outlier, "raw"));
      out->page = _assay_result_json_uint (outlier, "page");
    }

  self->n_outliers_total = MAX (self->n_outliers, _assay_result_json_uint (outliers, "count"));
}

static void
read_pages (AssayDocumentResult *self,
            JsonArray           *pages)
{
  guint len = pages != NULL ? json_array_get_length (pages) : 0;

  if (len == 0)
    return;

  self->n_page_numbers = len;
  self->page_numbers = g_new0 (guint, len);
  for (guint i = 0; i < len; i++)
    {
      JsonNode *node = json_array_get_element (pages, i);
      JsonObject *page;
      guint number;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      page = json_node_get_object (node);
      number = _assay_result_json_uint (page, "page");
      /* pages are listed in order; trust "page" when it fits */
      if (number == 0 || number > len)
        number = i + 1;
      self->page_numbers[number - 1] = _assay_result_json_uint (page, "numbers");
    }
}

static void
read_analysis (AssayDocumentResult *self,
               JsonObject          *analysis)
{
  JsonObject *verification = _assay_result_json_object (analysis, "verification");

  read_stats (self, _assay_result_json_object (_assay_result_json_object (analysis, "numbers"), "stats"));
  read_benford (self, _assay_result_json_object (analysis, "benford"));
  read_histogram (self, _assay_result_json_object (analysis, "histogram"));
  read_outliers (self, _assay_result_json_object (analysis, "outliers"));
  read_pages (self, _assay_result_json_array (analysis, "pages"));
  self->has_signature = assay_minhash_from_string (&self->signature,
                                                   _assay_result_json_string (analysis, "signature"));

  self->verification[0] = _assay_result_json_uint (verification, "total");
  self->verification[1] = _assay_result_json_uint (verification, "verified");
  self->verification[2] = _assay_result_json_uint (verification, "unverified");
  self->verification[3] = _assay_result_json_uint (verification, "wrong_page");
}

/**
 * assay_document_result_new_from_json:
 * @document: a document object of docs/result-schema.md, as the store keeps
 *   it; only read
 *
 * Members missing from results of older versions, or of unexpected types,
 * take their defaults; only a node that is no result at all is refused.
 * Any thread (the node must not change meanwhile).
 *
 * Returns: (transfer full): the result, or %NULL with
 *   %G_IO_ERROR_INVALID_DATA
 */
AssayDocumentResult *
assay_document_result_new_from_json (JsonNode  *document,
                                     GError   **error)
{
  g_autoptr(AssayDocumentResult) self = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  JsonObject *object;
  JsonObject *source;
  JsonObject *extraction;
  JsonObject *failure;
  const char *version;

  g_return_val_if_fail (document != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  object = JSON_NODE_HOLDS_OBJECT (document) ? json_node_get_object (document) : NULL;
  version = _assay_result_json_string (object, "result_version");
  if (version == NULL || !g_str_has_prefix (version, "assay-result/"))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("This is not an Assay result, or it is damaged. "
                             "Process the document again to replace it."));
      return NULL;
    }

  self = g_object_new (ASSAY_TYPE_DOCUMENT_RESULT, NULL);

  set_string (self, PROP_STATUS, _assay_result_json_string (object, "status"));
  if (STRING (self, PROP_STATUS) == NULL)
    set_string (self, PROP_STATUS, "done");
  failure = _assay_result_json_object (object, "error");
  set_string (self, PROP_ERROR_MESSAGE, _assay_result_json_string (failure, "message"));
  self->cached = _assay_result_json_boolean (object, "cached", FALSE);

  source = _assay_result_json_object (object, "source");
  set_string (self, PROP_PATH, _assay_result_json_string (source, "path"));
  set_string (self, PROP_NAME, _assay_result_json_string (source, "name"));
  if (STRING (self, PROP_NAME) == NULL && STRING (self, PROP_PATH) != NULL)
    STRING (self, PROP_NAME) = g_path_get_basename (STRING (self, PROP_PATH));
  set_string (self, PROP_SHA256, _assay_result_json_string (source, "sha256"));
  set_string (self, PROP_TITLE, _assay_result_json_string (source, "title"));
  self->n_pages = _assay_result_json_uint (source, "pages");

  warnings = g_ptr_array_new_with_free_func (g_free);
  add_warnings (warnings, object);

  extraction = _assay_result_json_object (object, "extraction");
  if (extraction != NULL)
    {
      read_extraction (self, extraction);
      add_warnings (warnings, extraction);
    }

  read_analysis (self, _assay_result_json_object (object, "analysis"));

  g_ptr_array_add (warnings, NULL);
  self->warnings = (GStrv) g_ptr_array_steal (warnings, NULL);

  return g_steal_pointer (&self);
}

/* ---------------------------------------------------------------- getters */

#define STRING_GETTER(name, PROP)                                             \
const char *                                                                  \
assay_document_result_get_##name (AssayDocumentResult *self)                  \
{                                                                             \
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);               \
  return STRING (self, PROP);                                                 \
}

/* "done", "failed", "needs-password", "cancelled" or "duplicate" */
STRING_GETTER (status, PROP_STATUS)
/* (nullable): why the document did not get done */
STRING_GETTER (error_message, PROP_ERROR_MESSAGE)
/* (nullable) */
STRING_GETTER (path, PROP_PATH)
/* (nullable) */
STRING_GETTER (name, PROP_NAME)
/* (nullable) */
STRING_GETTER (sha256, PROP_SHA256)
/* (nullable): the extracted title, else the PDF's metadata title */
STRING_GETTER (title, PROP_TITLE)
/* (nullable): "invoice", "financial-report", "scientific-paper", "general" */
STRING_GETTER (document_type, PROP_DOCUMENT_TYPE)
/* (nullable): "offline" or "llm"; NULL without an extraction */
STRING_GETTER (method, PROP_METHOD)
/* (nullable) */
STRING_GETTER (provider, PROP_PROVIDER)
/* (nullable) */
STRING_GETTER (model, PROP_MODEL)
/* (nullable): the template's name */
STRING_GETTER (template, PROP_TEMPLATE)
/* (nullable): "close", "acceptable", "marginal", "nonconforming",
 * "insufficient-data" */
STRING_GETTER (benford_verdict, PROP_BENFORD_VERDICT)

guint
assay_document_result_get_n_pages (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), 0);

  return self->n_pages;
}

gboolean
assay_document_result_get_fell_back (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), FALSE);

  return self->fell_back;
}

/* Returns: model tokens, -1 when not applicable */
gint64
assay_document_result_get_prompt_tokens (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), -1);

  return self->prompt_tokens;
}

/* Returns: model tokens, -1 when not applicable */
gint64
assay_document_result_get_completion_tokens (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), -1);

  return self->completion_tokens;
}

gboolean
assay_document_result_get_cached (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), FALSE);

  return self->cached;
}

/* Returns: (transfer none): a list model of #AssayResultField */
GListModel *
assay_document_result_get_fields (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);

  return G_LIST_MODEL (self->fields);
}

/* Returns: (transfer none): a list model of #AssayResultFigure */
GListModel *
assay_document_result_get_figures (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);

  return G_LIST_MODEL (self->figures);
}

/* Returns: (transfer none) (array zero-terminated=1): the document's
 *   warnings, then the extraction's */
const char * const *
assay_document_result_get_warnings (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);

  return (const char * const *) self->warnings;
}

/* Returns: (transfer none): statistics over the quantities; NAN for the
 *   members that are null (no quantity) or absent */
const AssayResultStats *
assay_document_result_get_stats (AssayDocumentResult *self)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);

  return &self->stats;
}

/**
 * assay_document_result_get_benford:
 * @counts: (out caller-allocates) (optional): per first digit 1–9
 * @observed: (out caller-allocates) (optional): shares per digit
 * @expected: (out caller-allocates) (optional): Benford's shares
 * @n: (out) (optional): values with a first digit
 *
 * Returns: %FALSE when the result has no Benford data
 */
gboolean
assay_document_result_get_benford (AssayDocumentResult *self,
                                   guint                counts[9],
                                   double               observed[9],
                                   double               expected[9],
                                   guint               *n)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), FALSE);

  if (!self->has_benford)
    return FALSE;

  if (counts != NULL)
    memcpy (counts, self->benford_counts, sizeof self->benford_counts);
  if (observed != NULL)
    memcpy (observed, self->benford_observed, sizeof self->benford_observed);
  if (expected != NULL)
    memcpy (expected, self->benford_expected, sizeof self->benford_expected);
  if (n != NULL)
    *n = self->benford_n;

  return TRUE;
}

/**
 * assay_document_result_get_signature:
 * @signature: (out caller-allocates) (optional): the MinHash of the
 *   document's word shingles (`analysis.signature`)
 *
 * Returns: %FALSE when the result has no (readable) signature
 */
gboolean
assay_document_result_get_signature (AssayDocumentResult *self,
                                     AssayMinhash        *signature)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), FALSE);

  if (!self->has_signature)
    return FALSE;
  if (signature != NULL)
    *signature = self->signature;
  return TRUE;
}

/**
 * assay_document_result_get_histogram:
 * @counts: (out) (transfer none) (optional): @n_bins counts
 * @n_bins: (out): bins; 0 when there is no histogram
 * @log_scale: (out) (optional): edges are powers of ten
 *
 * Returns: (transfer none) (nullable): the @n_bins + 1 edges
 */
const double *
assay_document_result_get_histogram (AssayDocumentResult  *self,
                                     const guint         **counts,
                                     guint                *n_bins,
                                     gboolean             *log_scale)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);
  g_return_val_if_fail (n_bins != NULL, NULL);

  if (counts != NULL)
    *counts = self->histogram_counts;
  if (log_scale != NULL)
    *log_scale = self->histogram_log;
  *n_bins = self->histogram_n_bins;

  return self->histogram_edges;
}

/**
 * assay_document_result_get_outliers:
 * @n_listed: (out): how many are listed (at most 50, farthest first)
 * @n_total: (out) (optional): how many outliers there are in all
 *
 * Returns: (transfer none) (array length=n_listed) (nullable)
 */
const AssayResultOutlier *
assay_document_result_get_outliers (AssayDocumentResult *self,
                                    guint               *n_listed,
                                    guint               *n_total)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);
  g_return_val_if_fail (n_listed != NULL, NULL);

  *n_listed = self->n_outliers;
  if (n_total != NULL)
    *n_total = self->n_outliers_total;

  return self->n_outliers > 0 ? self->outliers : NULL;
}

/* All zeros when there was no extraction to check. Each out argument is
 * optional. */
void
assay_document_result_get_verification (AssayDocumentResult *self,
                                        guint               *total,
                                        guint               *verified,
                                        guint               *unverified,
                                        guint               *wrong_page)
{
  g_return_if_fail (ASSAY_IS_DOCUMENT_RESULT (self));

  if (total != NULL)
    *total = self->verification[0];
  if (verified != NULL)
    *verified = self->verification[1];
  if (unverified != NULL)
    *unverified = self->verification[2];
  if (wrong_page != NULL)
    *wrong_page = self->verification[3];
}

/**
 * assay_document_result_get_page_numbers:
 * @n_pages: (out): pages listed
 *
 * Returns: (transfer none) (array length=n_pages) (nullable): how many
 *   numbers each page has; index 0 is page 1
 */
const guint *
assay_document_result_get_page_numbers (AssayDocumentResult *self,
                                        guint               *n_pages)
{
  g_return_val_if_fail (ASSAY_IS_DOCUMENT_RESULT (self), NULL);
  g_return_val_if_fail (n_pages != NULL, NULL);

  *n_pages = self->n_page_numbers;
  return self->page_numbers;
}
