/* assay-llm-request.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-llm-request"

#include "config.h"

#include <string.h>

#include "assay-llm-request.h"

/* The name OpenAI's json_schema response format requires: [a-zA-Z0-9_-]. */
#define SCHEMA_NAME "assay_extraction"

AssayLlmMessage *
assay_llm_message_new (const char *role,
                       const char *content)
{
  AssayLlmMessage *message;

  g_return_val_if_fail (role != NULL, NULL);
  g_return_val_if_fail (content != NULL, NULL);

  message = g_new (AssayLlmMessage, 1);
  message->role = g_strdup (role);
  message->content = g_strdup (content);

  return message;
}

void
assay_llm_message_free (AssayLlmMessage *message)
{
  if (message == NULL)
    return;

  g_free (message->role);
  g_free (message->content);
  g_free (message);
}

static const char *
type_name (AssayFieldType type)
{
  switch (type)
    {
    case ASSAY_FIELD_NUMBER: return "number";
    case ASSAY_FIELD_MONEY: return "number (an amount, without currency sign)";
    case ASSAY_FIELD_DATE: return "date YYYY-MM-DD";
    case ASSAY_FIELD_LIST: return "array of strings";
    case ASSAY_FIELD_STRING:
    default: return "string";
    }
}

/**
 * assay_llm_request_build_system_prompt:
 * @schema: the template's JSON schema, quoted in the prompt
 *
 * The prompt is English whatever the user's language: models follow
 * English instructions best, and the answer's values stay as printed.
 *
 * Returns: (transfer full): the system message
 */
char *
assay_llm_request_build_system_prompt (AssayTemplate *template_,
                                       JsonNode      *schema)
{
  g_autofree char *schema_text = NULL;
  GString *str;

  g_return_val_if_fail (template_ != NULL, NULL);
  g_return_val_if_fail (schema != NULL, NULL);

  schema_text = json_to_string (schema, FALSE);
  str = g_string_new (NULL);

  g_string_append (str,
                   "You extract data from documents. The user gives you the text of a "
                   "document, or of a part of it. Answer with exactly one JSON object that "
                   "follows this JSON schema:\n");
  g_string_append (str, schema_text);
  g_string_append (str,
                   "\n\nRules:\n"
                   "- Answer with the JSON object only: no explanations, no code fences.\n"
                   "- Use only what the text says. Use null for a field the text does not "
                   "give; never guess.\n"
                   "- The text is split into pages, each starting with a line "
                   "\"=== Page N ===\". For each figure, \"page\" is the N of the page it is "
                   "printed on.\n"
                   "- \"figures\" lists the document's key numbers (totals, amounts, counts, "
                   "rates, results), each with a short label. \"raw\" is the number exactly "
                   "as printed; \"value\" is it as a JSON number with the sign and any stated "
                   "scale applied (\"(1,234)\" in a table in thousands is -1234000).\n"
                   "- Numbers are JSON numbers without currency signs or thousands "
                   "separators. Dates are YYYY-MM-DD.\n");

  g_string_append_printf (str, "\nTemplate \"%s\": %s\nFields:\n",
                          assay_template_get_name (template_),
                          assay_template_get_description (template_));

  for (guint i = 0; i < assay_template_get_n_fields (template_); i++)
    {
      const AssayTemplateField *field = assay_template_get_field (template_, i);

      g_string_append_printf (str, "- %s (%s%s)%s%s\n",
                              field->name,
                              type_name (field->type),
                              field->required ? ", required" : "",
                              field->description[0] != '\0' ? ": " : "",
                              field->description);
    }

  return g_string_free (str, FALSE);
}

/**
 * assay_llm_request_build_user_prompt:
 * @part: 1-based part number
 * @text: the part's text with page markers
 *
 * Returns: (transfer full): the user message for one part of a document
 */
char *
assay_llm_request_build_user_prompt (guint       part,
                                     guint       n_parts,
                                     guint       first_page,
                                     guint       last_page,
                                     const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  if (n_parts <= 1)
    return g_strdup_printf ("Extract the data from this document.\n\n%s", text);

  return g_strdup_printf ("This is part %u of %u of a long document (pages %u to %u). "
                          "Extract the data found in this part.\n\n%s",
                          part, n_parts, first_page, last_page, text);
}

/**
 * assay_llm_request_build_chat_body:
 * @messages: (element-type AssayLlmMessage): the conversation
 *
 * OpenAI: model, messages, stream (with usage in the stream), temperature 0
 * and response_format. Ollama: model, messages, stream, format and options
 * with num_ctx set explicitly (its default silently truncates long
 * prompts), num_predict and temperature 0.
 *
 * Returns: (transfer full): the JSON body
 */
