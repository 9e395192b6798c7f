/* assay-llm-answer.h — from a model's answer text to a checked extraction
 *
 * Finds the JSON object in an answer (prose, code fences and <think>
 * blocks around it are dropped), checks it against the template's schema
 * (missing, extra and mistyped members), phrases what is wrong for a repair
 * round, merges the answers for the parts of a long document, and converts
 * the result to an AssayExtraction. Pure; any thread.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "assay-extraction.h"
#include "assay-template.h"

G_BEGIN_DECLS

#define ASSAY_LLM_ANSWER_MAX_PROBLEMS 20
#define ASSAY_LLM_ANSWER_MAX_FIGURES  200

char            *assay_llm_answer_find_json            (const char      *text);
JsonNode        *assay_llm_answer_validate             (const char      *text,
                                                        AssayTemplate   *template_,
                                                        guint            first_page,
                                                        guint            last_page,
                                                        GPtrArray       *problems,
                                                        GPtrArray       *warnings);
char            *assay_llm_answer_build_repair_prompt  (GPtrArray       *problems);
JsonNode        *assay_llm_answer_merge                (GPtrArray       *answers,
                                                        AssayTemplate   *template_);
AssayExtraction *assay_llm_answer_to_extraction        (JsonNode        *answer,
                                                        AssayTemplate   *template_);

G_END_DECLS
