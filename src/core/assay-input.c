/* assay-input.c — not written yet */
#include "config.h"
