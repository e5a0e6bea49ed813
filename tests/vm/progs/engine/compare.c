// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - jvmm-engine-test --compare KVM_LOG JVMM_LOG [--known FILE]
 *
 * Reads the output of a run on /dev/kvm (the reference) and one on
 * /dev/jvmm and decides, per scenario:
 *   - the scenario failed on KVM: FAIL (the test is wrong, or the VM is);
 *   - jvmm-only (skipped on KVM): it must pass on jvmm;
 *   - otherwise every key of the two result lines must have the same value.
 *     A different value is a known difference if FILE lists the scenario
 *     with that key (or "*"), else a FAIL.  jvmm failing its own checks is
 *     accepted only where some of its result keys differ in known ways.
 * Known differences that no longer occur are pointed out (remove them).
 *
 * FILE: one "<scenario> <key|*> <reason>" a line; '#' starts a comment.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SCN		64
#define MAX_KV		96
#define MAX_KNOWN	64

struct kv {
	char key[48];
	char val[640];
};

struct rec {
	char name[48];
	char status[16];	/* from "end:"; "" if the run never got there */
	bool has_result;
	int fails;
	struct kv kv[MAX_KV];
	int nkv;
};

struct log {
	struct rec r[MAX_SCN];
	int n;
};

struct known {
	char scn[48];
	char key[48];
	char reason[256];
	bool used;
};

static struct log kvm, jv;

/* strlcpy: copy what fits, always terminated. */
static void copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}
static struct known known[MAX_KNOWN];
static int nknown;

static struct rec *get_rec(struct log *l, const char *name, bool create)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->r[i].name, name))
			return &l->r[i];
	if (!create || l->n >= MAX_SCN)
		return NULL;
	memset(&l->r[l->n], 0, sizeof(l->r[0]));
	copy(l->r[l->n].name, sizeof(l->r[0].name), name);
	return &l->r[l->n++];
}

/* "TAG: NAME: ..." or "TAG: NAME rest": copy NAME. */
static const char *word(const char *p, char *out, size_t len, const char *stops)
{
	size_t i = 0;

	while (*p == ' ')
		p++;
	while (*p && !strchr(stops, *p) && i + 1 < len)
		out[i++] = *p++;
	out[i] = 0;
	return p;
}

static int read_log(const char *path, struct log *l)
{
	char line[8192], name[48], tok[800];
	FILE *f = fopen(path, "r");
	struct rec *r;
	const char *p;

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "result: ", 8)) {
			p = word(line + 8, name, sizeof(name), " ");
			r = get_rec(l, name, true);
			if (!r)
				continue;
			r->has_result = true;
			while (*p) {
				char *eq;

				p = word(p, tok, sizeof(tok), " ");
				eq = strchr(tok, '=');
				if (!tok[0] || !eq || r->nkv >= MAX_KV)
					continue;
				*eq = 0;
				copy(r->kv[r->nkv].key, sizeof(r->kv[0].key), tok);
				copy(r->kv[r->nkv].val, sizeof(r->kv[0].val), eq + 1);
				r->nkv++;
			}
		} else if (!strncmp(line, "FAIL: ", 6)) {
			word(line + 6, name, sizeof(name), ": ");
			r = get_rec(l, name, true);
			if (r)
				r->fails++;
		} else if (!strncmp(line, "end: ", 5)) {
			p = word(line + 5, name, sizeof(name), " ");
			r = get_rec(l, name, true);
			if (r)
				word(p, r->status, sizeof(r->status), " ");
		}
	}
	fclose(f);
	return 0;
}

static int read_known(const char *path)
{
	char line[512];
	FILE *f;
	char *p;

	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) && nknown < MAX_KNOWN) {
		struct known *k = &known[nknown];
		const char *q;

		line[strcspn(line, "\r\n")] = 0;
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (!*p || *p == '#')
			continue;
		q = word(p, k->scn, sizeof(k->scn), " \t");
		q = word(q, k->key, sizeof(k->key), " \t");
		while (isspace((unsigned char)*q))
			q++;
		copy(k->reason, sizeof(k->reason), q);
		if (!k->key[0] || !k->reason[0]) {
			fprintf(stderr, "known differences: '%s': want '<scenario> <key|*> <reason>'\n", line);
			fclose(f);
			return -1;
		}
		nknown++;
	}
	fclose(f);
	return 0;
}

static struct known *find_known(const char *scn, const char *key)
{
	int i;

	for (i = 0; i < nknown; i++)
		if (!strcmp(known[i].scn, scn) &&
		    (!strcmp(known[i].key, key) || !strcmp(known[i].key, "*")))
			return &known[i];
	return NULL;
}

static bool any_known(const char *scn)
{
	int i;

	for (i = 0; i < nknown; i++)
		if (!strcmp(known[i].scn, scn))
			return true;
	return false;
}

static const char *val_of(const struct rec *r, const char *key)
{
	int i;

	if (!r)
		return "(missing)";
	for (i = 0; i < r->nkv; i++)
		if (!strcmp(r->kv[i].key, key))
			return r->kv[i].val;
	return r->has_result ? "(absent)" : "(no-result)";
}

