/* assay-llm-answer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-answer"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-llm-answer.h"

#define MAX_CANDIDATES   32
#define MAX_STRING_BYTES (64 * 1024)

/* Problems are written for the model, in English, like the prompt. */

static const char * const document_types[] = { ASSAY_TEMPLATE_DOCUMENT_TYPES, NULL };

static const char *
match_object_end (const char *start,
                  const char *end)
{
  gboolean in_string = FALSE;
  gboolean escape = FALSE;
  int depth = 0;

  for (const char *p = start; p < end; p++)
    {
      char c = *p;

      if (in_string)
        {
          if (escape)
            escape = FALSE;
          else if (c == '\\')
            escape = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if (c == '}' || c == ']')
        {
          depth--;
          if (depth == 0)
            return p;
          if (depth < 0)
            return NULL;
        }
    }

  return NULL;
}

/**
 * assay_llm_answer_find_json:
 * @text: a model's answer
 *
 * Finds the first complete JSON object in @text, skipping prose, Markdown
 * code fences and a leading <think>…</think> block. Linear in the length of
 * @text.
 *
 * Returns: (transfer full) (nullable): the object's text, or %NULL when
 * there is none (or it was cut off)
 */
char *
assay_llm_answer_find_json (const char *text)
{
  const char *start;
  const char *end;
  guint candidates = 0;

  g_return_val_if_fail (text != NULL, NULL);

  start = text;
  end = text + strlen (text);

  /* Reasoning models may put braces in their thoughts. */
  {
    const char *think_end = g_strrstr (text, "</think>");

    if (think_end != NULL && strstr (text, "<think>") != NULL)
      start = think_end + strlen ("</think>");
  }

  while ((start = memchr (start, '{', end - start)) != NULL && candidates++ < MAX_CANDIDATES)
    {
      const char *close = match_object_end (start, end);
      g_autoptr(JsonParser) parser = NULL;
      JsonNode *root;

      if (close == NULL)
        {
          /* Cut off, or a stray brace in prose: look at the next one. */
          start++;
          continue;
        }

      parser = json_parser_new_immutable ();
      if (json_parser_load_from_data (parser, start, close - start + 1, NULL) &&
          (root = json_parser_get_root (parser)) != NULL &&
          JSON_NODE_HOLDS_OBJECT (root))
        return g_strndup (start, close - start + 1);

      start = close + 1;
    }

  return NULL;
}

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_problem (GPtrArray  *problems,
             const char *format,
             ...)
{
  va_list args;

  if (problems->len >= ASSAY_LLM_ANSWER_MAX_PROBLEMS)
    return;

  va_start (args, format);
  g_ptr_array_add (problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return TRUE;

  return type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node));
}

static double
get_number (JsonNode *node)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);

  return json_node_get_double (node);
}

static const char *
describe_kind (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  if (is_string (node))
    return "a string";
  if (is_number (node))
    return "a number";
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return "a boolean";
  return "something else";
}

/* A string short enough to keep, valid UTF-8 (json-glib guarantees that). */
static const char *
checked_string (JsonNode   *node,
                const char *where,
                GPtrArray  *problems)
{
  const char *str = json_node_get_string (node);

  if (strlen (str) > MAX_STRING_BYTES)
    {
      add_problem (problems, "%s is far too long; keep it short.", where);
      return NULL;
    }

  return str;
}

static int
parse_digits (const char *str,
              guint       n)
{
  int value = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (str[i]))
        return -1;
      value = value * 10 + (str[i] - '0');
    }

  return value;
}

/* ASSAY_TEMPLATE_DATE_PATTERN, and the month and day must exist. */
static gboolean
date_is_valid (const char *str)
{
  gsize len = strlen (str);
  int year, month = 1, day = 1;

  if (len != 4 && len != 7 && len != 10)
    return FALSE;

  year = parse_digits (str, 4);
  if (len >= 7)
    {
      if (str[4] != '-')
        return FALSE;
      month = parse_digits (str + 5, 2);
    }
  if (len == 10)
    {
      if (str[7] != '-')
        return FALSE;
      day = parse_digits (str + 8, 2);
    }

  return year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
         g_date_valid_dmy (day, month, year);
}

