// libusb-1.0 for raw USB printing (Printing/USBPrinter.swift): device enumeration, descriptors,
// kernel-driver detach, interface claim, control and bulk transfers.
#pragma once
#include <libusb-1.0/libusb.h>

// USB printer class (7) requests, USB Device Class Definition for Printing Devices 1.1, 4.2:
// class request, device-to-host, recipient interface.
enum {
    packstation_usb_class_printer = 7,
    packstation_usb_printer_request_in = 0xA1,
    packstation_usb_printer_get_device_id = 0,
    packstation_usb_printer_get_port_status = 1,
};

