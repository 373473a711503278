// libxkbcommon: keymaps compiled from RMLVO names, key state, and Compose (dead keys).
#pragma once
#include <xkbcommon/xkbcommon.h>
#include <xkbcommon/xkbcommon-compose.h>
