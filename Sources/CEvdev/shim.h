// libevdev and the Linux input definitions (struct input_event, KEY_*, EV_*, SYN_*),
// plus the epoll/eventfd/inotify calls the one reader thread uses.
#pragma once
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <errno.h>
#include <fcntl.h>

// The kernel's record layout, for reading raw captures.
static inline long packstation_input_event_size(void) { return (long)sizeof(struct input_event); }

// input_event's time fields are macros on some libcs (input_event_sec); read them in C.
static inline long long packstation_input_event_sec(const struct input_event *ev) { return (long long)ev->input_event_sec; }
static inline long long packstation_input_event_usec(const struct input_event *ev) { return (long long)ev->input_event_usec; }
static inline long long packstation_input_event_sec_v(struct input_event ev) { return (long long)ev.input_event_sec; }
static inline long long packstation_input_event_usec_v(struct input_event ev) { return (long long)ev.input_event_usec; }
