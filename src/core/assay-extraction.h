/* assay-extraction.h — what an extractor found in a document
 *
 * The offline extractor and the language-model client both produce this
 * shape; verification fills in `verified`. A plain value owned by one thread
 * at a time, handed over with g_steal_pointer.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  ASSAY_VERIFICATION_UNCHECKED,   /* not a number, or not checked yet */
  ASSAY_VERIFICATION_VERIFIED,    /* the number appears on its page */
  ASSAY_VERIFICATION_UNVERIFIED,  /* it does not: never present it as fact */
} AssayVerification;

/* PDF points, origin at the top-left corner of the page */
typedef struct
{
  double x;
  double y;
  double width;
  double height;
} AssayRect;

/* Rectangles kept per figure or field at most */
#define ASSAY_MAX_RECTS 8

typedef struct
{
  char              *label;     /* "Total revenue" */
  double             value;     /* normalised: sign and scale applied */
  char              *raw;       /* as written: "(1,234.5)" */
  char              *unit;      /* ISO currency, "%", or a free unit; nullable */
  char              *period;    /* "2023", "Q3 2024", "FY2023"; nullable */
  guint              page;      /* 1-based; 0 when unknown */
  char              *snippet;   /* the source line, trimmed; nullable */
  AssayVerification  verified;
  guint              verified_page; /* 1-based page where it was found, 0 if none */
  AssayRect         *rects;     /* where on verified_page; NULL when not known */
  guint              n_rects;
} AssayFigure;

typedef enum
{
  ASSAY_FIELD_STRING,
  ASSAY_FIELD_NUMBER,
  ASSAY_FIELD_MONEY,
  ASSAY_FIELD_DATE,     /* value is ISO 8601: 2024-03-01 */
  ASSAY_FIELD_LIST,     /* value is "; "-joined */
} AssayFieldType;

typedef struct
{
  char              *name;      /* template field name: "invoice_number" */
  AssayFieldType     type;
  char              *value;     /* textual value; for numbers the normalised number */
  double             number;    /* NUMBER/MONEY: the value; NAN otherwise */
  char              *unit;      /* MONEY: ISO currency; nullable */
  guint              page;      /* 1-based; 0 when unknown */
  char              *snippet;   /* nullable */
  AssayVerification  verified;
  guint              verified_page;
  AssayRect         *rects;     /* where on verified_page; NULL when not known */
  guint              n_rects;
} AssayField;

typedef struct
{
  char       *method;          /* "offline" or "llm" */
  char       *provider;        /* nullable: "openai", "ollama" */
  char       *model;           /* nullable */
  char       *template_name;
  char       *document_type;   /* a guess: "invoice", "financial-report", ... */
  char       *title;           /* nullable */
  GPtrArray  *fields;          /* AssayField* */
  GPtrArray  *figures;         /* AssayFigure* */
  GPtrArray  *warnings;        /* char*, person-readable */
  gint64      prompt_tokens;   /* -1 when not applicable */
  gint64      completion_tokens;
  gboolean    fell_back;       /* the model failed for good; the offline extractor answered */
} AssayExtraction;

AssayExtraction *assay_extraction_new           (const char        *method,
                                                 const char        *template_name);
void             assay_extraction_free          (AssayExtraction   *self);
AssayFigure     *assay_extraction_add_figure    (AssayExtraction   *self,
                                                 const char        *label,
                                                 double             value,
                                                 const char        *raw,
                                                 guint              page,
                                                 const char        *snippet);
AssayField      *assay_extraction_add_field     (AssayExtraction   *self,
                                                 const char        *name,
                                                 AssayFieldType     type,
                                                 const char        *value,
                                                 guint              page,
                                                 const char        *snippet);
AssayField      *assay_extraction_get_field     (AssayExtraction   *self,
                                                 const char        *name);
void             assay_extraction_add_warning   (AssayExtraction   *self,
                                                 const char        *format,
                                                 ...) G_GNUC_PRINTF (2, 3);
void             assay_figure_free              (AssayFigure       *figure);
void             assay_field_free               (AssayField        *field);
JsonNode        *assay_extraction_to_json       (const AssayExtraction *self);
AssayExtraction *assay_extraction_from_json     (JsonNode          *node,
                                                 GError           **error);
const char      *assay_verification_to_string   (AssayVerification  verification);
const char      *assay_field_type_to_string     (AssayFieldType     type);
gboolean         assay_field_type_from_string   (const char        *str,
                                                 AssayFieldType    *out);
gboolean         assay_verification_from_string (const char        *str,
                                                 AssayVerification *out);
AssayField      *assay_extraction_add_number_field (AssayExtraction *self,
                                                 const char        *name,
                                                 AssayFieldType     type,
                                                 double             number,
                                                 const char        *unit,
                                                 guint              page,
                                                 const char        *snippet);
char            *assay_extraction_format_number (double             value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AssayExtraction, assay_extraction_free)

G_END_DECLS
