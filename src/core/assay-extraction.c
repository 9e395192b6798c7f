/* assay-extraction.c — not written yet */
#include "config.h"