static int failures, same, known_seen;

static void cmp_fail(const char *scn, const char *fmt, const char *a, const char *b)
{
	printf("FAIL: compare: %s: ", scn);
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

/* Compare every key of k and j; returns the number of differences. */
static int diff_keys(const struct rec *k, const struct rec *j, int *unknown)
{
	const struct rec *sides[2] = { k, j };
	int s, i, diffs = 0;

	*unknown = 0;
	for (s = 0; s < 2; s++) {
		for (i = 0; i < sides[s]->nkv; i++) {
			const char *key = sides[s]->kv[i].key;
			const char *kv = val_of(k, key), *jvv = val_of(j, key);
			struct known *kn;

			if (s == 1 && k->has_result && strcmp(kv, "(absent)"))
				continue;	/* compared in the first pass */
			if (!strcmp(kv, jvv))
				continue;
			diffs++;
			kn = find_known(k->name, key);
			if (kn) {
				kn->used = true;
				known_seen++;
				printf("known: %s: %s: kvm=%s jvmm=%s -- %s\n", k->name, key,
				       kv, jvv, kn->reason);
			} else {
				char what[128];

				(*unknown)++;
				snprintf(what, sizeof(what), "%s: kvm=%%s, jvmm=%%s", key);
				cmp_fail(k->name, what, kv, jvv);
			}
		}
	}
	if (!j->has_result && k->has_result) {
		struct known *kn = find_known(k->name, "*");

		if (!diffs) {
			diffs++;
			if (kn) {
				kn->used = true;
				known_seen++;
				printf("known: %s: no result line on jvmm -- %s\n", k->name, kn->reason);
			} else {
				(*unknown)++;
				cmp_fail(k->name, "no result line on jvmm%s%s", "", "");
			}
		}
	}
	return diffs;
}

static void compare_one(const char *name)
{
	struct rec *k = get_rec(&kvm, name, false), *j = get_rec(&jv, name, false);
	int diffs, unknown;

	if (!k || !k->status[0]) {
		cmp_fail(name, "no outcome on KVM (the run did not get there)%s%s", "", "");
		return;
	}
	if (strcmp(k->status, "pass") && strcmp(k->status, "skip")) {
		cmp_fail(name, "%s on KVM, the reference: the test or the VM is wrong%s", k->status, "");
		return;
	}
	if (!j || !j->status[0]) {
		if (find_known(name, "*")) {
			find_known(name, "*")->used = true;
			known_seen++;
			printf("known: %s: no outcome on jvmm -- %s\n", name, find_known(name, "*")->reason);
			return;
		}
		cmp_fail(name, "no outcome on jvmm (the run did not get there; crash?)%s%s", "", "");
		return;
	}
	if (!strcmp(k->status, "skip")) {
		if (!strcmp(j->status, "pass")) {
			printf("compare: %s: jvmm-only, passed on jvmm\n", name);
			same++;
		} else if (find_known(name, "*")) {
			find_known(name, "*")->used = true;
			known_seen++;
			printf("known: %s: jvmm-only, %s on jvmm -- %s\n", name, j->status,
			       find_known(name, "*")->reason);
		} else {
			cmp_fail(name, "jvmm-only scenario: %s on jvmm%s", j->status, "");
		}
		return;
	}
	diffs = diff_keys(k, j, &unknown);
	if (strcmp(j->status, "pass")) {
		if (unknown) {
			/* already a failure: its differences are listed above */
			printf("compare: %s: (%s on jvmm)\n", name, j->status);
		} else if (!any_known(name)) {
			cmp_fail(name, "%s on jvmm, passes on KVM%s", j->status, "");
		} else if (!diffs) {
			cmp_fail(name, "%s on jvmm although every result key matches KVM's%s",
				 j->status, "");
		} else if (!unknown) {
			printf("known: %s: %s on jvmm (its FAIL lines above are the known differences)\n",
			       name, j->status);
		}
		return;
	}
	if (!diffs) {
		printf("compare: %s: same (%d keys)\n", name, k->nkv);
		same++;
	}
}

int compare_main(const char *kvm_log, const char *jvmm_log, const char *known_file)
{
	int i;

	if (read_log(kvm_log, &kvm) || read_log(jvmm_log, &jv) || read_known(known_file))
		return 2;
	for (i = 0; i < kvm.n; i++)
		compare_one(kvm.r[i].name);
	for (i = 0; i < jv.n; i++)
		if (!get_rec(&kvm, jv.r[i].name, false))
			compare_one(jv.r[i].name);
	for (i = 0; i < nknown; i++)
		if (!known[i].used && (get_rec(&kvm, known[i].scn, false) ||
				       get_rec(&jv, known[i].scn, false)))
			printf("note: KNOWN_DIFFERENCES entry '%s %s' did not occur: remove it if the feature landed\n",
			       known[i].scn, known[i].key);
	printf("compare: %d scenarios the same, %d known differences, %d failures\n",
	       same, known_seen, failures);
	return failures ? 1 : 0;
}
