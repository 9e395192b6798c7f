/* assay-offline-extractor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One pass over the text, line by line, page by page. Every page is scanned
 * for numbers once (assay-numbers does all number recognition); each line is
 * then matched against a fixed set of keywords, so the work is linear in the
 * size of the text.
 *
 * Dates written with digits only (01/03/2024) are read day first unless the
 * numbers decide it (a part above 12 is the day), the year comes first
 * (2024-03-01), or the page is in a US context: it contains "$" or "USD" and
 * the separator is not a dot. Then 03/01/2024 is read month first.
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-numbers.h"
#include "assay-offline-extractor.h"

#include "assay-offline-extractor-private.h"

static const char * const date_field_names[N_DATES] = {
  [DATE_ISSUE] = "issue_date",
  [DATE_DUE] = "due_date",
  [DATE_PLAIN] = "date",
};

/* ------------------------------------------------------------ per page */

void
_assay_offline_process_line (Extractor  *self,
                             const Line *line,
                             PageState  *state)
{
  _assay_offline_score_line (self, line);
  _assay_offline_detect_scale_note (self, line, state);
  _assay_offline_detect_year_header (self, line, state);
  if (line->n_numbers > 0)
    _assay_offline_find_dates (self, line, state);
  _assay_offline_find_date_under_heading (self, line, state);
  if (self->invoice_template)
    _assay_offline_count_currency_words (self, line);
  _assay_offline_find_invoice_number (self, line);
  _assay_offline_find_number_under_heading (self, line);
  _assay_offline_find_amounts (self, line);
  /* Tables of line items only once the text reads as an invoice. */
  if (self->line_items != NULL &&
      (self->invoice_template || self->score[TYPE_INVOICE] >= 3))
    _assay_offline_find_line_items (self, line);
  _assay_offline_find_issuer (self, line, state);
  _assay_offline_find_doi (self, line);
  if (line->page == 1 || !self->title_line.set)
    _assay_offline_find_title_line (self, line);
  _assay_offline_add_figure (self, line, state);
}

/* A label and the value under it, read as one line: invoice fields
 * only, never a key figure. */
void
_assay_offline_process_pair (Extractor  *self,
                             const Line *line,
                             PageState  *state)
{
  if (line->n_numbers > 0)
    _assay_offline_find_dates (self, line, state);
  _assay_offline_find_invoice_number (self, line);
  _assay_offline_find_amounts (self, line);
}

/* ------------------------------------------------------------- results */

static void
add_found_string (AssayExtraction *extraction,
                  const char      *name,
                  AssayFieldType   type,
                  const Found     *found)
{
  if (found->set)
    assay_extraction_add_field (extraction, name, type, found->value, found->page,
                                found->snippet);
}

static void
add_found_money (Extractor   *self,
                 const char  *name,
                 const Found *found,
                 const char  *currency)
{
  if (!found->set)
    return;

  assay_extraction_add_number_field (self->extraction, name, ASSAY_FIELD_MONEY, found->number,
                                     found->currency[0] != '\0' ? found->currency : currency,
                                     found->page, found->snippet);
}

/* The issuer by the strength of what names it: a "From:" block, a
 * company beside its bank or register details, a name set like a logo, a
 * the first line's name over its own details (the line under it may be
 * "Consulenza fiscale · P.IVA …", a trade, not a name), a "Name · street ·
 * city" line with contact details, a company in the top block. */
static const Found *
best_issuer (Extractor *self)
{
  const Found *order[] = {
    &self->issuer_from, &self->issuer_detailed, &self->issuer_large, &self->issuer_named,
    &self->issuer_sender,
  };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i]->set)
      return order[i];

  return &self->issuer_company;
}

