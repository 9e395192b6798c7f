/* assay-numbers.c — not written yet */
#include "config.h"
