#include "TesseraBootstrap.h"

/// Runs when the program (or test bundle) that links the Tessera module is loaded, so
/// that `import Tessera` is all a user needs for the built-in backends to be registered.
__attribute__((constructor))
static void tessera_bootstrap(void) {
    tessera_register_builtin_backends();
}