static void
validate_field (JsonBuilder              *builder,
                const AssayTemplateField *field,
                JsonNode                 *node,
                GPtrArray                *problems)
{
  g_autofree char *where = g_strdup_printf ("fields.%s", field->name);

  json_builder_set_member_name (builder, field->name);

  if (JSON_NODE_HOLDS_NULL (node))
    {
      if (field->required)
        add_problem (problems, "%s is required: give its value as printed in the document.",
                     where);
      json_builder_add_null_value (builder);
      return;
    }

  switch (field->type)
    {
    case ASSAY_FIELD_NUMBER:
    case ASSAY_FIELD_MONEY:
      if (is_number (node))
        json_builder_add_double_value (builder, get_number (node));
      else
        {
          add_problem (problems, "%s must be a JSON number (such as 1234.5, no currency signs "
                       "or thousands separators) or null, not %s.", where, describe_kind (node));
          json_builder_add_null_value (builder);
        }
      break;

    case ASSAY_FIELD_DATE:
      if (is_string (node) && date_is_valid (json_node_get_string (node)))
        json_builder_add_string_value (builder, json_node_get_string (node));
      else
        {
          if (is_string (node))
            add_problem (problems, "%s must be a date written YYYY-MM-DD (or YYYY-MM, or "
                         "YYYY), not \"%.40s\".", where, json_node_get_string (node));
          else
            add_problem (problems, "%s must be a date string written YYYY-MM-DD or null, "
                         "not %s.", where, describe_kind (node));
          json_builder_add_null_value (builder);
        }
      break;

    case ASSAY_FIELD_LIST:
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          gboolean ok = TRUE;

          json_builder_begin_array (builder);
          for (guint i = 0; i < json_array_get_length (array) && i < 1000; i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              const char *str;

              if (!is_string (item))
                {
                  ok = FALSE;
                  continue;
                }
              if ((str = checked_string (item, where, problems)) != NULL)
                json_builder_add_string_value (builder, str);
            }
          json_builder_end_array (builder);

          if (!ok)
            add_problem (problems, "%s must be an array of strings.", where);
        }
      else
        {
          add_problem (problems, "%s must be an array of strings or null, not %s.",
                       where, describe_kind (node));
          json_builder_add_null_value (builder);
        }
      break;

    case ASSAY_FIELD_STRING:
    default:
      if (is_string (node))
        {
          const char *str = checked_string (node, where, problems);

          if (str != NULL)
            json_builder_add_string_value (builder, str);
          else
            json_builder_add_null_value (builder);
        }
      else
        {
          add_problem (problems, "%s must be a string or null, not %s.",
                       where, describe_kind (node));
          json_builder_add_null_value (builder);
        }
      break;
    }
}

/* Records a member the template does not name, once, for the warning. */
static void
add_dropped (GPtrArray  *dropped,
             const char *name)
{
  if (dropped->len < 20 && !g_ptr_array_find_with_equal_func (dropped, name, g_str_equal, NULL))
    g_ptr_array_add (dropped, g_strndup (name, 64));
}

/* @node: the answer's "fields", or %NULL when it has none; @top: the
 * answer's top level, where a model may have put fields instead. A field
 * the template does not need may be missing (it is null); members the
 * template does not name go into @dropped. */
