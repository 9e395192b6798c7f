/* assay-corpus.c — not written yet */
#include "config.h"
