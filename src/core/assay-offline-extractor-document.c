/* assay-offline-extractor-document.c — document type, title and DOI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-offline-extractor"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-offline-extractor-private.h"

static const char * const type_names[N_TYPES] = {
  [TYPE_INVOICE] = "invoice",
  [TYPE_REPORT] = "financial-report",
  [TYPE_PAPER] = "scientific-paper",
};

/* ------------------------------------------------------- document type */

void
_assay_offline_score_line (Extractor  *self,
                           const Line *line)
{
  for (guint t = 0; t < N_TYPES; t++)
    {
      for (guint k = 0; k < MAX_KEYWORDS && _assay_offline_type_keywords[t][k].word != NULL; k++)
        {
          if (self->hits[t][k] >= MAX_KEYWORD_HITS)
            continue;
          if (_assay_offline_find_word_from (line->lower, line->lower, _assay_offline_type_keywords[t][k].word, TRUE) != NULL)
            {
              self->hits[t][k]++;
              self->score[t] += _assay_offline_type_keywords[t][k].weight;
            }
        }
    }
}

const char *
_assay_offline_guess_document_type (Extractor *self)
{
  const char *template_name = self->template_ != NULL
                              ? assay_template_get_name (self->template_) : "general";
  int best = -1;
  int best_score = 0;

  /* The template the person chose counts as evidence too. */
  for (guint t = 0; t < N_TYPES; t++)
    {
      int score = self->score[t];

      if (g_strcmp0 (template_name, type_names[t]) == 0)
        score += 3;
      if (score >= 3 && score > best_score)
        {
          best = (int) t;
          best_score = score;
        }
    }

  return best >= 0 ? type_names[best] : "general";
}

/* ---------------------------------------------------------- title & doi */

static gboolean
is_substantial (const Line *line)
{
  guint letters = 0;
  guint visible = 0;
  g_autofree char *copy = NULL;

  if (line->len < 4 || line->len > MAX_SNIPPET)
    return FALSE;

  copy = g_strndup (line->text, line->len);
  if (!g_utf8_validate (copy, -1, NULL))
    return FALSE;

  for (const char *p = copy; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        continue;
      visible++;
      letters += g_unichar_isalpha (c);
    }

  return letters >= 3 && letters * 2 >= visible && line->text[line->len - 1] != ':';
}

void
_assay_offline_find_title_line (Extractor  *self,
                                const Line *line)
{
  if (line->index >= TITLE_LINES)
    return;

  if (!self->title_line.set && is_substantial (line))
    _assay_offline_found_set (&self->title_line,
                              _assay_offline_make_snippet (line->text, _assay_offline_first_cell (line->text, line->len)),
                              NAN, NULL,
                              line->page, line->text, line->len, 0);

  if (!self->invoice_line.set && line->index < 15 && _assay_offline_is_invoice_heading (line))
    {
      _assay_offline_found_set (&self->invoice_line,
                                _assay_offline_make_snippet (line->text, _assay_offline_first_cell (line->text, line->len)),
                                NAN, NULL,
                                line->page, line->text, line->len, 0);
      self->invoice_line_index = line->index;
    }
}

void
_assay_offline_find_doi (Extractor  *self,
                         const Line *line)
{
  const char *p;

  if (self->doi.set)
    return;

  for (p = strstr (line->lower, "10."); p != NULL; p = strstr (p + 1, "10."))
    {
      const char *q = p + 3;
      guint digits = 0;

      if (p > line->lower && g_ascii_isalnum (p[-1]))
        continue;
      while (g_ascii_isdigit (*q))
        q++, digits++;
      if (digits < 4 || digits > 9 || *q != '/' || q[1] == '\0' || is_space (q[1]))
        continue;

      while (*q != '\0' && !is_space (*q))
        q++;
      while (q > p && strchr (".,;)]", q[-1]) != NULL)
        q--;

      _assay_offline_found_set (&self->doi, g_strndup (line->text + (p - line->lower), q - p), NAN, NULL,
                                line->page, line->text, line->len, 0);
      return;
    }
}

/* A metadata title that names the document, or NULL: not "Untitled", not a
 * file name. "Microsoft Word - Annual Report.docx" gives "Annual Report". */
char *
_assay_offline_meaningful_title (const char *title)
{
  static const char * const prefixes[] = {
    "Microsoft Word - ", "Microsoft PowerPoint - ", "Microsoft Excel - ", NULL
  };
  static const char * const extensions[] = {
    ".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".xls", ".xlsx", ".ppt", ".pptx",
    ".tex", ".indd", ".dvi", ".ps", ".odp", ".ods", ".pages", ".key", NULL
  };
  static const char * const placeholders[] = {
    "untitled", "document", "title", "no title", "none", "slide 1", "presentation",
    "(anonymous)", "unknown", "draft", NULL
  };
  g_autofree char *copy = NULL;
  g_autofree char *lower = NULL;
  char *t;
  guint letters = 0;
  gboolean had_extension = FALSE;

  if (title == NULL || !g_utf8_validate (title, -1, NULL))
    return NULL;

  copy = g_strdup (title);
  t = g_strstrip (copy);

  for (guint i = 0; prefixes[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (t, prefixes[i], strlen (prefixes[i])) == 0)
        t = g_strstrip (t + strlen (prefixes[i]));
    }

  lower = g_ascii_strdown (t, -1);
  for (guint i = 0; extensions[i] != NULL; i++)
    {
      if (g_str_has_suffix (lower, extensions[i]))
        {
          t[strlen (t) - strlen (extensions[i])] = '\0';
          lower[strlen (lower) - strlen (extensions[i])] = '\0';
          had_extension = TRUE;
          break;
        }
    }
  g_strstrip (t);
  g_strstrip (lower);

  for (const char *p = t; *p != '\0'; p = g_utf8_next_char (p))
    letters += g_unichar_isalpha (g_utf8_get_char (p));

  if (letters < 3 || strlen (t) > 300)
    return NULL;
  if (_assay_offline_str_in (lower, placeholders) || g_str_has_prefix (lower, "untitled"))
    return NULL;
  /* "Document1", "scan_0001": what a program named the file */
  if (g_str_has_prefix (lower, "document") && g_ascii_isdigit (lower[strlen ("document")]))
    return NULL;
  if (strchr (t, ' ') == NULL &&
      (had_extension || strchr (t, '_') != NULL || strchr (t, '/') != NULL ||
       strchr (t, '\\') != NULL))
    return NULL;

  return g_strdup (t);
}
