/* assay-numbers.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * How it works
 * ============
 *
 * assay_numbers_scan() makes one pass over the text. It skips from digit to
 * digit (and to the few bytes that can start a link: '@', ':', '.'), and at
 * each run of digits looks a bounded distance back for a sign, a currency
 * and the context (start of a line, a month name, a label such as "ISBN"),
 * and forward for separators and suffixes. Nothing is allocated per
 * character; every read is checked against the length, so the text need not
 * be NUL-terminated; invalid UTF-8 is stepped over a byte at a time. Every
 * byte is looked at a bounded number of times: the scan is linear.
 *
 * Notation rules (deterministic: the rest of the page is never consulted)
 * -----------------------------------------------------------------------
 * - Thousands separators: ',' '.' apostrophes (' and U+2019), the no-break
 *   spaces U+00A0, U+202F, U+2009, U+2007, and the plain space. A grouping
 *   number has 1-3 digits first (not starting with 0), then groups of exactly
 *   3 digits. A number uses one grouping character only.
 * - With both ',' and '.', the last one is the decimal mark: "1,234.56",
 *   "1.234,56", "1.234.567,89".
 * - A single ',' followed by exactly 3 digits after 1-3 leading digits groups
 *   thousands: "1,234" is 1234. Any other single ',' is a decimal comma:
 *   "1,23", "0,123", "1234,567".
 * - A single '.' is always a decimal point: "1.234" is 1.234. Repeated dots
 *   group thousands ("1.234.567") when every group has 3 digits; otherwise
 *   they are a version, address or section number.
 * - After a space, apostrophe or no-break-space grouping, a ',' or '.' is the
 *   decimal mark: "1 234,56", "1'234.56".
 * - The scanner only accepts a plain ASCII space as a thousands separator
 *   when the number also has a decimal mark, a currency, a percent sign or a
 *   scale ("1 234,56", "1 234 EUR"): PDF text joins table columns with single
 *   spaces, so "123 456" alone stays two numbers. The no-break spaces always
 *   group. assay_number_parse(), given one token, accepts "1 234".
 * - A decimal mark cannot be followed by the same character again: "1,2,3"
 *   is three numbers, and a number that directly follows "digit," or
 *   "digit." never uses that character ("1,2,3" -> 1, 2, 3).
 * - Not supported: Indian lakh grouping ("1,00,000"), scientific notation
 *   ("1e5"), a leading decimal mark (".5") and a trailing one ("5.").
 * - Negatives: '-', '+', U+2212 MINUS and U+2013 EN DASH directly before the
 *   digits (or before the currency), when not preceded by a letter, a digit
 *   or one of % ) ] } . - + / _ (so "2019-2023" and "12%-15%" are ranges).
 *   Parentheses around a number make it negative ("(1,234)" -> -1234). The
 *   scanner exempts years ("(2019)") and bare integers of at most 3 digits
 *   ("see (3)") as references, unless another number sits next to them on
 *   the line with only spaces between (a table row: "1,234 (567) 2,345");
 *   assay_number_parse() always negates.
 * - Currency: symbols ($ € £ ¥ ₹ ₩ ₽ ₺ ₪, US$ A$ C$ HK$ NZ$ S$ R$ Rs zł)
 *   before or after the number, with at most one space; ISO codes of common
 *   currencies in capitals before or after; "euro(s)", "dollar(s)" after.
 *   "$" is USD and "¥" is JPY.
 * - Scale: thousand/k/tsd, million/mn/mln/mio/m, billion/bn/bln/mrd/b,
 *   trillion/tn/trn, (French) md/mds, glued ("3.2bn") or as the next word
 *   ("1.5 million").
 *   The one-letter scales need care: glued "k"/"m" always count ("12k",
 *   "£5m"), glued "b" and any separate one-letter scale ("$5 m") only with a
 *   currency (also right before a currency symbol: "1 234,5 M€"), so "10 m"
 *   and "note 3b" keep their meaning. An abbreviation may carry a dot
 *   ("3 Mio.").
 * - Percent: "%", "percent", "per cent", "pct", "prozent". Value 12 for
 *   "12%" (not 0.12).
 * - "12.-" and "12,-" (whole amounts) are accepted with a currency.
 * - Units glued to a number ("12kg", "5MB") keep it a plain quantity; the
 *   unit is not part of the match. Other letters glued on ("3D", "21st",
 *   "4x4") make an identifier; "1990s" and "2024E" stay years.
 *
 * Classification (assay_numbers_scan)
 * -----------------------------------
 * Checked in this order at each run of digits:
 * 1. Letters glued on the left: "FY2023"/"FY23" are years (FY23 has value
 *    2023); "EUR12" is an amount; anything else ("A4", "ISO9001", "v2",
 *    "abc123def") is one identifier covering the whole word. Letters joined
 *    by a hyphen: "mid-2023" is a year, "COVID-19" an identifier.
 * 2. A number on a page-number line: the first or last non-empty line of the
 *    text when it holds only "12", "- 12 -", "Page 3", "page 3 of 9", "3/9",
 *    "Seite 3 von 9" (also "p.", "pg.", "S."). A lone 4-digit year
 *    (1800-2100) on such a line without a "page" word stays a year.
 * 3. After a label (ISBN, ISSN, DOI, IBAN, Ref, Nr, No., ID, Tel, Phone,
 *    Fax): an identifier up to the end of the token (phone numbers with
 *    their spaces).
 * 4. "+" then at least 8 digits in groups ("+49 30 1234567"): a phone
 *    number, identifier.
 * 5. Dates, one DATE entry spanning the whole date, value yyyymmdd (missing
 *    parts 0): 2024-03-01, 2024/03/01, 01/03/2024, 1.3.2024, 01.03.24,
 *    01-03-24, 03/2024 (month/year), 3 March 2024, 3rd March, 3. März 2024,
 *    15 de enero de 2024,
 *    03-Mar-2024, March 3, 2024, March 2024. Numeric dates are read day
 *    first unless the second number exceeds 12 (then month first), or the
 *    text reads month first (assay_date_order_for_text(): "$" or "USD" in
 *    it) and the separator is not a dot. A two-digit year is 20yy below
 *    70, else 19yy; four-digit years 1000-2999. A day must exist in its
 *    month (no 31 February). Month names in English, German and French;
 *    without a year the month must be capitalised. The offline extractor
 *    reads its date fields with the same rules (assay_date_parse()).
 * 6. Times "10:30", "9:05:59": identifiers.
 * 7. At the start of a line and followed by text: "1." "2)" "(3)" and
 *    section numbers "2.3.1 Methods", "2.3 Results" (two parts need a
 *    capitalised word that is no scale or currency): list indices, value
 *    the first number. ("a)" holds no number and yields nothing.)
 * 8. Chains: three or more digit groups joined by '-' (ISBN, phone:
 *    "978-3-16-148410-0"), DOIs "10.1234/...", and three or more groups
 *    joined by '.' that are not thousands ("1.2.3", "192.168.0.1"):
 *    identifiers.
 * 9. Otherwise a number with its prefix and suffix: an integer with 16 or
 *    more digits, or with a leading zero ("007"), is an identifier; a
 *    4-digit integer 1800-2100 with no sign, separator, currency, percent,
 *    scale or unit is a year ("2023/24" and "2023/2024" extend it, value
 *    2023); then AMOUNT (currency), PERCENT, else PLAIN.
 * Links and e-mail addresses ("https://…", "www.…", "a@b.c") become one
 * identifier each when they contain digits, replacing whatever was found
 * inside them. Identifiers carry the value of their first digit run.
 */
#define G_LOG_DOMAIN "assay-numbers"

#include "config.h"

#include <math.h>
#include <string.h>

#include "assay-numbers.h"

#define MAX_GROUPS     24     /* digit groups in one number: 1,234,567,... */
#define MAX_DIGITS     64     /* more digits than this: an identifier */
#define WORD_BACK      32     /* bytes searched back for a word before a number */
#define LINE_BACK      256    /* bytes searched back for the start of a line */
#define LINK_BACK      256    /* bytes searched back for the start of a link */
#define LINK_FORWARD   4096   /* longest link taken as one identifier */

#define NO_CHAR   ((gunichar) -1)
#define BAD_CHAR  ((gunichar) 0xfffd)

