/* assay-pdf-text-json.c — an AssayPdfText as JSON and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For cluster mode, where the text read on one machine is analysed on
 * another: every member, boxes included (as flat arrays of six numbers:
 * start, end, x, y, width, height), so that the analysis of the text that
 * comes back is the analysis of the text that went out. Floats survive the
 * trip exactly (json-glib writes doubles with 17 digits).
 */
#define G_LOG_DOMAIN "assay-pdf-text"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "assay-json.h"
#include "assay-pdf-text.h"
#include "assay-pdf-reader.h"

static void
add_boxes (JsonBuilder  *builder,
           const char   *name,
           const GArray *boxes)
{
  if (boxes == NULL)
    return;

  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; i < boxes->len; i++)
    {
      const AssayTextBox *box = &g_array_index (boxes, AssayTextBox, i);

      json_builder_add_int_value (builder, box->start);
      json_builder_add_int_value (builder, box->end);
      json_builder_add_double_value (builder, box->x);
      json_builder_add_double_value (builder, box->y);
      json_builder_add_double_value (builder, box->width);
      json_builder_add_double_value (builder, box->height);
    }
  json_builder_end_array (builder);
}

/**
 * assay_pdf_text_to_json:
 *
 * Returns: (transfer full): @self as a JSON object. Any thread.
 */
JsonNode *
assay_pdf_text_to_json (const AssayPdfText *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new_immutable ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "n_pages");
  json_builder_add_int_value (builder, self->n_pages);
  assay_json_builder_add_nullable_string (builder, "title", self->title);
  assay_json_builder_add_nullable_string (builder, "author", self->author);
  assay_json_builder_add_nullable_string (builder, "subject", self->subject);
  assay_json_builder_add_nullable_string (builder, "keywords", self->keywords);
  assay_json_builder_add_nullable_string (builder, "creator", self->creator);
  assay_json_builder_add_nullable_string (builder, "producer", self->producer);
  assay_json_builder_add_nullable_string (builder, "pdf_version", self->pdf_version);
  json_builder_set_member_name (builder, "creation_date");
  json_builder_add_int_value (builder, self->creation_date);
  json_builder_set_member_name (builder, "modification_date");
  json_builder_add_int_value (builder, self->modification_date);

  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->warnings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (self->warnings, i));
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "pages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->pages->len; i++)
    {
      const AssayPageText *page = g_ptr_array_index (self->pages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "index");
      json_builder_add_int_value (builder, page->index);
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, page->text);
      json_builder_set_member_name (builder, "has_text_layer");
      json_builder_add_boolean_value (builder, page->has_text_layer);
      add_boxes (builder, "boxes", page->boxes);
      add_boxes (builder, "words", page->words);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
dup_string (JsonObject *object,
            const char *name)
{
  return g_strdup (json_object_get_string_member_with_default (object, name, NULL));
}

/* Returns: (nullable): the boxes, or NULL when absent; FALSE when malformed */
static gboolean
parse_boxes (JsonObject  *page,
             const char  *name,
             gsize        text_len,
             GArray     **out)
{
  JsonArray *array;
  guint n;

  *out = NULL;
  if (!json_object_has_member (page, name))
    return TRUE;

  array = json_object_get_array_member (page, name);
  if (array == NULL || json_array_get_length (array) % 6 != 0)
    return FALSE;

  n = json_array_get_length (array) / 6;
  if (n > ASSAY_MAX_TEXT_BOXES * 64)
    return FALSE;

  *out = g_array_sized_new (FALSE, FALSE, sizeof (AssayTextBox), n);
  for (guint i = 0; i < n; i++)
    {
      AssayTextBox box;
      gint64 start = json_array_get_int_element (array, 6 * i);
      gint64 end = json_array_get_int_element (array, 6 * i + 1);

      if (start < 0 || end < start || (gsize) end > text_len)
        {
          g_clear_pointer (out, g_array_unref);
          return FALSE;
        }
      box.start = start;
      box.end = end;
      box.x = json_array_get_double_element (array, 6 * i + 2);
      box.y = json_array_get_double_element (array, 6 * i + 3);
      box.width = json_array_get_double_element (array, 6 * i + 4);
      box.height = json_array_get_double_element (array, 6 * i + 5);
      g_array_append_val (*out, box);
    }

  return TRUE;
}

/**
 * assay_pdf_text_from_json:
 * @node: what assay_pdf_text_to_json() made
 *
 * Returns: (transfer full): the text, or %NULL with
 *   %ASSAY_READ_ERROR_DAMAGED when @node is not one. Any thread.
 */
AssayPdfText *
assay_pdf_text_from_json (JsonNode  *node,
                          GError   **error)
{
  g_autoptr(AssayPdfText) self = NULL;
  JsonObject *object;
  JsonArray *pages;
  JsonArray *warnings;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  object = json_node_get_object (node);
  if (!json_object_has_member (object, "pages") ||
      (pages = json_object_get_array_member (object, "pages")) == NULL)
    goto bad;

  self = assay_pdf_text_new ();
  self->n_pages = json_object_get_int_member_with_default (object, "n_pages", 0);
  self->title = dup_string (object, "title");
  self->author = dup_string (object, "author");
  self->subject = dup_string (object, "subject");
  self->keywords = dup_string (object, "keywords");
  self->creator = dup_string (object, "creator");
  self->producer = dup_string (object, "producer");
  self->pdf_version = dup_string (object, "pdf_version");
  self->creation_date = json_object_get_int_member_with_default (object, "creation_date", -1);
  self->modification_date = json_object_get_int_member_with_default (object, "modification_date", -1);

  if (json_object_has_member (object, "warnings") &&
      (warnings = json_object_get_array_member (object, "warnings")) != NULL)
    for (guint i = 0; i < json_array_get_length (warnings); i++)
      {
        const char *warning = json_array_get_string_element (warnings, i);

        if (warning != NULL)
          g_ptr_array_add (self->warnings, g_strdup (warning));
      }

  for (guint i = 0; i < json_array_get_length (pages); i++)
    {
      JsonObject *page = json_array_get_object_element (pages, i);
      const char *text;
      GArray *boxes = NULL;
      GArray *words = NULL;
      gint64 index;

      if (page == NULL)
        goto bad;
      text = json_object_get_string_member_with_default (page, "text", NULL);
      index = json_object_get_int_member_with_default (page, "index", -1);
      if (text == NULL || index < 0 || index > G_MAXUINT)
        goto bad;

      assay_pdf_text_add_page (self, (guint) index, g_strdup (text),
                               json_object_get_boolean_member_with_default (page, "has_text_layer", TRUE));
      if (!parse_boxes (page, "boxes", strlen (text), &boxes))
        goto bad;
      assay_pdf_text_take_boxes (self, boxes);
      if (!parse_boxes (page, "words", strlen (text), &words))
        goto bad;
      assay_pdf_text_take_words (self, words);
    }
  assay_pdf_text_sort_pages (self);

  return g_steal_pointer (&self);

bad:
  g_set_error_literal (error, ASSAY_READ_ERROR, ASSAY_READ_ERROR_DAMAGED,
                       _("The text sent between workers is damaged"));
  return NULL;
}