static void
validate_fields (JsonBuilder   *builder,
                 JsonNode      *node,
                 JsonObject    *top,
                 AssayTemplate *template_,
                 GPtrArray     *problems,
                 GPtrArray     *dropped)
{
  JsonObject *object = NULL;
  g_autoptr(GList) members = NULL;

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);

  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    {
      add_problem (problems, "\"fields\" must be an object with one member per template field, "
                   "not %s.", describe_kind (node));
      json_builder_end_object (builder);
      return;
    }

  if (node != NULL)
    object = json_node_get_object (node);

  for (guint i = 0; i < assay_template_get_n_fields (template_); i++)
    {
      const AssayTemplateField *field = assay_template_get_field (template_, i);
      JsonNode *value = NULL;

      if (object != NULL && json_object_has_member (object, field->name))
        value = json_object_get_member (object, field->name);
      else if (json_object_has_member (top, field->name) &&
               strcmp (field->name, "title") != 0 && strcmp (field->name, "figures") != 0 &&
               strcmp (field->name, "fields") != 0 && strcmp (field->name, "document_type") != 0)
        value = json_object_get_member (top, field->name);   /* put at the top level */

      if (value == NULL)
        {
          if (field->required)
            add_problem (problems, "fields.%s is missing; give it (null when the document does "
                         "not say).", field->name);
          else
            {
              json_builder_set_member_name (builder, field->name);
              json_builder_add_null_value (builder);
            }
          continue;
        }

      validate_field (builder, field, value, problems);
    }

  if (object != NULL)
    {
      members = json_object_get_members (object);
      for (const GList *l = members; l != NULL; l = l->next)
        {
          if (assay_template_find_field (template_, l->data) == NULL)
            {
              g_autofree char *name = g_strdup_printf ("fields.%s", (const char *) l->data);

              add_dropped (dropped, name);
            }
        }
    }

  json_builder_end_object (builder);
}

static const char *
normalise_document_type (const char *str)
{
  g_autofree char *lower = g_ascii_strdown (str, -1);

  g_strdelimit (lower, "_ ", '-');
  for (guint i = 0; document_types[i] != NULL; i++)
    {
      if (strcmp (lower, document_types[i]) == 0)
        return document_types[i];
    }

  return NULL;
}

static gboolean
validate_figure (JsonBuilder *builder,
                 JsonNode    *node,
                 guint        index,
                 guint        first_page,
                 guint        last_page,
                 GPtrArray   *problems,
                 GPtrArray   *warnings,
                 GPtrArray   *dropped)
{
  static const char * const known[] = { "label", "value", "raw", "unit", "period", "page", NULL };
  JsonObject *object;
  g_autoptr(GList) members = NULL;
  JsonNode *label, *value, *raw, *unit, *period, *page;
  g_autoptr(JsonNode) null_node = NULL;
  gboolean ok = TRUE;
  gint64 page_number = 0;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      add_problem (problems, "figures[%u] must be an object, not %s.", index, describe_kind (node));
      return FALSE;
    }

  object = json_node_get_object (node);
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data))
        {
          g_autofree char *name = g_strdup_printf ("figures[].%s", (const char *) l->data);

          add_dropped (dropped, name);
        }
    }

  /* unit and period may be left out: they are null then. */
  for (guint i = 0; known[i] != NULL; i++)
    {
      if (!json_object_has_member (object, known[i]) &&
          strcmp (known[i], "unit") != 0 && strcmp (known[i], "period") != 0)
        {
          add_problem (problems, "figures[%u].%s is missing.", index, known[i]);
          ok = FALSE;
        }
    }

  if (!ok)
    return FALSE;

  {
    if (!json_object_has_member (object, "unit") || !json_object_has_member (object, "period"))
      null_node = json_node_new (JSON_NODE_NULL);
    label = json_object_get_member (object, "label");
    value = json_object_get_member (object, "value");
    raw = json_object_get_member (object, "raw");
    unit = json_object_has_member (object, "unit") ? json_object_get_member (object, "unit") : null_node;
    period = json_object_has_member (object, "period") ? json_object_get_member (object, "period") : null_node;
    page = json_object_get_member (object, "page");
  }

  if (!is_string (label) || json_node_get_string (label)[0] == '\0')
    {
      add_problem (problems, "figures[%u].label must be a non-empty string.", index);
      ok = FALSE;
    }
  if (!is_number (value))
    {
      add_problem (problems, "figures[%u].value must be a JSON number (scale applied, no "
                   "separators), not %s.", index, describe_kind (value));
      ok = FALSE;
    }
  if (!is_string (raw))
    {
      add_problem (problems, "figures[%u].raw must be the number as printed, as a string.",
                   index);
      ok = FALSE;
    }
  if (!JSON_NODE_HOLDS_NULL (unit) && !is_string (unit))
    {
      add_problem (problems, "figures[%u].unit must be a string or null.", index);
      ok = FALSE;
    }
  if (!JSON_NODE_HOLDS_NULL (period) && !is_string (period))
    {
      add_problem (problems, "figures[%u].period must be a string or null.", index);
      ok = FALSE;
    }
  if (is_number (page) && get_number (page) == floor (get_number (page)) &&
      get_number (page) >= 1 && get_number (page) < 1e6)
    page_number = (gint64) get_number (page);
  else
    {
      add_problem (problems, "figures[%u].page must be the page number (an integer from the "
                   "=== Page N === markers).", index);
      ok = FALSE;
    }

  if (!ok)
    return FALSE;

  if (strlen (json_node_get_string (label)) > 1000 || strlen (json_node_get_string (raw)) > 1000)
    {
      add_problem (problems, "figures[%u] has a label or raw text that is far too long.", index);
      return FALSE;
    }

  if (page_number < first_page || page_number > last_page)
    {
      if (warnings != NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("The model put the figure “%s” on page %d, which "
                                            "was not in the text it read; its page is "
                                            "unknown."),
                                          json_node_get_string (label), (int) page_number));
      page_number = 0;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "label");
  json_builder_add_string_value (builder, json_node_get_string (label));
  json_builder_set_member_name (builder, "value");
  json_builder_add_double_value (builder, get_number (value));
  json_builder_set_member_name (builder, "raw");
  json_builder_add_string_value (builder, json_node_get_string (raw));
  json_builder_set_member_name (builder, "unit");
  if (is_string (unit) && json_node_get_string (unit)[0] != '\0')
    json_builder_add_string_value (builder, json_node_get_string (unit));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "period");
  if (is_string (period) && json_node_get_string (period)[0] != '\0')
    json_builder_add_string_value (builder, json_node_get_string (period));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "page");
  json_builder_add_int_value (builder, page_number);
  json_builder_end_object (builder);

  return TRUE;
}