static const double pow10_table[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* ------------------------------------------------------------------------ */
/* Bytes and characters                                                      */

static inline guint
byte_at (const char *text,
         gsize       len,
         gsize       i)
{
  return i < len ? (guchar) text[i] : 0;
}

static inline gboolean
is_digit (guint c)
{
  return c >= '0' && c <= '9';
}

static inline gboolean
is_ascii_alpha (guint c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline gboolean
is_ascii_upper (guint c)
{
  return c >= 'A' && c <= 'Z';
}

static inline gboolean
is_ascii_alnum (guint c)
{
  return is_digit (c) || is_ascii_alpha (c);
}

/* TRUE when @c is a non-NUL byte of @set. */
static inline gboolean
byte_in (guint       c,
         const char *set)
{
  return c != 0 && c < 0x80 && strchr (set, (int) c) != NULL;
}

static inline gboolean
is_letter (gunichar c)
{
  if (c < 0x80)
    return is_ascii_alpha (c);
  return c != NO_CHAR && c != BAD_CHAR && g_unichar_isalpha (c);
}

static inline gboolean
is_wordish (gunichar c)
{
  return is_letter (c) || (c < 0x80 && (is_digit (c) || c == '_'));
}

static gsize
digit_run (const char *text,
           gsize       len,
           gsize       pos)
{
  gsize p = pos;

  while (p < len && is_digit ((guchar) text[p]))
    p++;

  return p - pos;
}

/* The value of @n digits at @pos; G_MAXUINT64 for more than 18. */
static guint64
run_value (const char *text,
           gsize       pos,
           gsize       n)
{
  guint64 v = 0;

  if (n > 18)
    return G_MAXUINT64;
  for (gsize i = 0; i < n; i++)
    v = v * 10 + (guint64) (text[pos + i] - '0');

  return v;
}

static inline gboolean
bytes_at (const char *text,
          gsize       len,
          gsize       pos,
          const char *bytes,
          gsize       n)
{
  return pos <= len && len - pos >= n && memcmp (text + pos, bytes, n) == 0;
}

static inline gboolean
bytes_before (const char *text,
              gsize       pos,
              gsize       floor,
              const char *bytes,
              gsize       n)
{
  return pos >= floor && pos - floor >= n && memcmp (text + pos - n, bytes, n) == 0;
}

/* The character at @pos and where the next one starts; NO_CHAR at the end,
 * BAD_CHAR (one byte) for invalid UTF-8. */
static gunichar
char_at (const char *text,
         gsize       len,
         gsize       pos,
         gsize      *next)
{
  gunichar c;

  if (pos >= len)
    {
      *next = pos;
      return NO_CHAR;
    }
  if ((guchar) text[pos] < 0x80)
    {
      *next = pos + 1;
      return (guchar) text[pos];
    }

  c = g_utf8_get_char_validated (text + pos, (gssize) MIN (len - pos, 4));
  if (c == (gunichar) -1 || c == (gunichar) -2)
    {
      *next = pos + 1;
      return BAD_CHAR;
    }
  *next = pos + (gsize) g_unichar_to_utf8 (c, NULL);
  return c;
}

/* The character ending at @pos, not reaching below @floor; NO_CHAR when
 * there is none, BAD_CHAR (one byte) for invalid UTF-8. */
static gunichar
char_before (const char *text,
             gsize       pos,
             gsize       floor,
             gsize      *start)
{
  gsize s;
  gunichar c;

  *start = pos;
  if (pos <= floor)
    return NO_CHAR;

  s = pos - 1;
  if ((guchar) text[s] < 0x80)
    {
      *start = s;
      return (guchar) text[s];
    }

  while (s > floor && pos - s < 4 && ((guchar) text[s] & 0xc0) == 0x80)
    s--;
  c = g_utf8_get_char_validated (text + s, (gssize) (pos - s));
  if (c == (gunichar) -1 || c == (gunichar) -2 ||
      (gsize) g_unichar_to_utf8 (c, NULL) != pos - s)
    {
      *start = pos - 1;
      return BAD_CHAR;
    }

  *start = s;
  return c;
}

/* TRUE when no letter, digit or '_' starts at @pos. */
static gboolean
word_ends_at (const char *text,
              gsize       len,
              gsize       pos)
{
  gsize next;

  return !is_wordish (char_at (text, len, pos, &next));
}

/* Length of the typographic space at @pos (no-break, narrow no-break,
 * thin, figure space), or 0. */
static gsize
wide_space_at (const char *text,
               gsize       len,
               gsize       pos)
{
  guint c = byte_at (text, len, pos);

  if (c != 0xc2 && c != 0xe2)
    return 0;
  if (bytes_at (text, len, pos, "\xc2\xa0", 2))
    return 2;
  if (bytes_at (text, len, pos, "\xe2\x80\xaf", 3) ||
      bytes_at (text, len, pos, "\xe2\x80\x89", 3) ||
      bytes_at (text, len, pos, "\xe2\x80\x87", 3))
    return 3;
  return 0;
}

/* One space of any kind at @pos (not a line break): its length, or 0. */
static gsize
space_at (const char *text,
          gsize       len,
          gsize       pos)
{
  guint c = byte_at (text, len, pos);

  if (c == ' ' || c == '\t')
    return 1;
  return wide_space_at (text, len, pos);
}

static gsize
space_before (const char *text,
              gsize       pos,
              gsize       floor)
{
  guint c;

  if (pos <= floor)
    return 0;
  c = (guchar) text[pos - 1];
  if (c == ' ' || c == '\t')
    return 1;
  if (c != 0xa0 && c != 0xaf && c != 0x89 && c != 0x87)
    return 0;
  if (bytes_before (text, pos, floor, "\xc2\xa0", 2))
    return 2;
  if (bytes_before (text, pos, floor, "\xe2\x80\xaf", 3) ||
      bytes_before (text, pos, floor, "\xe2\x80\x89", 3) ||
      bytes_before (text, pos, floor, "\xe2\x80\x87", 3))
    return 3;
  return 0;
}

static gsize
skip_spaces (const char *text,
             gsize       len,
             gsize       pos)
{
  gsize n;

  while ((n = space_at (text, len, pos)) > 0)
    pos += n;

  return pos;
}

/* A hyphen, en dash or em dash at @pos: its length, or 0. */
static gsize
dash_at (const char *text,
         gsize       len,
         gsize       pos)
{
  guint c = byte_at (text, len, pos);

  if (c == '-')
    return 1;
  if (c != 0xe2)
    return 0;
  if (bytes_at (text, len, pos, "\xe2\x80\x93", 3) ||
      bytes_at (text, len, pos, "\xe2\x80\x94", 3))
    return 3;
  return 0;
}

/* Letters (any script) from @pos, at most @max bytes: the length. */
static gsize
letters_at (const char *text,
            gsize       len,
            gsize       pos,
            gsize       max)
{
  gsize p = pos;

  while (p < len && p - pos < max)
    {
      gsize next;

      if (!is_letter (char_at (text, len, p, &next)))
        break;
      p = next;
    }

  return p - pos;
}

/* Start of the letters ending at @pos, at most @max bytes back. */
static gsize
letters_before (const char *text,
                gsize       pos,
                gsize       floor,
                gsize       max)
{
  gsize p = pos;

  while (pos - p < max)
    {
      gsize start;

      if (!is_letter (char_before (text, p, floor, &start)))
        break;
      p = start;
    }

  return p;
}

/* @name is lower case. */
static gboolean
word_equal (const char *word,
            gsize       n,
            const char *name)
{
  return n > 0 && ((guchar) word[0] | 0x20) == (guchar) name[0] &&
         strlen (name) == n && g_ascii_strncasecmp (word, name, n) == 0;
}

/* ------------------------------------------------------------------------ */
/* Vocabulary                                                                */

typedef struct
{
  const char *bytes;
  guint8      len;
  char        code[4];
} CurrencySymbol;

/* Longest first: "US$" before "$". */
static const CurrencySymbol currency_symbols[] = {
  { "US$", 3, "USD" },
  { "AU$", 3, "AUD" },
  { "CA$", 3, "CAD" },
  { "NZ$", 3, "NZD" },
  { "HK$", 3, "HKD" },
  { "Rs.", 3, "INR" },
  { "\xe2\x82\xac", 3, "EUR" },   /* € */
  { "\xef\xbf\xa5", 3, "JPY" },   /* fullwidth ¥ */
  { "\xe2\x82\xb9", 3, "INR" },   /* ₹ */
  { "\xe2\x82\xa9", 3, "KRW" },   /* ₩ */
  { "\xe2\x82\xbd", 3, "RUB" },   /* ₽ */
  { "\xe2\x82\xba", 3, "TRY" },   /* ₺ */
  { "\xe2\x82\xaa", 3, "ILS" },   /* ₪ */
  { "z\xc5\x82", 3, "PLN" },      /* zł */
  { "A$", 2, "AUD" },
  { "C$", 2, "CAD" },
  { "S$", 2, "SGD" },
  { "R$", 2, "BRL" },
  { "Rs", 2, "INR" },
  { "\xc2\xa3", 2, "GBP" },       /* £ */
  { "\xc2\xa5", 2, "JPY" },       /* ¥ */
  { "$", 1, "USD" },
};

static const char iso_codes[][4] = {
  "AED", "AUD", "BGN", "BRL", "CAD", "CHF", "CNY", "CZK", "DKK", "EUR", "GBP",
  "HKD", "HUF", "IDR", "ILS", "INR", "ISK", "JPY", "KRW", "MXN", "MYR", "NOK",
  "NZD", "PHP", "PLN", "RON", "RUB", "SAR", "SEK", "SGD", "THB", "TRY", "TWD",
  "USD", "ZAR",
};

static const struct
{
  const char *word;
  char        code[4];
} currency_words[] = {
  { "euro", "EUR" }, { "euros", "EUR" }, { "dollar", "USD" }, { "dollars", "USD" },
};

typedef struct
{
  const char *word;
  gint8       scale;
  gboolean    single;        /* one letter: needs care */
  gboolean    abbreviation;  /* may carry a dot */
} ScaleWord;

static const ScaleWord scale_words[] = {
  { "k", 3, TRUE, FALSE },
  { "thousand", 3, FALSE, FALSE },
  { "thousands", 3, FALSE, FALSE },
  { "tsd", 3, FALSE, TRUE },
  { "m", 6, TRUE, FALSE },
  { "mn", 6, FALSE, TRUE },
  { "mln", 6, FALSE, TRUE },
  { "mio", 6, FALSE, TRUE },
  { "million", 6, FALSE, FALSE },
  { "millions", 6, FALSE, FALSE },
  { "millionen", 6, FALSE, FALSE },
  { "b", 9, TRUE, FALSE },
  { "bn", 9, FALSE, TRUE },
  { "bln", 9, FALSE, TRUE },
  { "mrd", 9, FALSE, TRUE },
  { "md", 9, FALSE, TRUE },
  { "mds", 9, FALSE, TRUE },
  { "billion", 9, FALSE, FALSE },
  { "billions", 9, FALSE, FALSE },
  { "milliarden", 9, FALSE, FALSE },
  { "tn", 12, FALSE, TRUE },
  { "trn", 12, FALSE, TRUE },
  { "trillion", 12, FALSE, FALSE },
  { "trillions", 12, FALSE, FALSE },
};

/* Glued units that keep a number a plain quantity (case matters). */
static const char * const units[] = {
  "kg", "g", "mg", "t", "km", "cm", "mm", "ml", "l", "kW", "kWh", "MW", "MWh",
  "GW", "GWh", "TWh", "W", "Wh", "V", "kV", "Hz", "kHz", "MHz", "GHz", "KB",
  "kB", "MB", "GB", "TB", "ms", "h", "min", "px", "pt",
};

static const struct
{
  const char *name;
  guint8      month;
} month_names[] = {
  { "january", 1 }, { "jan", 1 }, { "januar", 1 }, { "janvier", 1 },
  { "february", 2 }, { "feb", 2 }, { "februar", 2 }, { "f\xc3\xa9vrier", 2 },
  { "march", 3 }, { "mar", 3 }, { "m\xc3\xa4rz", 3 }, { "maerz", 3 }, { "mars", 3 },
  { "april", 4 }, { "apr", 4 }, { "avril", 4 },
  { "may", 5 }, { "mai", 5 },
  { "june", 6 }, { "jun", 6 }, { "juni", 6 }, { "juin", 6 },
  { "july", 7 }, { "jul", 7 }, { "juli", 7 }, { "juillet", 7 },
  { "august", 8 }, { "aug", 8 }, { "ao\xc3\xbbt", 8 },
  { "september", 9 }, { "sep", 9 }, { "sept", 9 }, { "septembre", 9 },
  { "october", 10 }, { "oct", 10 }, { "oktober", 10 }, { "okt", 10 }, { "octobre", 10 },
  { "november", 11 }, { "nov", 11 }, { "novembre", 11 },
  { "december", 12 }, { "dec", 12 }, { "dezember", 12 }, { "dez", 12 },
  { "d\xc3\xa9" "cembre", 12 },
  /* Dutch, Spanish, Italian (and unaccented French) */
  { "januari", 1 }, { "enero", 1 }, { "gennaio", 1 },
  { "februari", 2 }, { "febrero", 2 }, { "febbraio", 2 }, { "fevrier", 2 },
  { "maart", 3 }, { "marzo", 3 }, { "mrt", 3 },
  { "abril", 4 }, { "aprile", 4 },
  { "mei", 5 }, { "mayo", 5 }, { "maggio", 5 },
  { "junio", 6 }, { "giugno", 6 },
  { "julio", 7 }, { "luglio", 7 },
  { "augustus", 8 }, { "agosto", 8 }, { "aout", 8 },
  { "septiembre", 9 }, { "setiembre", 9 }, { "settembre", 9 },
  { "octubre", 10 }, { "ottobre", 10 },
  { "noviembre", 11 },
  { "diciembre", 12 }, { "dicembre", 12 }, { "decembre", 12 },
};

/* Spanish "15 de enero de 2024": the "de" between day, month and year,
 * and its space; 0 when there is none. */
static gsize
de_at (const char *text,
       gsize       len,
       gsize       pos)
{
  gsize n;

  if (pos + 3 > len || g_ascii_tolower (text[pos]) != 'd' || g_ascii_tolower (text[pos + 1]) != 'e')
    return 0;
  n = space_at (text, len, pos + 2);

  return n > 0 ? 2 + n : 0;
}

static const char *
iso_code_lookup (const char *p)
{
  for (guint i = 0; i < G_N_ELEMENTS (iso_codes); i++)
    if (memcmp (p, iso_codes[i], 3) == 0)
      return iso_codes[i];
  return NULL;
}

/* A currency symbol or ISO code starting at @pos (and, with @words, a
 * currency word): its length and code, or 0. */
static gsize
currency_at (const char *text,
             gsize       len,
             gsize       pos,
             gboolean    words,
             char        code[4])
{
  guint first = byte_at (text, len, pos);
  gsize n;

  if (first == 0 || first == ' ' || is_digit (first))
    return 0;

  /* only these bytes start a symbol */
  for (guint i = 0;
       (first >= 0x80 || byte_in (first, "$ACHNRSUz")) && i < G_N_ELEMENTS (currency_symbols);
       i++)
    {
      const CurrencySymbol *sym = &currency_symbols[i];

      if ((guchar) sym->bytes[0] != first || !bytes_at (text, len, pos, sym->bytes, sym->len))
        continue;
      if (is_ascii_alpha ((guchar) sym->bytes[0]) &&
          sym->bytes[sym->len - 1] != '$' && sym->bytes[sym->len - 1] != '.' &&
          !word_ends_at (text, len, pos + sym->len))
        continue;
      memcpy (code, sym->code, 4);
      return sym->len;
    }

  if (is_ascii_upper (byte_at (text, len, pos)) &&
      is_ascii_upper (byte_at (text, len, pos + 1)) &&
      is_ascii_upper (byte_at (text, len, pos + 2)) &&
      word_ends_at (text, len, pos + 3))
    {
      const char *iso = iso_code_lookup (text + pos);

      if (iso != NULL)
        {
          memcpy (code, iso, 4);
          return 3;
        }
    }

  if (words && (n = letters_at (text, len, pos, 8)) > 0 && word_ends_at (text, len, pos + n))
    for (guint i = 0; i < G_N_ELEMENTS (currency_words); i++)
      if (word_equal (text + pos, n, currency_words[i].word))
        {
          memcpy (code, currency_words[i].code, 4);
          return n;
        }

  return 0;
}

/* A currency symbol or ISO code ending at @pos: its length and code, or 0. */
static gsize
currency_before (const char *text,
                 gsize       pos,
                 gsize       floor,
                 char        code[4])
{
  gsize start;
  guint last;

  if (pos <= floor)
    return 0;
  last = (guchar) text[pos - 1];
  if (last == ' ' || is_digit (last) || (is_ascii_alpha (last) && !is_ascii_upper (last) && last != 's'))
    return 0;

  for (guint i = 0; i < G_N_ELEMENTS (currency_symbols); i++)
    {
      const CurrencySymbol *sym = &currency_symbols[i];

      if ((guchar) sym->bytes[sym->len - 1] != last ||
          !bytes_before (text, pos, floor, sym->bytes, sym->len))
        continue;
      if (is_ascii_alpha ((guchar) sym->bytes[0]) &&
          is_letter (char_before (text, pos - sym->len, 0, &start)))
        continue;
      memcpy (code, sym->code, 4);
      return sym->len;
    }

  if (pos >= floor + 3 &&
      is_ascii_upper ((guchar) text[pos - 3]) &&
      is_ascii_upper ((guchar) text[pos - 2]) &&
      is_ascii_upper ((guchar) text[pos - 1]) &&
      !is_wordish (char_before (text, pos - 3, 0, &start)))
    {
      const char *iso = iso_code_lookup (text + pos - 3);

      if (iso != NULL)
        {
          memcpy (code, iso, 4);
          return 3;
        }
    }

  return 0;
}

static const ScaleWord *
scale_lookup (const char *word,
              gsize       n,
              gboolean    glued,
              gboolean    have_currency)
{
  for (guint i = 0; i < G_N_ELEMENTS (scale_words); i++)
    {
      const ScaleWord *sw = &scale_words[i];

      if (!word_equal (word, n, sw->word))
        continue;
      if (sw->single && !have_currency && !(glued && sw->scale != 9))
        return NULL;
      return sw;
    }

  return NULL;
}

static gboolean
unit_lookup (const char *word,
             gsize       n)
{
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (units[i][0] == word[0] && strlen (units[i]) == n && memcmp (word, units[i], n) == 0)
      return TRUE;
  return FALSE;
}

static guint
month_lookup (const char *word,
              gsize       n)
{
  for (guint i = 0; i < G_N_ELEMENTS (month_names); i++)
    if (word_equal (word, n, month_names[i].name))
      return month_names[i].month;
  return 0;
}

/* A month name at @pos: the month (0 when none) and its end. */
static guint
month_at (const char *text,
          gsize       len,
          gsize       pos,
          gsize      *end)
{
  gsize n = letters_at (text, len, pos, 16);

  if (n == 0 || !word_ends_at (text, len, pos + n))
    return 0;
  *end = pos + n;
  return month_lookup (text + pos, n);
}

/* Percent sign or word at @pos (after at most one space): the end, or 0. */
static gsize
percent_at (const char *text,
            gsize       len,
            gsize       pos)
{
  gsize p = pos;
  gsize n;

  if (byte_at (text, len, p) == '%')
    return p + 1;
  if (bytes_at (text, len, p, "\xef\xbc\x85", 3))
    return p + 3;

  n = space_at (text, len, p);
  if (n == 0)
    return 0;
  p += n;
  if (byte_at (text, len, p) == '%')
    return p + 1;

  n = letters_at (text, len, p, 8);
  if (n == 0 || !word_ends_at (text, len, p + n))
    return 0;
  if (word_equal (text + p, n, "percent") || word_equal (text + p, n, "pct") ||
      word_equal (text + p, n, "prozent"))
    return p + n;
  if (word_equal (text + p, n, "per") && byte_at (text, len, p + n) == ' ')
    {
      gsize q = p + n + 1;
      gsize m = letters_at (text, len, q, 8);

      if (m > 0 && word_equal (text + q, m, "cent") && word_ends_at (text, len, q + m))
        return q + m;
    }

  return 0;
}

/* Whether the text from @pos to the end of its run of letters, digits,
 * '_' and inner '-' '.' '/' extends: the end of that token. */
static gsize
token_end (const char *text,
           gsize       len,
           gsize       pos)
{
  gsize p = pos;

  while (p < len)
    {
      guint c = (guchar) text[p];
      gsize next;

      if (is_ascii_alnum (c) || c == '_')
        p++;
      else if ((c == '-' || c == '.' || c == '/') && is_ascii_alnum (byte_at (text, len, p + 1)))
        p++;
      else if (c >= 0x80 && is_letter (char_at (text, len, p, &next)))
        p = next;
      else
        break;
    }

  return p;
}

static gboolean
at_line_start (const char *text,
               gsize       pos)
{
  for (guint guard = 0; pos > 0 && guard < LINE_BACK; guard++)
    {
      guint c = (guchar) text[pos - 1];

      if (c == '\n')
        return TRUE;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v')
        pos--;
      else if (c == 0xa0 && pos >= 2 && (guchar) text[pos - 2] == 0xc2)
        pos -= 2;
      else
        return FALSE;
    }

  return pos == 0;
}

/* At least one space at @pos, then something on the same line. */
static gboolean
text_follows (const char *text,
              gsize       len,
              gsize       pos)
{
  gsize p = skip_spaces (text, len, pos);
  guint c = byte_at (text, len, p);

  return p > pos && p < len && c != '\n' && c != '\r';
}

/* ------------------------------------------------------------------------ */
/* The digits of one number                                                  */

typedef struct
{
  gsize  start;
  gsize  end;            /* after the groups used */
  guint  n_groups;       /* lexed */
  gsize  gstart[MAX_GROUPS];
  gsize  glen[MAX_GROUPS];
  char   sep[MAX_GROUPS];   /* before group k: ',' '.' '\'' ' ' or '_' (no-break space) */
  /* the reading chosen */
  guint  used;
  char   decimal_mark;
  char   thousands;
  gsize  int_digits;
  gsize  decimals;
} Core;

static void
core_lex (const char *text,
          gsize       len,
          gsize       pos,
          gboolean    allow_space,
          char        forbidden,
          Core       *core)
{
  gsize p = pos;
  gsize run = digit_run (text, len, p);
  guint n = 1;

  g_assert (run > 0);

  core->start = pos;
  core->gstart[0] = p;
  core->glen[0] = run;
  core->sep[0] = 0;
  p += run;

  while (n < MAX_GROUPS)
    {
      guint c = byte_at (text, len, p);
      char kind = 0;
      gsize sl = 0;
      gboolean grouping_only = TRUE;

      if (c == ',' || c == '.')
        {
          kind = (char) c;
          sl = 1;
          grouping_only = FALSE;
        }
      else if (c == '\'')
        {
          kind = '\'';
          sl = 1;
        }
      else if (c == ' ' && allow_space)
        {
          kind = ' ';
          sl = 1;
        }
      else if ((sl = wide_space_at (text, len, p)) > 0)
        kind = '_';
      else if (bytes_at (text, len, p, "\xe2\x80\x99", 3))
        {
          kind = '\'';
          sl = 3;
        }

      if (kind == 0 || kind == forbidden || !is_digit (byte_at (text, len, p + sl)))
        break;
      run = digit_run (text, len, p + sl);
      if (grouping_only && run != 3)
        break;

      core->gstart[n] = p + sl;
      core->glen[n] = run;
      core->sep[n] = kind;
      n++;
      p += sl + run;
    }

  core->n_groups = n;
}

/* Groups 0..@last form thousands: 1-3 digits (no leading 0), then threes. */
static gboolean
thousands_ok (const Core *core,
              const char *text,
              guint       last)
{
  if (core->glen[0] < 1 || core->glen[0] > 3 || text[core->gstart[0]] == '0')
    return FALSE;
  for (guint i = 1; i <= last; i++)
    if (core->glen[i] != 3)
      return FALSE;
  return TRUE;
}

/* Can the first @k groups be read as one number? Sets the marks. */
static gboolean
core_reading (const Core *core,
              const char *text,
              guint       k,
              char       *dec,
              char       *thou)
{
  char last;

  *dec = *thou = 0;
  if (k == 1)
    return TRUE;

  last = core->sep[k - 1];
  if (last == ',' || last == '.')
    {
      char other = 0;
      gboolean repeated = FALSE;
      gboolean mixed = FALSE;

      for (guint i = 1; i + 1 < k; i++)
        {
          if (core->sep[i] == last)
            repeated = TRUE;
          else if (other == 0)
            other = core->sep[i];
          else if (other != core->sep[i])
            mixed = TRUE;
        }
      if (mixed || (repeated && other != 0))
        return FALSE;

      if (repeated)
        {
          *thou = last;
          return thousands_ok (core, text, k - 1);
        }

      if (other == 0 && last == ',' && core->glen[1] == 3 && thousands_ok (core, text, 1))
        {
          *thou = ',';
          return TRUE;
        }

      /* A decimal mark; it may not come again right after its digits. */
      if (k < core->n_groups && core->sep[k] == last)
        return FALSE;
      *dec = last;
      if (other != 0)
        {
          *thou = other;
          return thousands_ok (core, text, k - 2);
        }
      return TRUE;
    }

  /* Space, no-break space or apostrophe last: all of them group. */
  for (guint i = 1; i < k; i++)
    if (core->sep[i] != last)
      return FALSE;
  *thou = last;
  return thousands_ok (core, text, k - 1);
}

/* Picks the longest readable prefix of the lexed groups. */
static void
core_choose (Core       *core,
             const char *text)
{
  for (guint k = core->n_groups; k >= 1; k--)
    {
      char dec, thou;

      if (!core_reading (core, text, k, &dec, &thou))
        continue;

      core->used = k;
      core->decimal_mark = dec;
      core->thousands = thou;
      core->end = core->gstart[k - 1] + core->glen[k - 1];
      core->decimals = dec ? core->glen[k - 1] : 0;
      core->int_digits = 0;
      for (guint i = 0; i < (dec ? k - 1 : k); i++)
        core->int_digits += core->glen[i];
      return;
    }

  g_assert_not_reached ();
}

static gboolean
core_is_integer (const Core *core)
{
  return core->used == 1;
}

/* The number as written (no sign) and scaled by 10^@scale. FALSE when it
 * has too many digits to mean an amount. */
static gboolean
core_value (const Core *core,
            const char *text,
            int         scale,
            double     *mantissa,
            double     *value)
{
  gsize total = core->int_digits + core->decimals;
  guint groups = core->used;

  *mantissa = *value = 0;
  if (total > MAX_DIGITS)
    return FALSE;

  if (total <= 15)
    {
      guint64 m = 0;
      int exp10 = scale - (int) core->decimals;

      for (guint g = 0; g < groups; g++)
        for (gsize i = 0; i < core->glen[g]; i++)
          m = m * 10 + (guint64) (text[core->gstart[g] + i] - '0');

      /* An exact integer divided or multiplied by an exact power of ten:
       * correctly rounded. */
      *mantissa = (double) m / pow10_table[core->decimals];
      *value = exp10 >= 0 ? (double) m * pow10_table[exp10] : (double) m / pow10_table[-exp10];
    }
  else
    {
      char buf[MAX_DIGITS + 2];
      gsize n = 0;

      for (guint g = 0; g < groups; g++)
        {
          if (core->decimal_mark != 0 && g + 1 == groups)
            buf[n++] = '.';
          memcpy (buf + n, text + core->gstart[g], core->glen[g]);
          n += core->glen[g];
        }
      buf[n] = '\0';
      *mantissa = g_ascii_strtod (buf, NULL);
      *value = *mantissa * pow10_table[scale];
    }

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* What comes after and before the digits                                   */

typedef struct
{
  gsize    end;            /* after everything taken */
  gint8    scale;
  char     currency[4];
  gboolean percent;
  gboolean closed_paren;
  gboolean unit;           /* a known unit glued on (not in the match) */
  gboolean glued;          /* unknown letters glued on */
  gsize    glued_end;
  gsize    word;           /* the glued letters */
  gsize    word_len;
} Suffix;

typedef enum
{
  SUFFIX_DASH        = 1 << 0,   /* accept "12.-" (kept only with a currency) */
  SUFFIX_NO_CURRENCY = 1 << 1,   /* a currency after the number is not its own */
} SuffixFlags;

/* A scale word of @w letters at @pos, or NULL. A one-letter scale also
 * counts right before a currency symbol: "5 M€", "12k$". */
static const ScaleWord *
scale_word_at (const char *text,
               gsize       len,
               gsize       pos,
               gsize       w,
               gboolean    glued,
               gboolean    have_currency)
{
  char code[4];

  if (w == 0 || !word_ends_at (text, len, pos + w))
    return NULL;
  if (!have_currency && w == 1 && !is_ascii_alpha (byte_at (text, len, pos + w)) &&
      currency_at (text, len, pos + w, FALSE, code) > 0)
    have_currency = TRUE;
  return scale_lookup (text + pos, w, glued, have_currency);
}

/* A scale word after at most one space at @p: sets the scale, returns the
 * end (or @p). */
static gsize
scale_after (const char       *text,
             gsize             len,
             gsize             p,
             gboolean          have_currency,
             const ScaleWord **sw,
             Suffix           *sfx)
{
  gsize n = space_at (text, len, p);
  gsize w = letters_at (text, len, p + n, 16);
  const ScaleWord *found = scale_word_at (text, len, p + n, w, n == 0, have_currency);

  if (found == NULL || (n == 0 && is_ascii_alnum (byte_at (text, len, p - 1))))
    return p;
  *sw = found;
  sfx->scale = found->scale;
  return p + n + w;
}

static void
suffix_parse (const char  *text,
              gsize        len,
              gsize        pos,
              const char  *prefix_currency,
              gboolean     open_paren,
              SuffixFlags  flags,
              Suffix      *sfx)
{
  gboolean have_currency = prefix_currency[0] != '\0';
  gboolean take_currency = !have_currency && !(flags & SUFFIX_NO_CURRENCY);
  const ScaleWord *sw = NULL;
  gboolean dash = FALSE;
  gsize p = pos;
  gsize n, q;
  guint c;

  memset (sfx, 0, sizeof *sfx);

  /* "12.-" "12,-": a whole amount */
  c = byte_at (text, len, p);
  if ((flags & SUFFIX_DASH) && (c == '.' || c == ','))
    {
      gsize d = dash_at (text, len, p + 1);

      if (d > 0 && !is_digit (byte_at (text, len, p + 1 + d)))
        {
          p += 1 + d;
          dash = TRUE;
        }
    }

  /* glued: "12€", "3.2bn", "12kg", "3D" */
  if (take_currency && !is_ascii_alpha (byte_at (text, len, p)) &&
      (n = currency_at (text, len, p, FALSE, sfx->currency)) > 0)
    p += n;
  else
    {
      gsize next;

      sfx->currency[0] = '\0';
      if (is_letter (char_at (text, len, p, &next)))
        {
          gsize w = letters_at (text, len, p, 24);

          sfx->word = p;
          sfx->word_len = w;
          if (!word_ends_at (text, len, p + w))
            ;
          else if ((sw = scale_word_at (text, len, p, w, TRUE, have_currency)) != NULL)
            {
              sfx->scale = sw->scale;
              p += w;
            }
          else if (take_currency && w == 3 && is_ascii_upper (byte_at (text, len, p)) &&
                   iso_code_lookup (text + p) != NULL)
            {
              memcpy (sfx->currency, iso_code_lookup (text + p), 4);
              p += w;
            }
          else if (unit_lookup (text + p, w))
            {
              sfx->unit = TRUE;
              sfx->end = pos;
              return;
            }

          if (sfx->scale == 0 && sfx->currency[0] == '\0')
            {
              sfx->glued = TRUE;
              sfx->glued_end = token_end (text, len, pos);
              sfx->end = pos;
              return;
            }
        }
    }

  /* the next word: "1.5 million", "12 Mio.", "1 234,5 M€" */
  if (sfx->scale == 0 && space_at (text, len, p) > 0)
    p = scale_after (text, len, p, have_currency, &sw, sfx);
  if (sw != NULL && sw->abbreviation && byte_at (text, len, p) == '.')
    {
      /* "3 Mio." at the end, "3 Mio. EUR"; not a full stop in a sentence */
      char code[4];
      gsize after = p + 1 + space_at (text, len, p + 1);

      if (p + 1 == len || byte_at (text, len, p + 1) == ')' ||
          (take_currency && sfx->currency[0] == '\0' &&
           currency_at (text, len, after, TRUE, code) > 0))
        p++;
    }

  /* a currency after: "1.234,50 €", "12 EUR", "5m €", "12 euros" */
  if (take_currency && sfx->currency[0] == '\0')
    {
      q = p + space_at (text, len, p);
      if ((n = currency_at (text, len, q, q > p, sfx->currency)) > 0)
        p = q + n;
    }

  /* percent */
  if (!have_currency && sfx->currency[0] == '\0' && (q = percent_at (text, len, p)) > 0)
    {
      sfx->percent = TRUE;
      p = q;
    }

  if (dash && !have_currency && sfx->currency[0] == '\0')
    {
      suffix_parse (text, len, pos, prefix_currency, open_paren, flags & ~SUFFIX_DASH, sfx);
      return;
    }

  if (open_paren && byte_at (text, len, p) == ')')
    {
      sfx->closed_paren = TRUE;
      p++;

      /* "(1.2) bn", "£(5.2)m", "(1,234) EUR" */
      if (sfx->scale == 0 && !sfx->percent)
        p = scale_after (text, len, p, have_currency, &sw, sfx);
      if (take_currency && sfx->currency[0] == '\0' && !sfx->percent)
        {
          q = p + space_at (text, len, p);
          if (q > p && (n = currency_at (text, len, q, TRUE, sfx->currency)) > 0)
            p = q + n;
        }
    }

  sfx->end = p;
}

/* A sign ending at @pos: its length, or 0. */
static gsize
sign_before (const char *text,
             gsize       pos,
             gsize       floor,
             gboolean   *negative)
{
  if (pos <= floor)
    return 0;
  if (text[pos - 1] == '-' || text[pos - 1] == '+')
    {
      *negative = text[pos - 1] == '-';
      return 1;
    }
  if ((guchar) text[pos - 1] < 0x80)
    return 0;
  if (bytes_before (text, pos, floor, "\xe2\x88\x92", 3) ||   /* minus sign */
      bytes_before (text, pos, floor, "\xe2\x80\x93", 3))     /* en dash */
    {
      *negative = TRUE;
      return 3;
    }
  return 0;
}

/* A sign starting at @pos is a sign, not a hyphen or a range. */
static gboolean
sign_allowed (const char *text,
              gsize       pos)
{
  gsize start;
  gunichar c = char_before (text, pos, 0, &start);

  if (c == NO_CHAR)
    return TRUE;
  return !is_wordish (c) && !(c < 0x80 && byte_in (c, "%)]}.-+/\\_"));
}

typedef struct
{
  gsize    start;          /* of sign and currency */
  gboolean has_sign;
  gboolean negative;
  gboolean open_paren;     /* '(' right before start, or inside it */
  gboolean paren_inside;   /* "$(1.2)": '(' between currency and digits */
  char     currency[4];
} Prefix;

static void
prefix_lookback (const char *text,
                 gsize       s,
                 gsize       floor,
                 Prefix     *pre)
{
  gsize q = s;
  gsize n, sp;
  gboolean negative = FALSE;

  memset (pre, 0, sizeof *pre);

  n = sign_before (text, q, floor, &negative);
  if (n > 0 && sign_allowed (text, q - n))
    {
      pre->has_sign = TRUE;
      pre->negative = negative;
      q -= n;
    }

  n = currency_before (text, q, floor, pre->currency);
  sp = 0;
  if (n == 0 && (sp = space_before (text, q, floor)) > 0)
    n = currency_before (text, q - sp, floor, pre->currency);
  if (n > 0)
    {
      q -= sp + n;
      if (!pre->has_sign)
        {
          gsize m = sign_before (text, q, floor, &negative);

          if (m > 0 && sign_allowed (text, q - m))
            {
              pre->has_sign = TRUE;
              pre->negative = negative;
              q -= m;
            }
        }
    }
  else
    pre->currency[0] = '\0';

  pre->start = q;
  pre->open_paren = q > floor && text[q - 1] == '(';

  /* "$(0.12)", "£ (5.2)m" */
  if (pre->open_paren && !pre->has_sign && pre->currency[0] == '\0')
    {
      q--;
      n = currency_before (text, q, floor, pre->currency);
      sp = 0;
      if (n == 0 && (sp = space_before (text, q, floor)) > 0)
        n = currency_before (text, q - sp, floor, pre->currency);
      if (n > 0)
        {
          pre->start = q - sp - n;
          pre->paren_inside = TRUE;
        }
      else
        pre->currency[0] = '\0';
    }
}

/* ------------------------------------------------------------------------ */
/* Parsing one token                                                         */

static gboolean
is_year_value (guint64 v)
{
  return v >= 1800 && v <= 2100;
}

/* A sign starting at @pos: its length, or 0. */
static gsize
sign_at (const char *text,
         gsize       len,
         gsize       pos,
         gboolean   *negative)
{
  guint c = byte_at (text, len, pos);

  if (c == '-' || c == '+')
    {
      *negative = c == '-';
      return 1;
    }
  if (bytes_at (text, len, pos, "\xe2\x88\x92", 3) ||
      bytes_at (text, len, pos, "\xe2\x80\x93", 3))
    {
      *negative = TRUE;
      return 3;
    }
  return 0;
}

static gsize
trim_start (const char *text,
            gsize       len,
            gsize       p)
{
  while (p < len)
    {
      guint c = (guchar) text[p];
      gsize n;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        p++;
      else if ((n = wide_space_at (text, len, p)) > 0)
        p += n;
      else
        break;
    }
  return p;
}

static gsize
trim_end (const char *text,
          gsize       start,
          gsize       e)
{
  while (e > start)
    {
      guint c = (guchar) text[e - 1];
      gsize n;

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
        e--;
      else if ((n = space_before (text, e, start)) > 0)
        e -= n;
      else
        break;
    }
  return e;
}

/**
 * assay_number_parse:
 * @text: the token, UTF-8
 * @length: its length in bytes, or -1 when @text is NUL-terminated
 * @out: (out caller-allocates): the number
 *
 * Parses @text as exactly one number, surrounding white space aside: locale
 * notations, signs, accounting parentheses, currencies, scale words and
 * percentages (the rules are at the top of this file). @out->kind is
 * %ASSAY_NUMBER_AMOUNT with a currency, %ASSAY_NUMBER_PERCENT with a percent
 * sign, %ASSAY_NUMBER_YEAR for a bare 4-digit integer from 1800 to 2100, and
 * %ASSAY_NUMBER_PLAIN otherwise. @out->start and @out->end delimit the
 * number without the surrounding white space. Any thread.
 *
 * Returns: %TRUE when @text is one number; @out is then filled in.
 */
gboolean
assay_number_parse (const char  *text,
                    gssize       length,
                    AssayNumber *out)
{
  Core core;
  Suffix sfx;
  gsize len, s, e, p, n;
  gboolean paren = FALSE;
  gboolean has_sign = FALSE;
  gboolean negative = FALSE;
  char currency[4] = "";
  double mantissa, value;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL)
    return FALSE;
  len = length < 0 ? strlen (text) : (gsize) length;
  if (len > G_MAXUINT)
    return FALSE;

  s = trim_start (text, len, 0);
  e = trim_end (text, s, len);
  if (s == e)
    return FALSE;

  p = s;
  if (byte_at (text, e, p) == '(')
    {
      paren = TRUE;
      p++;
    }
  if ((n = sign_at (text, e, p, &negative)) > 0)
    {
      has_sign = TRUE;
      p += n;
    }
  if ((n = currency_at (text, e, p, FALSE, currency)) > 0)
    {
      p += n;
      p += space_at (text, e, p);
      if (!has_sign && (n = sign_at (text, e, p, &negative)) > 0)
        {
          has_sign = TRUE;
          p += n;
        }
    }
  else
    currency[0] = '\0';

  if (!is_digit (byte_at (text, e, p)))
    return FALSE;

  core_lex (text, e, p, TRUE, 0, &core);
  core_choose (&core, text);
  suffix_parse (text, e, core.end, currency, paren, SUFFIX_DASH, &sfx);
  if (sfx.glued || sfx.unit || sfx.end != e || paren != sfx.closed_paren)
    return FALSE;
  if (currency[0] == '\0')
    memcpy (currency, sfx.currency, 4);

  if (!core_value (&core, text, sfx.scale, &mantissa, &value))
    return FALSE;
  if (negative || paren)
    {
      mantissa = -mantissa;
      value = -value;
    }

  memset (out, 0, sizeof *out);
  out->value = value;
  out->mantissa = mantissa;
  memcpy (out->currency, currency, 4);
  out->scale = sfx.scale;
  out->decimals = (guint8) MIN (core.decimals, G_MAXUINT8);
  out->start = (guint) s;
  out->end = (guint) e;

  if (currency[0] != '\0')
    out->kind = ASSAY_NUMBER_AMOUNT;
  else if (sfx.percent)
    out->kind = ASSAY_NUMBER_PERCENT;
  else if (core_is_integer (&core) && core.int_digits == 4 && !has_sign && !paren &&
           sfx.scale == 0 && is_year_value (run_value (text, core.start, 4)))
    out->kind = ASSAY_NUMBER_YEAR;
  else
    out->kind = ASSAY_NUMBER_PLAIN;

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Scanning a page                                                           */

typedef struct
{
  const char *text;
  gsize       len;
  GArray     *out;
  gsize       floor;           /* look-backs stop here: the last match ends here */
  AssayDateOrder date_order;
  guint       n_page_lines;
  gsize       page_start[2];
  gsize       page_end[2];
  gboolean    page_word[2];
} Scan;

static void
emit (Scan            *sc,
      AssayNumberKind  kind,
      double           value,
      double           mantissa,
      const char      *currency,
      int              scale,
      gsize            decimals,
      gsize            start,
      gsize            end)
{
  AssayNumber n;

  g_assert (start < end && end <= sc->len && start >= sc->floor);

  memset (&n, 0, sizeof n);
  n.value = value;
  n.mantissa = mantissa;
  n.kind = kind;
  if (currency != NULL)
    memcpy (n.currency, currency, 4);
  n.scale = (gint8) scale;
  n.decimals = (guint8) MIN (decimals, G_MAXUINT8);
  n.start = (guint) start;
  n.end = (guint) end;
  g_array_append_val (sc->out, n);
  sc->floor = end;
}

/* An entry whose value is the digit run at @run_start. */
static gsize
emit_simple (Scan            *sc,
             AssayNumberKind  kind,
             gsize            run_start,
             gsize            start,
             gsize            end)
{
  gsize n = MIN (digit_run (sc->text, sc->len, run_start), 15);
  double v = (double) run_value (sc->text, run_start, n);

  emit (sc, kind, v, v, NULL, 0, 0, start, end);
  return end;
}

static void
skip_decoration (const char *text,
                 gsize       len,
                 gsize      *p)
{
  for (;;)
    {
      gsize n = space_at (text, len, *p);

      if (n == 0)
        n = dash_at (text, len, *p);
      if (n == 0 && byte_at (text, len, *p) == '|')
        n = 1;
      if (n == 0)
        return;
      *p += n;
    }
}

/* The line [@s, @e) holds only a page number: "12", "- 12 -", "Page 3 of 9",
 * "3/9". */
static gboolean
page_marker_line (const char *text,
                  gsize       s,
                  gsize       e,
                  gboolean   *has_word)
{
  static const char * const page_words[] = {
    "page", "p", "pg", "pag", "pagina", "seite", "s", "side", "sida",
  };
  static const char * const of_words[] = {
    "of", "von", "de", "sur", "di", "van", "av", "aus",
  };
  gsize p = s;
  gsize n, w;

  *has_word = FALSE;
  skip_decoration (text, e, &p);

  if (is_ascii_alpha (byte_at (text, e, p)))
    {
      for (w = p; w < e && is_ascii_alpha ((guchar) text[w]); w++)
        ;
      for (guint i = 0; i < G_N_ELEMENTS (page_words); i++)
        if (word_equal (text + p, w - p, page_words[i]))
          *has_word = TRUE;
      if (!*has_word)
        return FALSE;
      p = w;
      if (byte_at (text, e, p) == '.')
        p++;
      p = skip_spaces (text, e, p);
    }

  n = digit_run (text, e, p);
  if (n == 0 || n > 5)
    return FALSE;
  p = skip_spaces (text, e, p + n);

  if (byte_at (text, e, p) == '/' || is_ascii_alpha (byte_at (text, e, p)))
    {
      if (text[p] == '/')
        p++;
      else
        {
          gboolean of = FALSE;

          for (w = p; w < e && is_ascii_alpha ((guchar) text[w]); w++)
            ;
          for (guint i = 0; i < G_N_ELEMENTS (of_words); i++)
            if (word_equal (text + p, w - p, of_words[i]))
              of = TRUE;
          if (!of)
            return FALSE;
          p = w;
        }
      p = skip_spaces (text, e, p);
      n = digit_run (text, e, p);
      if (n == 0 || n > 5)
        return FALSE;
      p += n;
    }

  skip_decoration (text, e, &p);
  return p == e;
}

static gboolean
is_blank_byte (guint c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void
find_page_lines (Scan *sc)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize s, e, ls, le;
  const char *nl;

  /* the first non-empty line */
  s = 0;
  while (s < len && is_blank_byte ((guchar) text[s]))
    s++;
  if (s == len)
    return;
  nl = memchr (text + s, '\n', len - s);
  e = nl != NULL ? (gsize) (nl - text) : len;
  e = trim_end (text, s, e);
  if (page_marker_line (text, s, e, &sc->page_word[0]))
    {
      sc->page_start[0] = s;
      sc->page_end[0] = e;
      sc->n_page_lines = 1;
    }

  /* the last one */
  le = len;
  while (le > 0 && is_blank_byte ((guchar) text[le - 1]))
    le--;
  ls = le;
  while (ls > 0 && text[ls - 1] != '\n')
    ls--;
  ls = trim_start (text, le, ls);
  le = trim_end (text, ls, le);
  if (ls != s && ls < le && page_marker_line (text, ls, le, &sc->page_word[sc->n_page_lines]))
    {
      sc->page_start[sc->n_page_lines] = ls;
      sc->page_end[sc->n_page_lines] = le;
      sc->n_page_lines++;
    }
}

static gboolean
page_line_at (const Scan *sc,
              gsize       pos,
              gboolean   *has_word)
{
  for (guint i = 0; i < sc->n_page_lines; i++)
    if (pos >= sc->page_start[i] && pos < sc->page_end[i])
      {
        *has_word = sc->page_word[i];
        return TRUE;
      }
  return FALSE;
}

/* "2023/24", "2023/2024": the end of the fiscal year starting at @s. */
static gsize
fiscal_year_end (const char *text,
                 gsize       len,
                 gsize       s)
{
  guint64 year = run_value (text, s, 4);
  gsize p = s + 4;
  gsize n;

  if (byte_at (text, len, p) != '/')
    return p;
  n = digit_run (text, len, p + 1);
  if (!word_ends_at (text, len, p + 1 + n))
    return p;
  if ((n == 2 && run_value (text, p + 1, 2) == (year + 1) % 100) ||
      (n == 4 && run_value (text, p + 1, 4) == year + 1))
    return p + 1 + n;
  return p;
}

/* After the digits at @end: no further digits glued by a decimal mark. */
static gboolean
number_ends_at (const char *text,
                gsize       len,
                gsize       end)
{
  guint c = byte_at (text, len, end);

  if (!word_ends_at (text, len, end))
    return FALSE;
  return !((c == '.' || c == ',') && is_digit (byte_at (text, len, end + 1)));
}

static void
emit_date (Scan  *sc,
           guint  year,
           guint  month,
           guint  day,
           gsize  start,
           gsize  end)
{
  double v = (double) year * 10000 + month * 100 + day;

  emit (sc, ASSAY_NUMBER_DATE, v, v, NULL, 0, 0, start, end);
}

static guint
full_year (guint64 y,
           gsize   digits)
{
  if (digits == 2)
    return y < 70 ? 2000 + (guint) y : 1900 + (guint) y;
  return (guint) y;
}

/* An ordinal suffix at @p ("st", "nd", "rd", "th"): its end, or @p. */
static gsize
skip_ordinal (const char *text,
              gsize       len,
              gsize       p)
{
  if (is_ascii_alpha (byte_at (text, len, p)) && is_ascii_alpha (byte_at (text, len, p + 1)) &&
      word_ends_at (text, len, p + 2) &&
      (g_ascii_strncasecmp (text + p, "st", 2) == 0 || g_ascii_strncasecmp (text + p, "nd", 2) == 0 ||
       g_ascii_strncasecmp (text + p, "rd", 2) == 0 || g_ascii_strncasecmp (text + p, "th", 2) == 0))
    return p + 2;
  return p;
}

/* A 4-digit year (or, after a dash, 2 digits) at @p: its end, or 0. */
static gsize
year_at (const char *text,
         gsize       len,
         gsize       p,
         gboolean    two_digits,
         guint      *year)
{
  gsize n = digit_run (text, len, p);
  guint64 v;

  if (!(n == 4 || (two_digits && n == 2)) || !number_ends_at (text, len, p + n))
    return 0;
  v = run_value (text, p, n);
  if (n == 4 && (v < 1000 || v > 2999))
    return 0;
  *year = full_year (v, n);
  return p + n;
}

static gboolean
date_found (AssayDate *out,
            gboolean   full_only,
            guint      year,
            guint      month,
            guint      day,
            gsize      start,
            gsize      end)
{
  /* A day that is not in its month (31 February) makes no date; without a
   * year, 29 February is allowed. */
  if (month < 1 || month > 12 ||
      (full_only && (year == 0 || day == 0)) ||
      (day > 0 && !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month,
                                     (GDateYear) (year > 0 ? year : 2000))))
    return FALSE;

  out->year = year;
  out->month = month;
  out->day = day;
  out->start = start;
  out->end = end;

  return TRUE;
}

/* The one reading of dates in the core (the analysis's scan and the
 * offline extractor's fields both come here). @s is where the digits of
 * the date start; a month name before them is looked for back to @floor.
 * @prev is the character before @s. */
static gboolean
scan_date (const char     *text,
           gsize           len,
           gsize           floor,
           gsize           s,
           gunichar        prev,
           AssayDateOrder  order,
           gboolean        full_only,
           AssayDate      *out)
{
  gsize a_len = digit_run (text, len, s);
  gsize p = s + a_len;
  guint sep = byte_at (text, len, p);
  guint64 a = run_value (text, s, a_len);
  gsize q, ws, n;
  guint month, year = 0;
  gboolean dotted;

  /* numeric: 2024-03-01, 01/03/2024, 1.3.2024, 03/2024 */
  if ((sep == '-' || sep == '/' || sep == '.') && is_digit (byte_at (text, len, p + 1)) &&
      !(prev < 0x80 && byte_in (prev, "-/.")))
    {
      gsize b = p + 1;
      gsize b_len = digit_run (text, len, b);
      guint64 bv = run_value (text, b, b_len);

      q = b + b_len;
      if (byte_at (text, len, q) == sep && is_digit (byte_at (text, len, q + 1)))
        {
          gsize c = q + 1;
          gsize c_len = digit_run (text, len, c);
          guint64 cv = run_value (text, c, c_len);
          gsize end = c + c_len;
          gboolean tail_ok = word_ends_at (text, len, end) &&
                             !(byte_in (byte_at (text, len, end), "-/.,") && is_digit (byte_at (text, len, end + 1)));

          /* "2024-03-01T10:30:00Z": the time belongs to the date */
          if (!tail_ok && a_len == 4 && byte_at (text, len, end) == 'T' &&
              is_digit (byte_at (text, len, end + 1)))
            {
              gsize t = end + 1;

              while (t < len && t - end < 32 && (is_digit ((guchar) text[t]) || byte_in ((guchar) text[t], ":.+-Z")))
                t++;
              while (t > end + 1 && !is_digit ((guchar) text[t - 1]) && text[t - 1] != 'Z')
                t--;
              if (word_ends_at (text, len, t))
                {
                  tail_ok = TRUE;
                  end = t;
                }
            }

          if (tail_ok && a_len == 4 && b_len <= 2 && c_len <= 2 &&
              a >= 1000 && a <= 2999 && bv >= 1 && bv <= 12 && cv >= 1 && cv <= 31)
            return date_found (out, full_only, (guint) a, (guint) bv, (guint) cv, s, end);
          if (tail_ok && a_len <= 2 && b_len <= 2 &&
              (c_len == 4 || (c_len == 2 && (sep != '.' || (a_len == 2 && b_len == 2)))) &&
              a >= 1 && a <= 31 && bv >= 1 && bv <= 31 && (a <= 12 || bv <= 12))
            {
              guint day = (guint) a, mon = (guint) bv;

              /* Day first, unless the second number cannot be a month or
               * the text reads month first ("$", "USD" on the page) and
               * the separator is not a dot */
              if (bv > 12 || (a <= 12 && order == ASSAY_DATE_MONTH_FIRST && sep != '.'))
                {
                  day = (guint) bv;
                  mon = (guint) a;
                }
              if (c_len == 2 || (cv >= 1000 && cv <= 2999))
                return date_found (out, full_only, full_year (cv, c_len), mon, day, s, end);
            }
        }
      else if (a_len == 2 && (sep == '/' || sep == '.') && b_len == 4 &&
               a >= 1 && a <= 12 && is_year_value (bv) && number_ends_at (text, len, q) &&
               !(byte_in (byte_at (text, len, q), "-/") && is_digit (byte_at (text, len, q + 1))))
        return date_found (out, full_only, (guint) bv, (guint) a, 0, s, q);
    }

  /* day then month name: 3 March 2024, 3rd March, 3. März 2024, 03-Mar-2024 */
  if (a_len <= 2 && a >= 1 && a <= 31)
    {
      gboolean dashed = FALSE;
      gsize mend = 0;

      p = skip_ordinal (text, len, s + a_len);
      if (byte_at (text, len, p) == '.')
        p++;
      if (byte_at (text, len, p) == '-')
        {
          dashed = TRUE;
          p++;
        }
      else if ((n = space_at (text, len, p)) > 0)
        {
          p += n;
          p += de_at (text, len, p);
        }
      else
        p = 0;

      if (p > 0 && (month = month_at (text, len, p, &mend)) > 0)
        {
          gboolean capital = is_ascii_upper (byte_at (text, len, p));
          gsize end = mend;
          gsize y;

          q = mend;
          if (byte_at (text, len, q) == '.')
            q++;
          if (dashed)
            y = byte_at (text, len, q) == '-' ? year_at (text, len, q + 1, TRUE, &year) : 0;
          else
            {
              if (byte_at (text, len, q) == ',')
                q++;
              n = space_at (text, len, q);
              if (n > 0)
                n += de_at (text, len, q + n);
              y = n > 0 ? year_at (text, len, q + n, FALSE, &year) : 0;
            }
          if (y > 0)
            end = y;
          if (y > 0 || capital)
            return date_found (out, full_only, y > 0 ? year : 0, month, (guint) a, s, end);
        }
    }

  /* month name then day or year: March 3, 2024; Mar. 3; March 2024 */
  q = s;
  n = space_before (text, q, floor);
  if (n == 0)
    return FALSE;
  q -= n;
  dotted = q > floor && text[q - 1] == '.';
  if (dotted)
    q--;
  ws = letters_before (text, q, floor, 16);
  if (ws == q || (dotted && q - ws > 4) || is_wordish (char_before (text, ws, 0, &n)) ||
      (month = month_lookup (text + ws, q - ws)) == 0)
    return FALSE;

  if (a_len <= 2 && a >= 1 && a <= 31 &&
      !((byte_at (text, len, s + a_len) == '.' || byte_at (text, len, s + a_len) == ',') &&
        is_digit (byte_at (text, len, s + a_len + 1))))
    {
      gboolean capital = is_ascii_upper ((guchar) text[ws]);
      gsize end = skip_ordinal (text, len, s + a_len);
      gsize y;

      if (!word_ends_at (text, len, end))
        return FALSE;
      p = end;
      if (byte_at (text, len, p) == ',')
        p++;
      n = space_at (text, len, p);
      y = n > 0 ? year_at (text, len, p + n, FALSE, &year) : 0;
      if (y > 0)
        end = y;
      if (y > 0 || capital)
        return date_found (out, full_only, y > 0 ? year : 0, month, (guint) a, ws, end);
    }
  else if (a_len == 4 && is_year_value (a) && is_ascii_upper ((guchar) text[ws]) &&
           number_ends_at (text, len, s + 4))
    return date_found (out, full_only, (guint) a, month, 0, ws, s + 4);

  return FALSE;
}

static gboolean
match_date (Scan     *sc,
            gsize     s,
            gunichar  prev,
            gsize    *next)
{
  AssayDate date;

  if (!scan_date (sc->text, sc->len, sc->floor, s, prev, sc->date_order, FALSE, &date))
    return FALSE;

  emit_date (sc, date.year, date.month, date.day, date.start, date.end);
  *next = date.end;

  return TRUE;
}

/* 10:30, 9:05:59 */
static gboolean
match_time (Scan  *sc,
            gsize  s,
            gsize *next)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize a_len = digit_run (text, len, s);
  gsize p = s + a_len;

  if (a_len > 2 || run_value (text, s, a_len) > 24)
    return FALSE;

  for (guint part = 0; part < 2; part++)
    {
      if (byte_at (text, len, p) != ':' || digit_run (text, len, p + 1) != 2 ||
          run_value (text, p + 1, 2) > 59)
        break;
      p += 3;
    }
  if (p == s + a_len || !word_ends_at (text, len, p) ||
      (byte_at (text, len, p) == ':' && is_digit (byte_at (text, len, p + 1))))
    return FALSE;

  *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, p);
  return TRUE;
}

