// libudev: device properties set by udev rules (PACKSTATION_SCANNER) and the hotplug monitor.
#pragma once
#include <libudev.h>
