// Forbidden: the parser knows no storage (DESIGN.md). Must fail to compile.
#include "parser/extract.h"
#include "store/store.h"

int ParserCannotIncludeStore() { return 0; }