/* Phone numbers: digit groups joined by spaces, dashes, slashes, parens. */
static gsize
phone_extent (const char *text,
              gsize       len,
              gsize       s,
              guint      *n_digits,
              guint      *n_groups)
{
  gsize p = s, end = s;

  *n_digits = *n_groups = 0;
  for (guint guard = 0; guard < 12; guard++)
    {
      gsize run = digit_run (text, len, p);
      gsize q;

      if (run == 0)
        break;
      *n_digits += (guint) run;
      *n_groups += 1;
      p += run;
      end = p;
      for (q = p; q < p + 3 && byte_in (byte_at (text, len, q), " -/()"); q++)
        ;
      if (q == p || !is_digit (byte_at (text, len, q)))
        break;
      p = q;
    }

  return end;
}

static gboolean
match_phone (Scan  *sc,
             gsize  s,
             gsize *next)
{
  gsize plus = s - 1;
  guint digits, groups;
  gsize end;

  if (s == 0 || plus < sc->floor || sc->text[plus] != '+' || !sign_allowed (sc->text, plus))
    return FALSE;

  end = phone_extent (sc->text, sc->len, s, &digits, &groups);
  if (digits < 8 || digits > 15 || (groups < 2 && digits < 10) ||
      !word_ends_at (sc->text, sc->len, end) ||
      percent_at (sc->text, sc->len, end) > 0)
    return FALSE;

  *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, plus, end);
  return TRUE;
}