static void
fill_template_fields (Extractor *self)
{
  guint n = assay_template_get_n_fields (self->template_);

  for (guint i = 0; i < n; i++)
    {
      const AssayTemplateField *tf = assay_template_get_field (self->template_, i);

      if (assay_extraction_get_field (self->extraction, tf->name) != NULL)
        continue;

      if (tf->type == ASSAY_FIELD_NUMBER || tf->type == ASSAY_FIELD_MONEY)
        {
          for (guint j = 0; j < self->extraction->figures->len; j++)
            {
              AssayFigure *figure = g_ptr_array_index (self->extraction->figures, j);
              AssayField *field;

              if (!_assay_offline_label_matches_field (figure->label, tf->name))
                continue;
              if (tf->type == ASSAY_FIELD_MONEY && g_strcmp0 (figure->unit, "%") == 0)
                continue;

              field = assay_extraction_add_number_field (self->extraction, tf->name, tf->type,
                                                         figure->value, figure->unit,
                                                         figure->page, figure->snippet);
              if (tf->type == ASSAY_FIELD_NUMBER)
                g_clear_pointer (&field->unit, g_free);
              break;
            }
        }
      else if (strcmp (tf->name, "doi") == 0)
        add_found_string (self->extraction, "doi", ASSAY_FIELD_STRING, &self->doi);
      else if (strcmp (tf->name, "company") == 0 || strcmp (tf->name, "issuer") == 0)
        add_found_string (self->extraction, tf->name, ASSAY_FIELD_STRING, best_issuer (self));
      else if (strcmp (tf->name, "recipient") == 0)
        add_found_string (self->extraction, "recipient", ASSAY_FIELD_STRING, &self->recipient);
      else if (strcmp (tf->name, "period") == 0 && self->first_period[0] != '\0')
        assay_extraction_add_field (self->extraction, "period", ASSAY_FIELD_STRING,
                                    self->first_period, 0, NULL);
      else if (strcmp (tf->name, "currency") == 0 && _assay_offline_most_common_currency (self) != NULL)
        assay_extraction_add_field (self->extraction, "currency", ASSAY_FIELD_STRING,
                                    _assay_offline_most_common_currency (self), 0, NULL);
      else if (strcmp (tf->name, "date") == 0)
        {
          /* When the document was written or issued; a due date is not that. */
          add_found_string (self->extraction, "date", ASSAY_FIELD_DATE,
                            self->dates[DATE_PLAIN].set ? &self->dates[DATE_PLAIN]
                                                        : &self->dates[DATE_ISSUE]);
        }

      if (tf->required && assay_extraction_get_field (self->extraction, tf->name) == NULL)
        assay_extraction_add_warning (self->extraction,
                                      _("No “%s” was found in the text."), tf->name);
    }
}

static void
finish (Extractor          *self,
        const AssayPdfText *text)
{
  AssayExtraction *extraction = self->extraction;
  const char *type = _assay_offline_guess_document_type (self);
  gboolean invoice = strcmp (type, "invoice") == 0 ||
                     strcmp (self->extraction->template_name, "invoice") == 0;
  g_autofree char *meta_title = _assay_offline_meaningful_title (text->title);
  const Found *title_found = NULL;
  const char *currency;

  g_free (extraction->document_type);
  extraction->document_type = g_strdup (type);

  if (meta_title != NULL)
    extraction->title = g_strdup (meta_title);
  else
    {
      title_found = invoice && self->invoice_line.set ? &self->invoice_line : &self->title_line;
      if (title_found->set)
        extraction->title = g_strdup (title_found->value);
      else
        title_found = NULL;
    }

  assay_extraction_add_field (extraction, "document_type", ASSAY_FIELD_STRING, type, 0, NULL);
  if (extraction->title != NULL)
    assay_extraction_add_field (extraction, "title", ASSAY_FIELD_STRING, extraction->title,
                                title_found != NULL ? title_found->page : 0,
                                title_found != NULL ? title_found->snippet : NULL);
  if (text->author != NULL)
    {
      g_autofree char *author = g_strstrip (g_strdup (text->author));

      if (*author != '\0')
        assay_extraction_add_field (extraction, "author", ASSAY_FIELD_STRING, author, 0, NULL);
    }

  if (invoice)
    {
      const Found *issue = self->dates[DATE_ISSUE].set ? &self->dates[DATE_ISSUE]
                                                       : &self->dates[DATE_PLAIN];

      _assay_offline_reconcile_sums (self);

      currency = self->total.set && self->total.currency[0] != '\0'
                 ? self->total.currency : _assay_offline_most_common_currency (self);

      add_found_string (extraction, "invoice_number", ASSAY_FIELD_STRING, &self->invoice_number);
      add_found_string (extraction, "issue_date", ASSAY_FIELD_DATE, issue);
      add_found_string (extraction, "due_date", ASSAY_FIELD_DATE, &self->dates[DATE_DUE]);
      add_found_money (self, "total", &self->total, currency);
      add_found_money (self, "tax", &self->tax, currency);
      add_found_money (self, "subtotal", &self->subtotal, currency);
      if (currency != NULL)
        assay_extraction_add_field (extraction, "currency", ASSAY_FIELD_STRING, currency,
                                    self->total.set ? self->total.page : 0,
                                    self->total.set ? self->total.snippet : NULL);
      add_found_string (extraction, "issuer", ASSAY_FIELD_STRING, best_issuer (self));
      add_found_string (extraction, "recipient", ASSAY_FIELD_STRING, &self->recipient);
      _assay_offline_check_sums (self);
    }
  else
    {
      for (guint i = 0; i < N_DATES; i++)
        add_found_string (extraction, date_field_names[i], ASSAY_FIELD_DATE, &self->dates[i]);
    }

  if (strcmp (type, "scientific-paper") == 0)
    add_found_string (extraction, "doi", ASSAY_FIELD_STRING, &self->doi);

  if (self->template_ != NULL)
    fill_template_fields (self);

  if (self->figures_found > extraction->figures->len)
    assay_extraction_add_warning (extraction,
                                  _("Only the first %u of %u key figures were kept."),
                                  extraction->figures->len, self->figures_found);
}

