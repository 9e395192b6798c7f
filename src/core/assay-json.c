/* assay-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A recursive-descent reader over a byte range and a writer into one
 * GString. The reader's speed comes from not tokenising twice (json-glib's
 * scanner peeks every token, then reads it again into a new GString) and
 * from decoding every string into one scratch buffer that json-glib then
 * copies: no allocation per token beyond the nodes themselves. What is
 * left is mostly json-glib's own tree (a hash table per object; per member
 * three hashes of its name and a copy; per string two slices and a copy):
 * building that tree through its API costs about as much as this whole
 * parse, which caps the gain at about 2x.
 */
#define G_LOG_DOMAIN "assay-json"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "assay-json.h"

typedef struct
{
  const guchar  *start;
  const guchar  *p;
  const guchar  *end;
  /* Decoded strings, stacked: a member name stays here, NUL-terminated,
   * while its value is parsed after it, then the whole is truncated. */
  GString       *scratch;
  GError       **error;
} Parser;

static JsonNode *parse_value (Parser *parser,
                              guint   depth);

/* Sets the error once: the innermost failure is the one worth reporting. */
static void
fail (Parser       *parser,
      const guchar *at,
      const char   *what)
{
  if (parser->error == NULL || *parser->error != NULL)
    return;

  g_set_error (parser->error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               _("Not valid JSON at byte %zu: %s"),
               (gsize) (at - parser->start), what);
}

static inline void
skip_space (Parser *parser)
{
  while (parser->p < parser->end &&
         (*parser->p == ' ' || *parser->p == '\n' || *parser->p == '\r' || *parser->p == '\t'))
    parser->p++;
}

/* Length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0. Shared with the
 * writer so that what it writes always reads back. */
static inline guint
utf8_sequence_length (const guchar *p,
                      const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xBF;
  guint n;

  if (c < 0x80)
    return 1;
  else if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    }
  else if (c >= 0xF0 && c <= 0xF4)
    {
      n = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    }
  else
    return 0;

  if ((gsize) (end - p) < n || p[1] < lo || p[1] > hi)
    return 0;
  for (guint i = 2; i < n; i++)
    if ((p[i] & 0xC0) != 0x80)
      return 0;

  return n;
}

