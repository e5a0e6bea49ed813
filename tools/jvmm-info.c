// SPDX-License-Identifier: GPL-2.0
/*
 * jvmm-info - say whether /dev/jvmm (or any KVM-compatible device) answers,
 * and with which API version.
 *
 * Exit status: 0 when the device speaks KVM API version 12, 1 when it
 * answers something else or the ioctl fails, 2 for bad usage or a device
 * that cannot be opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "jvmm.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: jvmm-info [--device PATH]\n"
		"Print the KVM API version that a jvmm (or KVM) device reports.\n"
		"\n"
		"  -d, --device PATH  device to ask (default %s)\n"
		"  -h, --help         show this help\n"
		"\n"
		"Exit status: 0 if the device reports API version %d, 1 if it\n"
		"reports another or the ioctl fails, 2 if it cannot be opened.\n",
		JVMM_DEVICE_PATH, KVM_API_VERSION);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *device = JVMM_DEVICE_PATH;
	int opt, fd, version;

	while ((opt = getopt_long(argc, argv, "d:h", options, NULL)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "jvmm-info: unexpected argument '%s'; see --help\n",
			argv[optind]);
		return 2;
	}

	fd = open(device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "jvmm-info: %s: %s; is jvmm.ko loaded (insmod module/jvmm.ko) and are you root?\n",
			device, strerror(errno));
		return 2;
	}
	version = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (version < 0) {
		fprintf(stderr, "jvmm-info: %s: KVM_GET_API_VERSION: %s\n",
			device, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	printf("%s: KVM API version %d\n", device, version);
	if (version != KVM_API_VERSION) {
		fprintf(stderr, "jvmm-info: %s: expected API version %d\n",
			device, KVM_API_VERSION);
		return 1;
	}
	return 0;
}