/* "ISBN 978-…", "Tel. 030 1234", "No. 2024-017", "DOI: 10.1000/182" */
static gboolean
match_label (Scan  *sc,
             gsize  s,
             gsize *next)
{
  static const char * const labels[] = {
    "isbn", "issn", "doi", "iban", "ref", "nr", "tel", "phone", "fax",
  };
  const char *text = sc->text;
  gsize q = s;
  gsize ws, n, end;
  gboolean punct = FALSE;
  gboolean phone = FALSE;
  gboolean found = FALSE;

  for (guint i = 0; i < 3 && (n = space_before (text, q, sc->floor)) > 0; i++)
    q -= n;
  if (q > sc->floor && (text[q - 1] == ':' || text[q - 1] == '#'))
    {
      q--;
      punct = TRUE;
    }
  if (q > sc->floor && text[q - 1] == '.')
    {
      q--;
      punct = TRUE;
    }
  if (q == s)
    return FALSE;

  for (ws = q; ws > sc->floor && q - ws < 8 && is_ascii_alpha ((guchar) text[ws - 1]); ws--)
    ;
  if (ws == q || is_wordish (char_before (text, ws, 0, &n)))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (word_equal (text + ws, q - ws, labels[i]))
      {
        found = TRUE;
        phone = i >= 6;
      }
  if ((punct && word_equal (text + ws, q - ws, "no")) ||
      (q - ws == 2 && memcmp (text + ws, "ID", 2) == 0))
    found = TRUE;
  if (!found)
    return FALSE;

  if (phone)
    {
      guint digits, groups;

      end = phone_extent (text, sc->len, s, &digits, &groups);
    }
  else
    end = token_end (text, sc->len, s);

  *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, end);
  return TRUE;
}

