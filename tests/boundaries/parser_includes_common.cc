// Allowed: the parser depends on common/ (DESIGN.md). Compiles.
#include "common/article.h"
#include "parser/extract.h"

int ParserMayIncludeCommon() { return newscrawl::kArticleSchemaVersion; }
