// SPDX-License-Identifier: GPL-2.0
/*
 * serial-bridge - the live demo's interactive line: the user's terminal on
 * one side, the test VM's second serial port (Bochs "socket-client", or a
 * QEMU "tcp" chardev) on the other.
 *
 *   serial-bridge PORT-FILE
 *
 * Listens on 127.0.0.1 on a free port, writes the port number to
 * PORT-FILE, accepts one connection, then copies the terminal to the
 * socket and the socket to the terminal until either side ends.  While
 * connected the terminal passes keys one by one without echo; ISIG stays,
 * so Ctrl-C still stops the whole run.  The terminal is restored on every
 * way out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static volatile sig_atomic_t have_saved;

static void restore(void)
{
	if (have_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
}

static void on_signal(int sig)
{
	restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

static int copy(int from, int to)
{
	char buf[1024];
	ssize_t n = read(from, buf, sizeof(buf));
	ssize_t done = 0;

	if (n <= 0)
		return -1;
	while (done < n) {
		ssize_t w = write(to, buf + done, (size_t)(n - done));

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		done += w;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	struct pollfd fds[2];
	struct termios raw;
	int listener, conn;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: serial-bridge PORT-FILE\n");
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(listener, 1) || getsockname(listener, (struct sockaddr *)&addr, &len)) {
		perror("serial-bridge: listen");
		return 1;
	}
	f = fopen(argv[1], "w");
	if (!f || fprintf(f, "%u\n", ntohs(addr.sin_port)) < 0 || fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	conn = accept(listener, NULL, NULL);
	if (conn < 0) {
		perror("serial-bridge: accept");
		return 1;
	}
	close(listener);

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &saved)) {
		raw = saved;
		raw.c_lflag &= ~(ICANON | ECHO | IEXTEN);
		raw.c_iflag &= ~(ICRNL | IXON);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		have_saved = 1;
		atexit(restore);
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	fds[0] = (struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = conn, .events = POLLIN };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((fds[0].revents & (POLLIN | POLLHUP)) && copy(STDIN_FILENO, conn))
			break;
		if ((fds[1].revents & (POLLIN | POLLHUP | POLLERR)) && copy(conn, STDOUT_FILENO))
			break;
	}
	return 0;
}
