/* assay-pdf-reader-main.c — not written yet */
#include "config.h"
int main (void);
int main (void) { return 1; }
