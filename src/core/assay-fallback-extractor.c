/* assay-fallback-extractor.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-fallback-extractor"

#include "config.h"

#include <glib/gi18n.h>

#include "assay-fallback-extractor.h"

struct _AssayFallbackExtractor
{
  GObject         parent_instance;
  AssayExtractor *primary;
  AssayExtractor *fallback;
};

static void extractor_iface_init (AssayExtractorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AssayFallbackExtractor, assay_fallback_extractor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (ASSAY_TYPE_EXTRACTOR, extractor_iface_init))

/* What the fallback needs of the request, kept alive across the wait. */
typedef struct
{
  AssayPdfText  *text;
  AssayTemplate *template_;
  char          *display_name;
  char          *primary_error;
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_clear_pointer (&attempt->text, assay_pdf_text_unref);
  g_clear_pointer (&attempt->template_, assay_template_unref);
  g_clear_pointer (&attempt->display_name, g_free);
  g_clear_pointer (&attempt->primary_error, g_free);
  g_free (attempt);
}

static char *
fallback_dup_id (AssayExtractor *extractor)
{
  AssayFallbackExtractor *self = ASSAY_FALLBACK_EXTRACTOR (extractor);

  return assay_extractor_dup_id (self->primary);
}

static void
fallback_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Attempt *attempt = g_task_get_task_data (task);
  GError *error = NULL;
  AssayExtraction *extraction;

  extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (object), result, &error);
  if (extraction == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  extraction->fell_back = TRUE;
  assay_extraction_add_warning (extraction,
                                _("The model could not extract this document (%s); "
                                  "the offline extractor answered instead."),
                                attempt->primary_error);
  g_task_return_pointer (task, extraction, (GDestroyNotify) assay_extraction_free);
}

static void
primary_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AssayFallbackExtractor *self = g_task_get_source_object (task);
  Attempt *attempt = g_task_get_task_data (task);
  GError *error = NULL;
  AssayExtraction *extraction;
  AssayExtractRequest request = { 0 };

  extraction = assay_extractor_extract_finish (ASSAY_EXTRACTOR (object), result, &error);
  if (extraction != NULL)
    {
      g_task_return_pointer (task, extraction, (GDestroyNotify) assay_extraction_free);
      return;
    }

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  attempt->primary_error = g_strdup (error->message);
  g_clear_error (&error);

  request.text = attempt->text;
  request.template_ = attempt->template_;
  request.display_name = attempt->display_name;
  assay_extractor_extract_async (self->fallback, &request, g_task_get_cancellable (task),
                                 fallback_done, g_object_ref (task));
}

static void
fallback_extract_async (AssayExtractor            *extractor,
                        const AssayExtractRequest *request,
                        GCancellable              *cancellable,
                        GAsyncReadyCallback        callback,
                        gpointer                   user_data)
{
  AssayFallbackExtractor *self = ASSAY_FALLBACK_EXTRACTOR (extractor);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Attempt *attempt = g_new0 (Attempt, 1);

  attempt->text = assay_pdf_text_ref (request->text);
  attempt->template_ = assay_template_ref (request->template_);
  attempt->display_name = g_strdup (request->display_name);
  g_task_set_source_tag (task, fallback_extract_async);
  g_task_set_task_data (task, attempt, (GDestroyNotify) attempt_free);

  assay_extractor_extract_async (self->primary, request, cancellable,
                                 primary_done, g_steal_pointer (&task));
}

static AssayExtraction *
fallback_extract_finish (AssayExtractor  *extractor,
                         GAsyncResult    *result,
                         GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, extractor), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
extractor_iface_init (AssayExtractorInterface *iface)
{
  iface->dup_id = fallback_dup_id;
  iface->extract_async = fallback_extract_async;
  iface->extract_finish = fallback_extract_finish;
}

static void
assay_fallback_extractor_dispose (GObject *object)
{
  AssayFallbackExtractor *self = (AssayFallbackExtractor *)object;

  g_clear_object (&self->primary);
  g_clear_object (&self->fallback);

  G_OBJECT_CLASS (assay_fallback_extractor_parent_class)->dispose (object);
}

static void
assay_fallback_extractor_class_init (AssayFallbackExtractorClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = assay_fallback_extractor_dispose;
}

static void
assay_fallback_extractor_init (AssayFallbackExtractor *self)
{
}

/**
 * assay_fallback_extractor_new:
 * @primary: tried first (a model)
 * @fallback: tried when @primary fails for good (the offline extractor)
 *
 * Returns: (transfer full): the combined extractor
 */
AssayFallbackExtractor *
assay_fallback_extractor_new (AssayExtractor *primary,
                              AssayExtractor *fallback)
{
  AssayFallbackExtractor *self;

  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (primary), NULL);
  g_return_val_if_fail (ASSAY_IS_EXTRACTOR (fallback), NULL);

  self = g_object_new (ASSAY_TYPE_FALLBACK_EXTRACTOR, NULL);
  self->primary = g_object_ref (primary);
  self->fallback = g_object_ref (fallback);

  return self;
}
