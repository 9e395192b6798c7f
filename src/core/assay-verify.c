/* assay-verify.c — not written yet */
#include "config.h"