/* "1." "2)" "(3)" "2.3.1 Methods" at the start of a line, followed by text. */
static gboolean
match_list_index (Scan  *sc,
                  gsize  s,
                  gsize *next)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gboolean paren = s > sc->floor && text[s - 1] == '(';
  gsize start = paren ? s - 1 : s;
  gsize runs[8];
  guint n_runs = 0;
  gsize p = s;
  gboolean thousands = TRUE;

  if (!at_line_start (text, start))
    return FALSE;

  while (n_runs < G_N_ELEMENTS (runs))
    {
      gsize run = digit_run (text, len, p);

      if (run == 0 || run > 3)
        return FALSE;
      if (n_runs > 0 && run != 3)
        thousands = FALSE;
      runs[n_runs++] = run;
      p += run;
      if (byte_at (text, len, p) != '.' || !is_digit (byte_at (text, len, p + 1)))
        break;
      p++;
    }
  if (!word_ends_at (text, len, p))
    return FALSE;

  if (paren)
    {
      if (n_runs != 1 || byte_at (text, len, p) != ')')
        return FALSE;
      p++;
    }
  else if (n_runs == 1)
    {
      if (byte_at (text, len, p) != '.' && byte_at (text, len, p) != ')')
        return FALSE;
      p++;
    }
  else
    {
      gboolean trailing_dot = FALSE;

      if (n_runs > 2 && thousands)
        return FALSE;
      if (n_runs == 2 && (runs[0] > 2 || runs[1] > 2))
        return FALSE;
      if (byte_at (text, len, p) == '.')
        {
          trailing_dot = TRUE;
          p++;
        }
      if (n_runs == 2 && !trailing_dot)
        {
          /* "2.3 Results", not "1.5 Million" or "2.5 EUR" */
          gsize q = skip_spaces (text, len, p);
          gsize w = letters_at (text, len, q, 16);
          char code[4];

          if (!is_ascii_upper (byte_at (text, len, q)) ||
              scale_lookup (text + q, w, FALSE, TRUE) != NULL ||
              currency_at (text, len, q, TRUE, code) > 0)
            return FALSE;
        }
    }

  if (!text_follows (text, len, p))
    return FALSE;

  *next = emit_simple (sc, ASSAY_NUMBER_LIST_INDEX, s, start, p);
  return TRUE;
}