static int
read_hex4 (Parser *parser)
{
  int value = 0;

  if (parser->end - parser->p < 4)
    return -1;

  for (guint i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (parser->p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  parser->p += 4;

  return value;
}

/* After the backslash. */
static gboolean
parse_escape (Parser *parser)
{
  const guchar *at = parser->p - 1;
  char utf8[6];
  int unit;
  gunichar c;

  if (parser->p >= parser->end)
    {
      fail (parser, at, _("the text ends inside a string"));
      return FALSE;
    }

  switch (*parser->p++)
    {
    case '"':  g_string_append_c (parser->scratch, '"');  return TRUE;
    case '\\': g_string_append_c (parser->scratch, '\\'); return TRUE;
    case '/':  g_string_append_c (parser->scratch, '/');  return TRUE;
    case 'b':  g_string_append_c (parser->scratch, '\b'); return TRUE;
    case 'f':  g_string_append_c (parser->scratch, '\f'); return TRUE;
    case 'n':  g_string_append_c (parser->scratch, '\n'); return TRUE;
    case 'r':  g_string_append_c (parser->scratch, '\r'); return TRUE;
    case 't':  g_string_append_c (parser->scratch, '\t'); return TRUE;
    case 'u':  break;
    default:
      fail (parser, at, _("unknown escape sequence in a string"));
      return FALSE;
    }

  if ((unit = read_hex4 (parser)) < 0)
    {
      fail (parser, at, _("“\\u” needs four hexadecimal digits"));
      return FALSE;
    }
  c = (gunichar) unit;

  /* A character past U+FFFF is written as a UTF-16 surrogate pair. Like
   * json-glib we refuse a half pair rather than invent a character. */
  if (c >= 0xDC00 && c <= 0xDFFF)
    {
      fail (parser, at, _("unpaired UTF-16 surrogate in a string"));
      return FALSE;
    }
  if (c >= 0xD800 && c <= 0xDBFF)
    {
      if (parser->end - parser->p < 2 || parser->p[0] != '\\' || parser->p[1] != 'u')
        unit = -1;
      else
        {
          parser->p += 2;
          unit = read_hex4 (parser);
        }
      if (unit < 0xDC00 || unit > 0xDFFF)
        {
          fail (parser, at, _("unpaired UTF-16 surrogate in a string"));
          return FALSE;
        }
      c = 0x10000 + ((c - 0xD800) << 10) + ((gunichar) unit - 0xDC00);
    }

  /* JsonNode strings are C strings: a NUL would silently cut the text. */
  if (c == 0)
    {
      fail (parser, at, _("a string holds a NUL character (\\u0000)"));
      return FALSE;
    }

  g_string_append_len (parser->scratch, utf8, g_unichar_to_utf8 (c, utf8));

  return TRUE;
}

/* Decodes the string at parser->p (on its quote) onto the end of the
 * scratch buffer, NUL-terminated; returns its offset there, or -1. */
static gssize
parse_string (Parser *parser)
{
  gsize offset = parser->scratch->len;
  const guchar *run;

  g_assert (*parser->p == '"');

  run = ++parser->p;
  for (;;)
    {
      guchar c;

      if (parser->p >= parser->end)
        {
          fail (parser, parser->p, _("the text ends inside a string"));
          return -1;
        }

      c = *parser->p;
      if (G_LIKELY (c >= 0x20 && c < 0x80 && c != '"' && c != '\\'))
        parser->p++;
      else if (c == '"' || c == '\\')
        {
          g_string_append_len (parser->scratch, (const char *) run, parser->p - run);
          parser->p++;
          if (c == '"')
            break;
          if (!parse_escape (parser))
            return -1;
          run = parser->p;
        }
      else if (c < 0x20)
        {
          fail (parser, parser->p, _("a control character must be escaped in a string"));
          return -1;
        }
      else
        {
          guint n = utf8_sequence_length (parser->p, parser->end);

          if (n == 0)
            {
              fail (parser, parser->p, _("invalid UTF-8"));
              return -1;
            }
          parser->p += n;
        }
    }

  g_string_append_c (parser->scratch, '\0');

  return (gssize) offset;
}

#if FLT_EVAL_METHOD == 0
static const double powers_of_ten[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};
#endif

static JsonNode *
parse_number (Parser *parser)
{
  const guchar *start = parser->p;
  const guchar *digits;
  const guchar *int_end;
  gboolean negative = FALSE;
  gboolean integer = TRUE;
  guint64 mantissa = 0;
  gboolean mantissa_exact = TRUE;
  int fraction_digits = 0;
  int exponent = 0;
  char stack_buffer[64];
  g_autofree char *heap_buffer = NULL;
  char *literal;
  gsize length;
  double value;

#define IS_DIGIT(p) ((p) < parser->end && *(p) >= '0' && *(p) <= '9')

  if (*parser->p == '-')
    {
      negative = TRUE;
      parser->p++;
    }

  digits = parser->p;
  if (!IS_DIGIT (parser->p))
    {
      fail (parser, parser->p, _("expected a digit"));
      return NULL;
    }
  if (*parser->p == '0')
    {
      parser->p++;
      if (IS_DIGIT (parser->p))
        {
          fail (parser, start, _("a number cannot start with 0"));
          return NULL;
        }
    }
  else
    while (IS_DIGIT (parser->p))
      parser->p++;
  int_end = parser->p;

  if (parser->p < parser->end && *parser->p == '.')
    {
      integer = FALSE;
      parser->p++;
      if (!IS_DIGIT (parser->p))
        {
          fail (parser, parser->p, _("expected a digit after the decimal point"));
          return NULL;
        }
      while (IS_DIGIT (parser->p))
        parser->p++;
      /* Capped like the exponent below: only its size matters. */
      fraction_digits = (int) MIN (parser->p - int_end - 1, 100000);
    }

  if (parser->p < parser->end && (*parser->p == 'e' || *parser->p == 'E'))
    {
      gboolean exponent_negative = FALSE;

      integer = FALSE;
      parser->p++;
      if (parser->p < parser->end && (*parser->p == '+' || *parser->p == '-'))
        exponent_negative = *parser->p++ == '-';
      if (!IS_DIGIT (parser->p))
        {
          fail (parser, parser->p, _("expected a digit in the exponent"));
          return NULL;
        }
      /* Capped: only its size matters, and it must not overflow. */
      for (; IS_DIGIT (parser->p); parser->p++)
        exponent = MIN (exponent * 10 + (*parser->p - '0'), 100000);
      if (exponent_negative)
        exponent = -exponent;
    }

#undef IS_DIGIT

  /* All significant digits as one integer, as long as it stays exact. */
  for (const guchar *d = digits; d < parser->p && mantissa_exact; d++)
    {
      if (*d == '.')
        continue;
      if (*d == 'e' || *d == 'E')
        break;
      if (mantissa > (G_MAXUINT64 - 9) / 10)
        mantissa_exact = FALSE;
      else
        mantissa = mantissa * 10 + (guint) (*d - '0');
    }

  if (integer && mantissa_exact)
    {
      if (!negative && mantissa <= (guint64) G_MAXINT64)
        return json_node_init_int (json_node_alloc (), (gint64) mantissa);
      if (negative && mantissa <= (guint64) G_MAXINT64 + 1)
        return json_node_init_int (json_node_alloc (), (gint64) (0 - mantissa));
    }
  /* An integer beyond gint64 becomes a double; json-glib 1.6 wraps it. */

  exponent -= fraction_digits;

#if FLT_EVAL_METHOD == 0
  /* Both factors are exact doubles and IEEE rounds one operation
   * correctly, so this equals strtod()'s correctly rounded result
   * (Clinger's fast path) for most numbers Assay writes, at a fraction
   * of its cost. */
  if (mantissa_exact && mantissa <= (G_GUINT64_CONSTANT (1) << 53) &&
      exponent >= -22 && exponent <= 22)
    {
      value = (double) mantissa;
      value = exponent < 0 ? value / powers_of_ten[-exponent] : value * powers_of_ten[exponent];
      return json_node_init_double (json_node_alloc (), negative ? -value : value);
    }
#endif

  /* g_ascii_strtod() needs a NUL after the literal, which the input may lack. */
  length = (gsize) (parser->p - start);
  if (length < sizeof stack_buffer)
    literal = stack_buffer;
  else
    literal = heap_buffer = g_malloc (length + 1);
  memcpy (literal, start, length);
  literal[length] = '\0';

  value = g_ascii_strtod (literal, NULL);
  if (isinf (value))
    {
      /* json-glib gives infinity, which JSON cannot hold. */
      fail (parser, start, _("the number is too large"));
      return NULL;
    }

  return json_node_init_double (json_node_alloc (), value);
}

static gboolean
parse_literal (Parser     *parser,
               const char *word)
{
  gsize length = strlen (word);

  if ((gsize) (parser->end - parser->p) < length || memcmp (parser->p, word, length) != 0)
    {
      fail (parser, parser->p, _("expected a value"));
      return FALSE;
    }
  parser->p += length;

  return TRUE;
}

static JsonNode *
parse_array (Parser *parser,
             guint   depth)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *array = json_array_new ();

  json_node_take_array (node, array);
  parser->p++;

  skip_space (parser);
  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      return g_steal_pointer (&node);
    }

  for (;;)
    {
      JsonNode *element;

      skip_space (parser);
      if ((element = parse_value (parser, depth + 1)) == NULL)
        return NULL;
      json_node_set_parent (element, node);
      json_array_add_element (array, element);

      skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        parser->p++;
      else if (parser->p < parser->end && *parser->p == ']')
        {
          parser->p++;
          return g_steal_pointer (&node);
        }
      else
        {
          fail (parser, parser->p, _("expected “,” or “]”"));
          return NULL;
        }
    }
}