static void
line_item_clear (gpointer data)
{
  LineItem *item = data;

  g_clear_pointer (&item->description, g_free);
}

static void
extractor_clear (Extractor *self)
{
  _assay_offline_found_clear (&self->title_line);
  _assay_offline_found_clear (&self->invoice_line);
  _assay_offline_found_clear (&self->invoice_number);
  _assay_offline_found_clear (&self->total);
  _assay_offline_found_clear (&self->tax);
  _assay_offline_found_clear (&self->subtotal);
  for (guint i = 0; i < self->n_net_parts; i++)
    g_free (self->net_parts[i].snippet);
  for (guint i = 0; i < self->n_tax_parts; i++)
    g_free (self->tax_parts[i].snippet);
  _assay_offline_found_clear (&self->recipient);
  _assay_offline_found_clear (&self->issuer_from);
  _assay_offline_found_clear (&self->issuer_company);
  _assay_offline_found_clear (&self->issuer_detailed);
  _assay_offline_found_clear (&self->issuer_large);
  _assay_offline_found_clear (&self->issuer_sender);
  _assay_offline_found_clear (&self->issuer_named);
  _assay_offline_found_clear (&self->doi);
  for (guint i = 0; i < N_DATES; i++)
    _assay_offline_found_clear (&self->dates[i]);
  g_clear_pointer (&self->seen_figures, g_hash_table_unref);
  g_clear_pointer (&self->line_items, g_array_unref);
  if (self->lower != NULL)
    g_string_free (self->lower, TRUE);
  self->lower = NULL;
  g_clear_pointer (&self->template_, assay_template_unref);
  g_clear_pointer (&self->extraction, assay_extraction_free);
}

/**
 * assay_offline_extract:
 * @text: the document's text
 * @template_: (nullable): what to extract; %NULL for "general"
 * @cancellable: (nullable): checked before every page
 *
 * Extracts the title, document type, dates, key figures and, for invoices,
 * the invoice fields. Pure: any thread, no shared state; linear in the size
 * of the text.
 *
 * Returns: (transfer full) (nullable): the extraction, or %NULL when
 * @cancellable was cancelled
 */
AssayExtraction *
assay_offline_extract (const AssayPdfText *text,
                       AssayTemplate      *template_,
                       GCancellable       *cancellable)
{
  Extractor self = { 0 };
  AssayExtraction *result;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);

  self.template_ = template_ != NULL ? assay_template_ref (template_)
                                     : assay_template_lookup ("general");
  self.extraction = assay_extraction_new ("offline",
                                          self.template_ != NULL
                                          ? assay_template_get_name (self.template_)
                                          : "general");
  self.seen_figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self.lower = g_string_new (NULL);
  self.n_pages = text->n_pages;
  self.invoice_template = self.template_ != NULL &&
                          g_strcmp0 (assay_template_get_name (self.template_), "invoice") == 0;
  self.line_items = g_array_new (FALSE, FALSE, sizeof (LineItem));
  g_array_set_clear_func (self.line_items, line_item_clear);

  for (guint i = 0; i < text->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (text->pages, i);
      g_autofree char *layout = NULL;

      if (g_cancellable_is_cancelled (cancellable))
        {
          extractor_clear (&self);
          return NULL;
        }

      /* Short documents come with their words' boxes: read the page as
       * it is laid out. */
      if (page->index == 0)
        {
          g_autofree char *large = NULL;

          layout = _assay_offline_layout_text_full (page, &large);
          if (large != NULL)
            _assay_offline_find_large_issuer (&self, large);
        }
      else
        layout = _assay_offline_layout_text (page);

      _assay_offline_process_page (&self, layout != NULL ? layout : page->text, page->index + 1);
    }

  finish (&self, text);

  result = g_steal_pointer (&self.extraction);
  extractor_clear (&self);

  return result;
}

