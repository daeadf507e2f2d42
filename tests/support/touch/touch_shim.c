/*
 * Test-only: gives cage a touch screen on its headless backend, driven through a FIFO.
 *
 * Wayland has no virtual-touch protocol and test machines have no /dev/uinput, so this library is
 * preloaded into cage (LD_PRELOAD). It wraps wlr_backend_autocreate (to learn cage's event loop) and
 * wlr_backend_start (to announce one wlroots touch device on cage's backend once cage listens for
 * input), then reads lines from $TOUCH_FIFO:
 *     d ID X Y    finger ID down at X, Y (0..1 of the output)
 *     m ID X Y    finger ID moves
 *     u ID        finger ID lifts
 * Each line is followed by a frame event, as a real panel sends. It never ships in the product.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wayland-server-core.h>
#include <wlr/backend.h>
#include <wlr/interfaces/wlr_touch.h>
#include <wlr/types/wlr_touch.h>

static struct wl_event_loop *loop;
static struct wlr_touch touch;
static const struct wlr_touch_impl impl = {.name = "alt-kiosk-test-touch"};
static char line[256];
static size_t used;

static uint32_t now_msec(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static void run_command(const char *text) {
	int id;
	double x, y;
	if (sscanf(text, "d %d %lf %lf", &id, &x, &y) == 3) {
		struct wlr_touch_down_event event = {.touch = &touch, .time_msec = now_msec(), .touch_id = id, .x = x, .y = y};
		wl_signal_emit_mutable(&touch.events.down, &event);
	} else if (sscanf(text, "m %d %lf %lf", &id, &x, &y) == 3) {
		struct wlr_touch_motion_event event = {.touch = &touch, .time_msec = now_msec(), .touch_id = id, .x = x, .y = y};
		wl_signal_emit_mutable(&touch.events.motion, &event);
	} else if (sscanf(text, "u %d", &id) == 1) {
		struct wlr_touch_up_event event = {.touch = &touch, .time_msec = now_msec(), .touch_id = id};
		wl_signal_emit_mutable(&touch.events.up, &event);
	} else {
		fprintf(stderr, "touch-shim: not understood: %s\n", text);
		return;
	}
	wl_signal_emit_mutable(&touch.events.frame, NULL);
}

static int on_fifo(int fd, uint32_t mask, void *data) {
	(void)mask;
	(void)data;
	ssize_t got = read(fd, line + used, sizeof(line) - 1 - used);
	if (got <= 0) {
		return 0; /* no writer right now; the FIFO stays open for the next one */
	}
	used += (size_t)got;
	line[used] = '\0';
	char *start = line, *end;
	while ((end = strchr(start, '\n')) != NULL) {
		*end = '\0';
		run_command(start);
		start = end + 1;
	}
	used = strlen(start);
	memmove(line, start, used);
	return 0;
}

struct wlr_backend *wlr_backend_autocreate(struct wl_event_loop *event_loop, struct wlr_session **session) {
	struct wlr_backend *(*real)(struct wl_event_loop *, struct wlr_session **) =
		dlsym(RTLD_NEXT, "wlr_backend_autocreate");
	loop = event_loop;
	return real(event_loop, session);
}

bool wlr_backend_start(struct wlr_backend *backend) {
	bool (*real)(struct wlr_backend *) = dlsym(RTLD_NEXT, "wlr_backend_start");
	bool started = real(backend);
	const char *path = getenv("TOUCH_FIFO");
	/* Called again for each backend inside cage's multi-backend: add the device once. */
	static bool added = false;
	if (started && path && loop && !added) {
		added = true;
		/* O_RDWR: the FIFO never reports end-of-file when a writer closes it. */
		int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			perror("touch-shim: open TOUCH_FIFO");
			return started;
		}
		wlr_touch_init(&touch, &impl, "alt-kiosk-test-touch");
		wl_signal_emit_mutable(&backend->events.new_input, &touch.base);
		wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE, on_fifo, NULL);
		fprintf(stderr, "touch-shim: touch device added, reading %s\n", path);
	}
	return started;
}