/* ISBN-like dash chains, DOIs, dotted versions and addresses. */
static gboolean
match_chain (Scan  *sc,
             gsize  s,
             gsize *next)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize a_len = digit_run (text, len, s);
  gsize p, end;
  guint n_runs;
  gboolean thousands;

  /* 978-3-16-148410-0 */
  p = s + a_len;
  n_runs = 1;
  while (byte_at (text, len, p) == '-' && is_digit (byte_at (text, len, p + 1)))
    {
      p += 1 + digit_run (text, len, p + 1);
      n_runs++;
    }
  if (n_runs >= 3)
    {
      if (byte_at (text, len, p) == '-' && (byte_at (text, len, p + 1) | 0x20) == 'x' &&
          word_ends_at (text, len, p + 2))
        p += 2;
      end = word_ends_at (text, len, p) ? p : token_end (text, len, p);
      *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, end);
      return TRUE;
    }

  /* 10.1000/182 */
  p = s + a_len;
  if (a_len == 2 && text[s] == '1' && text[s + 1] == '0' && byte_at (text, len, p) == '.' &&
      digit_run (text, len, p + 1) >= 4 &&
      byte_at (text, len, p + 1 + digit_run (text, len, p + 1)) == '/')
    {
      end = p + 1 + digit_run (text, len, p + 1) + 1;
      while (end < len && (guchar) text[end] > ' ' && !byte_in ((guchar) text[end], "<>\"()[]{},;"))
        end++;
      while (end > s && byte_in ((guchar) text[end - 1], ".:!?"))
        end--;
      *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, end);
      return TRUE;
    }

  /* 1.2.3, 192.168.0.1 */
  n_runs = 1;
  thousands = a_len <= 3 && text[s] != '0';
  while (byte_at (text, len, p) == '.' && is_digit (byte_at (text, len, p + 1)))
    {
      gsize run = digit_run (text, len, p + 1);

      if (run != 3)
        thousands = FALSE;
      p += 1 + run;
      n_runs++;
    }
  if (n_runs >= 3 && !thousands)
    {
      end = word_ends_at (text, len, p) ? p : token_end (text, len, p);
      *next = emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, end);
      return TRUE;
    }

  return FALSE;
}

