/* assay-analysis.c — not written yet */
#include "config.h"
