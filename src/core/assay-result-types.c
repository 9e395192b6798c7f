/* assay-result-types.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "assay-result-types"

#include "config.h"

#include "assay-result-types.h"

/* The nicks are the strings of docs/result-schema.md. */
G_DEFINE_ENUM_TYPE (AssayVerification, assay_verification,
  G_DEFINE_ENUM_VALUE (ASSAY_VERIFICATION_UNCHECKED, "unchecked"),
  G_DEFINE_ENUM_VALUE (ASSAY_VERIFICATION_VERIFIED, "verified"),
  G_DEFINE_ENUM_VALUE (ASSAY_VERIFICATION_UNVERIFIED, "unverified"))

G_DEFINE_ENUM_TYPE (AssayFieldType, assay_field_type,
  G_DEFINE_ENUM_VALUE (ASSAY_FIELD_STRING, "string"),
  G_DEFINE_ENUM_VALUE (ASSAY_FIELD_NUMBER, "number"),
  G_DEFINE_ENUM_VALUE (ASSAY_FIELD_MONEY, "money"),
  G_DEFINE_ENUM_VALUE (ASSAY_FIELD_DATE, "date"),
  G_DEFINE_ENUM_VALUE (ASSAY_FIELD_LIST, "list"))