static gsize
scan_number (Scan         *sc,
             gsize         s,
             const Prefix *pre,
             char          forbidden);

/* Letters right before the digits: FY2023, EUR12, A4, ISO9001, v2. */
static gsize
scan_glued_left (Scan  *sc,
                 gsize  s)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize run = digit_run (text, len, s);
  gsize ws = s;
  gsize cs;

  while (s - ws < WORD_BACK)
    {
      gunichar c = char_before (text, ws, sc->floor, &cs);

      if (!is_wordish (c))
        break;
      ws = cs;
    }

  if (s - ws == 2 && g_ascii_strncasecmp (text + ws, "FY", 2) == 0 &&
      number_ends_at (text, len, s + run))
    {
      guint64 v = run_value (text, s, run);

      if (run == 4 && is_year_value (v))
        {
          emit (sc, ASSAY_NUMBER_YEAR, (double) v, (double) v, NULL, 0, 0, ws,
                fiscal_year_end (text, len, s));
          return sc->floor;
        }
      if (run == 2)
        {
          emit (sc, ASSAY_NUMBER_YEAR, 2000.0 + (double) v, 2000.0 + (double) v, NULL, 0, 0,
                ws, s + 2);
          return sc->floor;
        }
    }

  if (s - ws == 3 && is_ascii_upper ((guchar) text[ws]) && is_ascii_upper ((guchar) text[ws + 1]) &&
      is_ascii_upper ((guchar) text[ws + 2]) && iso_code_lookup (text + ws) != NULL)
    {
      Prefix pre;
      gboolean negative = FALSE;
      gsize n;

      memset (&pre, 0, sizeof pre);
      memcpy (pre.currency, iso_code_lookup (text + ws), 4);
      pre.start = ws;
      n = sign_before (text, ws, sc->floor, &negative);
      if (n > 0 && sign_allowed (text, ws - n))
        {
          pre.has_sign = TRUE;
          pre.negative = negative;
          pre.start -= n;
        }
      pre.open_paren = pre.start > sc->floor && text[pre.start - 1] == '(';
      return scan_number (sc, s, &pre, 0);
    }

  return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, ws, token_end (text, len, s));
}

/* Does another number sit right next to [@start, @end) on its line, with
 * only spaces between, as in a table row "1,234  (567)  2,345"? */
static gboolean
in_number_row (const Scan *sc,
               gsize       start,
               gsize       end)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize p, n;
  guint c;

  if (sc->out->len > 0)
    {
      const AssayNumber *last = &g_array_index (sc->out, AssayNumber, sc->out->len - 1);

      p = start;
      while (p > last->end && (n = space_before (text, p, last->end)) > 0)
        p -= n;
      if (p == last->end && p < start && assay_number_kind_is_quantity (last->kind))
        return TRUE;
    }

  p = skip_spaces (text, len, end);
  if (p == end)
    return FALSE;
  c = byte_at (text, len, p);
  if (c == '(' || c == '-' || c == '+')
    c = byte_at (text, len, p + 1);
  return is_digit (c);
}

/* Spaces and then a number at @p: "2023 EUR 1.2bn". */
static gboolean
number_follows (const char *text,
                gsize       len,
                gsize       p)
{
  gsize q = skip_spaces (text, len, p);
  guint c = byte_at (text, len, q);

  if (q == p)
    return FALSE;
  if (c == '-' || c == '+' || c == '(')
    c = byte_at (text, len, q + 1);
  return is_digit (c);
}

static gsize
scan_number (Scan         *sc,
             gsize         s,
             const Prefix *prefix,
             char          forbidden)
{
  const char *text = sc->text;
  gsize len = sc->len;
  Prefix pre_copy = *prefix;
  Prefix *pre = &pre_copy;
  Core core;
  Suffix sfx;
  const char *currency;
  double mantissa, value;
  gboolean integer, bare, year_like, paren, negative;
  gsize start, end;
  AssayNumberKind kind;

  core_lex (text, len, s, TRUE, forbidden, &core);
  core_choose (&core, text);
  suffix_parse (text, len, core.end, pre->currency, pre->open_paren, SUFFIX_DASH, &sfx);
  if (pre->paren_inside && !sfx.closed_paren)
    {
      /* "$ (5" without its ')': the currency is not this number's */
      pre->currency[0] = '\0';
      pre->paren_inside = FALSE;
      pre->start = s;
      suffix_parse (text, len, core.end, pre->currency, pre->open_paren, SUFFIX_DASH, &sfx);
    }
  if (core.thousands == ' ' && core.decimal_mark == 0 && pre->currency[0] == '\0' &&
      sfx.currency[0] == '\0' && sfx.scale == 0 && !sfx.percent)
    {
      /* "123 456" alone: two table cells more often than one number */
      core_lex (text, len, s, FALSE, forbidden, &core);
      core_choose (&core, text);
      suffix_parse (text, len, core.end, pre->currency, pre->open_paren, SUFFIX_DASH, &sfx);
    }

  integer = core_is_integer (&core);
  year_like = integer && core.int_digits == 4 && !pre->has_sign && pre->currency[0] == '\0' &&
              is_year_value (run_value (text, s, 4));

  if (year_like && sfx.currency[0] != '\0' && sfx.scale == 0 && !sfx.percent &&
      number_follows (text, len, sfx.end))
    {
      /* "in 2023 EUR 1.2bn": the currency belongs to the next number */
      suffix_parse (text, len, core.end, pre->currency, pre->open_paren,
                    SUFFIX_DASH | SUFFIX_NO_CURRENCY, &sfx);
    }

  if (sfx.glued)
    {
      /* "1990s", "2024E"; else "3D", "21st", "4x4" */
      if (year_like && sfx.word_len == 1 && sfx.glued_end == sfx.word + 1 &&
          byte_in ((guchar) text[sfx.word], "sEAFe"))
        return emit_simple (sc, ASSAY_NUMBER_YEAR, s, s, sfx.glued_end);
      return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, sfx.glued_end);
    }

  currency = pre->currency[0] != '\0' ? pre->currency : sfx.currency;
  bare = integer && currency[0] == '\0' && !sfx.percent && sfx.scale == 0 && !sfx.unit;
  year_like = year_like && bare;
  paren = pre->open_paren && sfx.closed_paren;
  negative = pre->negative;
  start = pre->start;
  end = sfx.end;

  if (paren && (year_like || (bare && core.int_digits <= 3 && !pre->has_sign &&
                              !in_number_row (sc, start - 1, sfx.end))))
    {
      /* "(3)", "(2019)": a reference, not a negative */
      end = core.end;
    }
  else if (paren)
    {
      negative = TRUE;
      if (!pre->paren_inside)
        start--;
    }
  else if (sfx.closed_paren)
    end--;

  if (!core_value (&core, text, sfx.scale, &mantissa, &value) ||
      (integer && core.int_digits >= 16))
    return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, core.end);
  if (integer && core.int_digits >= 2 && text[s] == '0' && currency[0] == '\0' && !sfx.percent)
    return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s, core.end);

  if (year_like)
    {
      end = fiscal_year_end (text, len, s);
      emit (sc, ASSAY_NUMBER_YEAR, value, mantissa, NULL, 0, 0, s, end);
      return end;
    }

  if (currency[0] != '\0')
    kind = ASSAY_NUMBER_AMOUNT;
  else if (sfx.percent)
    kind = ASSAY_NUMBER_PERCENT;
  else
    kind = ASSAY_NUMBER_PLAIN;

  if (negative)
    {
      mantissa = -mantissa;
      value = -value;
    }

  emit (sc, kind, value, mantissa, currency, sfx.scale, core.decimals, start, end);
  return end;
}

