// Forbidden: the pipeline does not link the server (DESIGN.md; cli/ wires them). Must fail to
// compile.
#include "pipeline/daemon.h"
#include "server/article_source.h"

int PipelineCannotIncludeServer() { return 0; }