static JsonNode *
parse_object (Parser *parser,
              guint   depth)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_node_take_object (node, object);
  parser->p++;

  skip_space (parser);
  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      return g_steal_pointer (&node);
    }

  for (;;)
    {
      JsonNode *member;
      gssize name;

      skip_space (parser);
      if (parser->p >= parser->end || *parser->p != '"')
        {
          fail (parser, parser->p, _("expected a member name in quotes"));
          return NULL;
        }
      if ((name = parse_string (parser)) < 0)
        return NULL;

      skip_space (parser);
      if (parser->p >= parser->end || *parser->p != ':')
        {
          fail (parser, parser->p, _("expected “:” after a member name"));
          return NULL;
        }
      parser->p++;

      skip_space (parser);
      if ((member = parse_value (parser, depth + 1)) == NULL)
        return NULL;
      json_node_set_parent (member, node);
      /* A repeated name keeps its first place and takes the last value,
       * exactly as json-glib's parser does: it is this same call. */
      json_object_set_member (object, parser->scratch->str + name, member);
      g_string_truncate (parser->scratch, (gsize) name);

      skip_space (parser);
      if (parser->p < parser->end && *parser->p == ',')
        parser->p++;
      else if (parser->p < parser->end && *parser->p == '}')
        {
          parser->p++;
          return g_steal_pointer (&node);
        }
      else
        {
          fail (parser, parser->p, _("expected “,” or “}”"));
          return NULL;
        }
    }
}