/* ---------------------------------------------------------------- GObject */

struct _AssayOfflineExtractor
{
  GObject          parent_instance;
  AssayWorkerPool *pool;
};

enum {
  PROP_0,
  PROP_POOL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void extractor_iface_init (AssayExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayOfflineExtractor, assay_offline_extractor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_EXTRACTOR, extractor_iface_init))

typedef struct
{
  AssayPdfText  *text;
  AssayTemplate *template_;
} ExtractData;

static void
extract_data_free (gpointer data)
{
  ExtractData *d = data;

  g_clear_pointer (&d->text, assay_pdf_text_unref);
  g_clear_pointer (&d->template_, assay_template_unref);
  g_free (d);
}

static char *
assay_offline_extractor_dup_id (AssayExtractor *extractor)
{
  return g_strdup_printf ("offline-%d", ASSAY_OFFLINE_EXTRACTOR_VERSION);
}

static void
extract_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  ExtractData *data = task_data;
  AssayExtraction *extraction;

  extraction = assay_offline_extract (data->text, data->template_, cancellable);

  if (extraction == NULL)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                 _("The extraction was cancelled."));
      return;
    }

  g_task_return_pointer (task, extraction, (GDestroyNotify) assay_extraction_free);
}

static void
assay_offline_extractor_extract_async (AssayExtractor            *extractor,
                                       const AssayExtractRequest *request,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (extractor);
  g_autoptr(GTask) task = NULL;
  ExtractData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, assay_offline_extractor_extract_async);
  g_task_set_name (task, "assay-offline-extract");

  /* The worker sees only references to immutable values. */
  data = g_new0 (ExtractData, 1);
  data->text = assay_pdf_text_ref (request->text);
  data->template_ = assay_template_ref (request->template_);
  g_task_set_task_data (task, data, extract_data_free);

  assay_worker_pool_run (self->pool, task, G_PRIORITY_DEFAULT, extract_thread);
}

static AssayExtraction *
assay_offline_extractor_extract_finish (AssayExtractor  *extractor,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        assay_offline_extractor_extract_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
extractor_iface_init (AssayExtractorInterface *iface)
{
  iface->dup_id = assay_offline_extractor_dup_id;
  iface->extract_async = assay_offline_extractor_extract_async;
  iface->extract_finish = assay_offline_extractor_extract_finish;
}

static void
assay_offline_extractor_constructed (GObject *object)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  G_OBJECT_CLASS (assay_offline_extractor_parent_class)->constructed (object);

  if (self->pool == NULL)
    self->pool = g_object_ref (assay_worker_pool_get_default ());
}

static void
assay_offline_extractor_dispose (GObject *object)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  g_clear_object (&self->pool);

  G_OBJECT_CLASS (assay_offline_extractor_parent_class)->dispose (object);
}

static void
assay_offline_extractor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  switch (prop_id)
    {
    case PROP_POOL:
      g_value_set_object (value, self->pool);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_offline_extractor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  AssayOfflineExtractor *self = ASSAY_OFFLINE_EXTRACTOR (object);

  switch (prop_id)
    {
    case PROP_POOL:
      self->pool = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
assay_offline_extractor_class_init (AssayOfflineExtractorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = assay_offline_extractor_constructed;
  object_class->dispose = assay_offline_extractor_dispose;
  object_class->get_property = assay_offline_extractor_get_property;
  object_class->set_property = assay_offline_extractor_set_property;

  /**
   * AssayOfflineExtractor:pool:
   *
   * The worker pool extractions run on; %NULL at construction means the
   * default pool.
   */
  properties[PROP_POOL] =
    g_param_spec_object ("pool", NULL, NULL,
                         ASSAY_TYPE_WORKER_POOL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
assay_offline_extractor_init (AssayOfflineExtractor *self)
{
}

/**
 * assay_offline_extractor_new:
 * @pool: (nullable): where extractions run; %NULL for the default pool
 *
 * Main thread.
 *
 * Returns: (transfer full): a new extractor
 */
AssayOfflineExtractor *
assay_offline_extractor_new (AssayWorkerPool *pool)
{
  g_return_val_if_fail (pool == NULL || ASSAY_IS_WORKER_POOL (pool), NULL);

  return g_object_new (ASSAY_TYPE_OFFLINE_EXTRACTOR,
                       "pool", pool,
                       NULL);
}
