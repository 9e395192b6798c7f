/* assay-pdf-reader.c — not written yet */
#include "config.h"