/* At a value's first byte (white space already skipped). */
static JsonNode *
parse_value (Parser *parser,
             guint   depth)
{
  gssize offset;
  JsonNode *node;

  if (parser->p >= parser->end)
    {
      fail (parser, parser->p, _("the text ends where a value was expected"));
      return NULL;
    }

  switch (*parser->p)
    {
    case '{':
    case '[':
      if (depth >= ASSAY_JSON_MAX_DEPTH)
        {
          fail (parser, parser->p, _("arrays and objects are nested too deeply"));
          return NULL;
        }
      return *parser->p == '{' ? parse_object (parser, depth) : parse_array (parser, depth);

    case '"':
      if ((offset = parse_string (parser)) < 0)
        return NULL;
      node = json_node_init_string (json_node_alloc (), parser->scratch->str + offset);
      g_string_truncate (parser->scratch, (gsize) offset);
      return node;

    case 't':
      return parse_literal (parser, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;

    case 'f':
      return parse_literal (parser, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;

    case 'n':
      return parse_literal (parser, "null") ? json_node_init_null (json_node_alloc ()) : NULL;

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return parse_number (parser);

    default:
      fail (parser, parser->p, _("expected a value"));
      return NULL;
    }
}

/**
 * assay_json_parse:
 * @data: (array length=length): JSON text, UTF-8; need not be NUL-terminated
 * @length: the number of bytes in @data
 *
 * Reads one JSON value (RFC 8259), with optional white space around it and
 * an optional UTF-8 byte order mark before it (skipped, as json-glib does).
 * Integers that fit a gint64 become int nodes, other numbers double nodes,
 * as with json-glib. Stricter than json-glib: no comments, hex or octal,
 * single quotes, trailing data, control characters in strings, "\u0000",
 * lone surrogates, numbers beyond a double's range, or nesting deeper than
 * %ASSAY_JSON_MAX_DEPTH. Never reads past @length.
 *
 * Any thread.
 *
 * Returns: (transfer full) (nullable): the value as a mutable tree, or %NULL
 *   with @error set to %G_IO_ERROR_INVALID_DATA naming the byte offset
 */
JsonNode *
assay_json_parse (const char  *data,
                  gsize        length,
                  GError     **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (256);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  Parser parser;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parser.start = (const guchar *) data;
  parser.p = parser.start;
  parser.end = parser.start + length;
  parser.scratch = scratch;
  /* fail() needs somewhere to record that it failed. */
  parser.error = &local_error;

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    parser.p += 3;

  skip_space (&parser);
  root = parse_value (&parser, 0);
  if (root != NULL)
    {
      skip_space (&parser);
      if (parser.p < parser.end)
        fail (&parser, parser.p, _("unexpected text after the value"));
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  g_assert (root != NULL);

  return g_steal_pointer (&root);
}

static void
append_string (GString    *out,
               const char *string)
{
  static const char hex[] = "0123456789abcdef";
  const guchar *p = (const guchar *) string;
  const guchar *run = p;

  g_string_append_c (out, '"');

  while (*p != '\0')
    {
      guchar c = *p;
      const char *escape;
      char u_escape[7];
      guint n;

      if (G_LIKELY (c >= 0x20 && c < 0x80 && c != '"' && c != '\\'))
        {
          p++;
          continue;
        }

      /* Passed through when well formed; a stray byte becomes U+FFFD so
       * that what we write always reads back. The NUL bounds the check. */
      if (c >= 0x80 && (n = utf8_sequence_length (p, p + strnlen ((const char *) p, 4))) > 0)
        {
          p += n;
          continue;
        }

      g_string_append_len (out, (const char *) run, p - run);
      switch (c)
        {
        case '"':  escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          if (c >= 0x80)
            escape = "\xEF\xBF\xBD";
          else
            {
              memcpy (u_escape, "\\u00", 4);
              u_escape[4] = hex[c >> 4];
              u_escape[5] = hex[c & 0xF];
              u_escape[6] = '\0';
              escape = u_escape;
            }
        }
      g_string_append (out, escape);
      run = ++p;
    }

  g_string_append_len (out, (const char *) run, p - run);
  g_string_append_c (out, '"');
}

/* Writes @magnitude's digits with a decimal point before the last
 * @decimals of them (none when 0), at the end of @buffer; returns the start. */
static char *
format_digits (char    *end,
               guint64  magnitude,
               guint    decimals,
               gboolean negative)
{
  char *p = end;
  guint n = 0;

  do
    {
      *--p = (char) ('0' + magnitude % 10);
      magnitude /= 10;
      if (++n == decimals)
        *--p = '.';
    }
  while (magnitude > 0 || n < decimals);
  if (n == decimals)
    *--p = '0';
  if (negative)
    *--p = '-';

  return p;
}

static void
append_int (GString *out,
            gint64   value)
{
  char buffer[24];
  char *start;

  /* Negated unsigned, so that G_MININT64 does not overflow. */
  start = format_digits (buffer + sizeof buffer,
                         value < 0 ? 0 - (guint64) value : (guint64) value,
                         0, value < 0);
  g_string_append_len (out, start, buffer + sizeof buffer - start);
}

static void
append_double (GString *out,
               double   value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE + 2];
  char *start;

  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }

#if FLT_EVAL_METHOD == 0
  /* Most doubles Assay writes are short decimals (40.2, 1234500000.0).
   * Find the fewest decimals k that give an integer m = value·10^k below
   * 2^53 with m / 10^k == value: that division has exact operands and is
   * correctly rounded, just like strtod() reading m·10^-k written out, so
   * the text reads back as @value. No printf, no strtod. Tiny numbers are
   * left to %g, whose exponent form is shorter for them. */
  for (guint k = 0; k <= 17 && (value == 0 || fabs (value) >= 1e-4); k++)
    {
      double scaled = value * powers_of_ten[k];
      double m;

      if (fabs (scaled) >= 9007199254740992.0)
        break;
      m = nearbyint (scaled);
      if (m / powers_of_ten[k] == value)
        {
          start = format_digits (buffer + sizeof buffer, (guint64) fabs (m), k, signbit (value));
          g_string_append_len (out, start, buffer + sizeof buffer - start);
          if (k == 0)
            g_string_append (out, ".0");
          return;
        }
    }
#endif

  /* The shortest of these that reads back as the same double; %.17g always
   * does. JsonGenerator uses %.17g alone, giving 0.1 as 0.10000000000000001. */
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  g_string_append (out, buffer);
  /* Without these it would read back as an integer. */
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *child;
  JsonObject *object;
  JsonArray *array;
  const char *string;
  guint length;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      g_string_append_c (out, '{');
      if ((object = json_node_get_object (node)) != NULL)
        {
          /* In order, and without the list json_object_get_members()
           * allocates. */
          json_object_iter_init_ordered (&iter, object);
          for (guint i = 0; json_object_iter_next_ordered (&iter, &name, &child); i++)
            {
              if (i > 0)
                g_string_append_c (out, ',');
              append_string (out, name);
              g_string_append_c (out, ':');
              append_node (out, child);
            }
        }
      g_string_append_c (out, '}');
      break;

    case JSON_NODE_ARRAY:
      g_string_append_c (out, '[');
      if ((array = json_node_get_array (node)) != NULL)
        {
          length = json_array_get_length (array);
          for (guint i = 0; i < length; i++)
            {
              if (i > 0)
                g_string_append_c (out, ',');
              append_node (out, json_array_get_element (array, i));
            }
        }
      g_string_append_c (out, ']');
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;

        case G_TYPE_DOUBLE:
          append_double (out, json_node_get_double (node));
          break;

        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;

        case G_TYPE_STRING:
          if ((string = json_node_get_string (node)) != NULL)
            append_string (out, string);
          else
            g_string_append (out, "null");
          break;

        default:
          g_string_append (out, "null");
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
    }
}