GBytes *
assay_llm_request_build_chat_body (const AssayLlmRequestOptions *options,
                                   GPtrArray                    *messages)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *body;
  gsize length;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->model != NULL, NULL);
  g_return_val_if_fail (messages != NULL, NULL);
  g_return_val_if_fail (options->mode != ASSAY_LLM_OUTPUT_SCHEMA || options->schema != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, options->model);

  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  for (guint i = 0; i < messages->len; i++)
    {
      const AssayLlmMessage *message = g_ptr_array_index (messages, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "role");
      json_builder_add_string_value (builder, message->role);
      json_builder_set_member_name (builder, "content");
      json_builder_add_string_value (builder, message->content);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "stream");
  json_builder_add_boolean_value (builder, options->stream);

  if (options->provider == ASSAY_LLM_PROVIDER_OLLAMA)
    {
      if (options->mode == ASSAY_LLM_OUTPUT_SCHEMA)
        {
          json_builder_set_member_name (builder, "format");
          json_builder_add_value (builder, json_node_copy (options->schema));
        }
      else if (options->mode == ASSAY_LLM_OUTPUT_JSON)
        {
          json_builder_set_member_name (builder, "format");
          json_builder_add_string_value (builder, "json");
        }

      json_builder_set_member_name (builder, "options");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "num_ctx");
      json_builder_add_int_value (builder, options->context_tokens);
      if (options->max_output_tokens > 0)
        {
          json_builder_set_member_name (builder, "num_predict");
          json_builder_add_int_value (builder, options->max_output_tokens);
        }
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_int_value (builder, 0);
      json_builder_end_object (builder);
    }
  else
    {
      json_builder_set_member_name (builder, "temperature");
      json_builder_add_int_value (builder, 0);

      if (options->raise_output_limit && options->max_output_tokens > 0)
        {
          json_builder_set_member_name (builder, "max_tokens");
          json_builder_add_int_value (builder, options->max_output_tokens);
        }

      if (options->stream)
        {
          json_builder_set_member_name (builder, "stream_options");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "include_usage");
          json_builder_add_boolean_value (builder, TRUE);
          json_builder_end_object (builder);
        }

      if (options->mode == ASSAY_LLM_OUTPUT_SCHEMA)
        {
          json_builder_set_member_name (builder, "response_format");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "json_schema");
          json_builder_set_member_name (builder, "json_schema");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, SCHEMA_NAME);
          json_builder_set_member_name (builder, "strict");
          json_builder_add_boolean_value (builder, TRUE);
          json_builder_set_member_name (builder, "schema");
          json_builder_add_value (builder, json_node_copy (options->schema));
          json_builder_end_object (builder);
          json_builder_end_object (builder);
        }
      else if (options->mode == ASSAY_LLM_OUTPUT_JSON)
        {
          json_builder_set_member_name (builder, "response_format");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "type");
          json_builder_add_string_value (builder, "json_object");
          json_builder_end_object (builder);
        }
    }

  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, &length);

  return g_bytes_new_take (body, length);
}

/**
 * assay_llm_request_error_is_about_format:
 * @server_message: (nullable): a 400 response's message
 *
 * Returns: whether the server seems to reject the structured output
 * request itself (an unknown response_format, a schema it cannot take), so
 * that a simpler output mode is worth trying
 */
gboolean
assay_llm_request_error_is_about_format (const char *server_message)
{
  static const char * const hints[] = {
    "response_format", "json_schema", "json_object", "format", "schema", "grammar", NULL
  };
  g_autofree char *lower = NULL;

  if (server_message == NULL)
    return FALSE;

  lower = g_ascii_strdown (server_message, -1);
  for (guint i = 0; hints[i] != NULL; i++)
    {
      if (strstr (lower, hints[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

/**
 * assay_llm_request_error_is_about_context:
 * @server_message: (nullable): a 400 response's message
 *
 * Returns: whether the server says the prompt is longer than the model's
 * context, so that smaller chunks are worth trying
 */
gboolean
assay_llm_request_error_is_about_context (const char *server_message)
{
  static const char * const hints[] = {
    "context_length", "context length", "maximum context", "context window",
    "too many tokens", "prompt is too long", "exceeds the context", NULL
  };
  g_autofree char *lower = NULL;

  if (server_message == NULL)
    return FALSE;

  lower = g_ascii_strdown (server_message, -1);
  for (guint i = 0; hints[i] != NULL; i++)
    {
      if (strstr (lower, hints[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}
