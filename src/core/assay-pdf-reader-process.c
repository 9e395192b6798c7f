/* assay-pdf-reader-process.c — not written yet */
#include "config.h"
