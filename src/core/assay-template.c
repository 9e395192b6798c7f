/* assay-template.c — not written yet */
#include "config.h"
