// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - the guest's serial console on jlaunch's own stdin/stdout.
 *
 * Raw mode is the least a terminal needs for a guest that echoes and
 * edits its own line: no canonical mode, no local echo, no CR/NL
 * translation on input.  Two things are kept on purpose: ISIG, so Ctrl-C
 * reaches jlaunch and always works, and output post-processing, so a guest
 * that prints "\n" (as JOS does) gets a new line, as QEMU also arranges.
 *
 * Input is never read with the descriptor in O_NONBLOCK: stdin's file
 * status flags are shared with the shell that started us and would
 * outlive us.  poll() with a zero timeout says whether read() can block.
 */
#include "console.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_termios, raw_termios;
static volatile int termios_saved;	/* read from signal handlers */

static uint8_t in_buf[512];
static size_t in_head, in_len;
static bool input_closed;
static bool escape_pending;
static bool quit_requested, stats_requested;

static uint8_t out_buf[4096];
static size_t out_len;
static bool output_broken;	/* stdout went away: drop output, keep running */

static char watch_text[256];
static size_t watch_len;
static char watch_window[256];
static size_t window_len;
static bool watch_matched;

static uint64_t bytes_out, bytes_in;
static uint8_t last_byte_out = '\n';

int console_open(void)
{
	struct termios raw;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_termios))
		return 0;	/* a pipe or a file: nothing to set up */
	raw = saved_termios;
	raw.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
	raw.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN);
	raw.c_cflag = (raw.c_cflag & ~(CSIZE | PARENB)) | CS8;
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	raw_termios = raw;
	termios_saved = 1;
	if (tcsetattr(STDIN_FILENO, TCSANOW, &raw)) {
		termios_saved = 0;
		return -1;
	}
	return 0;
}

void console_restore(void)
{
	/* tcsetattr() is async-signal-safe; this runs from fatal-signal handlers. */
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
}

/*
 * Ctrl-Z: the shell gets its terminal back as it was while we are
 * stopped, and raw mode returns when we are continued.  Only
 * async-signal-safe calls in here.
 */
static void on_stop_key(int sig)
{
	int saved_errno = errno;

	(void)sig;
	console_restore();
	/*
	 * SIGSTOP rather than SIGTSTP's default action, which the kernel
	 * ignores in an orphaned process group (a launcher started by
	 * something other than a job-control shell): the key must stop us.
	 */
	raise(SIGSTOP);
	/* SIGCONT: running again. */
	if (termios_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &raw_termios);
	errno = saved_errno;
}

void console_handle_stop_key(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_key;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, NULL);
}

static void escape_help(void)
{
	static const char help[] =
		"\njlaunch: Ctrl-A x  quit\n"
		"jlaunch: Ctrl-A s  print statistics\n"
		"jlaunch: Ctrl-A h  this help\n"
		"jlaunch: Ctrl-A Ctrl-A  send Ctrl-A to the guest\n";

	console_flush();
	fputs(help, stderr);
}

/* Takes Ctrl-A sequences out of fresh input; returns the bytes kept. */
static size_t filter_escapes(uint8_t *buf, size_t len)
{
	size_t i, kept = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (escape_pending) {
			escape_pending = false;
			switch (c) {
			case 'x': case 'X':
				quit_requested = true;
				break;
			case 's': case 'S':
				stats_requested = true;
				break;
			case CONSOLE_ESCAPE_KEY:
				buf[kept++] = c;
				break;
			default:
				escape_help();
				break;
			}
		} else if (c == CONSOLE_ESCAPE_KEY) {
			escape_pending = true;
		} else {
			buf[kept++] = c;
		}
	}
	return kept;
}

static void fill_input(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	ssize_t n;

	if (in_len || input_closed)
		return;
	if (poll(&pfd, 1, 0) <= 0)
		return;
	n = read(STDIN_FILENO, in_buf, sizeof(in_buf));
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
		/* End of a piped script, or a hung-up terminal: no more input. */
		input_closed = true;
		return;
	}
	if (n < 0)
		return;
	in_head = 0;
	in_len = filter_escapes(in_buf, (size_t)n);
}

int console_read_byte(void *ctx)
{
	(void)ctx;
	fill_input();
	if (!in_len) {
		/* The guest waits for input: show it everything it said first. */
		console_flush();
		return -1;
	}
	in_len--;
	bytes_in++;
	return in_buf[in_head++];
}

void console_wait_input(int timeout_ms)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	if (in_len)
		return;
	console_flush();
	/* A signal (Ctrl-C, the --timer tick) ends the wait early, as it should. */
	poll(input_closed ? NULL : &pfd, input_closed ? 0 : 1, timeout_ms);
}

static void watch_byte(uint8_t c)
{
	if (!watch_len || watch_matched)
		return;
	if (window_len == watch_len) {
		memmove(watch_window, watch_window + 1, watch_len - 1);
		window_len--;
	}
	watch_window[window_len++] = (char)c;
	if (window_len == watch_len && !memcmp(watch_window, watch_text, watch_len))
		watch_matched = true;
}

void console_write_byte(void *ctx, uint8_t byte)
{
	(void)ctx;
	bytes_out++;
	last_byte_out = byte;
	watch_byte(byte);
	if (out_len == sizeof(out_buf))
		console_flush();
	out_buf[out_len++] = byte;
	if (byte == '\n')
		console_flush();
}

void console_flush(void)
{
	size_t done = 0;

	while (done < out_len && !output_broken) {
		ssize_t n = write(STDOUT_FILENO, out_buf + done, out_len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			output_broken = true;	/* EPIPE and friends: SIGPIPE is ignored */
			break;
		}
		done += (size_t)n;
	}
	out_len = 0;
}

bool console_quit_requested(void)
{
	return quit_requested;
}

bool console_take_stats_request(void)
{
	bool was = stats_requested;

	stats_requested = false;
	return was;
}

void console_watch_for(const char *text)
{
	watch_len = strlen(text);
	if (watch_len > sizeof(watch_text))
		watch_len = sizeof(watch_text);
	memcpy(watch_text, text, watch_len);
	window_len = 0;
	watch_matched = false;
}

bool console_watch_matched(void)
{
	return watch_matched;
}

bool console_mid_line(void)
{
	return last_byte_out != '\n';
}

uint64_t console_bytes_out(void)
{
	return bytes_out;
}

uint64_t console_bytes_in(void)
{
	return bytes_in;
}