/**
 * assay_llm_answer_validate:
 * @text: the model's whole answer text
 * @first_page: the first page (1-based) of the text the model read
 * @last_page: its last page
 * @problems: (element-type utf8): receives what is wrong, in English, for
 *   a repair prompt; at most %ASSAY_LLM_ANSWER_MAX_PROBLEMS
 * @warnings: (element-type utf8) (nullable): receives person-readable notes
 *   about things that were fixed up rather than rejected
 *
 * Checks the answer against @template_'s schema: top-level members title,
 * document_type, fields and figures, each template field present and of its
 * type (required ones not null), no extra members, every figure complete
 * with a page. A figure on a page outside [@first_page, @last_page] keeps
 * page 0 (unknown) and a warning.
 *
 * Returns: (transfer full) (nullable): a normalised copy of the answer, or
 * %NULL when @problems got at least one entry
 */
JsonNode *
assay_llm_answer_validate (const char    *text,
                           AssayTemplate *template_,
                           guint          first_page,
                           guint          last_page,
                           GPtrArray     *problems,
                           GPtrArray     *warnings)
{
  static const char * const known[] = { "title", "document_type", "fields", "figures", NULL };
  g_autofree char *json = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GList) members = NULL;
  g_autoptr(GPtrArray) dropped = g_ptr_array_new_with_free_func (g_free);
  guint problems_before;
  JsonObject *object;
  JsonNode *node;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (template_ != NULL, NULL);
  g_return_val_if_fail (problems != NULL, NULL);

  problems_before = problems->len;

  json = assay_llm_answer_find_json (text);
  if (json == NULL)
    {
      if (strchr (text, '{') != NULL)
        add_problem (problems, "The answer's JSON object is incomplete or invalid JSON. Answer "
                     "with one complete, valid JSON object.");
      else
        add_problem (problems, "The answer contains no JSON object. Answer with only the JSON "
                     "object described by the schema.");
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, json, -1, NULL))
    g_return_val_if_reached (NULL);
  object = json_node_get_object (json_parser_get_root (parser));

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  /* Members the template does not name are left out (a template field
   * put at the top level is read as that field); missing ones are null. */
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      if (!g_strv_contains (known, l->data) &&
          (assay_template_find_field (template_, l->data) == NULL ||
           (json_object_has_member (object, "fields") &&
            JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "fields")) &&
            json_object_has_member (json_object_get_object_member (object, "fields"), l->data))))
        add_dropped (dropped, l->data);
    }

  /* title */
  json_builder_set_member_name (builder, "title");
  node = json_object_has_member (object, "title") ? json_object_get_member (object, "title") : NULL;
  if (node != NULL && is_string (node) && json_node_get_string (node)[0] != '\0')
    {
      const char *str = checked_string (node, "title", problems);

      if (str != NULL)
        json_builder_add_string_value (builder, str);
      else
        json_builder_add_null_value (builder);
    }
  else
    {
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && !is_string (node))
        add_problem (problems, "\"title\" must be a string or null, not %s.", describe_kind (node));
      json_builder_add_null_value (builder);
    }

  /* document_type */
  json_builder_set_member_name (builder, "document_type");
  node = json_object_has_member (object, "document_type")
    ? json_object_get_member (object, "document_type") : NULL;
  if (node != NULL && is_string (node) && normalise_document_type (json_node_get_string (node)))
    json_builder_add_string_value (builder, normalise_document_type (json_node_get_string (node)));
  else
    {
      if (node != NULL)
        add_problem (problems, "\"document_type\" must be one of \"invoice\", "
                     "\"financial-report\", \"scientific-paper\" or \"general\".");
      json_builder_add_string_value (builder, "general");
    }

  /* fields */
  validate_fields (builder,
                   json_object_has_member (object, "fields") ? json_object_get_member (object, "fields") : NULL,
                   object, template_, problems, dropped);

  /* figures */
  json_builder_set_member_name (builder, "figures");
  json_builder_begin_array (builder);
  node = json_object_has_member (object, "figures") ? json_object_get_member (object, "figures") : NULL;
  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *figures = json_node_get_array (node);
      guint n = json_array_get_length (figures);

      for (guint i = 0; i < n && i < ASSAY_LLM_ANSWER_MAX_FIGURES; i++)
        validate_figure (builder, json_array_get_element (figures, i), i,
                         first_page, last_page, problems, warnings, dropped);

      if (n > ASSAY_LLM_ANSWER_MAX_FIGURES && warnings != NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("The model gave %u key figures for one part of "
                                            "the document; only the first %d were kept."),
                                          n, ASSAY_LLM_ANSWER_MAX_FIGURES));
    }
  else if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    add_problem (problems, "\"figures\" must be an array of objects, not %s.", describe_kind (node));
  else if (node != NULL)
    add_problem (problems, "\"figures\" must be an array (empty when there are none), not null.");
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  if (problems->len > problems_before)
    return NULL;

  if (dropped->len > 0 && warnings != NULL)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (dropped, NULL);
      names = g_strjoinv (", ", (char **) dropped->pdata);
      g_ptr_array_add (warnings,
                       g_strdup_printf (_("The model’s answer had members the template does not "
                                          "name (%s); they were left out."), names));
    }

  return json_builder_get_root (builder);
}

