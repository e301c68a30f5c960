#ifndef TESSERA_BOOTSTRAP_H
#define TESSERA_BOOTSTRAP_H
/// Implemented in Swift by the Tessera module (@_cdecl): registers the built-in backends.
void tessera_register_builtin_backends(void);
#endif