/**
 * assay_json_to_string:
 * @node: the value to write
 * @length: (out) (optional): where to store the length in bytes
 *
 * Writes @node as compact JSON (no white space), object members in their
 * order. Doubles are written with the fewest decimals (or %.15g to %.17g
 * digits) that read back as the same double, and always with a '.' or an
 * exponent so that they read back as doubles; NaN and infinities, which
 * JSON cannot hold, become null. Non-ASCII UTF-8 is written as it is; a
 * byte that is not valid UTF-8 becomes U+FFFD. The text reads back with
 * assay_json_parse() to an equal tree (nesting permitting).
 *
 * Any thread, while no other thread changes @node.
 *
 * Returns: (transfer full): the JSON text, NUL-terminated
 */
char *
assay_json_to_string (JsonNode *node,
                      gsize    *length)
{
  GString *out;

  g_return_val_if_fail (node != NULL, NULL);

  out = g_string_sized_new (4096);
  append_node (out, node);

  if (length != NULL)
    *length = out->len;

  return g_string_free (out, FALSE);
}

/**
 * assay_json_builder_add_nullable_string:
 * @value: (nullable): written as null when %NULL
 *
 * Adds the member @name with @value to the object being built.
 */
void
assay_json_builder_add_nullable_string (JsonBuilder *builder,
                                        const char  *name,
                                        const char  *value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * assay_json_builder_add_number:
 *
 * Adds the member @name with @value, or null when @value is NaN or infinite
 * (JSON has no such numbers).
 */
void
assay_json_builder_add_number (JsonBuilder *builder,
                               const char  *name,
                               double       value)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  g_return_if_fail (name != NULL);

  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}