/**
 * assay_llm_answer_build_repair_prompt:
 * @problems: (element-type utf8): from assay_llm_answer_validate()
 *
 * Returns: (transfer full): the user message of a repair round
 */
char *
assay_llm_answer_build_repair_prompt (GPtrArray *problems)
{
  GString *str;

  g_return_val_if_fail (problems != NULL, NULL);

  str = g_string_new ("Your answer does not match the required JSON schema:\n");
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (str, "- %s\n", (const char *)g_ptr_array_index (problems, i));
  g_string_append (str,
                   "Answer again with only the corrected JSON object: no explanations, no "
                   "code fences. Keep every value you found in the document; use null for "
                   "values the document does not give.");

  return g_string_free (str, FALSE);
}

/* Merging the answers for the parts of one document. */

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  return object != NULL && json_object_has_member (object, name)
    ? json_object_get_member (object, name) : NULL;
}

/**
 * assay_llm_answer_merge:
 * @answers: (element-type JsonNode): validated answers, in page order
 *
 * One answer for the whole document: the first title found; the first
 * specific document type; for each field the first non-null value (lists:
 * the union, in order); all figures, in order, without exact duplicates.
 *
 * Returns: (transfer full): the merged answer
 */
JsonNode *
assay_llm_answer_merge (GPtrArray     *answers,
                        AssayTemplate *template_)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHashTable) seen_figures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *title = NULL;
  const char *document_type = NULL;

  g_return_val_if_fail (answers != NULL, NULL);
  g_return_val_if_fail (template_ != NULL, NULL);

  for (guint i = 0; i < answers->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (answers, i));
      JsonNode *node;

      node = get_member (object, "title");
      if (title == NULL && node != NULL && is_string (node))
        title = json_node_get_string (node);

      node = get_member (object, "document_type");
      if (node != NULL && is_string (node) &&
          (document_type == NULL ||
           (strcmp (document_type, "general") == 0 &&
            strcmp (json_node_get_string (node), "general") != 0)))
        document_type = json_node_get_string (node);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  if (title != NULL)
    json_builder_add_string_value (builder, title);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "document_type");
  json_builder_add_string_value (builder, document_type != NULL ? document_type : "general");

  json_builder_set_member_name (builder, "fields");
  json_builder_begin_object (builder);
  for (guint f = 0; f < assay_template_get_n_fields (template_); f++)
    {
      const AssayTemplateField *field = assay_template_get_field (template_, f);
      g_autoptr(GPtrArray) list = NULL;
      JsonNode *found = NULL;

      if (field->type == ASSAY_FIELD_LIST)
        list = g_ptr_array_new ();

      for (guint i = 0; i < answers->len; i++)
        {
          JsonObject *fields = json_object_get_object_member (
            json_node_get_object (g_ptr_array_index (answers, i)), "fields");
          JsonNode *node = get_member (fields, field->name);

          if (node == NULL || JSON_NODE_HOLDS_NULL (node))
            continue;

          if (list != NULL && JSON_NODE_HOLDS_ARRAY (node))
            {
              JsonArray *array = json_node_get_array (node);

              for (guint k = 0; k < json_array_get_length (array); k++)
                {
                  const char *item = json_array_get_string_element (array, k);
                  gboolean dup = FALSE;

                  for (guint m = 0; m < list->len && !dup; m++)
                    dup = strcmp (g_ptr_array_index (list, m), item) == 0;
                  if (!dup)
                    g_ptr_array_add (list, (gpointer) item);
                }
            }
          else if (found == NULL)
            found = node;
        }

      json_builder_set_member_name (builder, field->name);
      if (list != NULL && list->len > 0)
        {
          json_builder_begin_array (builder);
          for (guint m = 0; m < list->len; m++)
            json_builder_add_string_value (builder, g_ptr_array_index (list, m));
          json_builder_end_array (builder);
        }
      else if (found != NULL)
        json_builder_add_value (builder, json_node_copy (found));
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "figures");
  json_builder_begin_array (builder);
  for (guint i = 0; i < answers->len; i++)
    {
      JsonArray *figures = json_object_get_array_member (
        json_node_get_object (g_ptr_array_index (answers, i)), "figures");

      for (guint k = 0; figures != NULL && k < json_array_get_length (figures); k++)
        {
          JsonObject *figure = json_array_get_object_element (figures, k);
          char *key = g_strdup_printf ("%s\x1f%.17g\x1f%" G_GINT64_FORMAT,
                                       json_object_get_string_member (figure, "label"),
                                       json_object_get_double_member (figure, "value"),
                                       json_object_get_int_member (figure, "page"));

          if (!g_hash_table_add (seen_figures, key))
            continue;

          json_builder_add_value (builder,
                                  json_node_copy (json_array_get_element (figures, k)));
        }
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* An ISO 4217 code: three upper-case letters. */
static gboolean
looks_like_currency (const char *str)
{
  return str != NULL && strlen (str) == 3 &&
         g_ascii_isupper (str[0]) && g_ascii_isupper (str[1]) && g_ascii_isupper (str[2]);
}

/**
 * assay_llm_answer_to_extraction:
 * @answer: a validated (or merged) answer
 *
 * Fields the model left null are not added. Money fields take the unit of
 * a "currency" field when it holds an ISO code. Method "llm"; the caller
 * sets provider, model and token usage.
 *
 * Returns: (transfer full): the extraction
 */
AssayExtraction *
assay_llm_answer_to_extraction (JsonNode      *answer,
                                AssayTemplate *template_)
{
  g_autoptr(AssayExtraction) extraction = NULL;
  JsonObject *object, *fields;
  JsonArray *figures;
  JsonNode *node;
  const char *currency = NULL;

  g_return_val_if_fail (answer != NULL && JSON_NODE_HOLDS_OBJECT (answer), NULL);
  g_return_val_if_fail (template_ != NULL, NULL);

  object = json_node_get_object (answer);
  extraction = assay_extraction_new ("llm", assay_template_get_name (template_));

  node = get_member (object, "title");
  if (node != NULL && is_string (node))
    extraction->title = g_strdup (json_node_get_string (node));

  node = get_member (object, "document_type");
  if (node != NULL && is_string (node))
    {
      g_free (extraction->document_type);
      extraction->document_type = g_strdup (json_node_get_string (node));
    }

  fields = json_object_get_object_member (object, "fields");
  node = get_member (fields, "currency");
  if (node != NULL && is_string (node) && looks_like_currency (json_node_get_string (node)))
    currency = json_node_get_string (node);

  for (guint f = 0; f < assay_template_get_n_fields (template_); f++)
    {
      const AssayTemplateField *field = assay_template_get_field (template_, f);

      node = get_member (fields, field->name);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;

      switch (field->type)
        {
        case ASSAY_FIELD_NUMBER:
        case ASSAY_FIELD_MONEY:
          if (is_number (node))
            assay_extraction_add_number_field (extraction, field->name, field->type,
                                               get_number (node),
                                               field->type == ASSAY_FIELD_MONEY ? currency : NULL,
                                               0, NULL);
          break;

        case ASSAY_FIELD_LIST:
          if (JSON_NODE_HOLDS_ARRAY (node))
            {
              JsonArray *array = json_node_get_array (node);
              g_autoptr(GString) joined = g_string_new (NULL);

              for (guint k = 0; k < json_array_get_length (array); k++)
                g_string_append_printf (joined, "%s%s", k > 0 ? "; " : "",
                                        json_array_get_string_element (array, k));
              if (joined->len > 0)
                assay_extraction_add_field (extraction, field->name, field->type,
                                            joined->str, 0, NULL);
            }
          break;

        case ASSAY_FIELD_STRING:
        case ASSAY_FIELD_DATE:
        default:
          if (is_string (node))
            assay_extraction_add_field (extraction, field->name, field->type,
                                        json_node_get_string (node), 0, NULL);
          break;
        }
    }

  figures = json_object_get_array_member (object, "figures");
  for (guint k = 0; figures != NULL && k < json_array_get_length (figures); k++)
    {
      JsonObject *figure = json_array_get_object_element (figures, k);
      AssayFigure *added;

      added = assay_extraction_add_figure (extraction,
                                           json_object_get_string_member (figure, "label"),
                                           json_object_get_double_member (figure, "value"),
                                           json_object_get_string_member (figure, "raw"),
                                           (guint) json_object_get_int_member (figure, "page"),
                                           NULL);
      node = get_member (figure, "unit");
      if (node != NULL && is_string (node))
        added->unit = g_strdup (json_node_get_string (node));
      node = get_member (figure, "period");
      if (node != NULL && is_string (node))
        added->period = g_strdup (json_node_get_string (node));
    }

  return g_steal_pointer (&extraction);
}