/* A run of digits starts at @s: classify it, append what it is, return
 * where scanning goes on (always after @s). */
static gsize
scan_digits (Scan  *sc,
             gsize  s)
{
  const char *text = sc->text;
  gsize len = sc->len;
  gsize run = digit_run (text, len, s);
  gsize cs, next;
  gunichar prev = char_before (text, s, sc->floor, &cs);
  gboolean has_word;
  char forbidden = 0;
  Prefix pre;

  if (is_wordish (prev))
    return scan_glued_left (sc, s);

  if (prev == '#')
    return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, s - 1, token_end (text, len, s));

  if (prev == '-' && is_letter (char_before (text, cs, sc->floor, &next)))
    {
      /* "mid-2023" is a year, "COVID-19" a name */
      if (!(run == 4 && is_year_value (run_value (text, s, 4)) && number_ends_at (text, len, s + run)))
        {
          gsize ws = letters_before (text, cs, sc->floor, WORD_BACK);

          return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, s, ws, token_end (text, len, s));
        }
    }

  if (page_line_at (sc, s, &has_word))
    {
      guint64 v = run_value (text, s, run);

      return emit_simple (sc, !has_word && run == 4 && is_year_value (v) ?
                          ASSAY_NUMBER_YEAR : ASSAY_NUMBER_PAGE_NUMBER,
                          s, s, s + run);
    }

  if (match_label (sc, s, &next) ||
      (prev == '+' && match_phone (sc, s, &next)) ||
      match_date (sc, s, prev, &next) ||
      match_time (sc, s, &next) ||
      match_list_index (sc, s, &next) ||
      match_chain (sc, s, &next))
    return next;

  /* "1,2,3": what follows "digit," never uses ',' again */
  if (s >= 2 && (text[s - 1] == ',' || text[s - 1] == '.') && is_digit ((guchar) text[s - 2]))
    forbidden = text[s - 1];

  prefix_lookback (text, s, sc->floor, &pre);
  return scan_number (sc, s, &pre, forbidden);
}

static gboolean
is_link_delimiter (guint c)
{
  return c <= ' ' || c >= 0x80 || byte_in (c, "<>\"'()[]{}");
}

/* At '@', ':' or '.': a link or e-mail address becomes one identifier. */
static gsize
scan_link (Scan  *sc,
           gsize  i)
{
  const char *text = sc->text;
  gsize len = sc->len;
  guint c = (guchar) text[i];
  gboolean link;
  gsize ts, te;

  if (c == '@')
    link = i > 0 && (is_ascii_alnum ((guchar) text[i - 1]) || byte_in ((guchar) text[i - 1], "._-+")) &&
           is_ascii_alnum (byte_at (text, len, i + 1));
  else if (c == ':')
    link = i > 0 && is_ascii_alpha ((guchar) text[i - 1]) && bytes_at (text, len, i + 1, "//", 2);
  else
    link = i >= 3 && g_ascii_strncasecmp (text + i - 3, "www", 3) == 0 &&
           (i == 3 || is_link_delimiter ((guchar) text[i - 4])) &&
           is_ascii_alnum (byte_at (text, len, i + 1));
  if (!link)
    return i + 1;

  ts = i;
  while (ts > 0 && i - ts < LINK_BACK && !is_link_delimiter ((guchar) text[ts - 1]))
    ts--;
  te = i + 1;
  while (te < len && te - i < LINK_FORWARD && !is_link_delimiter ((guchar) text[te]))
    te++;
  while (te > i + 1 && byte_in ((guchar) text[te - 1], ".,;:!?"))
    te--;

  /* what was found inside the link is part of it */
  while (sc->out->len > 0 && g_array_index (sc->out, AssayNumber, sc->out->len - 1).start >= ts)
    g_array_set_size (sc->out, sc->out->len - 1);
  if (sc->out->len > 0)
    ts = MAX (ts, g_array_index (sc->out, AssayNumber, sc->out->len - 1).end);
  sc->floor = ts;

  for (gsize p = ts; p < te; p++)
    if (is_digit ((guchar) text[p]))
      return emit_simple (sc, ASSAY_NUMBER_IDENTIFIER, p, ts, te);

  sc->floor = te;
  return te;
}

/**
 * assay_numbers_scan:
 * @text: page text, UTF-8 (invalid bytes are skipped); need not be
 *   NUL-terminated
 * @length: its length in bytes; nothing past it is read
 *
 * Finds every number in @text and classifies it (the rules are at the top
 * of this file). Entries are in text order and do not overlap; their
 * offsets are relative to @text. Texts longer than 4 GiB are scanned up to
 * that length. Linear in @length. Any thread.
 *
 * Returns: (transfer full) (element-type AssayNumber): the numbers, possibly
 *   none.
 */
GArray *
assay_numbers_scan (const char *text,
                    gsize       length)
{
  Scan sc;
  gsize i = 0;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  memset (&sc, 0, sizeof sc);
  sc.out = g_array_sized_new (FALSE, FALSE, sizeof (AssayNumber), 32);
  if (length == 0 || text == NULL)
    return sc.out;

  sc.text = text;
  sc.len = MIN (length, (gsize) G_MAXUINT);
  sc.date_order = assay_date_order_for_text (text, sc.len);
  find_page_lines (&sc);

  while (i < sc.len)
    {
      guint c = (guchar) text[i];

      if (c - '0' < 10)
        i = scan_digits (&sc, i);
      else if (G_UNLIKELY (c == '@' || c == ':' || c == '.'))
        i = scan_link (&sc, i);
      else
        i++;
    }

  return sc.out;
}

/**
 * assay_number_kind_is_quantity:
 * @kind: a kind
 *
 * Returns: %TRUE for the kinds that measure something (plain numbers,
 *   amounts, percentages) and belong in statistics. Any thread.
 */
gboolean
assay_number_kind_is_quantity (AssayNumberKind kind)
{
  return kind == ASSAY_NUMBER_PLAIN || kind == ASSAY_NUMBER_AMOUNT || kind == ASSAY_NUMBER_PERCENT;
}

/**
 * assay_number_kind_to_string:
 * @kind: a kind
 *
 * Returns: (transfer none): the name used in JSON ("plain", "amount",
 *   "percent", "year", "date", "page_number", "list_index", "identifier").
 *   Any thread.
 */
const char *
assay_number_kind_to_string (AssayNumberKind kind)
{
  switch (kind)
    {
    case ASSAY_NUMBER_PLAIN:
      return "plain";
    case ASSAY_NUMBER_AMOUNT:
      return "amount";
    case ASSAY_NUMBER_PERCENT:
      return "percent";
    case ASSAY_NUMBER_YEAR:
      return "year";
    case ASSAY_NUMBER_DATE:
      return "date";
    case ASSAY_NUMBER_PAGE_NUMBER:
      return "page_number";
    case ASSAY_NUMBER_LIST_INDEX:
      return "list_index";
    case ASSAY_NUMBER_IDENTIFIER:
      return "identifier";
    default:
      g_return_val_if_reached ("plain");
    }
}

/**
 * assay_numbers_equal:
 * @a: a number
 * @b: another
 * @decimals: decimal places the less precise of them was written with
 *
 * Whether @a and @b agree to the precision written: they differ by at most
 * half a unit in the last place (0.05 for @decimals 1), plus a relative
 * 1e-9 for floating-point noise. So 1234.5 and 1234.46 are equal at one
 * decimal, 1234.5 and 1234.56 are not. NaN equals nothing. Any thread.
 *
 * Returns: %TRUE when they agree.
 */
gboolean
assay_numbers_equal (double a,
                     double b,
                     guint  decimals)
{
  double tolerance;

  if (isnan (a) || isnan (b))
    return FALSE;
  if (a == b)
    return TRUE;
  if (!isfinite (a) || !isfinite (b))
    return FALSE;

  tolerance = 0.5 * (decimals < G_N_ELEMENTS (pow10_table) ?
                     1.0 / pow10_table[decimals] : pow (10.0, -(double) decimals));
  return fabs (a - b) <= tolerance + 1e-9 * MAX (fabs (a), fabs (b));
}

/**
 * assay_date_order_for_text:
 * @text: a page, or any text the date is in
 *
 * Returns: %ASSAY_DATE_MONTH_FIRST when the text deals in US dollars
 *   ("$" or "USD" in it), else %ASSAY_DATE_DAY_FIRST: how an ambiguous
 *   numeric date (04/05/2024) is read
 */
AssayDateOrder
assay_date_order_for_text (const char *text,
                           gsize       length)
{
  g_return_val_if_fail (text != NULL || length == 0, ASSAY_DATE_DAY_FIRST);

  if (length == 0)
    return ASSAY_DATE_DAY_FIRST;

  if (memchr (text, '$', length) != NULL || g_strstr_len (text, (gssize) length, "USD") != NULL)
    return ASSAY_DATE_MONTH_FIRST;

  return ASSAY_DATE_DAY_FIRST;
}

/**
 * assay_date_parse:
 * @text: a date at its very start (digits, or a month name); need not be
 *   NUL-terminated
 * @length: bytes of @text
 * @order: how ambiguous numeric dates are read
 * @full_only: %TRUE accepts only dates with a day, a month and a year
 * @out: (out): the date; start is 0 and end where the date ends
 *
 * Reads a date by the rules of assay_numbers_scan() (see the top of
 * assay-numbers.c): the core has one reading of dates.
 *
 * Returns: %TRUE when @text starts with a date
 */
gboolean
assay_date_parse (const char     *text,
                  gsize           length,
                  AssayDateOrder  order,
                  gboolean        full_only,
                  AssayDate      *out)
{
  gsize s = 0;
  gunichar prev = NO_CHAR;
  AssayDate date;

  g_return_val_if_fail (text != NULL || length == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  length = MIN (length, (gsize) G_MAXUINT);
  if (length == 0)
    return FALSE;

  if (!is_digit ((guchar) text[0]))
    {
      /* a month name, then the digits of its day or year */
      gsize n = letters_at (text, length, 0, 16);

      if (n == 0)
        return FALSE;
      s = n;
      if (byte_at (text, length, s) == '.')
        s++;
      n = space_at (text, length, s);
      if (n == 0)
        return FALSE;
      s += n;
      if (!is_digit (byte_at (text, length, s)))
        return FALSE;
      prev = ' ';
    }

  if (!scan_date (text, length, 0, s, prev, order, full_only, &date) || date.start != 0)
    return FALSE;

  *out = date;
  return TRUE;
}

/**
 * assay_date_to_iso:
 *
 * Returns: (transfer full): "2024-03-01", or "2024-03" without a day,
 *   "--03-01" without a year (ISO 8601)
 */
char *
assay_date_to_iso (const AssayDate *date)
{
  g_return_val_if_fail (date != NULL, NULL);

  if (date->year == 0)
    return g_strdup_printf ("--%02u-%02u", date->month, date->day);
  if (date->day == 0)
    return g_strdup_printf ("%04u-%02u", date->year, date->month);
  return g_strdup_printf ("%04u-%02u-%02u", date->year, date->month, date->day);
}
