/* assay-cli-output.c — not written yet */
#include "config.h"
