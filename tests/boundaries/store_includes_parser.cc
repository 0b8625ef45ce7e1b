// Forbidden: the store knows no HTTP or HTML (DESIGN.md). Must fail to compile.
#include "parser/extract.h"
#include "store/store.h"

int StoreCannotIncludeParser() { return 0; }
