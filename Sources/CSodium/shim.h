#ifndef CASEVAULT_CSODIUM_SHIM_H
#define CASEVAULT_CSODIUM_SHIM_H
#include <sodium.h>
#endif
